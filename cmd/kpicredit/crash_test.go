package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMain lets a test run this binary as the kpicredit command, made to
// panic before its command when KPICREDIT_PANIC is set, and writing its
// peak resident memory to the file KPICREDIT_PEAK names as it exits.
func TestMain(m *testing.M) {
	if os.Getenv("KPICREDIT_RUN_MAIN") == "1" {
		if v := os.Getenv("KPICREDIT_PANIC"); v != "" {
			beforeCommand = func() { panic(v) }
		}
		if path := os.Getenv("KPICREDIT_PEAK"); path != "" {
			exit = func(code int) {
				writePeak(path)
				os.Exit(code)
			}
		}
		os.Args = append([]string{"kpicredit"}, strings.Fields(os.Getenv("KPICREDIT_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// snapshot reads every file in dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = b
	}
	return out
}

// A run killed at any point leaves the previous outputs exactly as they
// were, and nothing else in --out.
func TestKilledRunLeavesOutputsIntact(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	dir := filepath.Join(t.TempDir(), "out")
	code, _, stderr := kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath, "--out", dir, "--csv")
	require.Equal(t, 0, code, stderr)
	before := snapshot(t, dir)

	// A different run (no relief) so that a completed one would change the files.
	args := strings.Join([]string{"run", "--rules", rulesPath, "--data", dataPath, "--out", dir, "--csv", "--quiet"}, " ")
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KPICREDIT_RUN_MAIN=1", "KPICREDIT_ARGS="+args)
		require.NoError(t, cmd.Start())
		return cmd
	}
	t0 := time.Now()
	full := start()
	require.NoError(t, full.Wait())
	took := time.Since(t0)
	after := snapshot(t, dir)
	require.False(t, equalSnapshots(before, after), "the second run changes the outputs")

	// Put the first outputs back, then kill the second run at times spread
	// over its length.
	code, _, stderr = kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath, "--out", dir, "--csv")
	require.Equal(t, 0, code, stderr)
	require.True(t, equalSnapshots(before, snapshot(t, dir)))
	for i := 1; i <= 12; i++ {
		cmd := start()
		time.Sleep(took * time.Duration(i) / 12)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		now := snapshot(t, dir)
		if !equalSnapshots(now, after) {
			require.True(t, equalSnapshots(now, before), "kill %d: --out holds neither the old outputs nor the new", i)
		}
		code, _, stderr = kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath, "--out", dir, "--csv")
		require.Equal(t, 0, code, stderr)
	}
	siblings, err := filepath.Glob(filepath.Join(filepath.Dir(dir), ".out.kpicredit-*"))
	require.NoError(t, err)
	require.Empty(t, siblings, "a completed run removes what killed runs left beside --out")
}

func equalSnapshots(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// An interrupted run (SIGINT) stops, exits 1 and leaves --out untouched.
func TestInterruptedRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "out")
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", dir}, &out, &errOut)
	require.Equal(t, 1, code)
	require.Contains(t, errOut.String(), "context canceled")
	_, err := os.Stat(dir)
	require.True(t, os.IsNotExist(err))
}
