package runner_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/output"
	"github.com/kpicredit/kpicredit/report"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// The small contract worked by hand: point value 250.00, monthly cap 5%.
func TestRunWorkedExample(t *testing.T) {
	res, err := runner.Run(context.Background(), smallJob(t))
	require.NoError(t, err)
	require.Len(t, res.Runs, 2)
	credit := func(run, lot, month int) string {
		return res.Runs[run].Lots[lot][month].Credits.Credits.StringFixed(2)
	}
	kpi := func(run, lot, month, k int) (string, rules.Status) {
		kc := res.Runs[run].Lots[lot][month].Credits.KPIs[k]
		return kc.Credit.StringFixed(2), kc.Status
	}
	// Acme / North, baseline.
	// Jan: K1 19/20 = 0.95, equal to the target: met; K2 18.5 nights <= 20: met.
	require.Equal(t, "0.00", credit(0, 0, 0))
	// Feb: K1 17/20 = 0.85: minor, 2 points x 250.00 = 500.00; K2 22 nights:
	// minor, sliding 10,000.00 x 2% x (22-20)/(30-20) = 40.00. 540.00 is over
	// the cap of 5% x 10,000.00 = 500.00; pro rata in pence: 50000 x 500/540 =
	// 46296.296, 50000 x 40/540 = 3703.703; the spare penny to K2.
	require.Equal(t, "500.00", credit(0, 0, 1))
	c, s := kpi(0, 0, 1, 0)
	require.Equal(t, "462.96", c)
	require.Equal(t, rules.Minor, s)
	c, _ = kpi(0, 0, 1, 1)
	require.Equal(t, "37.04", c)
	// Mar: K1 18/20 = 0.90: 2nd consecutive failure, x2: 1,000.00, capped to
	// 500.00; K2 is excused by the flooding relief.
	require.Equal(t, "500.00", credit(0, 0, 2))
	_, s = kpi(0, 0, 2, 1)
	require.Equal(t, rules.Excused, s)
	require.Equal(t, "Flooding closed the main hotel", res.Runs[0].Lots[0][2].Credits.KPIs[1].Reason)
	// Apr: K1 has 3 jobs, below min_volume 5: not measured.
	_, s = kpi(0, 0, 3, 0)
	require.Equal(t, rules.NotMeasured, s)

	// Acme / Wales, baseline: K2 never applies.
	_, s = kpi(0, 1, 0, 1)
	require.Equal(t, rules.NotApplicable, s)
	// Feb: 7/10 = 0.70, below serious 0.80: 5 x 250.00 = 1,250.00, capped at
	// 5% x 8,000.00 = 400.00.
	require.Equal(t, "400.00", credit(0, 1, 1))
	// Mar: 0/0: not measured, the streak stays at 1.
	_, s = kpi(0, 1, 2, 0)
	require.Equal(t, rules.NotMeasured, s)
	// Apr: 9/10 = 0.90: minor, 2nd consecutive failure x2 = 1,000.00, capped at 400.00.
	require.Equal(t, 2, res.Runs[0].Lots[1][3].Credits.KPIs[0].Streak)
	require.Equal(t, "400.00", credit(0, 1, 3))

	// The softer scenario from 2025-03: K1 target 0.90, no escalation. Jan
	// and Feb keep the baseline rules (North 500.00, Wales 400.00); from
	// March North's 0.90 and Wales's 0.90 are met.
	require.Equal(t, "500.00", credit(1, 0, 1))
	require.Equal(t, "0.00", credit(1, 0, 2))
	_, s = kpi(1, 0, 2, 0)
	require.Equal(t, rules.Met, s)
	require.Equal(t, "400.00", credit(1, 1, 1))
	require.Equal(t, "0.00", credit(1, 1, 3))

	sum := report.Summarize(res)
	require.Equal(t, "1800.00", sum.Baseline.Credits.StringFixed(2))
	require.Equal(t, "900.00", sum.Scenarios[0].Credits.StringFixed(2))
	require.Equal(t, "-900.00", sum.Scenarios[0].Diff.StringFixed(2))
	require.Equal(t, 4, sum.Baseline.CappedMonths)
}

// A scenario's streak carries across its From month: a failure under the
// baseline counts towards the scenario's escalation.
func TestScenarioStreakAcrossFrom(t *testing.T) {
	job := smallJob(t)
	require.NoError(t, job.Rules.ReadScenarios("s.yaml", strings.NewReader(`id: strict
from: 2025-03
kpis:
  K1: {target: 0.99, escalation: [1, 3]}
`)))
	job.Scenarios = job.Rules.Scenarios[1:]
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	// North: Feb fails under the baseline (streak 1); Mar 0.90 fails under
	// the scenario as the 2nd consecutive failure: 2 points x 250.00 x 3 =
	// 1,500.00 before the cap.
	kc := res.Runs[1].Lots[0][2].Credits.KPIs[0]
	require.Equal(t, 2, kc.Streak)
	require.Equal(t, "3", kc.Multiplier.String())
	require.Equal(t, "1500.00", kc.Amount.StringFixed(2))
}

// A Job built in code is checked before it runs: what would otherwise
// panic in a worker goroutine is an error the caller can handle.
func TestRunChecksTheJob(t *testing.T) {
	job := smallJob(t)
	lot := job.Data.Lots[0]
	withValue := func(v any) *input.Dataset {
		rows := slices.Clone(lot.Rows)
		rows[1].Values = slices.Clone(rows[1].Values)
		rows[1].Values[2] = v
		return &input.Dataset{Rules: job.Rules, Lots: []*input.LotData{{Keys: lot.Keys, Rows: rows}},
			First: job.Data.First, Last: job.Data.Last}
	}
	short := &input.Dataset{Rules: job.Rules, Lots: []*input.LotData{{Keys: lot.Keys, Rows: lot.Rows[:2]}},
		First: job.Data.First, Last: job.Data.Last}
	for _, tc := range []struct {
		name string
		job  runner.Job
		err  string
	}{
		{"no rulebook", runner.Job{Data: job.Data}, "runner: the job has no rulebook"},
		{"no data", runner.Job{Rules: job.Rules}, "runner: the job has no data"},
		{"nil scenario", runner.Job{Rules: job.Rules, Data: job.Data, Scenarios: []*rules.Scenario{nil}}, "runner: the job lists a nil scenario"},
		{"negative workers", runner.Job{Rules: job.Rules, Data: job.Data, Workers: -5}, "runner: the job's Workers is -5; it must be 0 (one per CPU) or more"},
		{"a float", runner.Job{Rules: job.Rules, Data: withValue(17.0)}, "runner: dataset: lot Acme / North, 2025-02: field fixed holds a float64"},
		{"a missing month", runner.Job{Rules: job.Rules, Data: short}, "runner: dataset: lot Acme / North has 2 rows for the 4 months 2025-01 to 2025-04"},
		{"no months", runner.Job{Rules: job.Rules, Data: &input.Dataset{Rules: job.Rules, First: 5, Last: 4}}, "runner: dataset: last month"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runner.Run(t.Context(), tc.job)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := runner.Run(ctx, smallJob(t))
	require.ErrorIs(t, err, context.Canceled)
}

// A number the data files allow can still lead to a value no output column
// holds: the run fails with a *RangeError naming the row, and creates
// nothing: not the directory, nor its parents.
func TestWriteValueTooLarge(t *testing.T) {
	src, err := os.ReadFile("../testdata/small/small.csv")
	require.NoError(t, err)
	// K2's measure is nights: 10^25 is beyond DECIMAL(38,16).
	huge := strings.Replace(string(src), "Acme,North,2025-02,10000.00,20,17,22\n",
		"Acme,North,2025-02,10000.00,20,17,10000000000000000000000000\n", 1)
	require.NotEqual(t, string(src), huge)
	ds, err := input.ReadCSV(small(t), "d.csv", strings.NewReader(huge))
	require.NoError(t, err)
	res, err := runner.Run(t.Context(), runner.Job{Rules: ds.Rules, Data: ds})
	require.NoError(t, err)
	root := t.TempDir()
	err = output.Write(t.Context(), res, output.Output{Dir: filepath.Join(root, "a", "b", "out")})
	var re *output.RangeError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "kpi_results.parquet", re.File)
	require.Equal(t, "measure", re.Column)
	require.Equal(t, "DECIMAL(38,16)", re.Type)
	require.Equal(t, []string{"scenario=baseline", "provider=Acme", "region=North", "month=2025-02", "kpi=K2"}, re.Row)
	require.True(t, runner.IsInvalidInput(err))
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Empty(t, entries)
}
