// Package duckdbtest lets tests read the project's Parquet files with
// DuckDB, as a user's tools would, through tools/duckdb/query.mjs.
//
// The tests need `npm ci --prefix tools/duckdb`. Without it they skip,
// except under CI=true, where a missing DuckDB fails them.
package duckdbtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Row is one result row: column name to value. DuckDB's DECIMAL, BIGINT
// and HUGEINT values come as exact strings, DATE as YYYY-MM-DD.
type Row = map[string]any

// Query runs SQL statements in one in-memory DuckDB database and returns
// each statement's rows. It skips the test when DuckDB is not installed
// and CI is not "true".
func Query(t testing.TB, sql ...string) [][]Row {
	t.Helper()
	tools := filepath.Join(root(t), "tools", "duckdb")
	if _, err := os.Stat(filepath.Join(tools, "node_modules", "@duckdb", "node-api")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("DuckDB is not installed (CI=true): run npm ci --prefix tools/duckdb: %v", err)
		}
		t.Skip("DuckDB is not installed: run npm ci --prefix tools/duckdb")
	}
	cmd := exec.Command("node", append([]string{filepath.Join(tools, "query.mjs")}, sql...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node query.mjs: %v: %s", err, stderr.String())
	}
	return parse(t, out)
}

// parse reads query.mjs output: JSON lines, an empty line after each
// statement's rows.
func parse(t testing.TB, out []byte) [][]Row {
	t.Helper()
	var results [][]Row
	rows := []Row{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		if sc.Text() == "" {
			results = append(results, rows)
			rows = []Row{}
			continue
		}
		var row Row
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("query.mjs printed %q: %v", sc.Text(), err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return results
}

// root returns the directory of the module's go.mod.
func root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
