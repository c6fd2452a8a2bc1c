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

// With BaselineDetail the baseline's detail goes to it lot by lot, once
// each, and the Result keeps none of it; every figure of the run is as
// when the baseline keeps its detail, though the runner fills the months
// of a lot handed on again for the next lots.
func TestBaselineDetailStreams(t *testing.T) {
	job, _ := exampleJob(t)
	kept, err := runner.Run(context.Background(), job)
	require.NoError(t, err)

	var mu sync.Mutex
	got := map[int][]string{}
	job.Workers = 2
	job.BaselineDetail = func(li int, months []*engine.LotMonth) error {
		texts := make([]string, len(months))
		for i, lm := range months {
			texts[i] = monthText(lm)
		}
		mu.Lock()
		defer mu.Unlock()
		require.NotContains(t, got, li, "lot %d twice", li)
		got[li] = texts
		return nil
	}
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	require.Len(t, got, len(job.Data.Lots))
	for li, months := range kept.Baseline().Lots {
		for mi, lm := range months {
			require.Equal(t, monthText(lm), got[li][mi], "lot %d month %d", li, mi)
		}
	}
	base := res.Baseline()
	require.Nil(t, base.Lots)
	require.True(t, base.Detailed())
	require.Equal(t, kept.Baseline().Months, base.Months)
	require.Equal(t, kept.Baseline().Total, base.Total)
	_, ok := res.Month(base, job.Data.Lots[0].Keys, job.Data.First)
	require.False(t, ok, "no detail kept")
	for i, run := range res.Runs[1:] {
		require.Equal(t, kept.Runs[i+1].Total, run.Total, run.ID)
		require.Equal(t, kept.Runs[i+1].Lots != nil, run.Lots != nil, run.ID)
	}
}

// An error from BaselineDetail stops the run with it.
func TestBaselineDetailError(t *testing.T) {
	job, _ := exampleJob(t)
	stop := errors.New("stop")
	job.BaselineDetail = func(li int, _ []*engine.LotMonth) error {
		if li == 2 {
			return stop
		}
		return nil
	}
	_, err := runner.Run(context.Background(), job)
	require.ErrorIs(t, err, stop)
}
