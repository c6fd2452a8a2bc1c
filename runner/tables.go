package runner

import (
	"slices"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// kind is the type of an output column.
type kind uint8

const (
	kString  kind = iota // text, PLAIN-encoded in Parquet
	kMonth               // a rules.Month; DATE (first of the month) in Parquet
	kMoney               // decimal.Decimal at the currency's minor unit
	kMeasure             // decimal.Decimal at MeasurePlaces
	kInt                 // int
)

// MeasurePlaces is the number of decimal places measures, volumes, targets,
// multipliers and points are written with: DECIMAL(38, 16) in Parquet. A
// quotient in an expression is rounded to as many places, so a measure is
// written exactly.
const MeasurePlaces = 16

// outColumn is one column of an output table; a nullable column takes nil
// for no value.
type outColumn struct {
	name     string
	kind     kind
	nullable bool
}

// outTable is an output table: its columns and a function that yields its
// rows, each value of the Go type its column's kind names.
type outTable struct {
	name string // file name without extension
	cols []outColumn
	rows func(yield func(row []any) error) error
}

func keyColumns(rb *rules.Rulebook) []outColumn {
	cols := []outColumn{{name: "scenario", kind: kString}}
	for _, k := range rb.Keys {
		cols = append(cols, outColumn{name: k, kind: kString})
	}
	return cols
}

// kpiResults has one row per scenario, lot, month and KPI.
func kpiResults(res *Result) outTable {
	cols := append(keyColumns(res.Rules),
		outColumn{"month", kMonth, false}, outColumn{"kpi", kString, false},
		outColumn{"charge", kMoney, false}, outColumn{"measure", kMeasure, true}, outColumn{"volume", kMeasure, true},
		outColumn{"target", kMeasure, false}, outColumn{"status", kString, false},
		outColumn{"streak", kInt, false}, outColumn{"multiplier", kMeasure, false},
		outColumn{"points", kMeasure, true}, outColumn{"area", kString, false},
		outColumn{"area_share", kMoney, true}, outColumn{"amount", kMoney, false},
		outColumn{"credit", kMoney, false}, outColumn{"earn_back", kMoney, false},
		outColumn{"reason", kString, false}, outColumn{"explanation", kString, false})
	return outTable{name: "kpi_results", cols: cols, rows: func(yield func([]any) error) error {
		row := make([]any, len(cols))
		return eachLotMonth(res, func(run *ScenarioRun, lot *LotData, lm *LotMonth) error {
			for i, kc := range lm.Credits.KPIs {
				r := lm.Results[i]
				row = row[:0]
				row = append(row, run.ID)
				for _, k := range lot.Keys {
					row = append(row, k)
				}
				row = append(row, lm.Row.Month, kc.KPI.ID, lm.Credits.Charge,
					optional(r.Measure, r.HasMeasure), optional(r.Volume, r.HasVolume),
					kc.KPI.Target, kc.Status.String(), kc.Streak, kc.Multiplier,
					optional(kc.Points, kc.KPI.Credit.Kind == rules.Points && kc.Status.Failed()),
					kc.Area, optional(kc.AreaShare, kc.Area != ""), kc.Amount, kc.Credit, kc.EarnBack,
					kc.Reason, kc.Explanation)
				if err := yield(row); err != nil {
					return err
				}
			}
			return nil
		})
	}}
}

// creditTable has one row per scenario, lot and month.
func creditTable(res *Result) outTable {
	cols := append(keyColumns(res.Rules),
		outColumn{"month", kMonth, false}, outColumn{"charge", kMoney, false},
		outColumn{"credits_before_cap", kMoney, false}, outColumn{"cap", kMoney, true},
		outColumn{"annual_cap_left", kMoney, true}, outColumn{"credits", kMoney, false},
		outColumn{"earn_back", kMoney, false}, outColumn{"net", kMoney, false})
	return outTable{name: "credits", cols: cols, rows: func(yield func([]any) error) error {
		row := make([]any, len(cols))
		for _, run := range res.Runs {
			if !run.Detailed() {
				continue
			}
			for li, lot := range res.Data.Lots {
				for _, m := range run.Months[li] {
					row = row[:0]
					row = append(row, run.ID)
					for _, k := range lot.Keys {
						row = append(row, k)
					}
					row = append(row, m.Month, m.Charge, m.BeforeCap, optional(m.Cap, m.HasCap),
						optional(m.AnnualCapLeft, m.HasAnnualCap), m.Credits, m.EarnBack, m.Credits.Add(m.EarnBack))
					if err := yield(row); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}}
}

// comparisonTable has one row per scenario, lot and KPI: the credits and
// failures under the baseline and the scenario, summed over the months.
func comparisonTable(res *Result) outTable {
	cols := append(keyColumns(res.Rules), outColumn{"kpi", kString, false},
		outColumn{"baseline_credits", kMoney, false}, outColumn{"scenario_credits", kMoney, false},
		outColumn{"difference", kMoney, false},
		outColumn{"baseline_failures", kInt, false}, outColumn{"scenario_failures", kInt, false})
	return outTable{name: "comparison", cols: cols, rows: func(yield func([]any) error) error {
		row := make([]any, len(cols))
		for _, c := range res.Comparisons() {
			row = row[:0]
			row = append(row, c.Scenario)
			for _, k := range c.Lot {
				row = append(row, k)
			}
			row = append(row, c.KPI, c.Baseline, c.Credit, c.Difference, c.BaselineFailures, c.Failures)
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}
}

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

func optional(d decimal.Decimal, ok bool) any {
	if !ok {
		return nil
	}
	return d
}

// eachLotMonth visits every run that kept its detail, lot and month in
// output order.
func eachLotMonth(res *Result, fn func(*ScenarioRun, *LotData, *LotMonth) error) error {
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
			for _, c := range compareLot(r.Runs[0].KPIs[li], run.KPIs[li]) {
				out = append(out, Comparison{Scenario: run.ID, Lot: slices.Clone(lot.Keys), KPI: c.kpi, Baseline: c.base,
					Credit: c.scen, Difference: c.scen.Sub(c.base), BaselineFailures: c.baseFail, Failures: c.scenFail})
			}
		}
	}
	return out
}
