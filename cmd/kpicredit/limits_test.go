package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// runMain runs this test binary as the kpicredit command in a process of
// its own, with env added to its environment, and returns its exit code,
// what it wrote to stderr and its peak resident memory in bytes (-1 where
// the system does not say). The process reports its peak itself: the
// kernel's count for a child (getrusage) starts from its parent's.
func runMain(t *testing.T, env []string, args ...string) (code int, stderr string, peak int64) {
	t.Helper()
	peakFile := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "KPICREDIT_RUN_MAIN=1", "KPICREDIT_ARGS="+strings.Join(args, " "),
		"KPICREDIT_PEAK="+peakFile), env...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	peak = -1
	if b, err := os.ReadFile(peakFile); err == nil {
		peak, err = strconv.ParseInt(string(b), 10, 64)
		require.NoError(t, err)
	}
	return code, errOut.String(), peak
}

// writePeak writes this process's peak resident memory in bytes to path,
// where /proc says it (VmHWM, in kilobytes), and nothing elsewhere.
func writePeak(path string) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(kb, "kB")), 10, 64)
			if err == nil {
				os.WriteFile(path, []byte(strconv.FormatInt(n<<10, 10)), 0o644)
			}
		}
	}
}

const base = "../../testdata/bad/_base/"

// maxPeak is the memory a rejected input may take: far less than the
// 100 MB inputs the tests give.
const maxPeak = 200 << 20

// No input makes the command use memory in proportion to it, nor read
// without end: /dev/zero as any input, a 100 MB value in a CSV cell or a
// column name, and a Parquet file whose 100 MB string compresses to a few
// kilobytes each exit with 2 and one line naming the file, line or row
// and column, within maxPeak. Each runs as a process of its own, so its
// peak memory is its own.
func TestHugeInputsStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB files and starts processes")
	}
	dir := t.TempDir()
	hugeCell := filepath.Join(dir, "cell.csv")
	writeHuge(t, hugeCell, "provider,region,month,monthly_charge,jobs,fixed,nights\nAcme", ",North,2025-01,1.00,1,1,1\n")
	hugeName := filepath.Join(dir, "name.csv")
	writeHuge(t, hugeName, "provider,", "\nAcme,North,2025-01,1.00,1,1,1\n")
	hugeString := filepath.Join(dir, "string.parquet")
	writeHugeParquet(t, hugeString)
	st, err := os.Stat(hugeString)
	require.NoError(t, err)
	require.Less(t, st.Size(), int64(1<<20), "the string compresses well")

	out := filepath.Join(dir, "out")
	with := func(role, path string) []string {
		files := map[string]string{"--rules": base + "rules.yaml", "--data": base + "data.csv", "--relief": base + "relief.csv"}
		files[role] = path
		args := []string{"run", "--out", out}
		for _, r := range []string{"--rules", "--data", "--relief", "--scenario"} {
			if f, ok := files[r]; ok {
				args = append(args, r, f)
			} else if r == role {
				args = append(args, r, path)
			}
		}
		return args
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"/dev/zero as data", with("--data", "/dev/zero"), "/dev/zero:1:1: a NUL byte: the file is not CSV text"},
		{"/dev/zero as relief", with("--relief", "/dev/zero"), "/dev/zero:1:1: a NUL byte: the file is not CSV text"},
		{"/dev/zero as rules", with("--rules", "/dev/zero"), "/dev/zero:1:1: a control character (U+0000): the file must be plain text"},
		{"/dev/zero as a scenario", with("--scenario", "/dev/zero"), "/dev/zero:1:1: a control character (U+0000): the file must be plain text"},
		{"a 100 MB cell", with("--data", hugeCell),
			hugeCell + ":2:1: column provider: the row is longer than 1048576 bytes (1 MiB) (a value may have at most 4096)"},
		{"a 100 MB column name", with("--data", hugeName),
			hugeName + ":1:2: the row is longer than 1048576 bytes (1 MiB) (a value may have at most 4096)"},
		{"a 100 MB Parquet string", with("--data", hugeString),
			hugeString + ": row 1: column provider: a page of 100000008 bytes decompressed; at most 33554432 (32 MiB)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stderr, peak := runMain(t, nil, tc.args...)
			require.Equal(t, exitInvalid, code, stderr)
			require.Equal(t, tc.want+"\n", stderr)
			if peak >= 0 {
				require.Less(t, peak, int64(maxPeak), "peak resident memory")
				t.Logf("peak resident memory %d MB", peak>>20)
			}
			_, err := os.Stat(out)
			require.True(t, os.IsNotExist(err), "nothing is written")
		})
	}
}

// writeHuge writes head, 100 MB of x, then tail.
func writeHuge(t *testing.T, path, head, tail string) {
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	w.WriteString(head)
	chunk := strings.Repeat("x", 1<<20)
	for range 100 {
		w.WriteString(chunk)
	}
	w.WriteString(tail)
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
}

// writeHugeParquet writes the base data's columns with parquet-go, with a
// provider of 100,000,000 bytes compressed (zstd) to a few kilobytes.
func writeHugeParquet(t *testing.T, path string) {
	type row struct {
		Provider      string `parquet:"provider,zstd"`
		Region        string `parquet:"region,zstd"`
		Month         string `parquet:"month,zstd"`
		MonthlyCharge string `parquet:"monthly_charge,zstd"`
		Jobs          int64  `parquet:"jobs,zstd"`
		Fixed         int64  `parquet:"fixed,zstd"`
		Nights        string `parquet:"nights,zstd"`
	}
	f, err := os.Create(path)
	require.NoError(t, err)
	// Without the string's bounds in the statistics, which would hold it whole.
	w := parquet.NewGenericWriter[row](f, parquet.SkipPageBounds("provider"), parquet.DataPageStatistics(false))
	_, err = w.Write([]row{{Provider: strings.Repeat("x", 100_000_000), Region: "North", Month: "2025-01",
		MonthlyCharge: "1.00", Jobs: 1, Fixed: 1, Nights: "1"}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
}

// A panic is a bug, not invalid input: the command exits with 1, not the
// runtime's 2, and asks for a bug report, with the stack.
func TestPanicExitsOne(t *testing.T) {
	t.Run("in process", func(t *testing.T) {
		beforeCommand = func() { panic("boom") }
		defer func() { beforeCommand = func() {} }()
		code, stdout, stderr := kpicredit("validate", "--rules", base+"rules.yaml")
		require.Equal(t, exitFailed, code)
		require.Empty(t, stdout)
		first, stack, _ := strings.Cut(stderr, "\n")
		require.Equal(t, "kpicredit: internal error: boom; please report this as a bug", first)
		require.Contains(t, stack, "TestPanicExitsOne")
	})
	t.Run("as a process", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts a process")
		}
		code, stderr, _ := runMain(t, []string{"KPICREDIT_PANIC=boom"}, "validate", "--rules", base+"rules.yaml")
		require.Equal(t, exitFailed, code)
		require.True(t, strings.HasPrefix(stderr, "kpicredit: internal error: boom; please report this as a bug\n"), stderr)
	})
	t.Run("in a worker", func(t *testing.T) {
		var errOut bytes.Buffer
		err := fmt.Errorf("scenario s: %w", &runner.InternalError{Value: "index out of range", Stack: []byte("goroutine 7\n")})
		require.Equal(t, exitFailed, report(err, &errOut))
		require.Equal(t, "kpicredit: scenario s: internal error: index out of range; please report this as a bug\ngoroutine 7\n", errOut.String())
	})
}
