package engine

import (
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Rules returns the engine's rulebook.
func (e *Engine) Rules() *rules.Rulebook { return e.prog.Rules() }

// Lot evaluates one lot month by month: its KPI expressions, then its
// service credits, carrying streaks and caps from month to month.
type Lot struct {
	engine  *Engine
	eval    *kpi.Evaluator
	credits *credits.Lot
	obs     []credits.Observation
}

// LotMonth is a lot's results for one month: per KPI, what was measured
// (Results) and what it costs (Credits.KPIs), both in the order of the
// rulebook the month ran under. KPI finds one KPI's pair by id.
type LotMonth struct {
	Row     *kpi.Row
	Results []kpi.Result
	Credits *credits.Month
}

// KPI returns the result and the credit of the KPI with the given id, and
// false when the month's rulebook has no such KPI.
func (m *LotMonth) KPI(id string) (*kpi.Result, *credits.KPICredit, bool) {
	for i := range m.Credits.KPIs {
		if m.Credits.KPIs[i].KPI.ID == id {
			return &m.Results[i], &m.Credits.KPIs[i], true
		}
	}
	return nil, nil, false
}

// NewLot starts a lot with no history.
func (e *Engine) NewLot() *Lot {
	return &Lot{engine: e, eval: e.prog.NewEvaluator(), credits: e.calc.NewLot()}
}

// NewLotFor starts the lot with the given key values (in the rulebook's
// key order): from its opening state when the rulebook has one
// (rules.Opening; a lot it does not name starts with no history after
// the opening month), else with no history.
func (e *Engine) NewLotFor(keys []string) (*Lot, error) {
	l := e.NewLot()
	o := e.Rules().Opening
	if o == nil {
		return l, nil
	}
	ol, _ := o.Lot(keys)
	if err := l.SetState(credits.OpeningState(o, ol)); err != nil {
		return nil, err
	}
	return l, nil
}

// SetExplain turns the explanation of each KPI's credit on (the default)
// or off. A caller that needs only the figures, such as a large sweep,
// turns it off: no explanation text is then built at all.
func (l *Lot) SetExplain(on bool) { l.credits.Explain = on }

// Use switches the lot to another engine from its next month, as a
// scenario does from its first month; streaks carry over by KPI id.
func (l *Lot) Use(e *Engine) {
	if l.engine == e {
		return
	}
	l.engine, l.eval = e, e.prog.NewEvaluator()
	l.credits.Use(e.calc)
}

// Relief says whether a KPI of a lot-month is excused, and why.
type Relief func(kpiID string) (reason string, ok bool)

// Month evaluates the lot's next month. relief may be nil.
func (l *Lot) Month(row *kpi.Row, relief Relief) (*LotMonth, error) {
	return l.MonthReusing(row, relief, nil, nil)
}

// MonthReusing evaluates the lot's next month reusing values already
// worked out: cached holds another engine's values for the same row (see
// kpi.Evaluator.Value), and reuse, from ReuseFrom, says which of them this
// engine's KPIs share, so that only KPIs whose expressions differ are
// evaluated. With cached nil it is Month.
func (l *Lot) MonthReusing(row *kpi.Row, relief Relief, cached []kpi.Value, reuse Reuse) (*LotMonth, error) {
	rb := l.engine.Rules()
	res := make([]kpi.Result, len(rb.KPIs))
	loaded := false
	for i, k := range rb.KPIs {
		var v kpi.Value
		if cached != nil && reuse[i] >= 0 {
			v = cached[reuse[i]]
		} else {
			if !loaded {
				if err := l.eval.Load(row); err != nil {
					return nil, err
				}
				loaded = true
			}
			var err error
			if v, err = l.eval.Value(i); err != nil {
				return nil, err
			}
		}
		res[i] = kpi.Judge(k, v)
	}
	l.obs = l.obs[:0]
	for i := range res {
		if relief != nil {
			if reason, ok := relief(rb.KPIs[i].ID); ok {
				res[i].Excuse(reason)
			}
		}
		l.obs = append(l.obs, credits.Observation{Status: res[i].Status, Measure: res[i].Measure, Reason: res[i].Reason})
	}
	cm, err := l.credits.Month(row.Month, row.Values[l.engine.charge].(rules.Decimal), l.obs)
	if err != nil {
		return nil, err
	}
	return &LotMonth{Row: row, Results: res, Credits: cm}, nil
}

// Reuse maps each KPI of an engine to the KPI of another engine whose
// values it shares, or -1.
type Reuse []int

// ReuseFrom maps each of the engine's KPIs to base's KPI with the same
// measure, volume and applies expressions and measure range, or -1 when
// there is none.
func (e *Engine) ReuseFrom(base *Engine) Reuse {
	b := base.Rules().KPIs
	out := make(Reuse, len(e.Rules().KPIs))
	for i, k := range e.Rules().KPIs {
		out[i] = -1
		for j, bk := range b {
			if k.Measure.Source == bk.Measure.Source && k.Volume.Source == bk.Volume.Source && k.Applies.Source == bk.Applies.Source &&
				k.Range.Equal(bk.Range) { // the baseline's values were checked against its range
				out[i] = j
				if k.ID == bk.ID {
					break
				}
			}
		}
	}
	return out
}

// State returns the lot's state after its last month (see credits.State),
// and false before its first.
func (l *Lot) State() (credits.State, bool) { return l.credits.State() }

// SetState starts the lot from a state, as at the end of s.Month: its
// next month must be later. A state no lot can be in wraps
// credits.ErrState.
func (l *Lot) SetState(s credits.State) error { return l.credits.SetState(s) }

// Waive takes an amount waived of a KPI's credit out of its earn-back
// pool (see credits.Lot.Waive).
func (l *Lot) Waive(kpiID string, amount rules.Decimal) { l.credits.Waive(kpiID, amount) }
