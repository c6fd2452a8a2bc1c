// Package engine prices a contract's lots month by month under one
// rulebook: it evaluates the KPI expressions (package kpi), judges each
// measure (package rules) and turns the results into service credits
// (package credits), carrying each lot's streaks, caps and earn-back pools
// from month to month. A lot's state can be read and set (Lot.State,
// Lot.SetState: the credits' state and the recent months' fields that
// KPIs measured over a period look back to), and NewLotFor starts a lot
// from the rulebook's opening state, so that a contract can be priced from
// any month of its term.
//
// A rulebook's terms change while a contract runs: Terms (or
// Engine.CompileTimeline) compiles each set of terms once, and
// Lot.MonthIn prices each month under the terms in force, switching the
// lot's rules with Use and carrying its state across. A Lot keeps its
// recent months (Reserve) to judge KPIs measured over a quarter or a
// rolling window on their fields aggregated over the period.
//
// Each month's expressions are evaluated and judged in fixed point where
// their figures fit (kpi.Evaluator.JudgeFast), and priced there
// (credits.Lot), each falling back to exact decimals where a figure does
// not fit, with the same results either way. A lot's month is normally a
// new LotMonth with every field set, its explanations too (SetExplain);
// SetFiguresOnly makes it the lot's own LotMonth instead, overwritten by
// the next month, with its decimals and words left to LotMonth.Complete:
// a sweep's scenarios, which keep only totals, price each lot-month so
// with no allocation at all once the lot's buffers have grown, KPIs over
// quarters and rolling windows included (their fields are aggregated in
// fixed point too). BenchmarkLotMonth measures it beside an int64 lower
// bound of the same arithmetic (BenchmarkInt64Bound), and
// TestSteadyLoopAllocations fails if it allocates.
//
// It depends on rules, kpi, credits and fixed only: nothing that reads or
// writes files, Parquet or reports, so a service that prices lot-months
// imports engine alone. Package runner, above it, runs engines over a whole
// dataset, the baseline and every scenario.
package engine

import (
	"slices"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Engine is a rulebook compiled for evaluation: its expressions and its
// credit calculator. It is safe for concurrent use; each lot's state lives
// in a Lot.
type Engine struct {
	prog   *kpi.Program
	calc   *credits.Calculator
	charge int  // the charge field's place in a row's values
	span   int  // the longest measurement period of its KPIs, in months
	period bool // some KPI is measured over a period longer than a month
	within int  // the longest window of its triggers, in months
}

func newEngine(p *kpi.Program, rb *rules.Rulebook) *Engine {
	charge := slices.IndexFunc(rb.Fields, func(f rules.Field) bool { return f.Name == rb.Charge })
	e := &Engine{prog: p, calc: credits.New(rb), charge: charge, span: rb.MaxSpan()}
	e.period = e.span > 1 || slices.ContainsFunc(rb.KPIs, func(k *rules.KPI) bool { return k.Period.Kind != rules.Monthly })
	for _, t := range rb.Triggers {
		e.within = max(e.within, t.Within)
	}
	return e
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

// Derive compiles a scenario's rulebook (the terms from its From month),
// reusing the engine's compiled expressions where they are unchanged.
// Problems are keyed by the scenario, as scenarios.<id>.<key>. Timeline
// compiles every set of terms a scenario runs under.
func (e *Engine) Derive(s *rules.Scenario) (*Engine, error) {
	return e.DeriveTerms(s.Rules(), "scenarios."+s.ID)
}

// DeriveTerms compiles another set of terms of the engine's contract (an
// amendment's or a scenario's), reusing the engine's compiled expressions
// where they are unchanged; the engine itself for its own rulebook.
// Problems are keyed under key, as <key>.<kpi>.<field>.
func (e *Engine) DeriveTerms(rb *rules.Rulebook, key string) (*Engine, error) {
	if rb == e.Rules() {
		return e, nil
	}
	p, err := kpi.CompileTerms(e.prog, rb, key)
	if err != nil {
		return nil, err
	}
	return newEngine(p, rb), nil
}

// Stage is a stretch of months priced under one set of terms.
type Stage struct {
	From   rules.Month // the first month; 0 for the first stage
	Terms  string      // the id of the latest amendment in force; "" for the original terms
	Engine *Engine
}

// Timeline is a run's terms month by month, compiled: a rulebook's
// (rules.Rulebook.Timeline) or a scenario's (rules.Scenario.Timeline).
type Timeline []Stage

// Terms compiles a validated rulebook's terms month by month: the
// original terms and each amendment's (rules.Rulebook.Timeline).
func Terms(rb *rules.Rulebook) (Timeline, error) {
	e, err := Compile(rb)
	if err != nil {
		return nil, err
	}
	return e.CompileTimeline(rb.Timeline(), "", nil)
}

// CompileTimeline compiles each epoch's terms, reusing the engine's
// compiled expressions, and the engine itself for its own rulebook; an
// epoch of a rulebook already compiled into known is not compiled again.
// Problems are keyed under key; "" keys an amendment's under
// amendments.<id>.
func (e *Engine) CompileTimeline(epochs []rules.Epoch, key string, known Timeline) (Timeline, error) {
	out := make(Timeline, len(epochs))
	for i, ep := range epochs {
		var eng *Engine
		for _, st := range known {
			if st.Engine.Rules() == ep.Rules {
				eng = st.Engine
			}
		}
		if eng == nil {
			k := key
			if k == "" && ep.Terms != "" {
				k = "amendments." + ep.Terms
			}
			var err error
			if eng, err = e.DeriveTerms(ep.Rules, k); err != nil {
				return nil, err
			}
		}
		out[i] = Stage{From: ep.From, Terms: ep.Terms, Engine: eng}
	}
	return out, nil
}

// At returns the stage that governs month m.
func (t Timeline) At(m rules.Month) *Stage {
	i := len(t) - 1
	for i > 0 && t[i].From > m {
		i--
	}
	return &t[i]
}

// Span is the most months of history any stage's KPIs are measured over,
// and Within the longest window any stage's triggers count over: what a
// lot run through the whole timeline must keep (see Lot.Reserve).
func (t Timeline) Span() (span, within int) {
	for _, st := range t {
		span, within = max(span, st.Engine.span), max(within, st.Engine.within)
	}
	return span, within
}

// Program returns the engine's compiled expressions.
func (e *Engine) Program() *kpi.Program { return e.prog }

// NewLot starts a lot to be run through the timeline, keeping the history
// its terms need (see Lot.Reserve).
func (t Timeline) NewLot() *Lot {
	l := t[0].Engine.NewLot()
	l.Reserve(t.Span())
	return l
}
