package runner_test

import (
	"context"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// A prepared baseline prices each scenario to the same figures as Run,
// under the same terms month by month (the example's scenarios revoke an
// amendment and apply over both): every lot-month's totals, every KPI's
// totals per lot, the run's total and the triggers fired, sweep members
// included.
func TestPreparedMatchesRun(t *testing.T) {
	job, _ := exampleJob(t)
	job.SweepDetail = true // so that Run keeps every member's months too
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	p, err := runner.Prepare(context.Background(), job)
	require.NoError(t, err)
	same := func(t *testing.T, want, got *runner.ScenarioRun) {
		t.Helper()
		require.Nil(t, got.Lots, "no KPI detail")
		require.Equal(t, want.Months, got.Months)
		require.Equal(t, want.KPIs, got.KPIs)
		require.Equal(t, want.Total, got.Total)
		require.Equal(t, want.Triggers, got.Triggers)
	}
	t.Run("baseline", func(t *testing.T) { same(t, res.Baseline(), p.Baseline()) })
	for i, sc := range job.Rules.Scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			got, err := p.RunScenario(context.Background(), sc)
			require.NoError(t, err)
			require.Equal(t, sc.ID, got.ID)
			same(t, res.Runs[i+1], got)
		})
	}
}

func TestPreparedErrors(t *testing.T) {
	job := smallJob(t)
	_, err := runner.Prepare(context.Background(), runner.Job{Rules: job.Rules})
	require.EqualError(t, err, "runner: the job has no data")

	p, err := runner.Prepare(context.Background(), job)
	require.NoError(t, err)
	require.Same(t, job.Rules, p.Rules())
	require.Same(t, job.Data, p.Job().Data)
	_, err = p.RunScenario(context.Background(), nil)
	require.EqualError(t, err, "runner: no scenario to run")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.RunScenario(ctx, job.Rules.Scenarios[0])
	require.ErrorIs(t, err, context.Canceled)
	_, err = runner.Prepare(ctx, job)
	require.ErrorIs(t, err, context.Canceled)
}

// Each comparison splits its difference into what the rules did and what
// the caps did: the amounts before caps are the sums of the KPI detail's
// amounts, and the two parts add up to the difference.
func TestComparisonSplitsRulesAndCaps(t *testing.T) {
	job, _ := exampleJob(t)
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	beforeCap := map[string]decimal.Decimal{} // run/lot/KPI -> sum of amounts
	earnBack := map[string]decimal.Decimal{}
	for _, run := range res.Runs {
		for li, months := range run.Lots {
			for _, lm := range months {
				for _, kc := range lm.Credits.KPIs {
					key := run.ID + "/" + res.Data.Lots[li].Name() + "/" + kc.KPI.ID
					beforeCap[key] = beforeCap[key].Add(kc.Amount)
					earnBack[key] = earnBack[key].Add(kc.EarnBack)
				}
			}
		}
	}
	capsOnly := map[string]decimal.Decimal{}
	for _, c := range res.Comparisons() {
		if c.Scenario != "without-ccn-007" {
			continue
		}
		lot := c.Lot[0] + " / " + c.Lot[1]
		require.True(t, c.Rules().Add(c.Caps()).Equal(c.Difference), "%v %s", c.Lot, c.KPI)
		require.True(t, beforeCap["baseline/"+lot+"/"+c.KPI].Equal(c.BaselineBeforeCap), "%v %s", c.Lot, c.KPI)
		require.True(t, beforeCap[c.Scenario+"/"+lot+"/"+c.KPI].Equal(c.BeforeCap), "%v %s", c.Lot, c.KPI)
		require.True(t, earnBack["baseline/"+lot+"/"+c.KPI].Equal(c.BaselineEarnBack))
		require.True(t, earnBack[c.Scenario+"/"+lot+"/"+c.KPI].Equal(c.EarnBack))
		if c.Rules().IsZero() {
			capsOnly[c.KPI] = capsOnly[c.KPI].Add(c.Caps())
		}
	}
	// CCN-007 does not touch KPI-12, -13 and -14: their rules cost the
	// same before caps in every lot with it or without it, and all of
	// their difference is the monthly cap it lowered (back from 5% to 7.5%).
	for kpi, want := range map[string]string{"KPI-12": "20817.94", "KPI-13": "6398.66", "KPI-14": "5437.65"} {
		require.Equal(t, want, capsOnly[kpi].StringFixed(2), kpi)
	}
}
