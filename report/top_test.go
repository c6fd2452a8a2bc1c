package report

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestKeepTop requires keepTop, fed lot-months in order, to keep what a
// stable sort on credits, largest first, puts first: ties in the order
// they came, credits beyond fixed point among them.
func TestKeepTop(t *testing.T) {
	for _, tc := range []struct {
		name    string
		credits []string
		n       int
	}{
		{name: "none", n: 3},
		{name: "fewer than n", credits: []string{"1", "3", "2"}, n: 5},
		{name: "ties keep their order", credits: []string{"2", "1", "2.00", "3", "2.0", "1"}, n: 4},
		{name: "n is zero", credits: []string{"1"}, n: 0},
		{name: "beyond fixed point", credits: []string{"5", "123456789012345678901", "7", "123456789012345678901.0", "6"}, n: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var all, top []ranked
			for i, c := range tc.credits {
				r := newRanked(i, 0, decimal.RequireFromString(c))
				all = append(all, r)
				top = keepTop(top, r, tc.n)
			}
			slices.SortStableFunc(all, func(a, b ranked) int { return b.credits.Cmp(a.credits) })
			want := all[:min(tc.n, len(all))]
			require.Equal(t, len(want), len(top))
			for i := range want {
				require.Equal(t, want[i].lot, top[i].lot, "place %d", i)
			}
		})
	}
}
