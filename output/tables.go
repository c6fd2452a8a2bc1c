package output

import (
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/fixed"
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
// rows, each cell holding the field its column's kind names. The row
// slice is reused: yield must not keep it.
type outTable struct {
	name string // file name without extension
	cols []outColumn
	rows func(yield func(row []cell) error) error
}

// cell is one value of an output row: s for kString, m for kMonth, d for
// kMoney and kMeasure, i for kInt; null for no value. Cells are not boxed,
// so building a row allocates nothing.
type cell struct {
	s    string
	d    decimal.Decimal
	f    fixed.Decimal // d in fixed point, coefficient and exponent, when fx
	fx   bool
	m    rules.Month
	i    int
	null bool
}

func text(s string) cell         { return cell{s: s} }
func month(m rules.Month) cell   { return cell{m: m} }
func num(d decimal.Decimal) cell { return cell{d: d} }

// numFixed is d, which f is in fixed point when fx: a Parquet file takes
// f, with no decimal to read.
func numFixed(d decimal.Decimal, f fixed.Decimal, fx bool) cell { return cell{d: d, f: f, fx: fx} }
func count(i int) cell                                          { return cell{i: i} }

// null is a cell without a value.
var null = cell{null: true}

// keyCells appends the scenario and the lot's key values to row.
func keyCells(row []cell, scenario string, keys []string) []cell {
	row = append(row, text(scenario))
	for _, k := range keys {
		row = append(row, text(k))
	}
	return row
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
	return outTable{name: "kpi_results", cols: cols, rows: func(yield func([]cell) error) error {
		row := make([]cell, len(cols))
		return res.EachLotMonth(func(run *runner.ScenarioRun, lot *input.LotData, lm *engine.LotMonth) error {
			return kpiRows(row, run.ID, lot, lm, yield)
		})
	}}
}

// kpiRows yields a lot-month's rows of kpi_results under a run, in row,
// which it reuses.
func kpiRows(row []cell, run string, lot *input.LotData, lm *engine.LotMonth, yield func([]cell) error) error {
	for i := range lm.Credits.KPIs {
		kc, r := &lm.Credits.KPIs[i], &lm.Results[i]
		row = keyCells(row[:0], run, lot.Keys)
		fx, kf := lm.Credits.HasFixed, &kc.Fixed // the month's figures in fixed point too
		charge := numFixed(lm.Credits.Charge, lm.Credits.Fixed.Charge, fx)
		base := charge
		if kc.Base != nil {
			base = numFixed(*kc.Base, kc.Observation.Fixed.Base, kc.Observation.Fixed.HasBase)
		}
		row = append(row, month(lm.Row.Month), text(lm.Terms), text(kc.KPI.ID), charge, base,
			optionalFixed(r.Measure, r.Fixed.Measure, r.HasMeasure, r.Fixed.HasMeasure),
			optionalFixed(r.Volume, r.Fixed.Volume, r.HasVolume, r.Fixed.HasVolume),
			targetCell(kc.KPI), text(kc.Status.String()), count(kc.Streak), numFixed(kc.Multiplier, kf.Multiplier, fx),
			optionalFixed(kc.Points, kf.Points, kc.KPI.Credit.Kind == rules.Points && kc.Status.Failed(), fx),
			text(kc.Area), optionalFixed(kc.AreaShare, kf.AreaShare, kc.Area != "", fx),
			numFixed(kc.Amount, kf.Amount, fx), numFixed(kc.Credit, kf.Credit, fx), numFixed(kc.EarnBack, kf.EarnBack, fx),
			bonusEarned(kc),
			text(kc.Reason), text(kc.Explanation))
		if err := yield(row); err != nil {
			return err
		}
	}
	return nil
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
	return outTable{name: "credits", cols: cols, rows: func(yield func([]cell) error) error {
		row := make([]cell, len(cols))
		for _, run := range res.Runs {
			if !run.Detailed() {
				continue
			}
			for li, lot := range res.Data.Lots {
				for _, m := range run.Months[li] {
					row = keyCells(row[:0], run.ID, lot.Keys)
					row = append(row, month(m.Month), text(m.Terms), num(m.Charge), num(m.BeforeCap), optional(m.Cap, m.HasCap),
						optional(m.AnnualCapLeft, m.HasAnnualCap), optional(m.RollingCapLeft, m.HasRollingCap),
						num(m.Credits), num(m.EarnBack), num(m.Credits.Add(m.EarnBack)))
					if b := m.Bonus; b != nil {
						row = append(row, num(b.Earned), num(b.Used), num(b.Expired), num(b.Bank))
					} else {
						row = append(row, null, null, null, null)
					}
					row = append(row, count(m.Triggers))
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
	return outTable{name: "comparison", cols: cols, rows: func(yield func([]cell) error) error {
		row := make([]cell, len(cols))
		return res.EachComparison(res.Runs[1:], func(c *runner.Comparison) error {
			row = keyCells(row[:0], c.Scenario, c.Lot)
			row = append(row, text(c.KPI), num(c.Baseline), num(c.Credit), num(c.Difference),
				count(c.BaselineFailures), count(c.Failures),
				num(c.BaselineBeforeCap), num(c.BeforeCap), num(c.BaselineEarnBack), num(c.EarnBack))
			return yield(row)
		})
	}}
}

// bonusEarned is the bonus points a KPI earned in a met month, zero when
// met short of its bound; nil for a KPI without a bound or not met.
func bonusEarned(kc *credits.KPICredit) cell {
	switch {
	case kc.KPI.BonusAt == nil || kc.Status != rules.Met:
		return null
	case kc.Bonus != nil:
		return num(kc.Bonus.Earned)
	}
	return num(decimal.Zero)
}

// targetCell is the KPI's target, in fixed point where it fits.
func targetCell(k *rules.KPI) cell {
	f, ok := fixed.FromDecimal(k.Target)
	return numFixed(k.Target, f, ok)
}

// optional is d, or no value when !ok.
func optional(d decimal.Decimal, ok bool) cell {
	if !ok {
		return null
	}
	return num(d)
}

// optionalFixed is optional(d, ok), with d's fixed point f when fx.
func optionalFixed(d decimal.Decimal, f fixed.Decimal, ok, fx bool) cell {
	if !ok {
		return null
	}
	return numFixed(d, f, fx)
}

// triggerTable has one row per trigger that fired: scenario, lot, month.
func triggerTable(res *runner.Result) outTable {
	cols := append(keyColumns(res.Rules),
		outColumn{rules.MonthColumn, kMonth, false}, outColumn{"terms", kString, false},
		outColumn{"trigger", kString, false}, outColumn{"level", kString, false},
		outColumn{"kpi", kString, false}, outColumn{"count", kInt, false},
		outColumn{"failures", kInt, false}, outColumn{"within", kInt, false})
	return outTable{name: "triggers", cols: cols, rows: func(yield func([]cell) error) error {
		row := make([]cell, len(cols))
		for _, run := range res.Runs {
			for _, f := range run.Triggers {
				row = keyCells(row[:0], run.ID, res.Data.Lots[f.Lot].Keys)
				t := f.Trigger
				row = append(row, month(f.Month), text(f.Terms), text(t.ID), text(t.Level.String()), text(f.KPIs),
					count(f.Count), count(t.Failures), count(t.Within))
				if err := yield(row); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}
