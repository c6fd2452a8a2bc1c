package runner

import (
	"bytes"
	"slices"

	"github.com/kpicredit/kpicredit/internal/report"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// summaries writes summary.md and summary.html.
func summaries(res *Result) (md, html []byte, err error) {
	s := Summarize(res)
	var a, b bytes.Buffer
	if err := report.WriteMarkdown(&a, s); err != nil {
		return nil, nil, err
	}
	if err := report.WriteHTML(&b, s); err != nil {
		return nil, nil, err
	}
	return a.Bytes(), b.Bytes(), nil
}

// Summarize condenses a run into what its summary pages show. Totals are
// grouped by the rulebook's first key column (the provider).
func Summarize(res *Result) *report.Summary {
	rb, ds := res.Rules, res.Data
	s := &report.Summary{
		Contract: rb.Contract, Currency: rb.Currency, MinorUnits: rb.MinorUnits,
		FirstMonth: ds.First.String(), LastMonth: ds.Last.String(), GroupBy: rb.Keys[0],
		Lots: len(ds.Lots), KPIs: len(rb.KPIs), LotMonths: len(ds.Lots) * ds.Months(),
	}
	base := res.Runs[0]
	s.Baseline = totals(base, ds, nil)
	for _, g := range groups(ds) {
		s.ByGroup = append(s.ByGroup, report.GroupTotal{Name: g, Totals: totals(base, ds, inGroup(g))})
	}
	s.ByKPI = kpiSummary(rb, base)
	s.TopMonths = topMonths(base, ds, 10)
	s.Monthly = monthly(base, ds)
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep == nil { // a sweep has a section of its own
			s.Scenarios = append(s.Scenarios, scenarioSummary(s, run, base, ds))
		}
	}
	s.Movers = movers(res, 15)
	s.Sweeps = sweeps(res, s.Baseline.Credits)
	return s
}

func inGroup(g string) func(*LotData) bool {
	return func(l *LotData) bool { return l.Keys[0] == g }
}

// groups lists the distinct values of the first key, in order.
func groups(ds *Dataset) []string {
	var out []string
	for _, l := range ds.Lots {
		if !slices.Contains(out, l.Keys[0]) {
			out = append(out, l.Keys[0])
		}
	}
	return out
}

// totals adds up a run over the lots that keep returns true for (all when nil).
func totals(run *ScenarioRun, ds *Dataset, keep func(*LotData) bool) report.Totals {
	rt := run.Total
	if keep != nil {
		rt = RunTotal{Charge: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero}
		for li, lot := range ds.Lots {
			if !keep(lot) {
				continue
			}
			for i := range run.Months[li] {
				rt.add(&run.Months[li][i])
			}
		}
	}
	return report.Totals{Charge: rt.Charge, Credits: rt.Credits, EarnBack: rt.EarnBack, Net: rt.Credits.Add(rt.EarnBack),
		Failures: rt.Failures, Measured: rt.Measured, CappedMonths: rt.CappedMonths}
}

func kpiSummary(rb *rules.Rulebook, run *ScenarioRun) []report.KPITotal {
	out := make([]report.KPITotal, len(rb.KPIs))
	for i, k := range rb.KPIs {
		out[i] = report.KPITotal{ID: k.ID, Name: k.Name, Scheme: k.Credit.Kind.String(), Credits: decimal.Zero}
		if k.Area != nil {
			out[i].Scheme += " (area " + k.Area.ID + ")"
		}
	}
	for _, lot := range run.KPIs {
		for _, kt := range lot {
			i := slices.IndexFunc(out, func(t report.KPITotal) bool { return t.ID == kt.KPI })
			t := &out[i]
			t.Credits = t.Credits.Add(kt.Credits)
			t.Failures += kt.Failures
			t.Met += kt.Met
			t.NotMeasured += kt.NotMeasured
			t.Excused += kt.Excused
		}
	}
	return out
}

func topMonths(run *ScenarioRun, ds *Dataset, n int) []report.LotMonth {
	var all []report.LotMonth
	for li, lot := range ds.Lots {
		for _, m := range run.Months[li] {
			if m.Credits.IsPositive() {
				all = append(all, report.LotMonth{Lot: lot.Name(), Month: m.Month.String(), Charge: m.Charge, Credits: m.Credits})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b report.LotMonth) int { return b.Credits.Cmp(a.Credits) })
	return all[:min(n, len(all))]
}

func monthly(run *ScenarioRun, ds *Dataset) []report.Series {
	var out []report.Series
	for _, g := range groups(ds) {
		pts := make([]report.MonthValue, ds.Months())
		for i := range pts {
			pts[i] = report.MonthValue{Month: ds.First.Add(i).String(), Value: decimal.Zero}
		}
		for li, lot := range ds.Lots {
			if lot.Keys[0] != g {
				continue
			}
			for i, m := range run.Months[li] {
				pts[i].Value = pts[i].Value.Add(m.Credits)
			}
		}
		out = append(out, report.Series{Name: g, Points: pts})
	}
	return out
}

func scenarioSummary(s *report.Summary, run, base *ScenarioRun, ds *Dataset) report.ScenarioTotal {
	t := totals(run, ds, nil)
	st := report.ScenarioTotal{ID: run.ID, Description: run.Scenario.Description,
		Credits: t.Credits, Diff: t.Credits.Sub(s.Baseline.Credits), Failures: t.Failures}
	if f := run.Scenario.From; f.Set {
		st.From = f.Month.String()
	}
	for _, g := range s.ByGroup {
		c := totals(run, ds, inGroup(g.Name)).Credits
		st.ByGroup = append(st.ByGroup, report.GroupDiff{Name: g.Name, Baseline: g.Credits, Scenario: c, Diff: c.Sub(g.Credits)})
	}
	return st
}

// movers lists the scenario-KPI pairs whose credits change most, leaving
// out sweeps, which have a section of their own.
func movers(res *Result, n int) []report.Mover {
	var out []report.Mover
	base := res.Runs[0]
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep != nil {
			continue
		}
		var sum []kpiTotals
		for li := range res.Data.Lots {
			for _, c := range compareLot(base.KPIs[li], run.KPIs[li]) {
				i := slices.IndexFunc(sum, func(t kpiTotals) bool { return t.kpi == c.kpi })
				if i < 0 {
					sum = append(sum, c)
					continue
				}
				sum[i].base, sum[i].scen = sum[i].base.Add(c.base), sum[i].scen.Add(c.scen)
			}
		}
		for _, c := range sum {
			if d := c.scen.Sub(c.base); !d.IsZero() {
				out = append(out, report.Mover{Scenario: run.ID, KPI: c.kpi, Baseline: c.base, Credits: c.scen, Diff: d})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b report.Mover) int { return b.Diff.Abs().Cmp(a.Diff.Abs()) })
	return out[:min(n, len(out))]
}

// sweeps gathers each sweep's members' total credits by swept value.
func sweeps(res *Result, baseline decimal.Decimal) []report.Sweep {
	var out []report.Sweep
	for _, run := range res.Runs[1:] {
		p := run.Scenario.Sweep
		if p == nil {
			continue
		}
		i := slices.IndexFunc(out, func(s report.Sweep) bool { return s.ID == p.Sweep })
		if i < 0 {
			out = append(out, report.Sweep{ID: p.Sweep, KPI: p.KPI, Field: p.Field, Base: baseline})
			i = len(out) - 1
		}
		t := totals(run, res.Data, nil)
		out[i].Points = append(out[i].Points, report.SweepPoint{Value: p.Value, Credits: t.Credits})
	}
	for _, s := range out {
		slices.SortStableFunc(s.Points, func(a, b report.SweepPoint) int { return a.Value.Cmp(b.Value) })
	}
	return out
}
