package runner_test

import (
	"context"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// smallFiles are the small contract shared by the tests of several
// packages: two lots, four months, two KPIs and a relief entry.
var smallFiles = runner.Files{Rules: "../testdata/small/small.yaml", Data: "../testdata/small/small.csv",
	Relief: "../testdata/small/relief.csv"}

// smallEventsFiles are the small contract measured from its job records
// (small-events.yaml names jobs.csv), with an exclusion.
var smallEventsFiles = runner.Files{Rules: "../testdata/small/small-events.yaml", Data: "../testdata/small/small.csv",
	Relief: "../testdata/small/relief.csv", Exclusions: "../testdata/small/exclusions.csv"}

// smallEventsJob loads smallEventsFiles as the command does.
func smallEventsJob(t testing.TB) runner.Job {
	t.Helper()
	job, err := runner.Load(context.Background(), smallEventsFiles)
	require.NoError(t, err)
	return job
}

func small(t testing.TB) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Load(smallFiles.Rules, nil)
	require.NoError(t, err)
	return rb
}

// smallJob loads the small contract as the command does.
func smallJob(t testing.TB) runner.Job {
	t.Helper()
	job, err := runner.Load(context.Background(), smallFiles)
	require.NoError(t, err)
	return job
}

// A caller finds runs, lots, months and KPIs by name, not by position.
func TestResultLookups(t *testing.T) {
	job := smallJob(t)
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	require.Equal(t, runner.Baseline, res.Baseline().ID)
	base, ok := res.Run("baseline")
	require.True(t, ok)
	require.Same(t, res.Baseline(), base)
	_, ok = res.Run("no-such-scenario")
	require.False(t, ok)

	m := rules.NewMonth(2025, 2)
	lm, ok := res.Month(base, []string{"Acme", "North"}, m)
	require.True(t, ok)
	require.Equal(t, m, lm.Row.Month)
	require.Equal(t, []string{"Acme", "North"}, lm.Row.Keys)
	r, c, ok := lm.KPI("K1")
	require.True(t, ok)
	require.Equal(t, "K1", c.KPI.ID)
	require.Equal(t, c.Status, r.Status)
	_, _, ok = lm.KPI("K9")
	require.False(t, ok)
	_, ok = res.Month(base, []string{"Acme", "South"}, m)
	require.False(t, ok, "no such lot")
	_, ok = res.Month(base, []string{"Acme", "North"}, rules.NewMonth(2024, 12))
	require.False(t, ok, "outside the data")

	li, ok := job.Data.Lot("Acme", "North")
	require.True(t, ok)
	row, ok := job.Data.Lots[li].Month(m)
	require.True(t, ok)
	require.Equal(t, m, row.Month)
	_, ok = job.Data.Lots[li].Month(rules.NewMonth(2026, 1))
	require.False(t, ok)
}
