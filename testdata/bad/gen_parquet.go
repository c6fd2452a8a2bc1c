//go:build ignore

// gen_parquet writes the Parquet files of the bad-input cases from
// _base/data.csv. Run it from the repository root:
//
//	go run testdata/bad/gen_parquet.go
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"
)

const dir = "testdata/bad"

// columns of _base/data.csv, in order.
var columns = []pq.Column{
	{Name: "provider", Kind: pq.String},
	{Name: "region", Kind: pq.String},
	{Name: "month", Kind: pq.Month},
	{Name: "monthly_charge", Kind: pq.Decimal, Scale: 2},
	{Name: "jobs", Kind: pq.Int64},
	{Name: "fixed", Kind: pq.Int64},
	{Name: "nights", Kind: pq.Decimal, Scale: 1},
}

func main() {
	f, err := os.Open(filepath.Join(dir, "_base", "data.csv"))
	if err != nil {
		log.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	rows := recs[1:]

	// p-truncated: a valid file cut off in the middle.
	whole := encode(columns, rows)
	write("p-truncated", whole[:len(whole)/2])

	// p-no-rows: the columns and no row.
	write("p-no-rows", encode(columns, nil))

	// p-bad-checksum: a byte of the first column's data page flipped, so
	// that the page's CRC no longer matches.
	bad := slices.Clone(whole)
	bad[badByte] ^= 0xff
	write("p-bad-checksum", bad)

	// p-missing-column: no jobs column.
	jobs := slices.IndexFunc(columns, func(c pq.Column) bool { return c.Name == "jobs" })
	var short [][]string
	for _, r := range rows {
		short = append(short, slices.Delete(slices.Clone(r), jobs, jobs+1))
	}
	write("p-missing-column", encode(slices.Delete(slices.Clone(columns), jobs, jobs+1), short))

	// p-negative-count: jobs of data row 2 is -3.
	neg := make([][]string, len(rows))
	for i, r := range rows {
		neg[i] = slices.Clone(r)
	}
	neg[1][jobs] = "-3"
	write("p-negative-count", encode(columns, neg))

	// p-value-too-long: the provider of data row 3 is 4097 bytes, one over
	// the limit of a value.
	write("p-value-too-long", encodeBare(rows, 2, strings.Repeat("x", limits.MaxCellBytes+1)))

	// p-decompressed-too-large: the provider of data row 1 is 32 MiB and a
	// byte, which zstd compresses to a few kilobytes: its page decompresses
	// to more than a page may.
	write("p-decompressed-too-large", encodeBare(rows, 0, strings.Repeat("x", limits.MaxPageBytes+1)))
}

// bareRow is a row of _base/data.csv as parquet-go writes a struct: text,
// with the counts as integers.
type bareRow struct {
	Provider      string `parquet:"provider,zstd"`
	Region        string `parquet:"region,zstd"`
	Month         string `parquet:"month,zstd"`
	MonthlyCharge string `parquet:"monthly_charge,zstd"`
	Jobs          int64  `parquet:"jobs,zstd"`
	Fixed         int64  `parquet:"fixed,zstd"`
	Nights        string `parquet:"nights,zstd"`
}

// encodeBare writes rows with parquet-go, the provider of row i replaced,
// and without the statistics that would hold a long value whole.
func encodeBare(rows [][]string, i int, provider string) []byte {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[bareRow](&buf, parquet.SkipPageBounds("provider"), parquet.DataPageStatistics(false))
	for j, r := range rows {
		jobs, err1 := strconv.ParseInt(r[4], 10, 64)
		fixed, err2 := strconv.ParseInt(r[5], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			log.Fatal(err)
		}
		row := bareRow{r[0], r[1], r[2], r[3], jobs, fixed, r[6]}
		if j == i {
			row.Provider = provider
		}
		if _, err := w.Write([]bareRow{row}); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func encode(cols []pq.Column, rows [][]string) []byte {
	var buf bytes.Buffer
	w, err := pq.NewWriter(&buf, cols)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		vals := make([]any, len(cols))
		for j, c := range cols {
			var err error
			switch c.Kind {
			case pq.String:
				vals[j] = r[j]
			case pq.Month:
				vals[j], err = rules.ParseMonth(r[j])
			case pq.Decimal:
				vals[j], err = decimal.NewFromString(r[j])
			case pq.Int64:
				vals[j], err = strconv.ParseInt(r[j], 10, 64)
			}
			if err != nil {
				log.Fatal(err)
			}
		}
		if err := w.Write(vals...); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// badByte is the byte p-bad-checksum flips: one of the first data
// page's, past its header (found by trying each byte in turn).
const badByte = 71

func write(name string, b []byte) {
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name, "data.parquet"), b, 0o644); err != nil {
		log.Fatal(err)
	}
}
