package kpi

import (
	"errors"

	"github.com/kpicredit/kpicredit/rules"
)

// CompileScenario compiles a scenario's rulebook with Derive, reusing
// base's compiled expressions where they are unchanged, and keys each
// problem by the scenario, as scenarios.<id>.<key>.
func CompileScenario(base *Program, s *rules.Scenario) (*Program, error) {
	p, err := base.Derive(s.Rules())
	var ve *rules.ValidationError
	if errors.As(err, &ve) {
		for _, pr := range ve.Problems {
			pr.Key = "scenarios." + s.ID + "." + pr.Key
		}
	}
	return p, err
}

// Check compiles the expressions of a rulebook and of each scenario given,
// reporting every problem in one *rules.ValidationError. Of a sweep, only
// the first member with problems is reported, as the loader does: the
// members differ only in the swept value. It is the rules.Checker that
// kpicredit loads rulebooks with: rules.Load("contract.yaml", kpi.Check).
func Check(rb *rules.Rulebook, scenarios []*rules.Scenario) error {
	base, err := Compile(rb)
	if err != nil {
		return err
	}
	var all []*rules.Problem
	failed := map[string]bool{} // sweeps with a member reported
	for _, s := range scenarios {
		if s.Sweep != nil && failed[s.Sweep.Sweep] {
			continue
		}
		var ve *rules.ValidationError
		if _, err := CompileScenario(base, s); errors.As(err, &ve) {
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
