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

// ErrForeignFiles is returned when the output directory holds files that
// a run did not write, and Force is not set.
var ErrForeignFiles = errors.New("the output directory holds files kpicredit did not write")

// Write writes the run's outputs into out.Dir. Each file is written under
// a temporary name and renamed into place only when all are complete, so
// a failed or interrupted run leaves the previous outputs as they were.
func Write(ctx context.Context, res *Result, out Output) error {
	if err := prepareDir(out); err != nil {
		return err
	}
	files, err := render(ctx, res, out)
	if err != nil {
		return err
	}
	var temps []string
	defer func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}()
	for _, f := range files {
		t, err := writeTemp(out.Dir, f.name, f.data)
		if err != nil {
			return err
		}
		temps = append(temps, t)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(out.Dir, f.name)); err != nil {
			return err
		}
		temps[i] = ""
	}
	return removeStale(out.Dir, files)
}

// file is one finished output.
type file struct {
	name string
	data []byte
}

// render produces every output in memory, the manifest last.
func render(ctx context.Context, res *Result, out Output) ([]file, error) {
	places := res.Rules.MinorUnits
	tables := []outTable{kpiResults(res), creditTable(res), comparisonTable(res)}
	var files []file
	rows := map[string]int{}
	for _, t := range tables {
		var buf bytes.Buffer
		n, err := writeParquet(&buf, t, places)
		if err != nil {
			return nil, err
		}
		rows[t.name] = n
		files = append(files, file{t.name + ".parquet", buf.Bytes()})
		if out.CSV {
			buf = bytes.Buffer{}
			if err := writeCSV(&buf, t, places); err != nil {
				return nil, err
			}
			files = append(files, file{t.name + ".csv", buf.Bytes()})
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	md, html, err := summaries(res)
	if err != nil {
		return nil, err
	}
	files = append(files, file{"summary.md", md}, file{"summary.html", html})
	m, err := manifest(res, out.Inputs, rows, files)
	if err != nil {
		return nil, err
	}
	return append(files, file{"manifest.json", m}), nil
}

// prepareDir creates the directory, or checks that it holds nothing but a
// run's outputs unless out.Force is set.
func prepareDir(out Output) error {
	entries, err := os.ReadDir(out.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(out.Dir, 0o755)
	}
	if err != nil {
		return err
	}
	if out.Force {
		return nil
	}
	var foreign []string
	for _, e := range entries {
		if !slices.Contains(outputNames, e.Name()) && !isTemp(e.Name()) {
			foreign = append(foreign, e.Name())
		}
	}
	if len(foreign) > 0 {
		return fmt.Errorf("%s: %w (%s); choose an empty directory or pass --force",
			out.Dir, ErrForeignFiles, strings.Join(foreign, ", "))
	}
	return nil
}

const tempPrefix = ".kpicredit-"

func isTemp(name string) bool { return strings.HasPrefix(name, tempPrefix) }

// writeTemp writes data to a new temporary file in dir and syncs it.
func writeTemp(dir, name string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, tempPrefix+name+"-*")
	if err != nil {
		return "", err
	}
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// removeStale deletes outputs of an earlier run that this run did not
// write (CSV copies when --csv was not given), and temporary files left by
// an interrupted one.
func removeStale(dir string, written []file) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		stale := slices.Contains(outputNames, name) &&
			!slices.ContainsFunc(written, func(f file) bool { return f.name == name })
		if stale || isTemp(name) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return err
			}
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
