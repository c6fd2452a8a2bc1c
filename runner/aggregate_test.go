package runner

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// exact says whether two decimals are the same coefficient and exponent:
// what the outputs write.
func exact(t *testing.T, want, got decimal.Decimal, msg string) {
	t.Helper()
	require.Truef(t, want.Equal(got) && want.Exponent() == got.Exponent(), "%s: want %s (exp %d), got %s (exp %d)",
		msg, want, want.Exponent(), got, got.Exponent())
}

// Totals the same as the other's are the other's slice; a lot whose one
// KPI differs shares the others' decimals and has its own slice.
func TestKPISumsShareTheLike(t *testing.T) {
	sums := func(credits ...string) kpiSums {
		var ks kpiSums
		for i, c := range credits {
			k := ks.find(i, string(rune('A'+i)))
			k.credits.Add(decimal.RequireFromString(c))
			k.failures = i
		}
		return ks
	}
	base := sums("1.50", "2.25", "3").totals(nil)
	for _, tc := range []struct {
		name      string
		ks        kpiSums
		sameSlice bool
		shared    []bool // by KPI: its Credits is base's decimal
	}{
		{"all the same", sums("1.50", "2.25", "3"), true, []bool{true, true, true}},
		{"one differs", sums("1.50", "2.26", "3"), false, []bool{true, false, true}},
		{"one more KPI", sums("1.50", "2.25", "3", "4"), false, []bool{true, true, true, false}},
		{"other exponent", sums("1.5", "2.25", "3"), false, []bool{false, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.ks.totals(base)
			require.Len(t, got, len(tc.ks))
			require.Equal(t, tc.sameSlice, &got[0] == &base[0])
			for i, k := range tc.ks {
				exact(t, k.credits.Decimal(), got[i].Credits, k.id)
				if i < len(base) {
					require.Equal(t, tc.shared[i], got[i].Credits == base[i].Credits, k.id)
				}
			}
		})
	}
}
