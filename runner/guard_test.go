package runner

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// A panic in a worker goroutine comes back as an error: the caller's
// recover could not reach it, and the process would end.
func TestParallelRecoversPanics(t *testing.T) {
	err := parallel(context.Background(), 2, 10, func(i int) error {
		if i == 7 {
			panic("boom")
		}
		return nil
	})
	require.ErrorContains(t, err, "kpicredit: internal error: boom")
}

func TestWriteNeedsAResult(t *testing.T) {
	for _, res := range []*Result{nil, {}} {
		require.ErrorContains(t, Write(context.Background(), res, Output{Dir: t.TempDir()}), "runner: not a result of Run")
		require.ErrorContains(t, Verify(context.Background(), res), "runner: not a result of Run")
	}
}

// Rendering stops soon after the context is cancelled.
func TestRenderHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rows := 0
	table := cancellable(ctx, func(yield func([]any) error) error {
		for range 100000 {
			rows++
			if err := yield(nil); err != nil {
				return err
			}
		}
		return nil
	})
	require.ErrorIs(t, table(func([]any) error { return nil }), context.Canceled)
	require.Equal(t, 1024, rows)
}

func TestExplainNeedsData(t *testing.T) {
	err := Explain(context.Background(), io.Discard, Job{}, Query{})
	require.EqualError(t, err, "runner: the job has no rulebook")
}
