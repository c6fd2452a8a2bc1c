package output

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A write that fails after creating the parents of its directory removes
// them, with its staging directory and lock file, but not a parent that
// was there or one another run has put something in.
func TestWriteRemovesParentsOnFailure(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "kept", "x"), 0o755))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, dir := range []string{filepath.Join(root, "a", "b", "out"), filepath.Join(root, "kept", "c", "out")} {
		tg, err := resolveTarget(dir, outputNames)
		require.NoError(t, err)
		require.ErrorIs(t, tg.write(ctx, false, []file{{"summary.md", []byte("x")}}), context.Canceled)
	}
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "kept", entries[0].Name())
	entries, err = os.ReadDir(filepath.Join(root, "kept"))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "x", entries[0].Name())

	created, err := makeParents(filepath.Join(root, "kept", "x", "p", "q", "out"))
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(root, "kept", "x", "p"), filepath.Join(root, "kept", "x", "p", "q")}, created)
	require.NoError(t, os.WriteFile(filepath.Join(root, "kept", "x", "p", "other"), nil, 0o644))
	removeDirs(created)
	require.NoDirExists(t, filepath.Join(root, "kept", "x", "p", "q"))
	require.DirExists(t, filepath.Join(root, "kept", "x", "p"), "it holds another's file")
}
