package kpi

import (
	"errors"

	"github.com/kpicredit/kpicredit/rules"
)

// CompileScenario compiles a scenario's rulebook with Derive, reusing
// base's compiled expressions where they are unchanged, and keys each
// problem by the scenario, as scenarios.<id>.<key>.
func CompileScenario(base *Program, s *rules.Scenario) (*Program, error) {
	return CompileTerms(base, s.Rules(), "scenarios."+s.ID)
}

// CompileTerms compiles another set of terms of base's contract (an
// amendment's or a scenario's) with Derive, and keys each problem under
// key, as <key>.<kpi>.<field>.
func CompileTerms(base *Program, rb *rules.Rulebook, key string) (*Program, error) {
	p, err := base.Derive(rb)
	var ve *rules.ValidationError
	if errors.As(err, &ve) {
		for _, pr := range ve.Problems {
			pr.Key = key + "." + pr.Key
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
	baseline := map[*rules.Rulebook]bool{rb: true}
	for _, a := range rb.Amendments {
		baseline[a.Rules()] = true
		if all, err = collect(all, base, a.Rules(), "amendments."+a.ID); err != nil {
			return err
		}
	}
	if all != nil {
		return &rules.ValidationError{Problems: dedupe(all)}
	}
	failed := map[string]bool{} // sweeps with a member reported
	for _, s := range scenarios {
		if s.Sweep != nil && failed[s.Sweep.Sweep] {
			continue
		}
		n := len(all)
		for _, e := range s.Timeline() {
			if !baseline[e.Rules] {
				if all, err = collect(all, base, e.Rules, "scenarios."+s.ID); err != nil {
					return err
				}
			}
		}
		if len(all) > n && s.Sweep != nil {
			failed[s.Sweep.Sweep] = true
		}
	}
	if all != nil {
		return &rules.ValidationError{Problems: dedupe(all)}
	}
	return nil
}

// collect compiles a set of terms, adding its problems to all; an error
// that is not a validation error is returned.
func collect(all []*rules.Problem, base *Program, rb *rules.Rulebook, key string) ([]*rules.Problem, error) {
	var ve *rules.ValidationError
	if _, err := CompileTerms(base, rb, key); errors.As(err, &ve) {
		return append(all, ve.Problems...), nil
	} else if err != nil {
		return all, err
	}
	return all, nil
}

// dedupe drops problems that repeat another's position and message: a
// problem of one set of terms recurs in every later set built on it.
func dedupe(list []*rules.Problem) []*rules.Problem {
	type key struct {
		pos rules.Pos
		msg string
	}
	seen := map[key]bool{}
	out := list[:0]
	for _, p := range list {
		if k := (key{p.Pos, p.Msg}); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}
