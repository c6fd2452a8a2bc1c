// Command bench measures kpicredit on the example contract scaled up, and
// compares it with the peer a data analyst would reach for: the same
// baseline credits computed by a SQL query in DuckDB over the same Parquet
// data.
//
//	cd bench && go run . [-lots 21] [-months 120] [-sweep 1000]
//
// It builds the kpicredit command, generates the data, and times (a) the
// baseline run end to end, Parquet in and out; (b) a sweep of -sweep values
// of KPI-07's target; (c) peer.sql in DuckDB (node ../tools/duckdb, after
// npm ci --prefix ../tools/duckdb). It checks that (a) and (c) agree to the
// penny on every lot-month and prints rows per second and the ratios, all
// from this one run.
//
//	cd bench && go run . -events [-lots 28] [-months 120] [-keep DIR]
//
// times instead the aggregation of the example's event files, about 10
// million events, into its monthly fields, as CSV and as Parquet (see
// events.go).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/rules"
)

func main() {
	lots := flag.Int("lots", 21, "lots (28 with -events)")
	months := flag.Int("months", 120, "months")
	sweep := flag.Int("sweep", 1000, "values in the sweep (b)")
	eventsMode := flag.Bool("events", false, "time the aggregation of the example's event files instead (see events.go)")
	child := flag.String("aggregate", "", "internal: aggregate the event files in this directory")
	keep := flag.String("keep", "", "with -events: write the event files into this directory and keep them")
	flag.Parse()
	lotsSet := false
	flag.Visit(func(f *flag.Flag) { lotsSet = lotsSet || f.Name == "lots" })
	if *eventsMode && !lotsSet {
		*lots = 28
	}
	var err error
	switch {
	case *child != "":
		runAggregate(*child, *lots, *months)
	case *eventsMode:
		err = runEvents(*lots, *months, *keep)
	default:
		err = run(*lots, *months, *sweep)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// measurement is one timed command.
type measurement struct {
	wall   time.Duration
	maxRSS int64 // bytes
	out    []byte
}

func run(lots, months, sweep int) error {
	dir, err := os.MkdirTemp("", "kpicredit-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "kpicredit")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kpicredit")
	build.Dir = ".." // the kpicredit module, with its own dependencies
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	data, rulesPath, sweepPath, err := prepare(dir, lots, months, sweep)
	if err != nil {
		return err
	}
	kpiMonths := lots * months * 15
	fmt.Printf("machine: %s, %d cores, %s\n", cpuModel(), runtime.NumCPU(), runtime.Version())
	fmt.Printf("data: %d lots x %d months x 15 KPIs = %d KPI-months (%d lot-months)\n\n", lots, months, kpiMonths, lots*months)

	a, err := timed(bin, "run", "--rules", rulesPath, "--data", data, "--out", filepath.Join(dir, "a"), "--quiet")
	if err != nil {
		return fmt.Errorf("(a): %w", err)
	}
	report("(a) kpicredit baseline, end to end", a, kpiMonths)
	b, err := timed(bin, "run", "--rules", rulesPath, "--data", data, "--scenario", sweepPath, "--out", filepath.Join(dir, "b"), "--quiet")
	if err != nil {
		return fmt.Errorf("(b): %w", err)
	}
	report(fmt.Sprintf("(b) kpicredit sweep of %d scenarios", sweep), b, kpiMonths*(sweep+1))
	return peer(dir, data, a, kpiMonths)
}

// benchRules is the example contract as it stood before amendments,
// measurement periods and triggers: the rules peer.sql implements.
const benchRules = "../runner/testdata/bench/rules.yaml"

// prepare writes the scaled data as Parquet, the rulebook without its own
// scenarios (so (a) is the baseline alone) and the sweep's scenario file.
func prepare(dir string, lots, months, sweep int) (data, rulesPath, sweepPath string, err error) {
	rb, err := rules.Load(benchRules, nil)
	if err != nil {
		return "", "", "", err
	}
	csv, _, err := aasc.Generate(aasc.Config{Seed: 1, Start: *rb.Start, Months: months, Lots: lots})
	if err != nil {
		return "", "", "", err
	}
	var pq bytes.Buffer
	if err := aasc.ToParquet(csv, &pq); err != nil {
		return "", "", "", err
	}
	data = filepath.Join(dir, "data.parquet")
	if err := os.WriteFile(data, pq.Bytes(), 0o644); err != nil {
		return "", "", "", err
	}
	src, err := os.ReadFile(benchRules)
	if err != nil {
		return "", "", "", err
	}
	base, _, _ := strings.Cut(string(src), "\nscenarios:")
	rulesPath = filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesPath, []byte(base+"\n"), 0o644); err != nil {
		return "", "", "", err
	}
	// KPI-07's target from 0.9000 up in steps of 0.0001: sweep values.
	to := fmt.Sprintf("%.4f", 0.9+float64(sweep-1)*0.0001)
	sweepPath = filepath.Join(dir, "sweep.yaml")
	spec := fmt.Sprintf("id: notice-target\nsweep: {kpi: KPI-07, field: target, from: 0.9000, to: %s, step: 0.0001}\n", to)
	return data, rulesPath, sweepPath, os.WriteFile(sweepPath, []byte(spec), 0o644)
}

// timed runs a command and measures its wall time and peak memory.
func timed(name string, args ...string) (measurement, error) {
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	m := measurement{wall: time.Since(start), out: stdout.Bytes()}
	if err != nil {
		return m, fmt.Errorf("%s: %v\n%s", filepath.Base(name), err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss * 1024
	}
	return m, nil
}

func report(what string, m measurement, kpiMonths int) {
	fmt.Printf("%-44s %8.2f s  %12.0f KPI-months/s  peak %5d MB\n", what, m.wall.Seconds(),
		float64(kpiMonths)/m.wall.Seconds(), m.maxRSS>>20)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
