package engine_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/stretchr/testify/require"
)

// A Lot that fills months another lot priced and dropped prices every
// month exactly as with new months: results, credits, explanations, with
// the example's amendments, quarterly KPI, triggers and bonus points.
func TestRecycledMonthsAreAsNew(t *testing.T) {
	rb, ds, _ := example(t)
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	var spent []*engine.LotMonth // the last lot's months, done with
	for _, lot := range ds.Lots {
		fresh, again := terms.NewLot(), terms.NewLot()
		again.Recycle(spent)
		var priced []*engine.LotMonth
		for i := range lot.Rows {
			a, err := fresh.Month(&lot.Rows[i], nil)
			require.NoError(t, err)
			b, err := again.Month(&lot.Rows[i], nil)
			require.NoError(t, err)
			require.Equal(t, a.Results, b.Results, "%s %s", lot.Name(), lot.Rows[i].Month)
			require.Equal(t, a.Credits, b.Credits, "%s %s", lot.Name(), lot.Rows[i].Month)
			priced = append(priced, b)
		}
		if spent != nil {
			require.Same(t, spent[0], priced[len(priced)-1], "the recycled months are filled, last first")
		}
		spent = priced
	}
}
