package runner

import (
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Relief says whether a KPI of a lot-month is excused, and why.
type Relief func(kpiID string) (reason string, ok bool)

// Engine is a rulebook compiled for evaluation: its expressions and its
// credit calculator. It is safe for concurrent use.
type Engine struct {
	prog *kpi.Program
	calc *credits.Calculator
}

// Compile compiles a validated rulebook's expressions; a problem in one is
// a *rules.ValidationError placed in the rulebook file.
func Compile(rb *rules.Rulebook) (*Engine, error) {
	p, err := kpi.Compile(rb)
	if err != nil {
		return nil, err
	}
	return &Engine{prog: p, calc: credits.New(rb)}, nil
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
	res, err := l.eval.Evaluate(row, nil)
	if err != nil {
		return nil, err
	}
	rb := l.engine.Rules()
	l.obs = l.obs[:0]
	for i := range res {
		if relief != nil {
			if reason, ok := relief(rb.KPIs[i].ID); ok {
				res[i].Excuse(reason)
			}
		}
		l.obs = append(l.obs, credits.Observation{Status: res[i].Status, Measure: res[i].Measure, Reason: res[i].Reason})
	}
	cm, err := l.credits.Month(row.Month, chargeOf(rb, row), l.obs)
	if err != nil {
		return nil, err
	}
	return &LotMonth{Row: row, Results: res, Credits: cm}, nil
}

func chargeOf(rb *rules.Rulebook, row *kpi.Row) rules.Decimal {
	for i, f := range rb.Fields {
		if f.Name == rb.Charge {
			return row.Values[i].(rules.Decimal)
		}
	}
	return rules.Decimal{}
}
