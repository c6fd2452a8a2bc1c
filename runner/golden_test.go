package runner_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/output"

	"github.com/kpicredit/kpicredit/internal/golden"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// runInto runs a job and writes its outputs, with CSV copies, into dir.
func runInto(t testing.TB, job runner.Job, inputs []runner.Input, dir string) *runner.Result {
	t.Helper()
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	require.NoError(t, output.Write(context.Background(), res, output.Output{Dir: dir, CSV: true, Inputs: inputs}))
	return res
}

func exampleJob(t testing.TB) (runner.Job, []runner.Input) {
	t.Helper()
	const dir = "../examples/aasc/"
	rb, err := rules.Load(dir+"rules.yaml", nil)
	require.NoError(t, err)
	ds, err := input.LoadData(rb, dir+"data.csv")
	require.NoError(t, err)
	f, err := os.Open(dir + "relief.csv")
	require.NoError(t, err)
	defer f.Close()
	var ids []string
	for _, k := range rb.KPIs {
		ids = append(ids, k.ID)
	}
	rt, err := input.ReadRelief(ds, ids, dir+"relief.csv", f)
	require.NoError(t, err)
	return runner.Job{Rules: rb, Data: ds, Relief: rt}, []runner.Input{
		{Role: "rules", Path: dir + "rules.yaml"}, {Role: "data", Path: dir + "data.csv"}, {Role: "relief", Path: dir + "relief.csv"}}
}

// compareGolden checks the named outputs in dir against
// testdata/golden/name, naming the first line, or Parquet row and column,
// that differs.
func compareGolden(t *testing.T, name, dir string, files ...string) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", "golden", name), dir, *update, files...)
}

// The small contract's every output. The manifest comes last: it hashes
// the others, so a change shows first in the file that changed.
func TestGoldenSmall(t *testing.T) {
	dir := t.TempDir()
	runInto(t, smallJob(t), []runner.Input{{Role: "rules", Path: "../testdata/small/small.yaml"},
		{Role: "data", Path: "../testdata/small/small.csv"}, {Role: "relief", Path: "../testdata/small/relief.csv"}}, dir)
	compareGolden(t, "small", dir, "kpi_results.parquet", "credits.parquet", "comparison.parquet", "triggers.parquet",
		"kpi_results.csv", "credits.csv", "comparison.csv", "triggers.csv", "summary.md", "summary.html", "curves.csv", "manifest.json")
}

// The small contract measured from its job records (small-events.yaml,
// whose jobs.csv the rulebook names) with an exclusion, loaded as the
// command loads it: every output, the reconciliation and the QA sample
// included.
func TestGoldenSmallEvents(t *testing.T) {
	dir := t.TempDir()
	job := smallEventsJob(t)
	runInto(t, job, job.Files.Inputs(), dir)
	compareGolden(t, "small-events", dir, "kpi_results.parquet", "credits.parquet", "comparison.parquet", "triggers.parquet",
		"reconciliation.parquet", "kpi_results.csv", "credits.csv", "comparison.csv", "triggers.csv", "reconciliation.csv",
		"qa_sample.csv", "summary.md", "summary.html", "curves.csv", "manifest.json")
}

// The bundled example end to end. Its CSV copies are large and say what
// the Parquet files say, so they are compared through the manifest only.
func TestGoldenExample(t *testing.T) {
	dir := t.TempDir()
	job, inputs := exampleJob(t)
	runInto(t, job, inputs, dir)
	compareGolden(t, "aasc", dir, "kpi_results.parquet", "credits.parquet", "comparison.parquet", "triggers.parquet",
		"summary.md", "manifest.json")
}

// Identical inputs give byte-identical outputs, however the scenarios are
// scheduled.
func TestOutputsAreReproducible(t *testing.T) {
	job, inputs := exampleJob(t)
	a, b := t.TempDir(), t.TempDir()
	job.Workers = 1
	runInto(t, job, inputs, a)
	job.Workers = 4
	runInto(t, job, inputs, b)
	entries, err := os.ReadDir(a)
	require.NoError(t, err)
	require.Len(t, entries, 13)
	for _, e := range entries {
		x, err := os.ReadFile(filepath.Join(a, e.Name()))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		require.NoError(t, err)
		require.Truef(t, bytes.Equal(x, y), "%s differs between runs", e.Name())
	}
}
