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
	os.RemoveAll(kOut)
	if err := os.MkdirAll(pOut, 0o755); err != nil {
		return err
	}
	k, err := timed(b.bin, "run", "--rules", b.rules, "--data", d.parquet, "--out", kOut)
	if err != nil {
		return err
	}
	report("kpicredit run (its default outputs)", k)
	sql, err := peerScript("peer.sql", "__DATA__", d.parquet, "__OUT__", pOut)
	if err != nil {
		return err
	}
	p, err := timed("node", queryJS, sql)
	if err != nil {
		return err
	}
	report("DuckDB peer.sql (credits, kpi_results as Parquet)", p)
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
	slices.SortFunc(runs, func(x, y measurement) int { return cmp.Compare(x.wall, y.wall) })
	med := runs[len(runs)/2]
	report(fmt.Sprintf("peer start-up: node, DuckDB, SELECT 1 (median of %d)", startupRuns), med)
	fmt.Printf("  %-50s %8.2f s fastest, %.2f s slowest\n", "", runs[0].wall.Seconds(), runs[len(runs)-1].wall.Seconds())
	b.add("peer start-up: node + DuckDB, SELECT 1", fmt.Sprintf("%s, %s (fastest of %d: %.2f s)", secs(med), mibs(med),
		startupRuns, runs[0].wall.Seconds()), "", true)
	return med, nil
}
