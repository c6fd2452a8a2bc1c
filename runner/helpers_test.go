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
