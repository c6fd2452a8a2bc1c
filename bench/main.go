// Command bench measures kpicredit against the targets of its performance
// issue, side by side in one run, on the example contract scaled up
// (runner/testdata/bench/rules.yaml, which peer.sql implements), and
// compares it with the peer a data analyst would reach for: the same
// credits computed by SQL in DuckDB over the same Parquet data.
//
//	npm ci --prefix tools/duckdb          # once, from the repository root
//	cd bench && go run .                  # every part, as bench/README.md reports
//	cd bench && go run . -parts baseline -sizes 21
//	cd bench && go run . -h               # the parts and flags
//
// It builds the kpicredit command and generates the data with the
// example's generator. Each command is timed as a whole process: wall
// time, CPU time and peak resident memory (by /usr/bin/time -v where it
// exists). The parts:
//
//   - baseline: kpicredit's default run (Parquet in and out) against
//     peer.sql, which writes its per-lot-month and per-KPI results to
//     Parquet too, at each of -sizes lots; both outputs are checked to agree
//     to the penny. The peer's start-up (node, DuckDB, SELECT 1) is timed on
//     its own.
//   - sweeps: kpicredit sweeps of KPI-07's target (-sweeps values), and
//     -scenarios scenarios that each change every KPI's target.
//   - peer-sweep: peer_sweep.sql, one cross join of -peer-sweeps values
//     with the data, beside kpicredit's sweep of the same values, checked
//     value by value.
//   - int64: the lower bound, the same per-KPI-month arithmetic on plain
//     int64s (int64.go) over the first of -sweeps values, checked against
//     kpicredit's sweep value by value; then the engine's steady-loop
//     benchmark beside its int64 bound (go test -bench, steady.go), whose
//     ratio and allocations are the targets.
//
// It ends with a table of every figure against its target.
//
//	cd bench && go run . -events [-lots 28] [-months 120] [-keep DIR]
//
// times instead the aggregation of the example's event files, about 10
// million events, into its monthly fields, as CSV and as Parquet (see
// events.go).
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// parts lists the parts in the order they run, with what each measures.
var parts = []struct{ name, what string }{
	{"baseline", "kpicredit run vs the DuckDB peer, Parquet in and out, at -sizes lots; the peer's start-up"},
	{"sweeps", "kpicredit sweeps of -sweeps values of KPI-07's target; -scenarios scenarios changing every KPI"},
	{"peer-sweep", "peer_sweep.sql (one cross join) at -peer-sweeps values beside kpicredit's sweep of them"},
	{"int64", "the int64 lower bound over the first -sweeps sweep, against kpicredit's; the steady loop against its bound"},
}

// config is what the flags ask for.
type config struct {
	parts      []string
	sizes      []int // lots, for the baseline
	lots       int   // lots for the sweeps, the peer's sweeps and the int64 bound
	months     int
	sweeps     []int // values in kpicredit's sweeps of KPI-07's target
	scenarios  int   // scenarios that each change every KPI
	peerSweeps []int // values in the peer's sweeps
	keep       string
}

func main() {
	var cfg config
	partsFlag := flag.String("parts", "baseline,sweeps,peer-sweep,int64", "the parts to run, comma-separated")
	sizes := flag.String("sizes", "21,84,336", "baseline: lots at each size, comma-separated")
	flag.IntVar(&cfg.lots, "lots", 21, "sweeps, peer-sweep, int64: lots")
	flag.IntVar(&cfg.months, "months", 120, "months of data")
	sweeps := flag.String("sweeps", "1000,3000", "sweeps: values of KPI-07's target in each sweep, comma-separated")
	flag.IntVar(&cfg.scenarios, "scenarios", 1000, "sweeps: scenarios that each change every KPI's target (0: none)")
	peerSweeps := flag.String("peer-sweeps", "100,300", "peer-sweep: values in each of the peer's sweeps, comma-separated")
	flag.StringVar(&cfg.keep, "keep", "", "write the data and every output into this directory and keep them")
	eventsMode := flag.Bool("events", false, "time the aggregation of the example's event files instead (-lots defaults to 28; see events.go)")
	child := flag.String("aggregate", "", "internal: aggregate the event files in this directory")
	flag.Usage = usage
	flag.Parse()
	if *eventsMode || *child != "" {
		runEventsMode(cfg, *child)
		return
	}
	var err error
	if cfg.parts, err = partList(*partsFlag); err == nil {
		if cfg.sizes, err = ints("-sizes", *sizes); err == nil {
			if cfg.sweeps, err = ints("-sweeps", *sweeps); err == nil {
				cfg.peerSweeps, err = ints("-peer-sweeps", *peerSweeps)
			}
		}
	}
	if err == nil && flag.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", flag.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func usage() {
	w := flag.CommandLine.Output()
	fmt.Fprintln(w, "usage: go run . [flags]   (from bench/, after npm ci --prefix ../tools/duckdb)")
	fmt.Fprintln(w, "\nParts (-parts; by default all of them, in this order):")
	for _, p := range parts {
		fmt.Fprintf(w, "  %-11s %s\n", p.name, p.what)
	}
	fmt.Fprintln(w, "\nFlags:")
	flag.PrintDefaults()
}

func partList(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.ContainsFunc(parts, func(p struct{ name, what string }) bool { return p.name == name }) {
			return nil, fmt.Errorf("-parts: no part %q (see -h)", name)
		}
		out = append(out, name)
	}
	return out, nil
}

func ints(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number", flagName, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// run builds kpicredit and runs each part asked for, then prints the
// table of results.
func run(cfg config) error {
	b, err := newBench(cfg)
	if err != nil {
		return err
	}
	defer b.close()
	b.machine()
	for _, p := range cfg.parts {
		var err error
		switch p {
		case "baseline":
			err = b.baseline()
		case "sweeps":
			err = b.sweeps()
		case "peer-sweep":
			err = b.peerSweeps()
		case "int64":
			err = b.int64Bound()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	b.summary()
	return nil
}

// runEventsMode runs -events (or its child, -aggregate) and exits.
func runEventsMode(cfg config, child string) {
	lotsSet := false
	flag.Visit(func(f *flag.Flag) { lotsSet = lotsSet || f.Name == "lots" })
	if !lotsSet {
		cfg.lots = 28
	}
	if child != "" {
		runAggregate(child, cfg.lots, cfg.months)
	}
	if err := runEvents(cfg.lots, cfg.months, cfg.keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
