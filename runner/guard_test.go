package runner

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExplainNeedsData(t *testing.T) {
	err := Explain(context.Background(), io.Discard, Job{}, Query{})
	require.EqualError(t, err, "runner: the job has no rulebook")
}
