package output

import (
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// Every column of every table beside the scenario's and lot's keys and
// the month is one rules.IsOutputColumn names, so that a rulebook whose key
// would clash with one is refused when it is loaded, not when written.
func TestOutputColumnsAreReserved(t *testing.T) {
	res := &runner.Result{Rules: &rules.Rulebook{Keys: []string{"provider", "region"}}}
	tables := []outTable{kpiResults(res), creditTable(res), comparisonTable(res), triggerTable(res), reconciliationTable(res)}
	for _, tb := range tables {
		for _, c := range tb.cols[1+len(res.Rules.Keys):] {
			if c.name != rules.MonthColumn {
				require.True(t, rules.IsOutputColumn(c.name), "%s.%s", tb.name, c.name)
			}
		}
	}
	require.True(t, rules.IsOutputColumn("scenario"), "the first column of every table")
}
