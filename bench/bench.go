package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/rules"
)

// benchRules is the example contract as it stood before amendments,
// measurement periods and triggers: the rules peer.sql implements.
const benchRules = "../runner/testdata/bench/rules.yaml"

// bench is one run of the harness: the kpicredit command built, the data
// generated so far and the figures for the table at the end.
type bench struct {
	cfg    config
	dir    string // data and outputs
	remove bool   // dir goes at the end
	bin    string // the kpicredit command
	rules  string // benchRules without its scenarios, so that a run is the baseline alone
	rb     *rules.Rulebook
	data   map[int]*dataset  // by lots
	swept  map[int]*sweepRun // kpicredit's sweeps of KPI-07's target, by values
	rows   []resultRow
}

// dataset is the example's data at one size.
type dataset struct {
	lots    int
	csv     []byte
	parquet string
}

// resultRow is a line of the table at the end.
type resultRow struct{ what, result, target, verdict string }

func newBench(cfg config) (*bench, error) {
	b := &bench{cfg: cfg, dir: cfg.keep, data: map[int]*dataset{}, swept: map[int]*sweepRun{}}
	if b.dir == "" {
		dir, err := os.MkdirTemp("", "kpicredit-bench-")
		if err != nil {
			return nil, err
		}
		b.dir, b.remove = dir, true
	} else if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return nil, err
	}
	b.bin = filepath.Join(b.dir, "kpicredit")
	build := exec.Command("go", "build", "-o", b.bin, "./cmd/kpicredit")
	build.Dir = ".." // the kpicredit module, with its own dependencies
	if out, err := build.CombinedOutput(); err != nil {
		b.close()
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	rb, err := rules.Load(benchRules, nil)
	if err != nil {
		b.close()
		return nil, err
	}
	b.rb = rb
	src, err := os.ReadFile(benchRules)
	if err != nil {
		b.close()
		return nil, err
	}
	base, _, _ := strings.Cut(string(src), "\nscenarios:")
	b.rules = filepath.Join(b.dir, "rules.yaml")
	if err := os.WriteFile(b.rules, []byte(base+"\n"), 0o644); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	if b.remove {
		os.RemoveAll(b.dir)
	}
}

// path is a file or directory name in the harness's directory.
func (b *bench) path(name string) string { return filepath.Join(b.dir, name) }

// dataset generates the example's data for lots lots (seed 1, from the
// contract's start), as CSV in memory and as Parquet on disk, once.
func (b *bench) dataset(lots int) (*dataset, error) {
	if d, ok := b.data[lots]; ok {
		return d, nil
	}
	csv, _, err := aasc.Generate(aasc.Config{Seed: 1, Start: *b.rb.Start, Months: b.cfg.months, Lots: lots})
	if err != nil {
		return nil, err
	}
	var pq bytes.Buffer
	if err := aasc.ToParquet(csv, &pq); err != nil {
		return nil, err
	}
	d := &dataset{lots: lots, csv: csv, parquet: b.path(fmt.Sprintf("data-%d.parquet", lots))}
	if err := os.WriteFile(d.parquet, pq.Bytes(), 0o644); err != nil {
		return nil, err
	}
	b.data[lots] = d
	return d, nil
}

// kpiMonths is the data's KPI-months at lots lots: lots x months x 15.
func (b *bench) kpiMonths(lots int) int { return lots * b.cfg.months * len(b.rb.KPIs) }

// machine prints the machine, the tools' versions and the load.
func (b *bench) machine() {
	fmt.Printf("machine: %s, %d cores, %.0f GiB; %s; node %s; DuckDB %s\n", cpuModel(), runtime.NumCPU(),
		meminfo("MemTotal")/(1<<30), runtime.Version(), version("node", "--version"), duckdbVersion())
	if gnuTime == "" {
		fmt.Println("peak memory from wait4 (no /usr/bin/time): it may show the harness's own")
	}
	fmt.Printf("load average at the start: %s (1, 5, 15 minutes)\n", loadAverage())
}

// add records a line of the table at the end.
func (b *bench) add(what, result, target string, met bool) {
	verdict := "met"
	if !met {
		verdict = "**missed**"
	}
	if target == "" {
		verdict = ""
	}
	b.rows = append(b.rows, resultRow{what, result, target, verdict})
}

// summary prints the table of results, as bench/README.md shows it.
func (b *bench) summary() {
	fmt.Printf("\nload average at the end: %s\n\n", loadAverage())
	fmt.Println("| measure | result | target | |")
	fmt.Println("|---|---|---|---|")
	for _, r := range b.rows {
		fmt.Printf("| %s | %s | %s | %s |\n", r.what, r.result, r.target, r.verdict)
	}
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

// meminfo is a figure of /proc/meminfo ("MemTotal", "MemAvailable") in
// bytes, 0 if unknown.
func meminfo(key string) float64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	var kb float64
	for _, line := range strings.Split(string(b), "\n") {
		if _, err := fmt.Sscanf(line, key+": %f kB", &kb); err == nil {
			return kb * 1024
		}
	}
	return 0
}

func version(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
