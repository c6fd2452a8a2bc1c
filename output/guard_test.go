package output

import (
	"context"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

func TestWriteNeedsAResult(t *testing.T) {
	for _, res := range []*runner.Result{nil, {}} {
		require.ErrorContains(t, Write(context.Background(), res, Output{Dir: t.TempDir()}), "runner: not a result of Run")
		require.ErrorContains(t, Verify(context.Background(), res), "runner: not a result of Run")
	}
}

// Rendering stops soon after the context is cancelled.
func TestRenderHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rows := 0
	table := cancellable(ctx, func(yield func([]cell) error) error {
		for range 100000 {
			rows++
			if err := yield(nil); err != nil {
				return err
			}
		}
		return nil
	})
	require.ErrorIs(t, table(func([]cell) error { return nil }), context.Canceled)
	require.Equal(t, 1024, rows)
}
