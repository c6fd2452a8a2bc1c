// Package engine prices a contract's lots month by month under one
// rulebook: it evaluates the KPI expressions (package kpi), judges each
// measure (package rules) and turns the results into service credits
// (package credits), carrying each lot's streaks, caps and earn-back pools
// from month to month. A lot's state can be read and set (Lot.State,
// Lot.SetState), and NewLotFor starts a lot from the rulebook's opening
// state, so that a contract can be priced from any month of its term.
//
// It depends on rules, kpi and credits only: nothing that reads or writes
// files, Parquet or reports, so a service that prices lot-months imports
// engine alone. Package runner, above it, runs engines over a whole
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

// Derive compiles a scenario's rulebook, reusing the engine's compiled
// expressions where they are unchanged. Problems are keyed by the
// scenario, as scenarios.<id>.<key>.
func (e *Engine) Derive(s *rules.Scenario) (*Engine, error) {
	p, err := kpi.CompileScenario(e.prog, s)
	if err != nil {
		return nil, err
	}
	return newEngine(p, s.Rules()), nil
}

// Program returns the engine's compiled expressions.
func (e *Engine) Program() *kpi.Program { return e.prog }
