package golden

import (
	"bytes"
	"testing"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// parquetFile writes rows of (kpi, credit) as a Parquet file.
func parquetFile(t *testing.T, rows [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := pq.NewWriter(&buf, []pq.Column{{Name: "kpi", Kind: pq.String}, {Name: "credit", Kind: pq.Decimal, Scale: 2}})
	require.NoError(t, err)
	for _, r := range rows {
		require.NoError(t, w.Write(r[0], decimal.RequireFromString(r[1])))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestDiff(t *testing.T) {
	base := parquetFile(t, [][2]string{{"K1", "10.00"}, {"K2", "20.00"}})
	// The same values with one byte of the footer's created_by changed:
	// a difference of bytes, not of results.
	relabelled := bytes.Replace(bytes.Clone(base), []byte("kpicredit"), []byte("kpicredjt"), 1)
	require.NotEqual(t, base, relabelled)
	tests := []struct {
		name, file string
		want, got  []byte
		diff       string
	}{
		{"equal text", "a.csv", []byte("x\ny\n"), []byte("x\ny\n"), ""},
		{"a line differs", "a.csv", []byte("x\ny\nz\n"), []byte("x\nY\nz\n"), `line 2: golden "y\n", got "Y\n"`},
		{"a line is missing", "a.md", []byte("x\ny\n"), []byte("x\n"), `line 2: golden "y\n", got (end of file)`},
		{"equal parquet", "t.parquet", base, base, ""},
		{"a value differs", "t.parquet", base, parquetFile(t, [][2]string{{"K1", "10.00"}, {"K2", "20.01"}}),
			`row 2 column credit: golden "20.00", got "20.01"`},
		{"a row is missing", "t.parquet", base, parquetFile(t, [][2]string{{"K1", "10.00"}}),
			"golden has 2 rows, got 1 (the first 1 agree)"},
		{"bytes only", "t.parquet", base, relabelled,
			"every column and row holds the same values, but the bytes differ from offset"},
		{"not parquet", "t.parquet", base, []byte("PAR1"), "the new file does not decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(tt.file, tt.want, tt.got)
			if tt.diff == "" {
				require.Empty(t, d)
				return
			}
			require.Contains(t, d, tt.diff)
		})
	}
}
