package rules

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A sweep's first member is built as any scenario is: its terms are read
// again from the top with its value applied, which checks everything.
// The other members differ from it only in the swept KPI, so, where the
// swept field can change nothing beyond that KPI (see leanField), each
// other member's terms are the first's with only that KPI read again,
// from the same merged YAML a full read would see, by the same reader and
// so with the same checks and messages. A member whose KPI has any
// problem is read in full, as before, so that its problems are reported
// exactly as they always were. A member keeps no YAML of its own: its
// document is built again when asked for (memberDoc).

// leanSweeps builds sweeps' members from their first member's terms; the
// tests turn it off to compare with members read in full.
var leanSweeps = true

// sweptKPI is where a sweep's value went in a set of terms built for a
// member: the swept KPI's index among the document's kpis (and the
// terms' KPIs) and its mapping before the value was merged in.
type sweptKPI struct {
	index int
	pre   *yaml.Node
}

// sweepTemplate builds a sweep's members from its first member's terms.
type sweepTemplate struct {
	b     *Rulebook
	spec  *scenarioSpec
	first []Epoch        // the first member's timeline
	own   []*memberTerms // its epochs that the sweep's overlay built, in order
	start int            // the timeline index of own[0]
	marks map[*yaml.Node]bool
	files map[*yaml.Node]string // nil when the scenario is the rulebook's own
}

// memberTerms is one set of terms of a sweep's first member, and the
// texts its members' documents are written from (see splice).
type memberTerms struct {
	rules  *Rulebook
	swept  *sweptKPI
	splice splices
}

// leanFields are the KPI fields whose value changes nothing the rulebook
// reads beyond the KPI itself: neither its scheme, nor its period, nor
// whether it has a bonus bound.
var leanFields = []string{"target", "serious", "severe", "critical", "min_volume", "at_risk_percent"}

// leanField reports whether the sweep's members can be built from the
// first member's terms: the field is one of leanFields, or a parameter
// of the credit scheme the swept KPI has in each set of terms, which the
// merge keeps (see merge and sameScheme).
func leanField(field string, terms []*memberTerms) bool {
	if slices.Contains(leanFields, field) {
		return true
	}
	rest, ok := strings.CutPrefix(field, "credit.")
	scheme, param, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || param == "" || strings.Contains(param, ".") {
		return false
	}
	for _, t := range terms {
		credit := getKey(t.swept.pre, "credit")
		if credit == nil || credit.Kind != yaml.MappingNode || len(credit.Content) != 2 || credit.Content[0].Value != scheme {
			return false
		}
	}
	return true
}

// newSweepTemplate returns the template of a sweep whose first member has
// the timeline given, or nil when its members cannot be built from it.
func (b *Rulebook) newSweepTemplate(spec *scenarioSpec, first []Epoch) *sweepTemplate {
	t := &sweepTemplate{b: b, spec: spec, first: first, start: -1, marks: map[*yaml.Node]bool{}}
	for i, e := range first {
		if e.Rules.swept == nil {
			continue // the baseline's, before the scenario's from month
		}
		if t.start < 0 {
			t.start = i
		}
		t.own = append(t.own, &memberTerms{rules: e.Rules, swept: e.Rules.swept})
	}
	if !leanSweeps || t.start < 0 || t.start+len(t.own) != len(first) || !leanField(spec.sweep.field, t.own) {
		return nil
	}
	markOverlay(t.marks, spec.node)
	if spec.file != b.File {
		t.files = map[*yaml.Node]string{}
		markFile(t.files, spec.node, spec.file)
	}
	return t
}

// member returns the timeline of the sweep's member with value v, and
// false when its swept KPI has a problem: the member must then be read in
// full for its problems to be reported as they always are.
func (t *sweepTemplate) member(v *yaml.Node) ([]Epoch, bool) {
	sw := t.spec.sweep
	ov := t.b.sweepOverride(sw, v)
	marks := maps.Clone(t.marks)
	markOverlay(marks, ov.value)
	files := t.files
	if files != nil {
		files = maps.Clone(files)
		markFile(files, ov.value, t.spec.file)
		files[ov.key] = t.spec.file
	}
	out := slices.Clone(t.first)
	for j, mt := range t.own {
		rd := &reader{problems: problems{file: t.b.File}, overlay: marks, files: files}
		idx := mt.swept.index
		k := rd.kpi(merge(mt.swept.pre, ov.value), "kpis["+strconv.Itoa(idx)+"]")
		old := mt.rules.KPIs[idx]
		if len(rd.list) > 0 || k == nil || k.ID != old.ID {
			return nil, false
		}
		k.Area = old.Area // linked by its service area, which a lean field does not change
		rb := *mt.rules
		rb.KPIs = slices.Clone(rb.KPIs)
		rb.KPIs[idx] = k
		rb.root, rb.swept = nil, nil
		rb.doc = &memberDoc{terms: mt, sweep: sw, value: v, base: t.b}
		out[t.start+j].Rules = &rb
	}
	return out, true
}

// memberDoc is a sweep member's document, built when asked for: its first
// member's with the swept KPI's mapping merged with its own value instead.
type memberDoc struct {
	terms *memberTerms
	sweep *sweepSpec
	value *yaml.Node
	base  *Rulebook // the rulebook the sweep is a scenario of
}

// root builds the member's document as reading it in full builds it.
func (d *memberDoc) root() *yaml.Node {
	return d.withOverride(d.base.sweepOverride(d.sweep, d.value))
}

// withOverride returns the first member's document with the swept KPI's
// mapping merged with ov instead.
func (d *memberDoc) withOverride(ov entry) *yaml.Node {
	t := d.terms
	root := copyMapping(t.rules.root)
	kpis := *getKey(root, "kpis")
	kpis.Content = slices.Clone(kpis.Content)
	kpis.Content[t.swept.index] = merge(t.swept.pre, ov.value)
	setKey(root, "kpis", &kpis)
	return root
}

// document returns the rulebook's YAML document: the one it was read
// from, or a sweep member's, built again.
func (b *Rulebook) document() *yaml.Node {
	if b.root == nil && b.doc != nil {
		return b.doc.root()
	}
	return b.root
}
