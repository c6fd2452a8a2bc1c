package curves_test

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// original is the example contract's first month: curves at it show the
// terms as first agreed, before any amendment, as the hand-worked cases
// do.
var original = rules.NewMonth(2024, 9)

// example loads the example contract's rulebook.
func example(t testing.TB) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	require.NoError(t, err)
	return rb
}

// exampleData evaluates the example contract's data under its baseline
// rules, as a run does, and records what the curves need.
func exampleData(t testing.TB, rb *rules.Rulebook) *curves.Data {
	t.Helper()
	f, err := os.Open("../examples/aasc/data.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	prog, err := kpi.Compile(rb)
	require.NoError(t, err)
	ev := prog.NewEvaluator()
	data := curves.NewData()
	head := recs[0]
	for _, rec := range recs[1:] {
		row := kpi.Row{Keys: rec[:len(rb.Keys)]}
		row.Month, err = rules.ParseMonth(rec[len(rb.Keys)])
		require.NoError(t, err)
		for i, fld := range rb.Fields {
			require.Equal(t, fld.Name, head[len(rb.Keys)+1+i])
			row.Values = append(row.Values, d(rec[len(rb.Keys)+1+i]))
		}
		res, err := ev.Evaluate(&row, nil)
		require.NoError(t, err)
		data.AddCharge(strings.Join(row.Keys, "/"), row.Values[0].(decimal.Decimal))
		for i, k := range rb.KPIs {
			data.AddResult(k.ID, res[i])
		}
	}
	return data
}
