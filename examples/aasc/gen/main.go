// Command gen draws the example contract's monthly data: data.csv (and the
// same as data.parquet) and relief.csv for the lots and months asked for,
// and with -events the providers' job records behind them.
//
//	go run ./examples/aasc/gen -seed 1 -months 24 -start 2024-09 -out examples/aasc [-lots 21]
//	    [-events DIR [-events-parquet] [-events-region R -events-from YYYY-MM -events-to YYYY-MM]]
//
// The same flags always give byte-identical files. -lots scales the
// contract beyond its seven lots for benchmarks (21 lots x 120 months is
// the whole ten-year term with every provider in every region). -events
// writes repairs.csv, repair_stops.csv, moves.csv and transport.csv (and
// with -events-parquet the same as .parquet) into DIR: the events of the
// data's months and of the month after, as examples/aasc/rules-events.yaml
// reads them; -events-region and the months keep only one region's
// events that started in those months, as the bundled sample does.
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

// options are the command's flags.
type options struct {
	seed                  uint64
	months, lots          int
	start, out            string
	events                string
	eventsParquet         bool
	region, from, through string
}

func main() {
	var o options
	flag.Uint64Var(&o.seed, "seed", 1, "random seed")
	flag.IntVar(&o.months, "months", 24, "number of months")
	flag.StringVar(&o.start, "start", "2024-09", "first month, YYYY-MM")
	flag.StringVar(&o.out, "out", ".", "directory to write data.csv, data.parquet and relief.csv to")
	flag.IntVar(&o.lots, "lots", 0, "number of lots (0: the contract's own seven)")
	flag.StringVar(&o.events, "events", "", "also write the event files into this directory")
	flag.BoolVar(&o.eventsParquet, "events-parquet", false, "with -events: write the event files as Parquet too")
	flag.StringVar(&o.region, "events-region", "", "with -events: only this region's events")
	flag.StringVar(&o.from, "events-from", "", "with -events-region: only events that started in this month (YYYY-MM) or later")
	flag.StringVar(&o.through, "events-to", "", "with -events-region: ... and in this month or before")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flag.Args())
	}
	first, err := rules.ParseMonth(o.start)
	if err != nil {
		return err
	}
	cfg := aasc.Config{Seed: o.seed, Start: first, Months: o.months, Lots: o.lots}
	data, relief, err := aasc.Generate(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "data.csv"), data, 0o644); err != nil {
		return err
	}
	var pq bytes.Buffer
	if err := aasc.ToParquet(data, &pq); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "data.parquet"), pq.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "relief.csv"), relief, 0o644); err != nil {
		return err
	}
	if o.events == "" {
		return nil
	}
	return writeEvents(o, cfg)
}

// writeEvents writes the event files.
func writeEvents(o options, cfg aasc.Config) error {
	var only *aasc.EventFilter
	if o.region != "" {
		from, err := rules.ParseMonth(o.from)
		if err != nil {
			return fmt.Errorf("-events-from: %w", err)
		}
		through, err := rules.ParseMonth(o.through)
		if err != nil {
			return fmt.Errorf("-events-to: %w", err)
		}
		only = &aasc.EventFilter{Region: o.region, From: from, To: through}
	}
	files, err := aasc.GenerateEvents(cfg, only)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.events, 0o755); err != nil {
		return err
	}
	for name, data := range files.Names() {
		if err := os.WriteFile(filepath.Join(o.events, name+".csv"), data, 0o644); err != nil {
			return err
		}
		if !o.eventsParquet {
			continue
		}
		var pq bytes.Buffer
		if err := aasc.EventsToParquet(data, &pq); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(o.events, name+".parquet"), pq.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
