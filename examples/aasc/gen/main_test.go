package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// gen creates the -out directory, and draws the bundled example's data
// from the flags its package comment gives.
func TestRunCreatesOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "dir")
	require.NoError(t, run(options{seed: 1, months: 24, start: "2024-09", out: out}))
	for _, name := range []string{"data.csv", "relief.csv"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join("..", name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), "%s is the bundled example's", name)
	}
	require.FileExists(t, filepath.Join(out, "data.parquet"))
}
