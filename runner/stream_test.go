package runner_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// monthText is what a test keeps of a lot-month: every KPI's status,
// credit, earn-back and explanation, and the month's credits.
func monthText(lm *engine.LotMonth) string {
	s := fmt.Sprint(lm.Row.Month, lm.Terms, lm.Credits.Credits, lm.Credits.EarnBack)
	for i, kc := range lm.Credits.KPIs {
		s += fmt.Sprint("|", lm.Results[i].Status, lm.Results[i].Measure, kc.Amount, kc.Credit, kc.EarnBack, kc.Explanation)
	}
	return s
}

// With Detail every run's detail goes to it lot by lot, once each (a
// sweep member's without detail as no months), and the Result keeps none
// of it; every figure of the run is as when the runs keep their detail,
// though the runner fills the months of a lot handed on again for the
// next lots.
func TestDetailStreams(t *testing.T) {
	for _, sweepDetail := range []bool{false, true} {
		job, _ := exampleJob(t)
		job.SweepDetail = sweepDetail
		kept, err := runner.Run(context.Background(), job)
		require.NoError(t, err)

		var mu sync.Mutex
		got := map[[2]int][]string{}
		job.Workers = 2
		job.Detail = func(d runner.LotDetail) error {
			var texts []string
			for _, lm := range d.Months {
				texts = append(texts, monthText(lm))
			}
			mu.Lock()
			defer mu.Unlock()
			k := [2]int{d.Run, d.Lot}
			require.NotContains(t, got, k, "run %d lot %d twice", d.Run, d.Lot)
			require.Equal(t, kept.Runs[d.Run].ID, d.ID)
			got[k] = texts
			return nil
		}
		res, err := runner.Run(context.Background(), job)
		require.NoError(t, err)
		require.Len(t, got, len(res.Runs)*len(job.Data.Lots))
		for ri, run := range kept.Runs {
			for li := range job.Data.Lots {
				if run.Lots == nil {
					require.Nil(t, got[[2]int{ri, li}], "%s keeps no detail", run.ID)
					continue
				}
				require.Len(t, got[[2]int{ri, li}], len(run.Lots[li]))
				for mi, lm := range run.Lots[li] {
					require.Equal(t, monthText(lm), got[[2]int{ri, li}][mi], "%s lot %d month %d", run.ID, li, mi)
				}
			}
			streamed := res.Runs[ri]
			require.Nil(t, streamed.Lots, run.ID)
			require.Equal(t, run.Detailed(), streamed.Detailed(), run.ID)
			require.Equal(t, run.Months, streamed.Months, run.ID)
			require.Equal(t, run.Total, streamed.Total, run.ID)
		}
		_, ok := res.Month(res.Baseline(), job.Data.Lots[0].Keys, job.Data.First)
		require.False(t, ok, "no detail kept")
	}
}

// An error from Detail stops the run with it.
func TestDetailError(t *testing.T) {
	job, _ := exampleJob(t)
	stop := errors.New("stop")
	job.Detail = func(d runner.LotDetail) error {
		if d.Lot == 2 {
			return stop
		}
		return nil
	}
	_, err := runner.Run(context.Background(), job)
	require.ErrorIs(t, err, stop)
}
