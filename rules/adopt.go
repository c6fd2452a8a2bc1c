package rules

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// Adoption asks for a scenario to become an amendment of a rulebook: the
// change notice it modelled has been agreed.
type Adoption struct {
	Name   string // the rulebook's file name, for messages
	Source []byte // the rulebook's text
	// ScenarioID names the scenario: one of the rulebook's, or, with
	// ScenarioFile, one of that file's (it may be left out when the file
	// holds one scenario).
	ScenarioID     string
	ScenarioFile   string // the file the scenario comes from; "" for the rulebook
	ScenarioSource []byte // that file's text
	Agreed         string // the date the change was agreed, YYYY-MM-DD
	Check          Checker
}

// AdoptError is a scenario that cannot become an amendment, and why. It is
// invalid input.
type AdoptError struct {
	Pos Pos // the scenario
	Msg string
}

// Error places the refusal at the scenario.
func (e *AdoptError) Error() string { return e.Pos.String() + ": cannot adopt: " + e.Msg }

// InvalidInput reports true: the scenario or the rulebook is the user's
// to change.
func (e *AdoptError) InvalidInput() bool { return true }

// Adopt returns the rulebook's text with the scenario moved into its
// amendments: inserted after every amendment in force from the
// scenario's from month or earlier, with agreed (and, for a scenario that
// applies from the first month, from: the rulebook's start) added, and,
// for a scenario of the rulebook, taken out of its scenarios. Every other
// byte of the file is kept. The result is checked as a rulebook, and its
// terms against the scenario's month by month, so that the new baseline
// gives the scenario's figures. It refuses, with an *AdoptError, a sweep,
// a scenario that revokes an amendment, and one that sets or removes what
// an amendment in force from a later month changes (as an amendment it
// would give way to it, where as a scenario it won); a rulebook that is
// not valid is its *ValidationError.
func Adopt(a Adoption) ([]byte, error) {
	if _, err := time.Parse(time.DateOnly, a.Agreed); err != nil {
		return nil, &AdoptError{Pos: Pos{File: a.Name}, Msg: fmt.Sprintf("agreed date %s is not YYYY-MM-DD", limits.Quote(a.Agreed))}
	}
	rb, err := Parse(a.Name, bytes.NewReader(a.Source), a.Check)
	if err != nil {
		return nil, err
	}
	src, err := a.scenario(rb)
	if err != nil {
		return nil, err
	}
	if src.spec.sweep != nil {
		return nil, &AdoptError{Pos: src.spec.Pos, Msg: fmt.Sprintf("scenario %s is a sweep of values; adopt a scenario that sets the one agreed", limits.Quote(src.spec.ID))}
	}
	sc := rb.Scenarios[slices.IndexFunc(rb.Scenarios, func(s *Scenario) bool { return s.ID == src.spec.ID })]
	if err := rb.adoptable(src.spec, sc); err != nil {
		return nil, err
	}
	out, origin, err := splice(a, rb, src)
	if err != nil {
		return nil, err
	}
	after, err := Parse(a.Name, bytes.NewReader(out), a.Check)
	if err != nil {
		return nil, &AdoptError{Pos: sc.Pos, Msg: "with it adopted the rulebook would not be valid: " + unsplice(err, a.Name, origin, sc.Pos)}
	}
	if msg := sameTerms(sc, after); msg != "" {
		return nil, &AdoptError{Pos: sc.Pos, Msg: msg}
	}
	return out, nil
}

// source is the scenario to adopt as written: its spec, its file's lines
// and where its mapping is.
type source struct {
	spec  *scenarioSpec
	lines []string   // the file's lines, each with its line end
	node  *yaml.Node // the scenario's mapping
	item  bool       // the mapping is an item of a list (else a file's whole document)
	list  *yaml.Node // the list it is an item of
}

// scenario finds the scenario to adopt, in the rulebook or its own file,
// and adds a file's scenarios to the rulebook so they are checked.
func (a Adoption) scenario(rb *Rulebook) (*source, error) {
	text, name := a.Source, a.Name
	if a.ScenarioFile != "" {
		text, name = a.ScenarioSource, a.ScenarioFile
		if err := rb.ReadScenarios(name, bytes.NewReader(text)); err != nil {
			return nil, err
		}
	}
	root, err := readDocument(name, bytes.NewReader(text))
	if err != nil {
		return nil, err
	}
	list, whole := root, false
	switch {
	case root.Kind == yaml.MappingNode && getKey(root, "scenarios") != nil:
		list = getKey(root, "scenarios")
	case root.Kind == yaml.MappingNode && a.ScenarioFile != "":
		list, whole = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{root}}, true
	case root.Kind == yaml.MappingNode:
		list = &yaml.Node{Kind: yaml.SequenceNode}
	}
	var found *yaml.Node
	var ids []string
	for _, item := range list.Content {
		id := idOr(deref(item), "")
		ids = append(ids, id)
		if id == a.ScenarioID || a.ScenarioID == "" && len(list.Content) == 1 {
			found = deref(item)
		}
	}
	if found == nil {
		msg := fmt.Sprintf("no scenario %s (it has %s)", limits.Quote(a.ScenarioID), strings.Join(ids, ", "))
		if a.ScenarioID == "" {
			msg = fmt.Sprintf("it holds %d scenarios (%s): name one with --scenario-id", len(ids), strings.Join(ids, ", "))
		}
		return nil, &AdoptError{Pos: Pos{File: name}, Msg: msg}
	}
	rd := &reader{problems: problems{file: name}}
	spec := rd.scenario(found, "scenarios")
	return &source{spec: spec, lines: splitLines(text), node: found, item: !whole, list: list}, nil
}

// adoptable refuses a scenario that cannot become an amendment with the
// same effect.
func (b *Rulebook) adoptable(spec *scenarioSpec, sc *Scenario) error {
	refuse := func(format string, args ...any) error {
		return &AdoptError{Pos: sc.Pos, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case len(spec.Revoke) > 0:
		return refuse("scenario %s revokes %s: an amendment adds to the terms and cannot take an agreed one back; write the reversal as an amendment that sets the keys back",
			limits.Quote(spec.ID), strings.Join(spec.Revoke, ", "))
	case spec.From == nil && b.Start == nil:
		return refuse("scenario %s applies from the first month and the rulebook has no start: give it a from month", limits.Quote(spec.ID))
	case slices.ContainsFunc(b.Amendments, func(a *Amendment) bool { return a.ID == spec.ID }):
		return refuse("the rulebook already has an amendment %s", limits.Quote(spec.ID))
	}
	from := *b.Start
	if spec.From != nil {
		from = *spec.From
	}
	mine := overlayTouches(spec.node)
	for _, later := range b.applied {
		if *later.From <= from {
			continue
		}
		for _, t := range overlayTouches(later.node) {
			if i := slices.IndexFunc(mine, t.clashes); i >= 0 {
				return refuse("%s, which amendment %s changes from %s (%s): adopted before it, the scenario would give way to it from then, where as a scenario it wins",
					mine[i], later.ID, later.From, t)
			}
		}
	}
	return nil
}

// touch is a key an overlay sets: a KPI's key, a whole KPI (added or
// removed), or a rulebook key.
type touch struct {
	kpi, key string // key "*" for the whole KPI; kpi "" for a rulebook key
	removes  bool
}

func (t touch) String() string {
	switch {
	case t.kpi == "":
		return t.key
	case t.removes:
		return "removes " + t.kpi
	case t.key == "*":
		return "adds " + t.kpi
	}
	return "sets " + t.kpi + "." + t.key
}

// clashes reports whether two touches concern the same thing.
func (t touch) clashes(o touch) bool {
	return t.kpi == o.kpi && (t.key == o.key || t.key == "*" || o.key == "*")
}

// overlayTouches lists what an overlay's mapping sets.
func overlayTouches(n *yaml.Node) []touch {
	var out []touch
	n = deref(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, deref(n.Content[i+1])
		switch k {
		case "kpis":
			for j := 0; j+1 < len(v.Content); j += 2 {
				id, ov := v.Content[j].Value, deref(v.Content[j+1])
				for f := 0; f+1 < len(ov.Content); f += 2 {
					out = append(out, touch{kpi: id, key: ov.Content[f].Value})
				}
			}
		case "remove":
			for _, id := range v.Content {
				out = append(out, touch{kpi: deref(id).Value, key: "*", removes: true})
			}
		case "add":
			for _, kn := range v.Content {
				if id := getKey(deref(kn), "id"); id != nil {
					out = append(out, touch{kpi: id.Value, key: "*"})
				}
			}
		case "caps":
			for j := 0; j+1 < len(v.Content); j += 2 {
				out = append(out, touch{key: "caps." + v.Content[j].Value})
			}
		case "point_value", "service_areas", "earn_back", "triggers", "bonus":
			out = append(out, touch{key: k})
		}
	}
	return out
}

// sameTerms checks the new rulebook's terms against the scenario's in
// every month from the scenario's first on; it says where they differ,
// or "".
func sameTerms(sc *Scenario, after *Rulebook) string {
	var months []Month
	for _, e := range sc.Timeline() {
		months = append(months, e.From)
	}
	for _, e := range after.Timeline() {
		months = append(months, e.From)
	}
	first := fromRulesMonth(sc)
	if after.Start != nil && first < *after.Start {
		first = *after.Start // months before the term are never run
	}
	for _, m := range append(months, first) {
		if m < first {
			continue
		}
		want, got := EpochAt(sc.Timeline(), m).Rules, EpochAt(after.Timeline(), m).Rules
		ids := map[string]bool{}
		for _, k := range want.KPIs {
			ids[k.ID] = true
		}
		for _, k := range got.KPIs {
			if !ids[k.ID] {
				return fmt.Sprintf("from %s the rulebook would have KPI %s, which the scenario does not", m, k.ID)
			}
		}
		for _, k := range want.KPIs {
			if got.KPI(k.ID) == nil {
				return fmt.Sprintf("from %s the rulebook would not have KPI %s, which the scenario has", m, k.ID)
			}
			if ch := Changes(want, got, k.ID); len(ch) > 0 {
				return fmt.Sprintf("from %s the rulebook's %s would be %s where the scenario's is %s", m, ch[0].Key, ch[0].After, ch[0].Before)
			}
		}
	}
	return ""
}

func fromRulesMonth(sc *Scenario) Month {
	if sc.From != nil {
		return *sc.From
	}
	return 0
}

// splitLines splits text into lines, each keeping its line end.
func splitLines(text []byte) []string {
	var out []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			out = append(out, string(text))
			break
		}
		out = append(out, string(text[:i+1]))
		text = text[i+1:]
	}
	return out
}

// unsplice writes a problem of the rewritten rulebook at the line of the
// file as it stands: a line the splice kept is placed where it was, one it
// wrote at the scenario.
func unsplice(err error, name string, origin []int, scenario Pos) string {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var msgs []string
	for _, p := range ve.Problems {
		q := *p
		if q.Pos.File == name && q.Pos.Line > 0 && q.Pos.Line <= len(origin) {
			if o := origin[q.Pos.Line-1]; o >= 0 {
				q.Pos.Line = o + 1
			} else {
				q.Pos = scenario
			}
		}
		msgs = append(msgs, q.Error())
	}
	return strings.Join(msgs, "; ")
}
