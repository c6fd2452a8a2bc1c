// Package output writes a run's files into a directory: kpi_results,
// credits, comparison and triggers as Parquet (and CSV), with event data
// the reconciliation (and CSV) and qa_sample.csv, the summary pages and a
// manifest of every input and output with its SHA-256. Write renders every
// file in memory first, then swaps a staging directory into place under a
// lock, so a failed or killed run leaves the previous outputs as they
// were; Verify renders without writing. docs/outputs.md describes every
// file and column.
//
// It depends on runner (the result), report (the summary pages), input,
// engine, events, kpi and rules, and internal/pq for Parquet; nothing in
// kpicredit depends on it but the command.
package output

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/kpicredit/kpicredit/internal/par"
	"github.com/kpicredit/kpicredit/report"
	"github.com/kpicredit/kpicredit/runner"
)

// Output says where and how to write a run's files.
type Output struct {
	Dir string // the output directory; a symbolic link is written through
	CSV bool   // also write the tables as CSV
	// Force lets the run write into a directory that holds files other
	// than a run's outputs.
	Force bool
	// Inputs are the files the run read, hashed into the manifest:
	// runner.Files.Inputs lists them.
	Inputs []runner.Input
	// Stream, when not nil, had the runs' detail as the run priced it
	// (runner.Job.Detail): Write takes the rows of kpi_results and the
	// curves' data from it.
	Stream *Stream
}

// outputNames are every file a run may write.
var outputNames = []string{
	"kpi_results.parquet", "credits.parquet", "comparison.parquet", "triggers.parquet", "reconciliation.parquet",
	"kpi_results.csv", "credits.csv", "comparison.csv", "triggers.csv", "reconciliation.csv",
	"qa_sample.csv", "summary.md", "summary.html", "curves.html", "curves.csv", "manifest.json",
}

// curvesNames are the files WriteCurves writes.
var curvesNames = []string{"curves.html", "curves.csv"}

// ErrNotDirectory is wrapped in the *OutputError returned when the output
// directory's path names a file.
var ErrNotDirectory = errors.New("the output path is a file, not a directory")

// ErrForeignFiles is wrapped in the *OutputError returned when the output
// directory holds files that a run did not write, and Force is not set.
var ErrForeignFiles = errors.New("the output directory holds files kpicredit did not write")

// Write writes the run's outputs into out.Dir, replacing the previous
// run's as a whole: the new files are written and synced in a sibling
// directory, which is then exchanged with out.Dir in one atomic rename. A
// run that fails or is killed at any point leaves out.Dir as it was, and
// creates nothing: the parents of out.Dir are made only once the outputs
// are rendered, and removed again if writing them fails.
//
// A symbolic link given as out.Dir is written through: its target is
// replaced, and the link kept. Runs into one directory take a lock on it
// (a file beside it), and the second fails at once with a *BusyError.
// Holding it, a run removes what killed runs left beside the directory.
//
// Where the system cannot exchange directories, where out.Force keeps
// other files in out.Dir, or where out.Dir is the working directory or
// holds it, each file is renamed into place on its own instead.
func Write(ctx context.Context, res *runner.Result, out Output) error {
	if err := res.Check(); err != nil {
		return err
	}
	t, err := resolveTarget(out.Dir, outputNames)
	if err != nil {
		return err
	}
	if _, err := t.foreign(out.Force); err != nil {
		return err
	}
	files, err := render(ctx, res, out)
	if err != nil {
		return err
	}
	return t.write(ctx, out.Force, files)
}

// write creates t's parents, takes its lock and puts the files in place.
// When it fails it removes the parents it created.
func (t target) write(ctx context.Context, force bool, files []file) (err error) {
	created, err := makeParents(t.dir)
	defer func() {
		if err != nil {
			removeDirs(created)
		}
	}()
	if err != nil {
		return err
	}
	unlock, err := t.lock()
	if err != nil {
		return err
	}
	defer unlock()
	return t.replace(ctx, force, files)
}

// replace, holding t's lock, stages the files beside t and swaps them in.
func (t target) replace(ctx context.Context, force bool, files []file) error {
	foreign, err := t.foreign(force)
	if err != nil {
		return err
	}
	if err := t.removeStaging(); err != nil {
		return err
	}
	staging, err := t.stage(files)
	if staging != "" {
		defer os.RemoveAll(staging)
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := os.Lstat(t.dir); errors.Is(err, fs.ErrNotExist) {
		return renameSynced(staging, t.dir)
	}
	if !foreign && !t.inUse {
		if err := exchange(staging, t.dir); !errors.Is(err, errNoExchange) {
			if err == nil {
				err = syncDir(t.parent())
			}
			return err
		}
	}
	return replaceFiles(staging, t.dir, t.names, files)
}

// Verify renders every output of a run in memory and discards it: it
// finds what Write would fail on, such as a value too large for its
// column, without touching the disk.
func Verify(ctx context.Context, res *runner.Result) error {
	if err := res.Check(); err != nil {
		return err
	}
	_, err := render(ctx, res, Output{})
	return err
}

// cancellable makes a table's rows stop, with the context's error, soon
// after ctx is done.
func cancellable(ctx context.Context, rows func(yield func([]cell) error) error) func(yield func([]cell) error) error {
	return func(yield func([]cell) error) error {
		n := 0
		return rows(func(row []cell) error {
			if n++; n%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			return yield(row)
		})
	}
}

// errNoExchange says the system cannot swap two directories atomically.
var errNoExchange = errors.New("directories cannot be exchanged atomically here")

// stage writes every file, synced, into a new staging directory beside
// t. It returns the directory, for the caller to remove, even when it
// fails.
func (t target) stage(files []file) (string, error) {
	staging, err := t.mkStaging()
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if err := writeSynced(filepath.Join(staging, f.name), f.data); err != nil {
			return staging, err
		}
	}
	return staging, syncDir(staging)
}

// renameSynced renames a directory and syncs the parent it is now in.
func renameSynced(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	return syncDir(filepath.Dir(to))
}

// replaceFiles renames each staged file into dir, then removes the files
// of names that an earlier run wrote and this one did not.
func replaceFiles(staging, dir string, names []string, files []file) error {
	for _, f := range files {
		if err := os.Rename(filepath.Join(staging, f.name), filepath.Join(dir, f.name)); err != nil {
			return err
		}
	}
	if err := removeStale(dir, names, files); err != nil {
		return err
	}
	return syncDir(dir)
}

// file is one finished output.
type file struct {
	name string
	data []byte
}

// render produces every output in memory, the manifest last. The credit
// curves are computed first, for the summary links to them; then the
// tables, their CSV copies, the summaries and the curves are written side
// by side; the files come out in a fixed order whatever the scheduling.
// A job with events also writes the reconciliation and the QA sample.
func render(ctx context.Context, res *runner.Result, out Output) ([]file, error) {
	gave := slices.ContainsFunc(res.Runs, func(r *runner.ScenarioRun) bool { return r.Detailed() && r.Lots == nil })
	if gave && out.Stream == nil {
		return nil, errors.New("output: the run gave its detail to a Stream (runner.Job.Detail): give it as Output.Stream")
	}
	places := res.Rules.MinorUnits
	tables := []outTable{kpiResults(res), creditTable(res), comparisonTable(res), triggerTable(res)}
	if res.Events != nil {
		tables = append(tables, reconciliationTable(res))
	}
	for i := range tables {
		tables[i].rows = cancellable(ctx, tables[i].rows)
	}
	var jobs []func() ([]file, error)
	rows := make([]int, len(tables))
	for i, t := range tables {
		if i == 0 && out.Stream != nil { // kpi_results
			jobs = append(jobs, func() (fs []file, err error) {
				fs, rows[i], err = out.Stream.finish(res)
				return fs, err
			})
			continue
		}
		jobs = append(jobs, func() ([]file, error) {
			var buf bytes.Buffer
			n, err := writeParquet(&buf, t, places)
			rows[i] = n
			return []file{{t.name + ".parquet", buf.Bytes()}}, err
		})
		if out.CSV {
			jobs = append(jobs, func() ([]file, error) {
				var buf bytes.Buffer
				err := writeCSV(&buf, t, places)
				return []file{{t.name + ".csv", buf.Bytes()}}, err
			})
		}
	}
	jobs = append(jobs, func() ([]file, error) { return summaryFiles(ctx, res, out.Stream) })
	sampled := 0
	if res.Events != nil {
		jobs = append(jobs, func() ([]file, error) {
			b, n, err := qaSample(res)
			sampled = n
			return []file{{"qa_sample.csv", b}}, err
		})
	}
	done := make([][]file, len(jobs))
	err := par.Run(ctx, 0, len(jobs), func(i int) (err error) {
		done[i], err = jobs[i]()
		return err
	})
	if err != nil {
		return nil, err
	}
	var files []file
	for _, fs := range done {
		files = append(files, fs...)
	}
	counts := map[string]int{}
	for i, t := range tables {
		counts[t.name] = rows[i]
	}
	if res.Events != nil {
		counts["qa_sample"] = sampled
	}
	m, err := manifest(ctx, res, out.Inputs, counts, files)
	if err != nil {
		return nil, err
	}
	return append(files, file{"manifest.json", m}), nil
}

// summaryFiles renders the summaries and the curves they link to (none
// when runCurves finds no charge to price at).
func summaryFiles(ctx context.Context, res *runner.Result, stream *Stream) ([]file, error) {
	set, err := runCurves(ctx, res, curvesOf(res, stream).data())
	if err != nil {
		return nil, err
	}
	md, html, err := summaries(res, CurvesLink(set, "curves.html"))
	if err != nil {
		return nil, err
	}
	files := []file{{"summary.md", md}, {"summary.html", html}}
	if set == nil {
		return files, nil
	}
	cf, err := curvesFiles(set)
	return append(files, cf...), err
}

// writeSynced writes a new file and syncs it to disk.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir syncs a directory, so that the names in it are on disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeStale deletes the files of names that an earlier run wrote and
// this run did not (CSV copies when --csv was not given).
func removeStale(dir string, names []string, written []file) error {
	for _, name := range names {
		if slices.ContainsFunc(written, func(f file) bool { return f.name == name }) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func hashBytes(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// summaries writes summary.md and summary.html, linking the curves page
// when there is one.
func summaries(res *runner.Result, curves *report.CurvesLink) (md, html []byte, err error) {
	s := report.Summarize(res)
	s.Curves = curves
	var a, b bytes.Buffer
	if err := report.WriteMarkdown(&a, s); err != nil {
		return nil, nil, err
	}
	if err := report.WriteHTML(&b, s); err != nil {
		return nil, nil, err
	}
	return a.Bytes(), b.Bytes(), nil
}
