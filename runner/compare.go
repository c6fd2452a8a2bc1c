package runner

import (
	"slices"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/shopspring/decimal"
)

// kpiTotals is one KPI's totals over a lot's months under the baseline
// and a scenario.
type kpiTotals struct {
	kpi        string
	base, scen KPITotal
}

// compareLot pairs each KPI's totals over a lot's months under two runs,
// into out's array; KPIs come in the baseline's order, then any the
// scenario adds.
func compareLot(out []kpiTotals, base, scen []KPITotal) []kpiTotals {
	out = out[:0]
	none := func(id string) KPITotal {
		return KPITotal{KPI: id, BeforeCap: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero}
	}
	for _, b := range base {
		out = append(out, kpiTotals{kpi: b.KPI, base: b, scen: none(b.KPI)})
	}
	for i, s := range scen {
		j := i // usually the scenario has the baseline's KPIs, in its order
		if j >= len(base) || base[j].KPI != s.KPI {
			j = slices.IndexFunc(out, func(t kpiTotals) bool { return t.kpi == s.KPI })
		}
		if j < 0 {
			out = append(out, kpiTotals{kpi: s.KPI, base: none(s.KPI)})
			j = len(out) - 1
		}
		out[j].scen = s
	}
	return out
}

// EachLotMonth calls fn for every lot-month of every run that kept its
// detail (Lots), the runs in order, then the lots, then the months; an
// error from fn stops it.
func (res *Result) EachLotMonth(fn func(run *ScenarioRun, lot *input.LotData, lm *engine.LotMonth) error) error {
	for _, run := range res.Runs {
		if run.Lots == nil {
			continue
		}
		for li, lot := range res.Data.Lots {
			for _, lm := range run.Lots[li] {
				if err := fn(run, lot, lm); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Comparison is one scenario's credits and failures for one lot and KPI,
// against the baseline's, over the months of the run. Credits are after
// caps and before any earn-back, as in credits.parquet; the amounts before
// caps and the earn-back are beside them, so that a difference can be
// split into what the rules did (Rules) and what the caps did (Caps).
type Comparison struct {
	Scenario         string
	Lot              []string // key values
	KPI              string
	Baseline, Credit decimal.Decimal // the KPI's credits over the run, after caps and before earn-back
	Difference       decimal.Decimal // Credit - Baseline
	BaselineFailures int             // failed months under the baseline
	Failures         int             // failed months under the scenario
	// BaselineBeforeCap and BeforeCap are the KPI's credits before the
	// monthly, annual and rolling caps under the baseline and the scenario.
	BaselineBeforeCap, BeforeCap decimal.Decimal
	// BaselineEarnBack and EarnBack are the refunds the KPI earned (<= 0).
	BaselineEarnBack, EarnBack decimal.Decimal
}

// Rules is the part of the difference the changed rules made: what they
// would have cost before caps, less what the baseline cost before caps.
func (c *Comparison) Rules() decimal.Decimal { return c.BeforeCap.Sub(c.BaselineBeforeCap) }

// Caps is the rest of the difference: what the caps then did, the change
// in how much the monthly, annual and rolling caps cut. Rules() + Caps() is
// Difference.
func (c *Comparison) Caps() decimal.Decimal { return c.Difference.Sub(c.Rules()) }

// Comparisons lists every scenario's comparison with the baseline by lot
// and KPI, in the order comparison.parquet holds them.
func (r *Result) Comparisons() []Comparison {
	var out []Comparison
	_ = r.EachComparison(r.Runs[1:], func(c *Comparison) error {
		cp := *c
		cp.Lot = slices.Clone(c.Lot)
		out = append(out, cp)
		return nil
	})
	return out
}

// EachComparison calls fn with the comparison with the baseline of each
// of runs (scenarios of the Result), by lot and KPI, in the order
// Comparisons lists them, without holding them all: a sweep of thousands
// has millions. fn may read c until it returns, and must not change
// c.Lot, which is the data's; an error from fn stops it.
func (r *Result) EachComparison(runs []*ScenarioRun, fn func(c *Comparison) error) error {
	var pairs []kpiTotals
	var c Comparison
	for _, run := range runs {
		for li, lot := range r.Data.Lots {
			pairs = compareLot(pairs, r.Baseline().KPIs[li], run.KPIs[li])
			for _, p := range pairs {
				b, s := p.base, p.scen
				c = Comparison{Scenario: run.ID, Lot: lot.Keys, KPI: p.kpi,
					Baseline: b.Credits, Credit: s.Credits, Difference: s.Credits.Sub(b.Credits),
					BaselineFailures: b.Failures, Failures: s.Failures,
					BaselineBeforeCap: b.BeforeCap, BeforeCap: s.BeforeCap, BaselineEarnBack: b.EarnBack, EarnBack: s.EarnBack}
				if err := fn(&c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
