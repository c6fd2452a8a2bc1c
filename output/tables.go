package output

import (
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
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
const MeasurePlaces = kpi.DivisionPlaces

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
func kpiResults(res *runner.Result) outTable {
	cols := append(keyColumns(res.Rules),
		outColumn{rules.MonthColumn, kMonth, false}, outColumn{"terms", kString, false}, outColumn{"kpi", kString, false},
		outColumn{"charge", kMoney, false}, outColumn{"charge_base", kMoney, false},
		outColumn{"measure", kMeasure, true}, outColumn{"volume", kMeasure, true},
		outColumn{"target", kMeasure, false}, outColumn{"status", kString, false},
		outColumn{"streak", kInt, false}, outColumn{"multiplier", kMeasure, false},
		outColumn{"points", kMeasure, true}, outColumn{"area", kString, false},
		outColumn{"area_share", kMoney, true}, outColumn{"amount", kMoney, false},
		outColumn{"credit", kMoney, false}, outColumn{"earn_back", kMoney, false},
		outColumn{"bonus_points", kMeasure, true},
		outColumn{"reason", kString, false}, outColumn{"explanation", kString, false})
	return outTable{name: "kpi_results", cols: cols, rows: func(yield func([]any) error) error {
		row := make([]any, len(cols))
		return res.EachLotMonth(func(run *runner.ScenarioRun, lot *input.LotData, lm *engine.LotMonth) error {
			for i, kc := range lm.Credits.KPIs {
				r := lm.Results[i]
				row = row[:0]
				row = append(row, run.ID)
				for _, k := range lot.Keys {
					row = append(row, k)
				}
				base := lm.Credits.Charge
				if kc.Base != nil {
					base = *kc.Base
				}
				row = append(row, lm.Row.Month, lm.Terms, kc.KPI.ID, lm.Credits.Charge, base,
					optional(r.Measure, r.HasMeasure), optional(r.Volume, r.HasVolume),
					kc.KPI.Target, kc.Status.String(), kc.Streak, kc.Multiplier,
					optional(kc.Points, kc.KPI.Credit.Kind == rules.Points && kc.Status.Failed()),
					kc.Area, optional(kc.AreaShare, kc.Area != ""), kc.Amount, kc.Credit, kc.EarnBack,
					bonusEarned(kc),
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
func creditTable(res *runner.Result) outTable {
	cols := append(keyColumns(res.Rules),
		outColumn{rules.MonthColumn, kMonth, false}, outColumn{"terms", kString, false}, outColumn{"charge", kMoney, false},
		outColumn{"credits_before_cap", kMoney, false}, outColumn{"cap", kMoney, true},
		outColumn{"annual_cap_left", kMoney, true}, outColumn{"rolling_cap_left", kMoney, true},
		outColumn{"credits", kMoney, false}, outColumn{"earn_back", kMoney, false}, outColumn{"net", kMoney, false},
		outColumn{"bonus_earned", kMeasure, true}, outColumn{"bonus_used", kMeasure, true},
		outColumn{"bonus_expired", kMeasure, true}, outColumn{"bonus_bank", kMeasure, true},
		outColumn{"triggers", kInt, false})
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
					row = append(row, m.Month, m.Terms, m.Charge, m.BeforeCap, optional(m.Cap, m.HasCap),
						optional(m.AnnualCapLeft, m.HasAnnualCap), optional(m.RollingCapLeft, m.HasRollingCap),
						m.Credits, m.EarnBack, m.Credits.Add(m.EarnBack))
					if b := m.Bonus; b != nil {
						row = append(row, b.Earned, b.Used, b.Expired, b.Bank)
					} else {
						row = append(row, nil, nil, nil, nil)
					}
					row = append(row, m.Triggers)
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
// failures under the baseline and the scenario, summed over the months,
// then the credits before caps and the earn-back under each.
func comparisonTable(res *runner.Result) outTable {
	cols := append(keyColumns(res.Rules), outColumn{"kpi", kString, false},
		outColumn{"baseline_credits", kMoney, false}, outColumn{"scenario_credits", kMoney, false},
		outColumn{"difference", kMoney, false},
		outColumn{"baseline_failures", kInt, false}, outColumn{"scenario_failures", kInt, false},
		outColumn{"baseline_before_cap", kMoney, false}, outColumn{"scenario_before_cap", kMoney, false},
		outColumn{"baseline_earn_back", kMoney, false}, outColumn{"scenario_earn_back", kMoney, false})
	return outTable{name: "comparison", cols: cols, rows: func(yield func([]any) error) error {
		row := make([]any, len(cols))
		return res.EachComparison(res.Runs[1:], func(c *runner.Comparison) error {
			row = row[:0]
			row = append(row, c.Scenario)
			for _, k := range c.Lot {
				row = append(row, k)
			}
			row = append(row, c.KPI, c.Baseline, c.Credit, c.Difference, c.BaselineFailures, c.Failures,
				c.BaselineBeforeCap, c.BeforeCap, c.BaselineEarnBack, c.EarnBack)
			return yield(row)
		})
	}}
}

// bonusEarned is the bonus points a KPI earned in a met month, zero when
// met short of its bound; nil for a KPI without a bound or not met.
func bonusEarned(kc credits.KPICredit) any {
	switch {
	case kc.KPI.BonusAt == nil || kc.Status != rules.Met:
		return nil
	case kc.Bonus != nil:
		return kc.Bonus.Earned
	}
	return decimal.Zero
}

func optional(d decimal.Decimal, ok bool) any {
	if !ok {
		return nil
	}
	return d
}

// triggerTable has one row per trigger that fired: scenario, lot, month.
func triggerTable(res *runner.Result) outTable {
	cols := append(keyColumns(res.Rules),
		outColumn{rules.MonthColumn, kMonth, false}, outColumn{"terms", kString, false},
		outColumn{"trigger", kString, false}, outColumn{"level", kString, false},
		outColumn{"kpi", kString, false}, outColumn{"count", kInt, false},
		outColumn{"failures", kInt, false}, outColumn{"within", kInt, false})
	return outTable{name: "triggers", cols: cols, rows: func(yield func([]any) error) error {
		row := make([]any, len(cols))
		for _, run := range res.Runs {
			for _, f := range run.Triggers {
				row = row[:0]
				row = append(row, run.ID)
				for _, k := range res.Data.Lots[f.Lot].Keys {
					row = append(row, k)
				}
				t := f.Trigger
				row = append(row, f.Month, f.Terms, t.ID, t.Level.String(), f.KPIs, f.Count, t.Failures, t.Within)
				if err := yield(row); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}
