package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// The events mode (-events): the example contract's event files (repairs,
// their stop file, moves and transport requests) drawn for -lots lots over
// -months months, about 3,000 events a lot-month, written as CSV and as
// Parquet; then each form is aggregated into the rulebook's monthly fields
// by a process of its own (this program again, with -aggregate), timed
// and measured for peak memory.

const eventRules = "../examples/aasc/rules-events.yaml"

// runEvents draws the files and times the aggregation of each form. The
// files go into keep, and stay there, unless it is "".
func runEvents(lots, months int, keep string) error {
	dir := keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "kpicredit-bench-events-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	cfg := aasc.Config{Seed: 1, Start: rules.NewMonth(2024, 9), Months: months, Lots: lots}
	start := time.Now()
	n, sizes, err := writeEventFiles(dir, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("machine: %s, %d cores, %s\n", cpuModel(), runtime.NumCPU(), runtime.Version())
	fmt.Printf("events: %d lots x %d months: %d events (drawn and written in %.0f s); CSV %d MB, Parquet %d MB\n\n",
		lots, months, n, time.Since(start).Seconds(), sizes[0]>>20, sizes[1]>>20)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, form := range []string{"csv", "parquet"} {
		m, err := timed(self, "-aggregate", filepath.Join(dir, form), "-lots", fmt.Sprint(lots), "-months", fmt.Sprint(months))
		if err != nil {
			return fmt.Errorf("aggregating %s: %w", form, err)
		}
		peak, rest, found := strings.Cut(string(m.out), "\n") // the child's own peak: wait4's counts the parent's pages
		if !found {
			return fmt.Errorf("aggregating %s: %q", form, m.out)
		}
		fmt.Printf("aggregate %-8s %8.2f s  %12.0f events/s  peak %5s MB   %s", form, m.wall.Seconds(),
			float64(n)/m.wall.Seconds(), peak, rest)
	}
	return nil
}

// writeEventFiles draws the event files and writes them into dir/csv
// and dir/parquet, returning the number of events and the two forms'
// sizes.
func writeEventFiles(dir string, cfg aasc.Config) (int, [2]int64, error) {
	var sizes [2]int64
	files, err := aasc.GenerateEvents(cfg, nil)
	if err != nil {
		return 0, sizes, err
	}
	n := 0
	for name, data := range files.Names() {
		if name != "repair_stops" {
			n += bytes.Count(data, []byte("\n")) - 1
		}
		var pq bytes.Buffer
		if err := aasc.EventsToParquet(data, &pq); err != nil {
			return 0, sizes, fmt.Errorf("%s: %w", name, err)
		}
		for i, form := range []struct {
			ext  string
			data []byte
		}{{"csv", data}, {"parquet", pq.Bytes()}} {
			sub := filepath.Join(dir, form.ext)
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return 0, sizes, err
			}
			if err := os.WriteFile(filepath.Join(sub, name+"."+form.ext), form.data, 0o644); err != nil {
				return 0, sizes, err
			}
			sizes[i] += int64(len(form.data))
		}
	}
	return n, sizes, nil
}

// aggregate is the child process: it aggregates the event files in dir
// for the example's lots and months and prints what it found.
func aggregate(dir string, lots, months int) error {
	rb, err := rules.Load(eventRules, kpi.Check)
	if err != nil {
		return err
	}
	prog, err := events.Compile(rb)
	if err != nil {
		return err
	}
	var keys [][]string
	for _, l := range aasc.Lots(lots) {
		keys = append(keys, []string{l.Provider, l.Region})
	}
	first := rules.NewMonth(2024, 9)
	agg, err := prog.NewAggregator(events.Options{Lots: keys, First: first, Last: first.Add(months - 1), Sample: true})
	if err != nil {
		return err
	}
	paths := map[string]string{}
	for _, name := range prog.Files() {
		matches, _ := filepath.Glob(filepath.Join(dir, name+".*"))
		if len(matches) != 1 {
			return fmt.Errorf("no file for %s in %s", name, dir)
		}
		paths[name] = matches[0]
	}
	stop, err := profile()
	if err != nil {
		return err
	}
	err = agg.ReadFiles(paths)
	stop()
	if err != nil {
		return err
	}
	res, err := agg.Result()
	if err != nil {
		return err
	}
	var read, open int64
	for _, s := range res.Summary() {
		read += s.Events
		open += s.Open
	}
	v, _ := res.Value(keys[0], first, "emergency_jobs")
	fmt.Println(peakMB())
	fmt.Printf("(%d events read, %d open, %d in the QA sample; %s emergency jobs for %s in %s)\n",
		read, open, len(res.Sample()), v, strings.Join(keys[0], " / "), first)
	return nil
}

// profile starts the CPU profile BENCH_CPUPROFILE names, if any; stop ends
// it and writes the heap profile BENCH_MEMPROFILE names, if any.
func profile() (stop func(), err error) {
	var cpu *os.File
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" {
		if cpu, err = os.Create(path); err != nil {
			return nil, err
		}
		pprof.StartCPUProfile(cpu)
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if path := os.Getenv("BENCH_MEMPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}, nil
}

// peakMB returns the process's peak resident memory (VmHWM) in MB.
func peakMB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb >> 10
		}
	}
	return -1
}

// runAggregate runs the child and exits.
func runAggregate(dir string, lots, months int) {
	if err := aggregate(dir, lots, months); err != nil {
		fmt.Fprintln(os.Stderr, "bench -aggregate:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
