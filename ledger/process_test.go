package ledger

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test binary doubles as a helper process that closes a month of a
// ledger: LEDGER_HELPER=close runs the close, printing "ready" before it
// and "done" after; hold-begun and hold-commit print "holding" inside the
// close's transaction, before its work or before its COMMIT, and wait
// there to be killed.
func TestMain(m *testing.M) {
	if mode := os.Getenv("LEDGER_HELPER"); mode != "" {
		os.Exit(helper(mode, os.Getenv("LEDGER_PATH")))
	}
	os.Exit(m.Run())
}

func helper(mode, path string) int {
	ctx := context.Background()
	l, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	hold := func() {
		fmt.Println("holding")
		time.Sleep(time.Hour) // until killed
	}
	switch mode {
	case "hold-begun":
		testHookBegun = hold
	case "hold-commit":
		testHookCommit = hold
	}
	req := bigClose("2025-02")
	fmt.Println("ready")
	if _, err := l.CloseMonth(ctx, req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// bigClose is a close of a large contract: 200 lots of 15 KPIs. Every
// closed month's credits change from one close to the next, so a close
// writes a credit and an adjustment per lot and KPI of each month.
func bigClose(m string) CloseRequest {
	var figs []Figure
	for mm := month("2025-01"); mm <= month(m); mm++ {
		for lot := range 200 {
			for k := range 15 {
				credit := fmt.Sprintf("%d.%02d", (lot*15+k+int(month(m)))%977, k)
				figs = append(figs, Figure{Month: mm, Lot: []string{fmt.Sprintf("P%d", lot%3), fmt.Sprintf("R%03d", lot)},
					KPI: fmt.Sprintf("KPI-%02d", k+1), Level: "minor", Credit: dec(credit), EarnBack: dec("0")})
			}
		}
	}
	return closeReq(m, hashes(m), figs...)
}

// baseLedger writes a ledger with January closed, ready for bigClose
// of February, and returns its path.
func baseLedger(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "base.db")
	l, err := Create(t.Context(), path, testMeta)
	require.NoError(t, err)
	mustClose(t, l, bigClose("2025-01"))
	require.NoError(t, l.Close())
	return path
}

// copyFile copies the ledger at src to a new file and returns its path.
func copyFile(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(t.TempDir(), "ledger.db")
	require.NoError(t, os.WriteFile(dst, b, 0o644))
	return dst
}

// startHelper starts the helper on a ledger and waits for its line.
func startHelper(t *testing.T, mode, path, line string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LEDGER_HELPER="+mode, "LEDGER_PATH="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != line {
	}
	require.Equal(t, line, sc.Text(), "helper said")
	go io.Copy(io.Discard, out) //nolint:errcheck // drain to exit
	return cmd
}

// A close killed at any point leaves the ledger as it was or fully closed.
func TestKilledClose(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 21 processes")
	}
	base := baseLedger(t)
	before := dump(t, base)

	ref := copyFile(t, base)
	start := time.Now()
	cmd := startHelper(t, "close", ref, "ready")
	ready := time.Since(start)
	require.NoError(t, cmd.Wait())
	took := time.Since(start) - ready
	after := dump(t, ref)
	require.Greater(t, len(after), len(before))

	const kills = 20
	outcome := map[string]int{}
	for i := range kills {
		path := copyFile(t, base)
		cmd := startHelper(t, "close", path, "ready")
		time.Sleep(spread(took, i, kills))
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()

		l, err := Open(t.Context(), path) // rolls back a hot journal
		require.NoError(t, err, "kill %d", i)
		_, err = l.Verify(t.Context())
		require.NoError(t, err, "kill %d", i)
		require.NoError(t, l.Close())
		switch got := dump(t, path); {
		case assert.ObjectsAreEqual(before, got):
			outcome["as before"]++
		case assert.ObjectsAreEqual(after, got):
			outcome["closed"]++
		default:
			t.Fatalf("kill %d after %v left the ledger neither as before nor closed: %d rows", i, spread(took, i, kills), len(got))
		}
	}
	t.Logf("the close took %v; after %d kills the ledger was %v", took, kills, outcome)
}

// spread returns the i-th of n times spread evenly from 0 to one and a half
// times d, so that the last kills come during or after the commit.
func spread(d time.Duration, i, n int) time.Duration {
	return d * 3 / 2 * time.Duration(i) / time.Duration(n-1)
}

// A close killed inside its transaction, before its work or with every
// entry written but not committed, leaves the ledger as it was.
func TestKilledInTransaction(t *testing.T) {
	base := baseLedger(t)
	before := dump(t, base)
	for _, mode := range []string{"hold-begun", "hold-commit"} {
		t.Run(mode, func(t *testing.T) {
			path := copyFile(t, base)
			cmd := startHelper(t, mode, path, "holding")
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			_ = cmd.Wait()
			if mode == "hold-commit" {
				_, err := os.Stat(path + "-journal")
				require.NoError(t, err, "a hot journal is left")
			}
			l, err := Open(t.Context(), path)
			require.NoError(t, err)
			defer l.Close()
			assert.Equal(t, before, dump(t, path))
			_, err = os.Stat(path + "-journal")
			assert.ErrorIs(t, err, os.ErrNotExist, "rolled back and removed")
		})
	}
}

// A second writer on the ledger, in another process, fails at once with
// ErrBusy; when the first is killed, its close is rolled back and the
// ledger can be closed.
func TestBusyAcrossProcesses(t *testing.T) {
	path := copyFile(t, baseLedger(t))
	before := dump(t, path)
	cmd := startHelper(t, "hold-begun", path, "holding")
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	l, err := Open(t.Context(), path)
	require.NoError(t, err)
	defer l.Close()
	start := time.Now()
	_, err = l.CloseMonth(t.Context(), bigClose("2025-02"))
	assert.ErrorIs(t, err, ErrBusy)
	assert.ErrorContains(t, err, "ledger busy")
	assert.Less(t, time.Since(start), readerWait, "no waiting for the lock")
	_, err = l.Waive(t.Context(), authority, Waiver{Month: month("2025-01"), Lot: []string{"P0", "R000"},
		KPI: "KPI-01", Amount: dec("1"), Reason: "r", Approver: "Ann"})
	assert.ErrorIs(t, err, ErrBusy)
	es, err := l.Entries(t.Context())
	require.NoError(t, err, "readers are not blocked by a writer")
	assert.Len(t, es, 3000)

	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	assert.Equal(t, before, dump(t, path), "the killed close was rolled back")
	mustClose(t, l, bigClose("2025-02"))
	_, err = l.Verify(t.Context())
	require.NoError(t, err)
}

// Two closes at once on one ledger, through two handles or one: the
// second fails at once with ErrBusy while the first goes on.
func TestBusyInOneProcess(t *testing.T) {
	for _, sameHandle := range []bool{false, true} {
		t.Run(fmt.Sprintf("same handle %v", sameHandle), func(t *testing.T) {
			a := newLedger(t)
			b := a
			if !sameHandle {
				var err error
				b, err = Open(t.Context(), a.Path())
				require.NoError(t, err)
				defer b.Close()
			}
			req := closeReq("2025-01", hashes("a"), fig("2025-01", "A", "N", "K", "1.00", "0"))
			inTx, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			testHookBegun = func() { once.Do(func() { close(inTx); <-release }) }
			defer func() { testHookBegun = nil }()
			done := make(chan error)
			go func() { _, err := a.CloseMonth(context.Background(), req); done <- err }()
			<-inTx
			_, err := b.CloseMonth(t.Context(), req)
			assert.ErrorIs(t, err, ErrBusy)
			close(release)
			require.NoError(t, <-done, "the first close goes on")
			_, err = b.CloseMonth(t.Context(), req)
			assert.ErrorIs(t, err, ErrAlreadyClosed)
		})
	}
}
