package pq

import (
	"bytes"
	"io"
	"testing"

	"github.com/shopspring/decimal"
)

const benchRows = 100_000

// BenchmarkWrite writes a kpi_results-like table of 100k rows: rowbyrow is
// the writer that hands parquet-go one row at a time (as it was), inline
// the Writer encoding its batches on the caller's goroutine, parallel on
// every CPU.
func BenchmarkWrite(b *testing.B) {
	rows := make([][]any, benchRows)
	for i := range rows {
		rows[i] = resultRow(i)
	}
	b.Run("rowbyrow", func(b *testing.B) { benchWrite(b, rows, 0) })
	b.Run("inline", func(b *testing.B) { benchWrite(b, rows, 1) })
	b.Run("parallel", func(b *testing.B) { benchWrite(b, rows, -1) })
}

// benchWrite writes rows with the old writer (workers 0) or the Writer.
func benchWrite(b *testing.B, rows [][]any, workers int) {
	b.ReportAllocs()
	for b.Loop() {
		var write func(...any) error
		var closeW func() error
		if workers == 0 {
			w, err := newOldWriter(io.Discard, resultCols)
			if err != nil {
				b.Fatal(err)
			}
			write, closeW = w.Write, w.Close
		} else {
			w, err := NewWriter(io.Discard, resultCols)
			if err != nil {
				b.Fatal(err)
			}
			if workers > 0 {
				w.workers = workers
			}
			write, closeW = w.Write, w.Close
		}
		for _, r := range rows {
			if err := write(r...); err != nil {
				b.Fatal(err)
			}
		}
		if err := closeW(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rows)*b.N)/b.Elapsed().Seconds(), "rows/s")
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

// BenchmarkPutWide converts measure-like decimals (up to 16 places, some
// beyond 18 digits at scale 16) to DECIMAL(38,16): old through unscaled
// and math/big, new in 128-bit integer arithmetic.
func BenchmarkPutWide(b *testing.B) {
	ds := make([]decimal.Decimal, 1024)
	for i := range ds {
		ds[i] = decimal.New(int64(i)*7919+12345, -int32(i%17))
	}
	dst := make([]byte, wideSize)
	for _, bc := range []struct {
		name string
		put  func([]byte, decimal.Decimal, int32) error
	}{{"old", oldPutUnscaledWide}, {"new", putWide}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range ds {
					if err := bc.put(dst, d, 16); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
