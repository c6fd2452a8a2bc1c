package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Output says where and how to write a run's files.
type Output struct {
	Dir string
	CSV bool // also write the tables as CSV
	// Force lets the run write into a directory that holds files other
	// than a run's outputs.
	Force bool
	// Inputs are the files the run read, hashed into the manifest.
	Inputs []Input
}

// Input is an input file named in the manifest.
type Input struct {
	Role string // rules, scenario, data or relief
	Path string
}

// outputNames are every file a run may write.
var outputNames = []string{
	"kpi_results.parquet", "credits.parquet", "comparison.parquet",
	"kpi_results.csv", "credits.csv", "comparison.csv",
	"summary.md", "summary.html", "manifest.json",
}

// ErrNotDirectory is returned when the output directory's path names a
// file.
var ErrNotDirectory = errors.New("the output path is a file, not a directory")

// ErrForeignFiles is returned when the output directory holds files that
// a run did not write, and Force is not set.
var ErrForeignFiles = errors.New("the output directory holds files kpicredit did not write")

// Write writes the run's outputs into out.Dir, replacing the previous
// run's as a whole: the new files are written and synced in a sibling
// directory, which is then exchanged with out.Dir in one atomic rename. A
// run that fails or is killed at any point leaves out.Dir as it was, and
// the next run removes what the killed one left beside it. Where the
// system cannot exchange directories, or --force keeps other files in
// out.Dir, each file is renamed into place on its own instead.
func Write(ctx context.Context, res *Result, out Output) error {
	if err := res.check(); err != nil {
		return err
	}
	foreign, err := prepareDir(out)
	if err != nil {
		return err
	}
	files, err := render(ctx, res, out)
	if err != nil {
		return err
	}
	staging, err := stage(out.Dir, files)
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	if err := ctx.Err(); err != nil {
		return err
	}
	if !foreign {
		if err := exchange(staging, out.Dir); err == nil {
			return nil
		} else if !errors.Is(err, errNoExchange) {
			return err
		}
	}
	return replaceFiles(staging, out.Dir, files)
}

// Verify renders every output of a run in memory and discards it: it
// finds what Write would fail on, such as a value too large for its
// column, without touching the disk.
func Verify(ctx context.Context, res *Result) error {
	if err := res.check(); err != nil {
		return err
	}
	_, err := render(ctx, res, Output{})
	return err
}

// cancellable makes a table's rows stop, with the context's error, soon
// after ctx is done.
func cancellable(ctx context.Context, rows func(yield func([]any) error) error) func(yield func([]any) error) error {
	return func(yield func([]any) error) error {
		n := 0
		return rows(func(row []any) error {
			if n++; n%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			return yield(row)
		})
	}
}

// check reports a Result that Run did not make: nil, or without its
// rulebook, data or baseline.
func (r *Result) check() error {
	if r == nil || r.Rules == nil || r.Data == nil || len(r.Runs) == 0 || r.Runs[0] == nil {
		return errors.New("runner: not a result of Run: it lacks its rulebook, data or baseline")
	}
	return nil
}

// errNoExchange says the system cannot swap two directories atomically.
var errNoExchange = errors.New("directories cannot be exchanged atomically here")

// stage writes every file, synced, into a new directory beside dir, after
// removing any such directory an interrupted run left.
func stage(dir string, files []file) (string, error) {
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	prefix := "." + base + stagingSuffix
	if old, _ := filepath.Glob(filepath.Join(parent, prefix+"*")); len(old) > 0 {
		for _, o := range old {
			if err := os.RemoveAll(o); err != nil {
				return "", err
			}
		}
	}
	staging, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return "", err
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		return staging, err
	}
	for _, f := range files {
		if err := writeSynced(filepath.Join(staging, f.name), f.data); err != nil {
			return staging, err
		}
	}
	return staging, syncDir(staging)
}

const stagingSuffix = ".kpicredit-"

// replaceFiles renames each staged file into dir, then removes outputs of
// an earlier run that this one did not write.
func replaceFiles(staging, dir string, files []file) error {
	for _, f := range files {
		if err := os.Rename(filepath.Join(staging, f.name), filepath.Join(dir, f.name)); err != nil {
			return err
		}
	}
	return removeStale(dir, files)
}

// file is one finished output.
type file struct {
	name string
	data []byte
}

// render produces every output in memory, the manifest last. The tables,
// their CSV copies and the summaries are written side by side; the files
// come out in a fixed order whatever the scheduling.
func render(ctx context.Context, res *Result, out Output) ([]file, error) {
	places := res.Rules.MinorUnits
	tables := []outTable{kpiResults(res), creditTable(res), comparisonTable(res)}
	for i := range tables {
		tables[i].rows = cancellable(ctx, tables[i].rows)
	}
	var jobs []func() ([]file, error)
	rows := make([]int, len(tables))
	for i, t := range tables {
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
	jobs = append(jobs, func() ([]file, error) {
		md, html, err := summaries(res)
		return []file{{"summary.md", md}, {"summary.html", html}}, err
	})
	done := make([][]file, len(jobs))
	err := parallel(ctx, 0, len(jobs), func(i int) (err error) {
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
	m, err := manifest(ctx, res, out.Inputs, counts, files)
	if err != nil {
		return nil, err
	}
	return append(files, file{"manifest.json", m}), nil
}

// prepareDir creates the directory, or checks that it holds nothing but a
// run's outputs unless out.Force is set. It reports whether other files
// are there (which --force keeps).
func prepareDir(out Output) (foreign bool, err error) {
	if st, err := os.Stat(out.Dir); err == nil && !st.IsDir() {
		return false, fmt.Errorf("%s: %w", out.Dir, ErrNotDirectory)
	}
	entries, err := os.ReadDir(out.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, os.MkdirAll(filepath.Dir(filepath.Clean(out.Dir)), 0o755)
	}
	if err != nil {
		return false, err
	}
	var names []string
	for _, e := range entries {
		if !slices.Contains(outputNames, e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 && !out.Force {
		return true, fmt.Errorf("%s: %w (%s); choose an empty directory or pass --force",
			out.Dir, ErrForeignFiles, strings.Join(names, ", "))
	}
	return len(names) > 0, nil
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

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeStale deletes outputs of an earlier run that this run did not
// write (CSV copies when --csv was not given).
func removeStale(dir string, written []file) error {
	for _, name := range outputNames {
		if slices.ContainsFunc(written, func(f file) bool { return f.name == name }) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// hashFile returns the SHA-256 of a file's contents in hex.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashBytes(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
