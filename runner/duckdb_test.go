package runner_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/kpicredit/kpicredit/report"

	"github.com/kpicredit/kpicredit/internal/duckdbtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// DuckDB reads the example's outputs with the declared types, and its
// totals agree with the engine's to the penny.
func TestDuckDBReadsOutputs(t *testing.T) {
	dir := t.TempDir()
	job, inputs := exampleJob(t)
	res := runInto(t, job, inputs, dir)
	f := func(name string) string { return filepath.Join(dir, name) }
	out := duckdbtest.Query(t,
		"DESCRIBE SELECT * FROM '"+f("kpi_results.parquet")+"'",
		"DESCRIBE SELECT * FROM '"+f("credits.parquet")+"'",
		"SELECT scenario, sum(credits)::VARCHAR AS credits, sum(charge)::VARCHAR AS charge, count(*) AS n FROM '"+f("credits.parquet")+"' GROUP BY scenario ORDER BY scenario",
		"SELECT sum(credit)::VARCHAR AS credit, sum(earn_back)::VARCHAR AS earn_back FROM '"+f("kpi_results.parquet")+"' WHERE scenario = 'baseline'",
		"SELECT sum(difference)::VARCHAR AS difference FROM '"+f("comparison.parquet")+"' WHERE scenario = 'without-ccn-007'",
		"SELECT count(*)::VARCHAR AS n FROM '"+f("triggers.parquet")+"' WHERE scenario = 'baseline'",
	)
	types := func(rows []duckdbtest.Row) map[string]string {
		m := map[string]string{}
		for _, r := range rows {
			m[r["column_name"].(string)] = r["column_type"].(string)
		}
		return m
	}
	kr := types(out[0])
	require.Equal(t, "DATE", kr["month"])
	require.Equal(t, "DECIMAL(18,2)", kr["credit"])
	require.Equal(t, "DECIMAL(38,16)", kr["measure"])
	require.Equal(t, "VARCHAR", kr["status"])
	require.Equal(t, "BIGINT", kr["streak"])
	cr := types(out[1])
	require.Equal(t, "DECIMAL(18,2)", cr["charge"])
	require.Equal(t, "DECIMAL(18,2)", cr["credits"])

	sum := report.Summarize(res)
	byScenario := map[string]duckdbtest.Row{}
	for _, r := range out[2] {
		byScenario[r["scenario"].(string)] = r
	}
	detailed := 0
	for _, run := range res.Runs {
		if run.Detailed() {
			detailed++
		}
	}
	require.Len(t, byScenario, detailed, "credits.parquet holds the runs that kept their detail")
	money := func(v any) decimal.Decimal { return decimal.RequireFromString(v.(string)) }
	require.True(t, sum.Baseline.Credits.Equal(money(byScenario["baseline"]["credits"])))
	require.True(t, sum.Baseline.Charge.Equal(money(byScenario["baseline"]["charge"])))
	for _, s := range sum.Scenarios {
		require.Truef(t, s.Credits.Equal(money(byScenario[s.ID]["credits"])), "scenario %s", s.ID)
	}
	require.True(t, sum.Baseline.Credits.Equal(money(out[3][0]["credit"])), "kpi_results sums to credits")
	require.True(t, sum.Baseline.EarnBack.Equal(money(out[3][0]["earn_back"])))
	require.True(t, sum.Scenarios[0].Diff.Equal(money(out[4][0]["difference"])))
	require.Equal(t, fmt.Sprint(len(res.Baseline().Triggers)), out[5][0]["n"], "triggers.parquet holds every trigger fired")
}
