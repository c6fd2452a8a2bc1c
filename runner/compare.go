package runner

import (
	"slices"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/shopspring/decimal"
)

// kpiTotals is one KPI's credits and failures over a lot's months.
type kpiTotals struct {
	kpi                string
	base, scen         decimal.Decimal
	baseFail, scenFail int
}

// compareLot pairs each KPI's totals over a lot's months under two runs;
// KPIs come in the baseline's order, then any the scenario adds.
func compareLot(base, scen []KPITotal) []kpiTotals {
	var out []kpiTotals
	find := func(id string) *kpiTotals {
		i := slices.IndexFunc(out, func(t kpiTotals) bool { return t.kpi == id })
		if i < 0 {
			out = append(out, kpiTotals{kpi: id, base: decimal.Zero, scen: decimal.Zero})
			i = len(out) - 1
		}
		return &out[i]
	}
	for _, b := range base {
		t := find(b.KPI)
		t.base, t.baseFail = b.Credits, b.Failures
	}
	for _, s := range scen {
		t := find(s.KPI)
		t.scen, t.scenFail = s.Credits, s.Failures
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
// caps and before any earn-back, as in credits.parquet.
type Comparison struct {
	Scenario         string
	Lot              []string // key values
	KPI              string
	Baseline, Credit decimal.Decimal // the KPI's credits over the run, after caps and before earn-back
	Difference       decimal.Decimal // Credit - Baseline
	BaselineFailures int             // failed months under the baseline
	Failures         int             // failed months under the scenario
}

// Comparisons lists every scenario's comparison with the baseline by lot
// and KPI, in the order comparison.parquet holds them.
func (r *Result) Comparisons() []Comparison {
	var out []Comparison
	for _, run := range r.Runs[1:] {
		for li, lot := range r.Data.Lots {
			for _, c := range compareLot(r.Baseline().KPIs[li], run.KPIs[li]) {
				out = append(out, Comparison{Scenario: run.ID, Lot: slices.Clone(lot.Keys), KPI: c.kpi, Baseline: c.base,
					Credit: c.scen, Difference: c.scen.Sub(c.base), BaselineFailures: c.baseFail, Failures: c.scenFail})
			}
		}
	}
	return out
}
