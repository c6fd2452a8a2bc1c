package main

import (
	"fmt"
	"os"
)

// peerSweeps times peer_sweep.sql, one cross join of the swept values of
// KPI-07's target with the data, beside kpicredit's sweep of the same
// values, and checks each value's total credits and earn-back. A sweep
// whose peak memory, scaled from the last one the peer ran, would pass
// three quarters of the memory available is skipped and says so.
func (b *bench) peerSweeps() error {
	fmt.Printf("\n== peer-sweep: DuckDB's sweep of KPI-07's target (one cross join) beside kpicredit's, %d lots\n", b.cfg.lots)
	if err := duckdbReady(); err != nil {
		return err
	}
	d, err := b.dataset(b.cfg.lots)
	if err != nil {
		return err
	}
	var last struct {
		n    int
		peak int64
	}
	for _, n := range b.cfg.peerSweeps {
		if last.n > 0 {
			if need, avail := float64(last.peak)*float64(n)/float64(last.n), meminfo("MemAvailable"); need > 0.75*avail {
				fmt.Printf("  skipped the peer's sweep of %d values: about %.1f GiB expected (scaled from %d values), %.1f GiB available\n",
					n, need/(1<<30), last.n, avail/(1<<30))
				b.add(fmt.Sprintf("peer's sweep of %d values", n), "skipped: would not fit in memory", "", true)
				continue
			}
		}
		s, err := b.kpiSweep(n)
		if err != nil {
			return err
		}
		report(fmt.Sprintf("kpicredit sweep of %d values", n), s.m)
		pOut := b.path(fmt.Sprintf("peer-sweep-%d", n))
		if err := os.MkdirAll(pOut, 0o755); err != nil {
			return err
		}
		sql, err := peerScript("peer_sweep.sql", "__DATA__", d.parquet, "__OUT__", pOut, "__N__", fmt.Sprint(n),
			"__FROM16__", s.from.Shift(16).String(), "__STEP16__", s.step.Shift(16).String())
		if err != nil {
			return err
		}
		p, err := timed("node", queryJS, sql)
		if err != nil {
			return err
		}
		report(fmt.Sprintf("DuckDB peer_sweep.sql, %d values", n), p)
		last.n, last.peak = n, p.peak
		values, err := checkSweep(s.out, pOut)
		if err != nil {
			return err
		}
		fmt.Printf("  agree to the penny on all %d values' total credits and earn-back\n", values)
		fmt.Printf("  kpicredit / peer: wall %.3f, peak memory %.3f\n", s.m.wall.Seconds()/p.wall.Seconds(), float64(s.m.peak)/float64(p.peak))
		b.add(fmt.Sprintf("peer's sweep of %d values (kpicredit's)", n),
			fmt.Sprintf("%s, %s (%s, %s)", secs(p), mibs(p), secs(s.m), mibs(s.m)), "", true)
	}
	return nil
}
