package output_test

import (
	"context"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// smallJob loads the small contract shared by the tests of several
// packages, as the command does.
func smallJob(t testing.TB) runner.Job {
	t.Helper()
	job, err := runner.Load(context.Background(), runner.Files{Rules: "../testdata/small/small.yaml",
		Data: "../testdata/small/small.csv", Relief: "../testdata/small/relief.csv"})
	require.NoError(t, err)
	return job
}
