// Command gen draws the example contract's monthly data: data.csv (and the
// same as data.parquet) and relief.csv for the lots and months asked for.
//
//	go run ./examples/aasc/gen -seed 1 -months 24 -start 2024-09 -out examples/aasc [-lots 21]
//
// The same flags always give byte-identical files. -lots scales the
// contract beyond its seven lots for benchmarks (21 lots x 120 months is
// the whole ten-year term with every provider in every region).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/rules"
)

func main() {
	seed := flag.Uint64("seed", 1, "random seed")
	months := flag.Int("months", 24, "number of months")
	start := flag.String("start", "2024-09", "first month, YYYY-MM")
	out := flag.String("out", ".", "directory to write data.csv, data.parquet and relief.csv to")
	lots := flag.Int("lots", 0, "number of lots (0: the contract's own seven)")
	flag.Parse()
	if err := run(*seed, *months, *start, *out, *lots); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(seed uint64, months int, start, out string, lots int) error {
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flag.Args())
	}
	first, err := rules.ParseMonth(start)
	if err != nil {
		return err
	}
	data, relief, err := aasc.Generate(aasc.Config{Seed: seed, Start: first, Months: months, Lots: lots})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "data.csv"), data, 0o644); err != nil {
		return err
	}
	var pq bytes.Buffer
	if err := aasc.ToParquet(data, &pq); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "data.parquet"), pq.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "relief.csv"), relief, 0o644)
}
