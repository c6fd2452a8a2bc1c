package runner_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestRunSumIsRunTotalAdd adds the same lot-months with RunSum and with
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
			want, got := runner.NewRunTotal(), runner.RunSum{}
			for range 2000 {
				m := runner.MonthTotal{Charge: fig(), BeforeCap: fig(), Cap: fig(), HasCap: rng.IntN(2) == 0,
					Credits: fig(), EarnBack: fig(), Failures: rng.IntN(3), Measured: rng.IntN(5), Triggers: rng.IntN(2)}
				want.Add(&m)
				got.Add(&m)
			}
			str := func(r runner.RunTotal) string {
				return fmt.Sprint(r.Charge, r.Charge.Exponent(), r.BeforeCap, r.BeforeCap.Exponent(), r.Credits,
					r.Credits.Exponent(), r.EarnBack, r.EarnBack.Exponent(), r.Failures, r.Measured, r.CappedMonths, r.Triggers)
			}
			require.Equal(t, str(want), str(got.Total()))
		})
	}
}
