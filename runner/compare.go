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

// compareLot pairs each KPI's totals over a lot's months under two runs;
// KPIs come in the baseline's order, then any the scenario adds.
func compareLot(base, scen []KPITotal) []kpiTotals {
	var out []kpiTotals
	find := func(id string) *kpiTotals {
		i := slices.IndexFunc(out, func(t kpiTotals) bool { return t.kpi == id })
		if i < 0 {
			none := KPITotal{KPI: id, BeforeCap: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero}
			out = append(out, kpiTotals{kpi: id, base: none, scen: none})
			i = len(out) - 1
		}
		return &out[i]
	}
	for _, b := range base {
		find(b.KPI).base = b
	}
	for _, s := range scen {
		find(s.KPI).scen = s
	}
	return out
}

// EachLotMonth calls fn for every lot-month of every run that kept its
// detail, the runs in order, then the lots, then the months; an error from
// fn stops it.
func (res *Result) EachLotMonth(fn func(run *ScenarioRun, lot *input.LotData, lm *engine.LotMonth) error) error {
	for _, run := range res.Runs {
		if !run.Detailed() {
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
	for _, run := range r.Runs[1:] {
		for li, lot := range r.Data.Lots {
			for _, c := range compareLot(r.Baseline().KPIs[li], run.KPIs[li]) {
				b, s := c.base, c.scen
				out = append(out, Comparison{Scenario: run.ID, Lot: slices.Clone(lot.Keys), KPI: c.kpi,
					Baseline: b.Credits, Credit: s.Credits, Difference: s.Credits.Sub(b.Credits),
					BaselineFailures: b.Failures, Failures: s.Failures,
					BaselineBeforeCap: b.BeforeCap, BeforeCap: s.BeforeCap, BaselineEarnBack: b.EarnBack, EarnBack: s.EarnBack})
			}
		}
	}
	return out
}
