// Package golden compares the files a test wrote with golden copies kept
// under testdata, and says where they differ: for text, the first line that
// differs; for Parquet, the first row and column whose values differ once
// both files are decoded, or, when every value agrees, the first byte (so
// a difference in encoding or metadata is told apart from one in results).
//
// It is for tests only. The update flag is the caller's, so that each test
// binary keeps its own -update.
package golden

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpicredit/kpicredit/internal/pq"
)

// T is the part of testing.TB that Compare uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Compare checks each named file in gotDir against the file of the same
// name in wantDir, reporting every file that differs with Diff. With update
// it copies the files into wantDir instead. Files are compared in the order
// given: list data files before the manifest that hashes them, so that a
// failure names the file that changed first.
func Compare(t T, wantDir, gotDir string, update bool, files ...string) {
	t.Helper()
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(gotDir, f))
		if err != nil {
			t.Fatalf("golden: %v", err)
			return
		}
		path := filepath.Join(wantDir, f)
		if update {
			if err := os.MkdirAll(wantDir, 0o755); err != nil {
				t.Fatalf("golden: %v", err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatalf("golden: %v", err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("golden: %v (run the test with -update to create it)", err)
			return
		}
		if d := Diff(f, want, got); d != "" {
			t.Errorf("%s differs from %s: %s (run the test with -update to rewrite it)", f, path, d)
		}
	}
}

// Diff describes the first difference between want and got, the golden and
// the new contents of the file name, or returns "" when they are equal.
func Diff(name string, want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	if strings.HasSuffix(name, ".parquet") {
		return parquetDiff(want, got)
	}
	return textDiff(want, got)
}

// textDiff names the first line that differs and quotes both versions.
func textDiff(want, got []byte) string {
	wl := strings.SplitAfter(string(want), "\n")
	gl := strings.SplitAfter(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		w, g := at(wl, i), at(gl, i)
		if w != g {
			return fmt.Sprintf("line %d: golden %s, got %s", i+1, clip(w), clip(g))
		}
	}
	return "the same lines, different bytes"
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// clip quotes a line, cut short when long.
func clip(s string) string {
	const most = 200
	if s == "" {
		return "(end of file)"
	}
	if len(s) > most {
		return fmt.Sprintf("%q...", s[:most])
	}
	return fmt.Sprintf("%q", s)
}

// table is a decoded Parquet file: its column names and rows of text cells.
type table struct {
	header []string
	rows   [][]string
}

func decode(data []byte) (*table, error) {
	t := &table{}
	err := pq.ReadTable(bytes.NewReader(data), int64(len(data)),
		func(h []string) error { t.header = append([]string(nil), h...); return nil },
		func(_ int64, cells []string) error {
			t.rows = append(t.rows, append([]string(nil), cells...))
			return nil
		})
	return t, err
}

// parquetDiff decodes both files and names the first column and row whose
// values differ; when every value agrees it names the first byte instead.
func parquetDiff(want, got []byte) string {
	w, err := decode(want)
	if err != nil {
		return fmt.Sprintf("the golden file does not decode: %v", err)
	}
	g, err := decode(got)
	if err != nil {
		return fmt.Sprintf("the new file does not decode: %v", err)
	}
	if d := headerDiff(w.header, g.header); d != "" {
		return d
	}
	for i := 0; i < min(len(w.rows), len(g.rows)); i++ {
		for j, col := range w.header {
			if w.rows[i][j] != g.rows[i][j] {
				return fmt.Sprintf("row %d column %s: golden %q, got %q", i+1, col, w.rows[i][j], g.rows[i][j])
			}
		}
	}
	if len(w.rows) != len(g.rows) {
		return fmt.Sprintf("golden has %d rows, got %d (the first %d agree)", len(w.rows), len(g.rows), min(len(w.rows), len(g.rows)))
	}
	return fmt.Sprintf("every column and row holds the same values, but the bytes differ from offset %d on "+
		"(the encoding, statistics, page layout or compression differs)", firstByte(want, got))
}

func headerDiff(want, got []string) string {
	if len(want) != len(got) {
		return fmt.Sprintf("golden has columns %v, got %v", want, got)
	}
	for i := range want {
		if want[i] != got[i] {
			return fmt.Sprintf("column %d: golden %s, got %s", i+1, want[i], got[i])
		}
	}
	return ""
}

func firstByte(a, b []byte) int {
	for i := 0; i < min(len(a), len(b)); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
