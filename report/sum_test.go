package report

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestRunSumIsRunTotalAdd adds the same lot-months with runSum and with
// runner.RunTotal.Add and requires the same totals, exponents included:
// figures at mixed places, caps cut or not, and figures beyond fixed
// point, which leave it.
func TestRunSumIsRunTotalAdd(t *testing.T) {
	for _, tc := range []struct {
		name string
		big  bool // some figures beyond int64
	}{{name: "fixed point"}, {name: "beyond fixed point", big: true}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 5))
			fig := func() decimal.Decimal {
				if tc.big && rng.IntN(50) == 0 {
					return decimal.RequireFromString("123456789012345678901.5")
				}
				return decimal.New(rng.Int64N(2_000_000)-1000, -int32(rng.IntN(4)))
			}
			want, got := runner.NewRunTotal(), runSum{}
			for range 2000 {
				m := runner.MonthTotal{Charge: fig(), BeforeCap: fig(), Cap: fig(), HasCap: rng.IntN(2) == 0,
					Credits: fig(), EarnBack: fig(), Failures: rng.IntN(3), Measured: rng.IntN(5), Triggers: rng.IntN(2)}
				want.Add(&m)
				got.add(&m)
			}
			str := func(r runner.RunTotal) string {
				return fmt.Sprint(r.Charge, r.Charge.Exponent(), r.BeforeCap, r.BeforeCap.Exponent(), r.Credits,
					r.Credits.Exponent(), r.EarnBack, r.EarnBack.Exponent(), r.Failures, r.Measured, r.CappedMonths, r.Triggers)
			}
			require.Equal(t, str(want), str(got.total()))
		})
	}
}

// TestSumOfNothingIsZero requires an empty sum to be decimal.Zero, as a
// total added to it would be.
func TestSumOfNothingIsZero(t *testing.T) {
	var s sum
	require.True(t, s.decimal().Equal(decimal.Zero))
	require.Equal(t, int32(0), s.decimal().Exponent())
}

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
