package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/output"

	"github.com/stretchr/testify/require"
)

// TestMain lets a test run this binary as the kpicredit command, made to
// panic before its command when KPICREDIT_PANIC is set, writing its peak
// resident memory to the file KPICREDIT_PEAK names as it exits, and with
// KPICREDIT_GRACE as its signalGrace.
func TestMain(m *testing.M) {
	if os.Getenv("KPICREDIT_RUN_MAIN") == "1" {
		if v := os.Getenv("KPICREDIT_PANIC"); v != "" {
			beforeCommand = func() { panic(v) }
		}
		if d, err := time.ParseDuration(os.Getenv("KPICREDIT_GRACE")); err == nil {
			signalGrace = d
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
	start := func() *exec.Cmd {
		return startKpicredit(t, nil, "run", "--rules", rulesPath, "--data", dataPath, "--out", dir, "--csv", "--quiet")
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
	entries, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	require.Len(t, entries, 1, "a completed run removes what killed runs left beside --out: staging directories, lock file")
}

// startKpicredit starts this binary as the kpicredit command, its stderr
// going to stderr when not nil.
func startKpicredit(t *testing.T, stderr *bytes.Buffer, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KPICREDIT_RUN_MAIN=1", "KPICREDIT_ARGS="+strings.Join(args, " "))
	if stderr != nil {
		cmd.Stderr = stderr
	}
	require.NoError(t, cmd.Start())
	return cmd
}

// exitCode waits for a started command and returns its exit status.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Wait()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// Runs started at once into one --out each succeed, or fail with exit 1
// because another is writing it; --out then holds one run's outputs,
// whole, and nothing is left beside it.
func TestConcurrentRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	dir := filepath.Join(t.TempDir(), "out")
	cmds := make([]*exec.Cmd, 6)
	stderrs := make([]bytes.Buffer, len(cmds))
	for i := range cmds {
		args := []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", dir}
		if i%2 == 0 {
			args = append(args, "--relief", reliefPath, "--csv") // different outputs, more files
		}
		cmds[i] = startKpicredit(t, &stderrs[i], args...)
	}
	ok := 0
	for i, cmd := range cmds {
		switch code := exitCode(t, cmd); code {
		case 0:
			ok++
		case 1:
			require.Equal(t, "kpicredit: another kpicredit run is writing "+dir+"; try again when it has finished\n", stderrs[i].String())
		default:
			t.Fatalf("run %d: exit %d: %s", i, code, stderrs[i].String())
		}
	}
	require.Positive(t, ok)
	requireComplete(t, dir)
	entries, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing beside --out")
}

// requireComplete checks that dir holds exactly the outputs its manifest
// lists, each with the manifest's hash: one run's outputs, whole.
func requireComplete(t *testing.T, dir string) {
	t.Helper()
	files := snapshot(t, dir)
	var m output.Manifest
	require.NoError(t, json.Unmarshal(files["manifest.json"], &m))
	require.Len(t, files, len(m.Outputs)+1)
	for _, o := range m.Outputs {
		h := sha256.Sum256(files[o.File])
		require.Equal(t, o.SHA256, hex.EncodeToString(h[:]), o.File)
	}
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

// A command blocked opening a named pipe that no one writes stops when
// interrupted: at once on a second signal, else after signalGrace, exit
// 1, with nothing written.
func TestInterruptedWhileOpening(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	fifo := filepath.Join(t.TempDir(), "data.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	out := filepath.Join(t.TempDir(), "out")
	start := func(grace string, stderr *bytes.Buffer) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KPICREDIT_RUN_MAIN=1", "KPICREDIT_GRACE="+grace,
			"KPICREDIT_ARGS="+strings.Join([]string{"run", "--rules", rulesPath, "--data", fifo, "--out", out}, " "))
		cmd.Stderr = stderr
		require.NoError(t, cmd.Start())
		w := waitForReader(t, fifo) // nothing is written: the command waits to read
		t.Cleanup(func() { w.Close() })
		return cmd
	}

	var stderr bytes.Buffer
	cmd := start("300ms", &stderr)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 1, ee.ExitCode(), stderr.String())
	require.Contains(t, stderr.String(), "kpicredit: interrupted")

	cmd = start("1h", &stderr)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	time.Sleep(200 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		require.ErrorAs(t, err, &ee)
		require.False(t, ee.Exited(), "ended by the second signal")
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("a second signal did not end the process")
	}
	_, err = os.Stat(out)
	require.True(t, os.IsNotExist(err), "nothing written")
}

// waitForReader waits until a process has fifo open for reading (or is
// opening it), however slow the machine, and returns a write end, to be
// closed once the process has ended: a FIFO opens for writing without
// blocking only when it has a reader.
func waitForReader(t *testing.T, fifo string) *os.File {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			return f
		}
	}
	t.Fatal("the command never opened the data")
	return nil
}
