package pq

import (
	"bytes"
	"io"
	"testing"
)

const benchRows = 100_000

// BenchmarkWrite writes a kpi_results-like table of 100k rows.
func BenchmarkWrite(b *testing.B) {
	rows := make([][]any, benchRows)
	for i := range rows {
		rows[i] = resultRow(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		w, err := NewWriter(io.Discard, resultCols)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Write(r...); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(len(writeFile(b, resultCols, rows))), "file-bytes")
}

// BenchmarkReadTable reads the same table back as text.
func BenchmarkReadTable(b *testing.B) {
	rows := make([][]any, benchRows)
	for i := range rows {
		rows[i] = resultRow(i)
	}
	data := writeFile(b, resultCols, rows)
	b.ReportAllocs()
	for b.Loop() {
		err := ReadTable(bytes.NewReader(data), int64(len(data)), nil, func(int64, []string) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
