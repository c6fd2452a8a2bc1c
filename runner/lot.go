package runner

import (
	"errors"
	"slices"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Relief says whether a KPI of a lot-month is excused, and why.
type Relief func(kpiID string) (reason string, ok bool)

// Engine is a rulebook compiled for evaluation: its expressions and its
// credit calculator. It is safe for concurrent use.
type Engine struct {
	prog   *kpi.Program
	calc   *credits.Calculator
	charge int // the charge field's place in a row's values
}

func newEngine(p *kpi.Program, rb *rules.Rulebook) *Engine {
	charge := slices.IndexFunc(rb.Fields, func(f rules.Field) bool { return f.Name == rb.Charge })
	return &Engine{prog: p, calc: credits.New(rb), charge: charge}
}

// Compile compiles a validated rulebook's expressions; a problem in one is
// a *rules.ValidationError placed in the rulebook file.
func Compile(rb *rules.Rulebook) (*Engine, error) {
	p, err := kpi.Compile(rb)
	if err != nil {
		return nil, err
	}
	return newEngine(p, rb), nil
}

// CompileScenario compiles a scenario's rulebook, reusing the baseline
// engine's expressions where they are unchanged. Problems are keyed by the
// scenario, as scenarios.<id>.<key>.
func (e *Engine) CompileScenario(s *rules.Scenario) (*Engine, error) {
	p, err := e.prog.Derive(s.Rules())
	var ve *rules.ValidationError
	if errors.As(err, &ve) {
		for _, pr := range ve.Problems {
			pr.Key = "scenarios." + s.ID + "." + pr.Key
		}
	}
	if err != nil {
		return nil, err
	}
	return newEngine(p, s.Rules()), nil
}

// Check compiles the expressions of a rulebook and of every scenario,
// reporting every problem in one *rules.ValidationError. Of a sweep, only
// the first member with problems is reported, as the loader does: the
// members differ only in the swept value.
func Check(rb *rules.Rulebook) error {
	base, err := Compile(rb)
	if err != nil {
		return err
	}
	var all []*rules.Problem
	failed := map[string]bool{} // sweeps with a member reported
	for _, s := range rb.Scenarios {
		if s.Sweep != nil && failed[s.Sweep.Sweep] {
			continue
		}
		var ve *rules.ValidationError
		if _, err := base.CompileScenario(s); errors.As(err, &ve) {
			all = append(all, ve.Problems...)
			if s.Sweep != nil {
				failed[s.Sweep.Sweep] = true
			}
		} else if err != nil {
			return err
		}
	}
	if all != nil {
		return &rules.ValidationError{Problems: all}
	}
	return nil
}

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
// (Results) and what it costs (Credits.KPIs), both in rulebook order.
type LotMonth struct {
	Row     *kpi.Row
	Results []kpi.Result
	Credits *credits.LotMonth
}

// NewLot starts a lot with no history.
func (e *Engine) NewLot() *Lot {
	return &Lot{engine: e, eval: e.prog.NewEvaluator(), credits: e.calc.NewLot()}
}

// explain turns the explanation of each KPI's credit on or off.
func (l *Lot) explain(on bool) { l.credits.Explain = on }

// Use switches the lot to another engine from its next month, as a
// scenario does from its first month; streaks carry over by KPI id.
func (l *Lot) Use(e *Engine) {
	if l.engine == e {
		return
	}
	l.engine, l.eval = e, e.prog.NewEvaluator()
	l.credits.Use(e.calc)
}

// Month evaluates the lot's next month. relief may be nil.
func (l *Lot) Month(row *kpi.Row, relief Relief) (*LotMonth, error) {
	return l.month(row, relief, nil, nil)
}

// month evaluates the lot's next month. When cached is given it holds the
// baseline's values for the row, and reuse maps each of the engine's KPIs
// to the baseline KPI whose values it shares (or -1), so only KPIs whose
// expressions differ from the baseline's are evaluated.
func (l *Lot) month(row *kpi.Row, relief Relief, cached []kpi.Value, reuse []int) (*LotMonth, error) {
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

// reuseFrom maps each of the engine's KPIs to the baseline KPI with the
// same measure, volume and applies expressions and measure range, or -1
// when there is none.
func (e *Engine) reuseFrom(base *Engine) []int {
	b := base.Rules().KPIs
	out := make([]int, len(e.Rules().KPIs))
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
