package output_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/output"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// smallCurves computes the small contract's curves from a run, as the
// kpicredit curves command does.
func smallCurves(t *testing.T) *curves.Set {
	t.Helper()
	res := smallResult(t)
	set, err := curves.Compute(t.Context(), res.Rules, res.Rules.Scenarios, curves.Options{Data: output.CurvesData(res)})
	require.NoError(t, err)
	return set
}

// The data the curves are fed: every lot-month's charge (the lots'
// medians are £10,000 and £8,000, so the typical charge is £9,000) and
// each KPI's judged measures: not K2's excused month (relief.csv: Acme
// North 2025-03), nor K1's months below min_volume or without jobs.
func TestCurvesData(t *testing.T) {
	data := output.CurvesData(smallResult(t))
	charge, lots, ok := data.TypicalCharge(2, 0)
	require.True(t, ok)
	require.Equal(t, 2, lots)
	require.Equal(t, "9000", charge.String())
	var k1 []string
	for _, m := range data.Measures("K1") {
		k1 = append(k1, m.String())
	}
	// North: 19/20, 17/20, 18/20 (0/3 is below 5 jobs); Wales: 10/10,
	// 7/10, 9/10 (no jobs in March).
	require.Equal(t, []string{"0.7", "0.85", "0.9", "0.95", "1"}, k1)
	var k2 []string
	for _, m := range data.Measures("K2") {
		k2 = append(k2, m.String())
	}
	require.Equal(t, []string{"18.5", "19", "22"}, k2, "K2 does not apply in Wales; North's 25 is excused")
}

// WriteCurves writes curves.html and curves.csv, and nothing else; it
// replaces its own files but no others unless forced.
func TestWriteCurves(t *testing.T) {
	set := smallCurves(t)
	dir := filepath.Join(t.TempDir(), "curves")
	require.NoError(t, output.CheckCurvesOutput(output.Output{Dir: dir}))
	require.NoError(t, output.WriteCurves(t.Context(), set, output.Output{Dir: dir}))
	require.Equal(t, []string{"curves.csv", "curves.html"}, names(t, dir))
	var h, c bytes.Buffer
	require.NoError(t, set.WriteHTML(&h))
	require.NoError(t, set.WriteCSV(&c))
	for name, want := range map[string][]byte{"curves.html": h.Bytes(), "curves.csv": c.Bytes()} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(want, got), name)
	}
	require.NoError(t, output.WriteCurves(t.Context(), set, output.Output{Dir: dir}), "again, over its own files")

	// A run's directory holds files that are not the curves'.
	runDir := filepath.Join(t.TempDir(), "run")
	require.NoError(t, output.Write(t.Context(), smallResult(t), output.Output{Dir: runDir}))
	before := names(t, runDir)
	for _, err := range []error{
		output.CheckCurvesOutput(output.Output{Dir: runDir}),
		output.WriteCurves(t.Context(), set, output.Output{Dir: runDir}),
	} {
		require.ErrorIs(t, err, output.ErrForeignFiles)
		require.ErrorContains(t, err, "comparison.parquet, credits.parquet")
	}
	require.Equal(t, before, names(t, runDir))
	require.NoError(t, output.WriteCurves(t.Context(), set, output.Output{Dir: runDir, Force: true}))
	require.Equal(t, before, names(t, runDir), "forced: the run's files are kept, the curves replaced")

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	require.ErrorIs(t, output.WriteCurves(t.Context(), set, output.Output{Dir: file}), output.ErrNotDirectory)
	require.EqualError(t, output.WriteCurves(t.Context(), nil, output.Output{Dir: dir}), "output: no curves to write")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	gone := filepath.Join(t.TempDir(), "a", "b")
	require.ErrorIs(t, output.WriteCurves(cancelled, set, output.Output{Dir: gone}), context.Canceled)
	require.NoDirExists(t, filepath.Dir(gone), "a failed write creates nothing")
}

// A run writes the curves beside its summary, which links to them; with
// no charge to price at (every charge zero) it writes neither.
func TestRunWritesCurves(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	require.NoError(t, output.Write(t.Context(), smallResult(t), output.Output{Dir: dir}))
	requireComplete(t, dir)
	md, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	require.NoError(t, err)
	require.Contains(t, string(md), "See [curves.html](curves.html).")
	csv, err := os.ReadFile(filepath.Join(dir, "curves.csv"))
	require.NoError(t, err)
	require.Contains(t, string(csv), "\nK1,baseline,0.95,met,0.00,0.00,9000.00,")

	job := smallJob(t)
	var zero bytes.Buffer
	for i, line := range strings.Split(strings.TrimSpace(string(mustRead(t, "../testdata/small/small.csv"))), "\n") {
		if i > 0 {
			f := strings.Split(line, ",")
			f[3] = "0.00"
			line = strings.Join(f, ",")
		}
		zero.WriteString(line + "\n")
	}
	ds, err := input.ReadCSV(job.Rules, "zero.csv", &zero)
	require.NoError(t, err)
	res, err := runner.Run(t.Context(), runner.Job{Rules: job.Rules, Data: ds})
	require.NoError(t, err)
	require.True(t, res.Baseline().Total.Charge.Equal(decimal.Zero))
	dir = filepath.Join(t.TempDir(), "zero")
	require.NoError(t, output.Write(t.Context(), res, output.Output{Dir: dir}))
	require.NotContains(t, names(t, dir), "curves.html")
	md, err = os.ReadFile(filepath.Join(dir, "summary.md"))
	require.NoError(t, err)
	require.NotContains(t, string(md), "curves")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
