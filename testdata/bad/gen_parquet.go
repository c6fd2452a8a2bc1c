//go:build ignore

// gen_parquet writes the Parquet files of the bad-input cases from
// _base/data.csv. Run it from the repository root:
//
//	go run testdata/bad/gen_parquet.go
package main

import (
	"bytes"
	"encoding/csv"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/rules"
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

func write(name string, b []byte) {
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name, "data.parquet"), b, 0o644); err != nil {
		log.Fatal(err)
	}
}
