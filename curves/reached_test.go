package curves

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestReachedLevels requires the levels reachedLevels finds to be those
// classifying every observed measure gives, for KPIs of either direction
// with and without bounds, over measures at, between and beyond them.
func TestReachedLevels(t *testing.T) {
	dec := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	for _, tc := range []struct {
		name   string
		dir    rules.Direction
		target string
		bounds [4]*decimal.Decimal
	}{
		{name: "higher, no bounds", dir: rules.Higher, target: "0.95"},
		{name: "higher, three bounds", dir: rules.Higher, target: "0.95",
			bounds: [4]*decimal.Decimal{nil, dec("0.9"), dec("0.85"), dec("0.8")}},
		{name: "lower, one bound", dir: rules.Lower, target: "10", bounds: [4]*decimal.Decimal{nil, nil, dec("20"), nil}},
		{name: "lower, a bound at the target", dir: rules.Lower, target: "10",
			bounds: [4]*decimal.Decimal{nil, dec("10"), dec("12"), dec("12.0")}},
	} {
		k := &rules.KPI{ID: "K", Direction: tc.dir, Target: decimal.RequireFromString(tc.target), Bounds: tc.bounds}
		anchors := thresholds(k)
		rng := rand.New(rand.NewPCG(1, 2))
		for trial := range 200 {
			t.Run(fmt.Sprintf("%s/%d", tc.name, trial), func(t *testing.T) {
				var observed []decimal.Decimal
				for range rng.IntN(6) {
					a := anchors[rng.IntN(len(anchors))]
					observed = append(observed, a.Add(decimal.New(int64(rng.IntN(5)-2), -2))) // at, beside, beyond
				}
				slices.SortFunc(observed, decimal.Decimal.Cmp)
				observed = slices.CompactFunc(observed, decimal.Decimal.Equal)
				want := map[rules.Status]bool{}
				for _, m := range observed {
					want[k.Classify(m)] = true
				}
				require.Equal(t, want, reachedLevels(k, observed), "observed %v", observed)
			})
		}
	}
}
