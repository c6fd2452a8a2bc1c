package runner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// A sweep whose values the measure's expression puts out of reach is
// reported once, at its first such value, as the loader reports sweeps.
func TestCheckReportsOneMemberPerSweep(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(`contract: X
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, late: int, jobs: int}
kpis:
  - {id: K1, measure: late / jobs, direction: lower, target: 0.1, credit: {fixed: {minor: 1}}}
scenarios:
  - {id: s, sweep: {kpi: K1, field: target, values: [0.05, -0.1, -0.2, 0]}}
  - {id: t, kpis: {K1: {target: -1}}}
`), nil)
	require.NoError(t, err, "the loader cannot know the measure's range")
	err = kpi.Check(rb, rb.Scenarios)
	var ve *rules.ValidationError
	require.ErrorAs(t, err, &ve)
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Error())
	}
	require.Equal(t, []string{
		`r.yaml:9:60: scenarios.s/target=-0.1.K1.target: -0.1 can never be met: the measure "late / jobs" is never below 0`,
		`r.yaml:10:33: scenarios.t.K1.target: -1 can never be met: the measure "late / jobs" is never below 0`,
	}, got)
}

// A scenario that gives a measure a range checks the data against it from
// its first month, though the baseline, with the same expression, does
// not: the scenario evaluates the measure itself rather than reuse the
// baseline's values. North's nights are 18.5 in January (before the
// scenario), then 22, 25 and 19.
func TestScenarioRangeIsChecked(t *testing.T) {
	job := smallJob(t)
	require.NoError(t, job.Rules.ReadScenarios("s.yaml", strings.NewReader(`id: nights-capped
from: 2025-02
kpis:
  K2: {range: [20, null]}
`)))
	_, err := runner.Run(context.Background(), runner.Job{Rules: job.Rules, Data: job.Data, Relief: job.Relief})
	var ee *kpi.EvalError
	require.ErrorAs(t, err, &ee)
	require.ErrorIs(t, err, kpi.ErrOutOfRange)
	require.Equal(t, "../testdata/small/small.yaml:26:14: K2.measure: nights failed for scenario nights-capped, lot Acme / North, 2025-04: "+
		"gives 19, outside [20, null], the KPI's range: measure out of range", err.Error())
}
