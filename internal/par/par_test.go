package par

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// A panic in a worker goroutine comes back as an error: the caller's
// recover could not reach it, and the process would end.
func TestRunRecoversPanics(t *testing.T) {
	err := Run(context.Background(), 2, 10, func(i int) error {
		if i == 7 {
			panic("boom")
		}
		return nil
	})
	var ie *PanicError
	require.ErrorAs(t, err, &ie)
	require.EqualError(t, err, "internal error: boom; please report this as a bug")
	require.Contains(t, string(ie.Stack), "TestRunRecoversPanics")
}
