package rules

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SetLeanSweeps turns building a sweep's members from its first member's
// terms on or off, and returns a func that restores it.
func SetLeanSweeps(on bool) (restore func()) {
	old := leanSweeps
	leanSweeps = on
	return func() { leanSweeps = old }
}

// Lean reports whether a scenario's terms were built from its sweep's
// first member's.
func Lean(s *Scenario) bool {
	for _, e := range s.Timeline() {
		if e.Rules.doc != nil {
			return true
		}
	}
	return false
}

// SameScenarios returns the first difference between scenarios read
// lean and the same read in full: ids, sweep points and positions, and
// each set of terms: its fields, YAML (encoded in full and as written to
// a writer) and its changes against the base's for the swept KPI.
func SameScenarios(base *Rulebook, lean, full []*Scenario) error {
	if len(lean) != len(full) {
		return fmt.Errorf("%d scenarios, not %d", len(lean), len(full))
	}
	for i, a := range lean {
		b := full[i]
		if a.ID != b.ID || !reflect.DeepEqual(a.Sweep, b.Sweep) || a.Pos != b.Pos || a.Description != b.Description ||
			!reflect.DeepEqual(a.From, b.From) || !reflect.DeepEqual(a.Revoke, b.Revoke) {
			return fmt.Errorf("scenario %s: %+v, not %+v", a.ID, a, b)
		}
		ta, tb := a.Timeline(), b.Timeline()
		if len(ta) != len(tb) || (a.rules == nil) != (b.rules == nil) {
			return fmt.Errorf("scenario %s: %d sets of terms, not %d", a.ID, len(ta), len(tb))
		}
		for j := range ta {
			if err := sameEpoch(base, a, ta[j], tb[j]); err != nil {
				return fmt.Errorf("scenario %s, terms from %s: %w", a.ID, ta[j].From, err)
			}
			if (a.rules == ta[j].Rules) != (b.rules == tb[j].Rules) {
				return fmt.Errorf("scenario %s: Rules is another set of terms", a.ID)
			}
		}
	}
	return nil
}

func sameEpoch(base *Rulebook, s *Scenario, ea, eb Epoch) error {
	if ea.From != eb.From || ea.Terms != eb.Terms || !reflect.DeepEqual(ea.InForce, eb.InForce) {
		return fmt.Errorf("epoch %+v, not %+v", ea, eb)
	}
	a, b := *ea.Rules, *eb.Rules
	a.root, a.doc, a.swept, b.root, b.doc, b.swept = nil, nil, nil, nil, nil, nil
	// The baseline's, before a from month: each read has its own
	// scenarios, and each load its own amendments' workings.
	a.Scenarios, b.Scenarios = nil, nil
	a.timeline, a.applied, b.timeline, b.applied = nil, nil, nil, nil
	if !reflect.DeepEqual(a, b) {
		for k := range a.KPIs {
			if k < len(b.KPIs) && !reflect.DeepEqual(a.KPIs[k], b.KPIs[k]) {
				return fmt.Errorf("KPI %s: %+v, not %+v", a.KPIs[k].ID, *a.KPIs[k], *b.KPIs[k])
			}
		}
		return fmt.Errorf("rulebook fields differ")
	}
	want, err := eb.Rules.YAML()
	if err != nil {
		return err
	}
	terms, err := eb.Rules.TermsYAML()
	if err != nil {
		return err
	}
	var written bytes.Buffer
	if err := ea.Rules.WriteTermsYAML(&written); err != nil {
		return err
	}
	got, err := ea.Rules.YAML()
	if err != nil {
		return err
	}
	var encoded []byte
	if d := ea.Rules.document(); d != nil {
		if encoded, err = yaml.Marshal(d); err != nil {
			return err
		}
	}
	switch {
	case !bytes.Equal(got, want):
		return fmt.Errorf("YAML:\n%s\nnot\n%s", got, want)
	case !bytes.Equal(written.Bytes(), terms):
		return fmt.Errorf("terms YAML written:\n%s\nnot\n%s", written.Bytes(), terms)
	case !bytes.Equal(encoded, want):
		return fmt.Errorf("document encoded:\n%s\nnot\n%s", encoded, want)
	}
	if s.Sweep != nil {
		before := EpochAt(base.Timeline(), ea.From).Rules
		if ca, cb := Changes(before, ea.Rules, s.Sweep.KPI), Changes(before, eb.Rules, s.Sweep.KPI); !reflect.DeepEqual(ca, cb) {
			return fmt.Errorf("changes %v, not %v", ca, cb)
		}
	}
	return nil
}

// Spliced reports whether some set of a lean member's terms is written
// from its sweep's cut text (once its YAML has been asked for).
func Spliced(s *Scenario) bool {
	for _, e := range s.Timeline() {
		d := e.Rules.doc
		if d == nil {
			continue
		}
		values, ok := d.values()
		if !ok {
			continue
		}
		shapes := make([]string, len(values))
		for i, v := range values {
			shapes[i] = shape(v)
		}
		d.terms.splice.mu.Lock()
		c := d.terms.splice.cut[strings.Join(shapes, " ")]
		d.terms.splice.mu.Unlock()
		if c != nil {
			return true
		}
	}
	return false
}
