package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// sweepRun is a kpicredit sweep of KPI-07's target, run once and kept for
// the parts that compare with it.
type sweepRun struct {
	n          int
	from, step decimal.Decimal
	out        string // its output directory
	m          measurement
}

// sweepFrom is the first value of every sweep of KPI-07's target.
var sweepFrom = decimal.RequireFromString("0.90000")

// sweepStep is the step of a sweep of n values from 0.90: 10^-5 x
// floor(10^4 / n), so that n values stay below 1 (the measure is a
// share): 0.0001 for 1,000 values, 0.00003 for 3,000, 0.00033 for 300.
func sweepStep(n int) decimal.Decimal { return decimal.New(int64(10000/n), -5) }

// kpiSweep runs kpicredit's sweep of n values of KPI-07's target over the
// -lots data, once: `kpicredit run --scenario` with a sweep, a member's
// totals only (no --sweep-detail).
func (b *bench) kpiSweep(n int) (*sweepRun, error) {
	if s, ok := b.swept[n]; ok {
		return s, nil
	}
	if n > rules.MaxSweepValues {
		return nil, fmt.Errorf("a sweep has at most %d values, not %d", rules.MaxSweepValues, n)
	}
	d, err := b.dataset(b.cfg.lots)
	if err != nil {
		return nil, err
	}
	s := &sweepRun{n: n, from: sweepFrom, step: sweepStep(n), out: b.path(fmt.Sprintf("sweep-%d", n))}
	to := s.from.Add(s.step.Mul(decimal.NewFromInt(int64(n - 1))))
	spec := b.path(fmt.Sprintf("sweep-%d.yaml", n))
	text := fmt.Sprintf("id: notice-target\nsweep: {kpi: KPI-07, field: target, from: %s, to: %s, step: %s}\n",
		s.from.StringFixed(5), to.StringFixed(5), s.step.StringFixed(5))
	if err := os.WriteFile(spec, []byte(text), 0o644); err != nil {
		return nil, err
	}
	os.RemoveAll(s.out)
	if s.m, err = timed(b.bin, "run", "--rules", b.rules, "--data", d.parquet, "--scenario", spec, "--out", s.out); err != nil {
		return nil, err
	}
	b.swept[n] = s
	return s, nil
}

// sweeps times kpicredit's sweeps of KPI-07's target and the scenarios
// that each change every KPI.
func (b *bench) sweeps() error {
	km := b.kpiMonths(b.cfg.lots)
	fmt.Printf("\n== sweeps: kpicredit at %d lots x %d months (%d KPI-months a scenario)\n", b.cfg.lots, b.cfg.months, km)
	for _, n := range b.cfg.sweeps {
		s, err := b.kpiSweep(n)
		if err != nil {
			return err
		}
		b.reportSweep(fmt.Sprintf("kpicredit sweep of %d values of KPI-07", n), s.m, km*(n+1))
		what := fmt.Sprintf("sweep of %d values (one KPI)", n)
		switch n {
		case 1000:
			b.add(what+": wall", secs(s.m), "< 3 s", s.m.wall.Seconds() < 3)
			b.add(what+": peak memory", mibs(s.m), "< 512 MiB", mib(s.m.peak) < 512)
		case 3000:
			b.add(what+": wall", secs(s.m), "< 9 s", s.m.wall.Seconds() < 9)
			b.add(what+": peak memory", mibs(s.m), "", true)
		default:
			b.add(what+": wall, peak memory", secs(s.m)+", "+mibs(s.m), "", true)
		}
	}
	if n := b.cfg.scenarios; n > 0 {
		spec, err := b.allKPIScenarios(n)
		if err != nil {
			return err
		}
		d, err := b.dataset(b.cfg.lots)
		if err != nil {
			return err
		}
		out := b.path("all-kpis")
		os.RemoveAll(out)
		m, err := timed(b.bin, "run", "--rules", b.rules, "--data", d.parquet, "--scenario", spec, "--out", out)
		if err != nil {
			return err
		}
		b.reportSweep(fmt.Sprintf("kpicredit, %d scenarios changing every KPI", n), m, km*(n+1))
		what := fmt.Sprintf("%d scenarios changing every KPI", n)
		if n == 1000 {
			b.add(what+": wall", secs(m), "< 10 s", m.wall.Seconds() < 10)
		} else {
			b.add(what+": wall", secs(m), "", true)
		}
		b.add(what+": peak memory", mibs(m), "", true)
	}
	return nil
}

func (b *bench) reportSweep(what string, m measurement, kpiMonths int) {
	report(what, m)
	fmt.Printf("  %-50s %8.2f M KPI-months a second\n", "", float64(kpiMonths)/m.wall.Seconds()/1e6)
}

// allKPIScenarios writes a scenario file of n scenarios, the i-th moving
// every KPI's target i steps easier (down, or up when lower is better),
// so that no scenario shares a KPI's terms with the baseline or another.
// A step is 10^-6 x floor(10^4 / (n + 1)) (x 100 for KPI-05, in nights),
// so that no target reaches its serious bound (0.01 below it at least).
//
// Each scenario is written as a sweep of one value of KPI-07's target
// whose `kpis:` move the other 14: a sweep's member keeps its totals, as
// the one-KPI sweep's do, where a plain scenario keeps every KPI-month's
// detail and explanation for kpi_results (37.8 million rows for 1,000 of
// them), which is not what the target measures.
func (b *bench) allKPIScenarios(n int) (string, error) {
	step := decimal.New(int64(10000/(n+1)), -6)
	if step.IsZero() {
		return "", fmt.Errorf("-scenarios: at most 9999, not %d", n)
	}
	var sb strings.Builder
	sb.WriteString("scenarios:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "  - id: all-kpis-%04d\n    kpis:\n", i)
		shift := step.Mul(decimal.NewFromInt(int64(i)))
		var swept string
		for _, k := range b.rb.KPIs {
			t := k.Target.Sub(shift)
			if k.Direction == rules.Lower {
				t = k.Target.Add(shift.Shift(2))
			}
			if k.ID == "KPI-07" {
				swept = fmt.Sprintf("    sweep: { kpi: %s, field: target, values: [%s] }\n", k.ID, t)
				continue
			}
			fmt.Fprintf(&sb, "      %s: { target: %s }\n", k.ID, t)
		}
		sb.WriteString(swept)
	}
	path := b.path(fmt.Sprintf("all-kpis-%d.yaml", n))
	return path, os.WriteFile(path, []byte(sb.String()), 0o644)
}

// sweepTotals reads each sweep member's total credits and earn-back, in
// pence, from kpicredit's comparison.parquet (one row per member, lot and
// KPI), by the member's index in the sweep.
func sweepTotals(s *sweepRun) (map[int]i64Totals, error) {
	f, err := os.Open(filepath.Join(s.out, "comparison.parquet"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	out := map[int]i64Totals{}
	err = pq.ReadTable(f, st.Size(), func(header []string) error {
		for i, h := range header {
			col[h] = i
		}
		return nil
	}, func(_ int64, r []string) error {
		_, value, _ := strings.Cut(r[col["scenario"]], "=")
		v, err := decimal.NewFromString(value)
		if err != nil {
			return fmt.Errorf("scenario %q: %w", r[col["scenario"]], err)
		}
		credits, err1 := decimal.NewFromString(r[col["scenario_credits"]])
		earnBack, err2 := decimal.NewFromString(r[col["scenario_earn_back"]])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("scenario %q: %v %v", r[col["scenario"]], err1, err2)
		}
		i := int(v.Sub(s.from).Div(s.step).IntPart())
		t := out[i]
		t.credits += credits.Shift(2).IntPart()
		t.earnBack += earnBack.Shift(2).IntPart()
		out[i] = t
		return nil
	})
	return out, err
}

func secs(m measurement) string {
	return fmt.Sprintf("%.2f s (CPU %.1f s)", m.wall.Seconds(), m.cpu.Seconds())
}

func mibs(m measurement) string { return fmt.Sprintf("%.0f MiB", mib(m.peak)) }
