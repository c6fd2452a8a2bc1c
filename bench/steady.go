package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// steadyBenchmarks are the engine's benchmarks of the steady loop (a lot
// priced month after month, figures only, as a sweep prices it) and of
// its int64 lower bound, the same lot-months' arithmetic on plain int64s.
const steadyBenchmarks = `^BenchmarkLotMonth$/^before-terms$/^figures-only$|^BenchmarkInt64Bound$`

// benchLine is one result line of go test -bench.
type benchLine struct {
	cpuNs  float64 // cpu-ns/kpi-month
	allocs float64 // allocs/op
}

// steadyLoop runs the engine's steady-loop benchmark and its int64 bound
// side by side in one go test process, and records their ratio and the
// loop's allocations against the targets: within 20x, none.
func (b *bench) steadyLoop() error {
	fmt.Println("\n== steady loop: the engine's figures-only lot-month against its int64 bound (go test -bench, one process)")
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", steadyBenchmarks,
		"-benchmem", "-count", "1", "./engine")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, tail(string(out), 2000))
	}
	lines := parseBench(out)
	loop, okL := lines["BenchmarkLotMonth/before-terms/figures-only"]
	bound, okB := lines["BenchmarkInt64Bound"]
	if !okL || !okB || bound.cpuNs <= 0 {
		return fmt.Errorf("go test -bench: the two results are not in its output:\n%s", tail(string(out), 2000))
	}
	ratio := loop.cpuNs / bound.cpuNs
	fmt.Printf("  steady loop %.1f CPU ns a KPI-month, %.0f allocations a lot-month; int64 bound %.1f ns: %.1fx\n",
		loop.cpuNs, loop.allocs, bound.cpuNs, ratio)
	b.add("steady loop / int64 bound, CPU per KPI-month", fmt.Sprintf("%.1fx (%.1f ns / %.1f ns)", ratio, loop.cpuNs, bound.cpuNs),
		"≤ 20x", ratio <= 20)
	b.add("steady loop: allocations per lot-month", fmt.Sprintf("%.0f", loop.allocs), "0", loop.allocs == 0)
	return nil
}

// parseBench reads go test -bench output: each benchmark's cpu-ns/kpi-month
// and allocs/op, by its name without the -GOMAXPROCS suffix.
func parseBench(out []byte) map[string]benchLine {
	lines := map[string]benchLine{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		var l benchLine
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "cpu-ns/kpi-month":
				l.cpuNs = v
			case "allocs/op":
				l.allocs = v
			}
		}
		lines[name] = l
	}
	return lines
}
