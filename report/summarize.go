package report

import (
	"fmt"
	"slices"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

// Summarize condenses a run into what its summary pages show. Totals are
// grouped by the rulebook's first key column (the provider).
func Summarize(res *runner.Result) *Summary {
	rb, ds := res.Rules, res.Data
	s := &Summary{
		Contract: rb.Contract, Currency: rb.Currency, MinorUnits: rb.MinorUnits,
		FirstMonth: ds.First.String(), LastMonth: ds.Last.String(), GroupBy: rb.Keys[0],
		Lots: len(ds.Lots), KPIs: len(rb.KPIs), LotMonths: len(ds.Lots) * ds.Months(),
	}
	base := res.Baseline()
	s.Baseline = totals(base, ds, nil)
	for _, g := range groups(ds) {
		s.ByGroup = append(s.ByGroup, GroupTotal{Name: g, Totals: totals(base, ds, inGroup(g))})
	}
	s.ByKPI = kpiSummary(rb, base)
	s.KPIs = len(s.ByKPI) // every KPI any terms have
	s.Terms = termsSummary(rb, ds)
	s.Triggers, s.HasTriggers = triggerSummary(res, base), hasTriggers(rb)
	s.TriggerRules = triggerRules(rb)
	s.TopMonths = topMonths(base, ds, 10)
	s.Monthly = monthly(base, ds)
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep == nil { // a sweep has a section of its own
			s.Scenarios = append(s.Scenarios, scenarioSummary(s, run, base, ds))
		}
	}
	s.Movers = movers(res, 15)
	s.Sweeps = sweeps(res, s.Baseline.Credits)
	s.TriggerDiffs = triggerDiffs(res)
	s.AnnualCap = annualCap(res)
	s.Events = eventSummary(res, groups(ds))
	return s
}

// annualCap is the first percent annual cap of the baseline or a scenario.
func annualCap(res *runner.Result) *decimal.Decimal {
	if p := res.Rules.Caps.AnnualPercent; p != nil {
		return p
	}
	for _, run := range res.Runs[1:] {
		if p := run.Scenario.Rules().Caps.AnnualPercent; p != nil {
			return p
		}
	}
	return nil
}

func inGroup(g string) func(*input.LotData) bool {
	return func(l *input.LotData) bool { return l.Keys[0] == g }
}

// groups lists the distinct values of the first key, in order.
func groups(ds *input.Dataset) []string {
	var out []string
	for _, l := range ds.Lots {
		if !slices.Contains(out, l.Keys[0]) {
			out = append(out, l.Keys[0])
		}
	}
	return out
}

// totals adds up a run over the lots that keep returns true for (all when nil).
func totals(run *runner.ScenarioRun, ds *input.Dataset, keep func(*input.LotData) bool) Totals {
	rt := run.Total
	if keep != nil {
		var rs runner.RunSum
		for li, lot := range ds.Lots {
			if !keep(lot) {
				continue
			}
			for i := range run.Months[li] {
				rs.Add(&run.Months[li][i])
			}
		}
		rt = rs.Total()
	}
	return Totals{Charge: rt.Charge, BeforeCap: rt.BeforeCap, Credits: rt.Credits, EarnBack: rt.EarnBack, Net: rt.Credits.Add(rt.EarnBack),
		Failures: rt.Failures, Measured: rt.Measured, CappedMonths: rt.CappedMonths}
}

// kpiSummary totals the baseline's KPIs: those of the original terms in
// their order, then those amendments add. A KPI's name and scheme are
// those of the latest terms that have it.
func kpiSummary(rb *rules.Rulebook, run *runner.ScenarioRun) []KPITotal {
	var out []KPITotal
	at := map[string]int{} // each KPI's index in out
	for _, e := range rb.Timeline() {
		for _, k := range e.Rules.KPIs {
			t := KPITotal{ID: k.ID, Name: k.Name, Scheme: k.Credit.Kind.String(), Credits: decimal.Zero}
			if k.Area != nil {
				t.Scheme += " (area " + k.Area.ID + ")"
			}
			if i, ok := at[k.ID]; ok {
				out[i].Name, out[i].Scheme = t.Name, t.Scheme
			} else {
				at[k.ID] = len(out)
				out = append(out, t)
			}
		}
	}
	for _, lot := range run.KPIs {
		for _, kt := range lot {
			i, ok := at[kt.KPI]
			if !ok {
				panic("report: the baseline has KPI " + kt.KPI + ", which no terms of its rulebook have")
			}
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

// topMonths lists the n lot-months with the largest positive credits,
// largest first, the earlier lot-month first of equal ones: what a stable
// sort of them all would put first, kept as they come instead.
func topMonths(run *runner.ScenarioRun, ds *input.Dataset, n int) []TopMonth {
	var top []ranked // the best so far, in order
	for li := range ds.Lots {
		for mi := range run.Months[li] {
			if c := run.Months[li][mi].Credits; c.IsPositive() {
				top = keepTop(top, newRanked(li, mi, c), n)
			}
		}
	}
	var out []TopMonth // nil when none, as before
	if len(top) > 0 {
		out = make([]TopMonth, len(top))
	}
	for i, r := range top { // named only once chosen
		m := &run.Months[r.lot][r.month]
		out[i] = TopMonth{Lot: ds.Lots[r.lot].Name(), Month: m.Month.String(), Charge: m.Charge, Credits: m.Credits}
	}
	return out
}

// ranked is a lot-month's credits, in fixed point where they fit.
type ranked struct {
	lot, month int
	credits    decimal.Decimal
	key        fixed.Decimal
	fits       bool
}

func newRanked(lot, month int, credits decimal.Decimal) ranked {
	key, fits := fixed.FromDecimal(credits)
	return ranked{lot, month, credits, key, fits}
}

// cmp compares the credits of r and o.
func (r *ranked) cmp(o *ranked) int {
	if r.fits && o.fits {
		return r.key.Cmp(o.key)
	}
	return r.credits.Cmp(o.credits)
}

// keepTop inserts r, which comes after every entry of top, into top (the
// best, at most n, largest first), after those with credits as large.
func keepTop(top []ranked, r ranked, n int) []ranked {
	if n <= 0 || len(top) == n && r.cmp(&top[n-1]) <= 0 {
		return top
	}
	j := len(top)
	for j > 0 && r.cmp(&top[j-1]) > 0 {
		j--
	}
	if len(top) < n {
		top = append(top, ranked{})
	}
	copy(top[j+1:], top[j:len(top)-1])
	top[j] = r
	return top
}

func monthly(run *runner.ScenarioRun, ds *input.Dataset) []Series {
	var out []Series
	for _, g := range groups(ds) {
		sums := make([]fixed.Sum, ds.Months())
		for li, lot := range ds.Lots {
			if lot.Keys[0] != g {
				continue
			}
			for i := range run.Months[li] {
				sums[i].Add(run.Months[li][i].Credits)
			}
		}
		pts := make([]MonthValue, len(sums))
		for i := range pts {
			pts[i] = MonthValue{Month: ds.First.Add(i).String(), Value: sums[i].Decimal()}
		}
		out = append(out, Series{Name: g, Points: pts})
	}
	return out
}

func scenarioSummary(s *Summary, run, base *runner.ScenarioRun, ds *input.Dataset) ScenarioTotal {
	t := totals(run, ds, nil)
	st := ScenarioTotal{ID: run.ID, Description: run.Scenario.Description, Failures: t.Failures,
		Change: change(s.Baseline, t)}
	if f := run.Scenario.From; f != nil {
		st.From = f.String()
	}
	for _, g := range s.ByGroup {
		st.ByGroup = append(st.ByGroup, GroupDiff{Name: g.Name, Change: change(g.Totals, totals(run, ds, inGroup(g.Name)))})
	}
	return st
}

// change compares a scenario's totals with the baseline's.
func change(base, scen Totals) Change {
	return NewChange(base.BeforeCap, base.Credits, base.EarnBack, scen.BeforeCap, scen.Credits, scen.EarnBack)
}

// movers lists the scenario-KPI pairs whose credits change most, leaving
// out sweeps, which have a section of their own.
func movers(res *runner.Result, n int) []Mover {
	var runs []*runner.ScenarioRun
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep == nil {
			runs = append(runs, run)
		}
	}
	type pair struct {
		scenario, kpi string
		base, scen    Totals
	}
	var sum []pair            // by scenario and KPI, in the order of the comparisons
	at := map[[2]string]int{} // where each scenario's KPI is in sum
	_ = res.EachComparison(runs, func(c *runner.Comparison) error {
		i, ok := at[[2]string{c.Scenario, c.KPI}]
		if !ok {
			none := Totals{BeforeCap: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero}
			sum = append(sum, pair{scenario: c.Scenario, kpi: c.KPI, base: none, scen: none})
			i = len(sum) - 1
			at[[2]string{c.Scenario, c.KPI}] = i
		}
		p := &sum[i]
		p.base.BeforeCap, p.scen.BeforeCap = p.base.BeforeCap.Add(c.BaselineBeforeCap), p.scen.BeforeCap.Add(c.BeforeCap)
		p.base.Credits, p.scen.Credits = p.base.Credits.Add(c.Baseline), p.scen.Credits.Add(c.Credit)
		p.base.EarnBack, p.scen.EarnBack = p.base.EarnBack.Add(c.BaselineEarnBack), p.scen.EarnBack.Add(c.EarnBack)
		return nil
	})
	var out []Mover
	for _, p := range sum {
		if m := (Mover{Scenario: p.scenario, KPI: p.kpi, Change: change(p.base, p.scen)}); !m.Diff.IsZero() {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Mover) int { return b.Diff.Abs().Cmp(a.Diff.Abs()) })
	return out[:min(n, len(out))]
}

// sweeps gathers each sweep's members' total credits by swept value.
func sweeps(res *runner.Result, baseline decimal.Decimal) []Sweep {
	var out []Sweep
	for _, run := range res.Runs[1:] {
		p := run.Scenario.Sweep
		if p == nil {
			continue
		}
		i := slices.IndexFunc(out, func(s Sweep) bool { return s.ID == p.Sweep })
		if i < 0 {
			out = append(out, Sweep{ID: p.Sweep, KPI: p.KPI, Field: p.Field, Base: baseline, Unit: sweptUnit(res.Rules, p)})
			i = len(out) - 1
		}
		t := totals(run, res.Data, nil)
		out[i].Points = append(out[i].Points, SweepPoint{Value: p.Value, Credits: t.Credits})
	}
	for _, s := range out {
		slices.SortStableFunc(s.Points, func(a, b SweepPoint) int { return a.Value.Cmp(b.Value) })
	}
	return out
}

// termsSummary lists the original terms and each amendment in the order
// they apply, each with the months of the data it governed as the latest
// in force; nil without amendments.
func termsSummary(rb *rules.Rulebook, ds *input.Dataset) []Terms {
	if len(rb.Amendments) == 0 {
		return nil
	}
	tl := rb.Timeline()
	governed := func(id string) (string, string) {
		for i, e := range tl {
			if e.Terms != id {
				continue
			}
			first, last := max(e.From, ds.First), ds.Last
			if i+1 < len(tl) {
				last = min(last, tl[i+1].From-1)
			}
			if first > last {
				return "", ""
			}
			return first.String(), last.String()
		}
		return "", ""
	}
	out := []Terms{{Description: "The contract as first agreed"}}
	out[0].First, out[0].Last = governed("")
	for _, a := range tl[len(tl)-1].InForce {
		t := Terms{ID: a.ID, Description: a.Description, Agreed: a.Agreed, From: a.From.String()}
		t.First, t.Last = governed(a.ID)
		out = append(out, t)
	}
	return out
}

// hasTriggers reports whether the rulebook's terms, at any time, have
// triggers.
func hasTriggers(rb *rules.Rulebook) bool {
	for _, e := range rb.Timeline() {
		if len(e.Rules.Triggers) > 0 {
			return true
		}
	}
	return false
}

// triggerSummary lists the triggers a run fired.
func triggerSummary(res *runner.Result, run *runner.ScenarioRun) []Fired {
	var out []Fired
	for _, f := range run.Triggers {
		out = append(out, Fired{Trigger: f.Trigger.ID, Level: f.Trigger.Level.String(), Lot: res.Data.Lots[f.Lot].Name(),
			Month: f.Month.String(), KPIs: f.KPIs, Count: f.Count, Within: f.Trigger.Within})
	}
	return out
}

// triggerDiffs counts each trigger's fires under each scenario (sweeps
// left out) and the baseline, keeping the pairs where either fired.
func triggerDiffs(res *runner.Result) []TriggerDiff {
	count := func(run *runner.ScenarioRun) map[string]int {
		m := map[string]int{}
		for _, f := range run.Triggers {
			m[f.Trigger.ID]++
		}
		return m
	}
	base := count(res.Baseline())
	var out []TriggerDiff
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep != nil {
			continue
		}
		scen := count(run)
		var ids []string
		for _, r := range []*runner.ScenarioRun{res.Baseline(), run} {
			for _, f := range r.Triggers {
				if !slices.Contains(ids, f.Trigger.ID) {
					ids = append(ids, f.Trigger.ID)
				}
			}
		}
		for _, id := range ids {
			out = append(out, TriggerDiff{Scenario: run.ID, Trigger: id, Baseline: base[id], With: scen[id]})
		}
	}
	return out
}

// triggerRules says what each trigger of the latest terms counts.
func triggerRules(rb *rules.Rulebook) []string {
	tl := rb.Timeline()
	var out []string
	for _, t := range tl[len(tl)-1].Rules.Triggers {
		what, kpi := t.ID, "any KPI"
		if t.Description != "" {
			what += " (" + t.Description + ")"
		}
		if t.KPI != "" {
			kpi = t.KPI
		}
		failures := fmt.Sprintf("%d failures", t.Failures)
		if t.Failures == 1 {
			failures = "1 failure"
		}
		months := fmt.Sprintf("%d months", t.Within)
		if t.Within == 1 {
			months = "1 month"
		}
		out = append(out, fmt.Sprintf("%s: %s at %s or worse of %s within %s", what, failures, t.Level, kpi, months))
	}
	return out
}

// measureFields are the KPI fields that hold a value of its measure.
var measureFields = []string{"target", "serious", "severe", "critical", "credit.sliding.floor"}

// sweptUnit is the unit of the swept KPI's measure when the sweep sets a
// value of it, else rules.NoUnit.
func sweptUnit(rb *rules.Rulebook, p *rules.SweepPoint) rules.Unit {
	k := rb.KPI(p.KPI)
	if k == nil || !slices.Contains(measureFields, p.Field) {
		return rules.NoUnit
	}
	return k.Unit
}
