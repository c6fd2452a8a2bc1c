//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd || solaris

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// While another process holds the lock on --out (an flock on
// .out.kpicredit.lock beside it), a run fails at once with exit 1, naming
// the directory, and writes nothing; once the lock is released it runs.
func TestRunWhileLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	lockPath := filepath.Join(root, ".out.kpicredit.lock")
	f, err := os.Create(lockPath)
	require.NoError(t, err)
	require.NoError(t, unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB))

	var stderr bytes.Buffer
	cmd := startKpicredit(t, &stderr, "run", "--rules", rulesPath, "--data", dataPath, "--out", dir)
	require.Equal(t, 1, exitCode(t, cmd))
	require.Equal(t, "kpicredit: another kpicredit run is writing "+dir+"; try again when it has finished\n", stderr.String())
	require.NoDirExists(t, dir)
	require.FileExists(t, lockPath, "the holder's lock file is left alone")

	require.NoError(t, f.Close()) // releases the lock; the file stays, as when its holder is killed
	stderr.Reset()
	cmd = startKpicredit(t, &stderr, "run", "--rules", rulesPath, "--data", dataPath, "--out", dir)
	require.Equal(t, 0, exitCode(t, cmd), stderr.String())
	requireComplete(t, dir)
	require.NoFileExists(t, lockPath, "the run removes the lock file when done")
}
