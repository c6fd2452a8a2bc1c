package runner_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// figure writes a decimal as the outputs see it: value and exponent.
func figure(d decimal.Decimal) string { return fmt.Sprintf("%s/e%d", d, d.Exponent()) }

// figures lists what a Result holds of every run: totals, each lot's KPI
// totals, months and triggers, as text, so that two results compare
// figure by figure, exponents included.
func figures(res *runner.Result) []string {
	var out []string
	for _, run := range res.Runs {
		t := run.Total
		out = append(out, fmt.Sprintf("%s total %s %s %s %s %d %d %d %d", run.ID, figure(t.Charge), figure(t.BeforeCap),
			figure(t.Credits), figure(t.EarnBack), t.Failures, t.Measured, t.CappedMonths, t.Triggers))
		for li, lot := range run.KPIs {
			for _, k := range lot {
				out = append(out, fmt.Sprintf("%s lot %d %s %s %s %s %d %d %d %d", run.ID, li, k.KPI, figure(k.BeforeCap),
					figure(k.Credits), figure(k.EarnBack), k.Failures, k.Met, k.NotMeasured, k.Excused))
			}
		}
		for li, months := range run.Months {
			for _, m := range months {
				out = append(out, fmt.Sprintf("%s lot %d %s %s %s %s %d", run.ID, li, m.Month, figure(m.Credits),
					figure(m.BeforeCap), figure(m.EarnBack), m.Failures))
			}
		}
		for _, f := range run.Triggers {
			out = append(out, fmt.Sprintf("%s trigger %d %s %s %s", run.ID, f.Lot, f.Month, f.Trigger.ID, f.KPIs))
		}
	}
	return out
}

// sweepJob is the example with a sweep of 12 values added, so that runs
// outnumber workers, and lots do too.
func sweepJob(t *testing.T) runner.Job {
	job, _ := exampleJob(t)
	require.NoError(t, job.Rules.ReadScenarios("s.yaml", strings.NewReader(
		"id: s\nsweep: {kpi: KPI-07, field: target, from: 0.9, to: 1, step: 0.008}\n")))
	return job
}

// Whatever the workers, a run gives the same figures: each lot is priced
// on its own, and totals are added up in lot order.
func TestScheduleIsDeterministic(t *testing.T) {
	job := sweepJob(t)
	job.Workers = 1
	want, err := runner.Run(t.Context(), job)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		workers int
		only    bool // the baseline alone
	}{
		{"two workers", 2, false}, {"seven workers", 7, false}, {"more workers than work", 1000, false},
		{"the baseline alone, one worker", 1, true}, {"the baseline alone, five workers", 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := job
			job.Workers = tc.workers
			w := want
			if tc.only {
				job.Scenarios = job.Rules.Scenarios[:0]
				w = &runner.Result{Runs: want.Runs[:1]}
			}
			got, err := runner.Run(t.Context(), job)
			require.NoError(t, err)
			require.Equal(t, figures(w), figures(got))
		})
	}
}

// A sweep's member keeps its KPI totals only, sharing the baseline's
// where they are the same: a lot where the swept KPI changes nothing is
// the baseline's own totals.
func TestSweepMembersShareTheBaseline(t *testing.T) {
	job := sweepJob(t)
	res, err := runner.Run(t.Context(), job)
	require.NoError(t, err)
	base := res.Baseline()
	shared, own := 0, 0
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep == nil {
			continue
		}
		require.False(t, run.Detailed())
		require.Nil(t, run.Months)
		for li, lot := range run.KPIs {
			if len(lot) > 0 && len(base.KPIs[li]) > 0 && &lot[0] == &base.KPIs[li][0] {
				shared++
			} else {
				own++
			}
		}
	}
	require.Positive(t, shared, "no lot shares the baseline's totals")
	require.Positive(t, own, "every lot shares the baseline's totals")
}

// A run cancelled while its lots are priced stops with the context's
// error, wherever it is, and waits for nothing: a member never waits for
// a lot of the baseline that will not be priced.
func TestRunCancelledMidway(t *testing.T) {
	job := sweepJob(t)
	for _, after := range []int{1, 5, 30, 150} {
		t.Run(fmt.Sprintf("after %d lots", after), func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var seen atomic.Int64
			job := job
			job.Workers = 3
			job.Progress = func(done, total int) {
				if seen.Add(1) == int64(after) {
					cancel()
				}
			}
			_, err := runner.Run(ctx, job)
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}

// EachComparison gives, run by run, what Comparisons lists, for the runs
// asked for only, and stops at fn's first error.
func TestEachComparison(t *testing.T) {
	job := sweepJob(t)
	res, err := runner.Run(t.Context(), job)
	require.NoError(t, err)
	all := res.Comparisons()
	text := func(c *runner.Comparison) string {
		return fmt.Sprintf("%s %v %s %s %s %s %d %d %s %s %s %s", c.Scenario, c.Lot, c.KPI, figure(c.Baseline), figure(c.Credit),
			figure(c.Difference), c.BaselineFailures, c.Failures, figure(c.BaselineBeforeCap), figure(c.BeforeCap),
			figure(c.BaselineEarnBack), figure(c.EarnBack))
	}
	stop := errors.New("stop")
	for _, tc := range []struct {
		name  string
		runs  []*runner.ScenarioRun
		limit int // fn fails at this comparison; 0 for never
	}{
		{"every run", res.Runs[1:], 0},
		{"two runs", []*runner.ScenarioRun{res.Runs[3], res.Runs[1]}, 0},
		{"none", nil, 0},
		{"stopped", res.Runs[1:], 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, run := range tc.runs {
				for i := range all {
					if all[i].Scenario == run.ID {
						want = append(want, text(&all[i]))
					}
				}
			}
			var got []string
			err := res.EachComparison(tc.runs, func(c *runner.Comparison) error {
				got = append(got, text(c))
				if len(got) == tc.limit {
					return stop
				}
				return nil
			})
			if tc.limit > 0 {
				require.ErrorIs(t, err, stop)
				want = want[:tc.limit]
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, want, got)
		})
	}
}
