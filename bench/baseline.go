package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
)

// baseline times, at each size, kpicredit's default run against peer.sql,
// both whole processes reading the same Parquet file and writing their
// per-lot-month and per-KPI results as Parquet, and checks that the two
// agree to the penny. The peer's start-up is timed first, on its own.
func (b *bench) baseline() error {
	fmt.Printf("\n== baseline: kpicredit run against the DuckDB peer, Parquet in and out, %d months\n", b.cfg.months)
	if err := duckdbReady(); err != nil {
		return err
	}
	up, err := b.startup()
	if err != nil {
		return err
	}
	for _, lots := range b.cfg.sizes {
		if err := b.baselineAt(lots, up); err != nil {
			return fmt.Errorf("%d lots: %w", lots, err)
		}
	}
	return nil
}

func (b *bench) baselineAt(lots int, up measurement) error {
	d, err := b.dataset(lots)
	if err != nil {
		return err
	}
	fmt.Printf("\n%d lots x %d months x %d KPIs = %d KPI-months\n", lots, b.cfg.months, len(b.rb.KPIs), b.kpiMonths(lots))
	kOut, pOut := b.path(fmt.Sprintf("baseline-%d", lots)), b.path(fmt.Sprintf("peer-%d", lots))
	if err := os.MkdirAll(pOut, 0o755); err != nil {
		return err
	}
	sql, err := peerScript("peer.sql", "__DATA__", d.parquet, "__OUT__", pOut)
	if err != nil {
		return err
	}
	var ks, ps []measurement
	for range baselineRuns { // alternately, so that both meet the machine's moods alike
		os.RemoveAll(kOut)
		k, err := timed(b.bin, "run", "--rules", b.rules, "--data", d.parquet, "--out", kOut)
		if err != nil {
			return err
		}
		p, err := timed("node", queryJS, sql)
		if err != nil {
			return err
		}
		ks, ps = append(ks, k), append(ps, p)
	}
	k, p := median(ks), median(ps)
	report(fmt.Sprintf("kpicredit run (default outputs), median of %d", baselineRuns), k)
	fmt.Printf("  %-50s %s\n", "", wallSpread(ks))
	report(fmt.Sprintf("DuckDB peer.sql, median of %d", baselineRuns), p)
	fmt.Printf("  %-50s %s\n", "", wallSpread(ps))
	lm, km, err := checkBaseline(kOut, pOut)
	if err != nil {
		return err
	}
	ratio, cpuRatio := k.wall.Seconds()/p.wall.Seconds(), k.cpu.Seconds()/p.cpu.Seconds()
	fmt.Printf("  agree to the penny on %d lot-months and %d KPI-months\n", lm, km)
	fmt.Printf("  kpicredit / peer: wall time %.2f (target: at most 0.50), CPU time %.2f; the peer less its start-up: %.2f s\n",
		ratio, cpuRatio, (p.wall - up.wall).Seconds())
	b.add(fmt.Sprintf("baseline at %d lots: kpicredit / peer, wall", lots),
		fmt.Sprintf("%.2f (%.2f s / %.2f s; CPU %.2f; peak %.0f / %.0f MiB)", ratio, k.wall.Seconds(), p.wall.Seconds(),
			cpuRatio, mib(k.peak), mib(p.peak)),
		"≤ 0.50", ratio <= 0.5)
	return nil
}

// baselineRuns is how many times, at each size, kpicredit and the peer
// are each timed, alternately; the medians are compared.
const baselineRuns = 3

// median returns the run of median wall time.
func median(runs []measurement) measurement {
	runs = slices.Clone(runs)
	slices.SortFunc(runs, func(x, y measurement) int { return cmp.Compare(x.wall, y.wall) })
	return runs[len(runs)/2]
}

// wallSpread describes the wall times of runs: the fastest and the slowest.
func wallSpread(runs []measurement) string {
	m := slices.MinFunc(runs, func(x, y measurement) int { return cmp.Compare(x.wall, y.wall) })
	n := slices.MaxFunc(runs, func(x, y measurement) int { return cmp.Compare(x.wall, y.wall) })
	return fmt.Sprintf("%.2f s fastest, %.2f s slowest", m.wall.Seconds(), n.wall.Seconds())
}

// startupRuns is how many times the peer's start-up is timed.
const startupRuns = 5

// startup times the peer's start-up, node opening DuckDB and running
// SELECT 1, startupRuns times, and returns the run of median wall time.
func (b *bench) startup() (measurement, error) {
	var runs []measurement
	for range startupRuns {
		m, err := timed("node", queryJS, "SELECT 1")
		if err != nil {
			return m, err
		}
		runs = append(runs, m)
	}
	med := median(runs)
	report(fmt.Sprintf("peer start-up: node, DuckDB, SELECT 1 (median of %d)", startupRuns), med)
	fmt.Printf("  %-50s %s\n", "", wallSpread(runs))
	b.add("peer start-up: node + DuckDB, SELECT 1", fmt.Sprintf("%s, %s (%s of %d)", secs(med), mibs(med),
		wallSpread(runs), startupRuns), "", true)
	return med, nil
}
