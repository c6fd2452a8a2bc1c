package runner

import (
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Relief says whether a KPI of a lot-month is excused, and why.
type Relief func(kpiID string) (reason string, ok bool)

// Lot evaluates one lot month by month: its KPI expressions, then its
// service credits, carrying streaks and caps from month to month.
type Lot struct {
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

// NewLot starts a lot with no history under a compiled rulebook.
func NewLot(p *kpi.Program) *Lot {
	return &Lot{eval: p.NewEvaluator(), credits: credits.New(p.Rules()).NewLot()}
}

// Month evaluates the lot's next month. relief may be nil.
func (l *Lot) Month(row *kpi.Row, relief Relief) (*LotMonth, error) {
	res, err := l.eval.Evaluate(row, nil)
	if err != nil {
		return nil, err
	}
	rb := l.credits.Calculator().Rules()
	l.obs = l.obs[:0]
	for i := range res {
		if relief != nil {
			if reason, ok := relief(rb.KPIs[i].ID); ok {
				res[i].Excuse(reason)
			}
		}
		l.obs = append(l.obs, credits.Observation{Status: res[i].Status, Measure: res[i].Measure, Reason: res[i].Reason})
	}
	charge := chargeOf(rb, row)
	cm, err := l.credits.Month(row.Month, charge, l.obs)
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
