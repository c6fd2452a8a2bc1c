package output_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/output"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// exampleJob loads the example contract with its data and relief.
func exampleJob(t *testing.T) runner.Job {
	t.Helper()
	job, err := runner.Load(context.Background(), runner.Files{Rules: "../examples/aasc/rules.yaml",
		Data: "../examples/aasc/data.csv", Relief: "../examples/aasc/relief.csv"})
	require.NoError(t, err)
	return job
}

// A run whose detail went to a Stream writes the same files, byte for
// byte, as a run that kept it: the example (scenarios, a sweep with and
// without its members' detail, amendments, relief) and the small
// contract, with CSV and without, on one worker and on several.
func TestStreamWritesTheSameFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		job     func(*testing.T) runner.Job
		csv     bool
		workers int
	}{
		{"example, csv", exampleJob, true, 3},
		{"example", exampleJob, false, 1},
		{"example, sweep detail", func(t *testing.T) runner.Job { j := exampleJob(t); j.SweepDetail = true; return j }, true, 2},
		{"small, csv", func(t *testing.T) runner.Job { return smallJob(t) }, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			job := tc.job(t)
			job.Workers = tc.workers
			res, err := runner.Run(ctx, job)
			require.NoError(t, err)
			kept := filepath.Join(t.TempDir(), "kept")
			require.NoError(t, output.Write(ctx, res, output.Output{Dir: kept, CSV: tc.csv}))

			stream, err := output.NewStream(job, tc.csv)
			require.NoError(t, err)
			job.Detail = stream.Lot
			res, err = runner.Run(ctx, job)
			require.NoError(t, err)
			streamed := filepath.Join(t.TempDir(), "streamed")
			require.NoError(t, output.Write(ctx, res, output.Output{Dir: streamed, CSV: tc.csv, Stream: stream}))

			require.Equal(t, names(t, kept), names(t, streamed))
			for _, name := range names(t, kept) {
				a, err := os.ReadFile(filepath.Join(kept, name))
				require.NoError(t, err)
				b, err := os.ReadFile(filepath.Join(streamed, name))
				require.NoError(t, err)
				require.Equal(t, a, b, name)
			}
		})
	}
}

// A Stream is used once, for one run: Write refuses a run that
// streamed without its Stream, a Stream given another run's result, a
// Stream written twice, and a lot given twice.
func TestStreamMisuse(t *testing.T) {
	ctx := context.Background()
	job := smallJob(t)
	stream, err := output.NewStream(job, false)
	require.NoError(t, err)
	job.Detail = stream.Lot
	res, err := runner.Run(ctx, job)
	require.NoError(t, err)
	require.ErrorContains(t, output.Write(ctx, res, output.Output{Dir: t.TempDir()}), "Output.Stream")
	require.Error(t, stream.Lot(runner.LotDetail{Run: 0, Lot: 0}), "a lot again")

	other, err := output.NewStream(job, false)
	require.NoError(t, err)
	require.ErrorContains(t, output.Write(ctx, res, output.Output{Dir: t.TempDir(), Stream: other}), "not of this run")

	fresh, err := output.NewStream(job, false)
	require.NoError(t, err)
	job.Detail = fresh.Lot
	res, err = runner.Run(ctx, job)
	require.NoError(t, err)
	require.NoError(t, output.Write(ctx, res, output.Output{Dir: filepath.Join(t.TempDir(), "a"), Stream: fresh}))
	require.Error(t, output.Write(ctx, res, output.Output{Dir: filepath.Join(t.TempDir(), "b"), Stream: fresh}), "twice")
	require.Error(t, fresh.Lot(runner.LotDetail{Lot: len(job.Data.Lots), Months: []*engine.LotMonth{}}), "out of range")
	require.Error(t, fresh.Lot(runner.LotDetail{Run: -1}), "out of range")
}
