package rules

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// MaxSweepValues bounds the scenarios one sweep may expand to.
const MaxSweepValues = limits.MaxSweepValues

// MaxScenarios bounds the scenarios of a rulebook, sweeps expanded, so
// that a short file cannot ask for a run of unbounded time and memory.
const MaxScenarios = limits.MaxScenarios

// BaselineID names the rulebook's own results among the scenarios'; no
// scenario may take it.
const BaselineID = "baseline"

// textFields are KPI fields that hold text or expressions, which a sweep
// of numbers cannot set.
var textFields = []string{"id", "name", "description", "measure", "unit", "range", "volume", "applies", "direction"}

// Scenario is a what-if: the baseline rulebook with an overlay applied from
// a given month on. A sweep in a rulebook expands to one Scenario per value.
type Scenario struct {
	ID          string
	Description string
	From        *Month // months before From keep the baseline rules; nil: from the first
	Sweep       *SweepPoint
	// Revoke lists the amendments the scenario takes out of the terms
	// from its From month on, as if they had never been agreed.
	Revoke []string
	Pos    Pos

	rules    *Rulebook // the terms in force from From on
	timeline []Epoch
}

// SweepPoint says which sweep a scenario came from and the value it sets.
type SweepPoint struct {
	Sweep string  // the sweep's id
	KPI   string  // the KPI whose field is swept
	Field string  // the field's path, e.g. target or credit.sliding.floor
	Value Decimal // the value of this scenario
}

// Rules returns the rulebook in force from the scenario's From month on,
// until an amendment in force from a later month changes the terms (see
// Timeline).
func (s *Scenario) Rules() *Rulebook { return s.rules }

// Timeline returns the terms the scenario runs under, month by month: the
// baseline's before its From month, then the amendments in force each
// month, less those it revokes, with its own overlay applied last.
func (s *Scenario) Timeline() []Epoch {
	if s.timeline == nil {
		return []Epoch{{Rules: s.rules}}
	}
	return s.timeline
}

// overlayKeys are the keys an amendment or a scenario may set: the terms
// that change while a contract runs.
var overlayKeys = []string{"kpis", "remove", "add", "caps", "point_value", "service_areas", "earn_back",
	"triggers", "bonus"}

var scenarioKeys = append([]string{"id", "description", "from", "revoke"}, append(overlayKeys, "sweep")...)

// scenarioSpec is a scenario or an amendment as read, before its overlay
// is applied.
type scenarioSpec struct {
	Scenario
	kind    string // scenarios or amendments: the key its problems are placed under
	agreed  string // an amendment's agreed date
	node    *yaml.Node
	file    string // the file the scenario was read from
	fromPos Pos
	kpis    []entry // KPI id -> partial override
	revoke  []*yaml.Node
	sweep   *sweepSpec
}

// key is the path its problems are keyed by: scenarios.<id> or
// amendments.<id>.
func (s *scenarioSpec) key() string { return s.kind + "." + s.ID }

type sweepSpec struct {
	kpi, field string
	values     []*yaml.Node
	node       *yaml.Node
	fieldNode  *yaml.Node // where the field is named, for messages
	// shiftBounds moves the KPI's serious, severe and critical bounds by
	// as much as the swept target moves, keeping the bands' widths.
	shiftBounds bool
}

// scenarios reads the scenario list without applying it; addScenarios
// does that once the baseline is known to be valid.
func (r *reader) scenarios(n *yaml.Node) []*scenarioSpec {
	var out []*scenarioSpec
	for i, item := range r.seq(n, "scenarios") {
		if s := r.scenario(deref(item), "scenarios["+strconv.Itoa(i)+"]"); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (r *reader) scenario(n *yaml.Node, key string) *scenarioSpec {
	if id := idOr(n, ""); id != "" {
		key = "scenarios." + id
	}
	m := r.mapping(n, key, scenarioKeys...)
	if m == nil {
		return nil
	}
	s := r.spec(n, m, "scenarios", key)
	if s.ID != "" {
		key = s.key()
		if strings.ContainsAny(s.ID, "/=") {
			r.errorf(m["id"].value, key, "scenario ids may not contain / or = (they name sweep members)")
		}
		if s.ID == BaselineID {
			r.errorf(m["id"].value, key, "%q names the rulebook's own results; give the scenario another id", s.ID)
		}
	}
	if e, ok := m["revoke"]; ok {
		r.strList(e.value, key+".revoke")
		s.revoke = deref(e.value).Content
		for _, item := range s.revoke {
			s.Revoke = append(s.Revoke, deref(item).Value)
		}
	}
	if e, ok := m["sweep"]; ok {
		s.sweep = r.sweep(e.value, key+".sweep")
	}
	return s
}

// spec reads what scenarios and amendments share: id, description, from
// and the overlay keys.
func (r *reader) spec(n *yaml.Node, m map[string]entry, kind, key string) *scenarioSpec {
	s := &scenarioSpec{node: n, file: r.file, kind: kind}
	s.Pos = r.pos(n)
	r.required(m, n, key, "id")
	if e, ok := m["id"]; ok {
		if id, ok := r.id(e.value, key+".id"); ok {
			s.ID, key = id, kind+"."+id
		}
	}
	if e, ok := m["description"]; ok {
		s.Description, _ = r.str(e.value, key+".description")
	}
	if e, ok := m["from"]; ok {
		s.From, s.fromPos = r.month(e.value, key+".from"), r.pos(e.value)
	}
	if e, ok := m["kpis"]; ok {
		if km := r.mapping(e.value, key+".kpis"); km != nil {
			keys := deref(e.value).Content
			for i := 0; i+1 < len(keys); i += 2 { // keys only, in document order
				if ov, ok := km[keys[i].Value]; ok && ov.key == keys[i] {
					s.kpis = append(s.kpis, ov)
				}
			}
		}
	}
	if e, ok := m["remove"]; ok {
		r.strList(e.value, key+".remove")
	}
	if e, ok := m["add"]; ok {
		if items := r.seq(e.value, key+".add"); len(items) > limits.MaxKPIs {
			r.errorf(e.value, key+".add", "lists %d KPIs; at most %d", len(items), limits.MaxKPIs)
		}
	}
	return s
}

// sweep reads {kpi, field, values} or {kpi, field, from, to, step}.
func (r *reader) sweep(n *yaml.Node, key string) *sweepSpec {
	m := r.mapping(n, key, "kpi", "field", "values", "from", "to", "step", "shift_bounds")
	if m == nil {
		return nil
	}
	r.required(m, n, key, "kpi", "field")
	sw := &sweepSpec{node: n}
	if e, ok := m["shift_bounds"]; ok {
		sw.shiftBounds = r.boolean(e.value, key+".shift_bounds")
		if f, ok := m["field"]; ok && deref(f.value).Value != "target" {
			r.errorf(e.key, key+".shift_bounds", "only a sweep of target can shift the bounds with it")
		}
	}
	if e, ok := m["kpi"]; ok {
		sw.kpi, _ = r.str(e.value, key+".kpi")
	}
	if e, ok := m["field"]; ok {
		sw.field, _ = r.str(e.value, key+".field")
		sw.fieldNode = e.value
		if slices.Contains(textFields, sw.field) {
			r.errorf(e.value, key+".field", "%s is not a number; a sweep sets a numeric field such as target", sw.field)
			sw.field = ""
		}
	}
	_, hasRange := m["from"]
	if e, ok := m["values"]; ok {
		if hasRange {
			r.errorf(e.key, key, "give values or from/to/step, not both")
		}
		sw.values = r.seq(e.value, key+".values")
		if len(sw.values) == 0 && deref(e.value).Kind == yaml.SequenceNode {
			r.errorf(e.value, key+".values", "must list at least one value")
		}
		if len(sw.values) > MaxSweepValues {
			r.errorf(e.value, key+".values", "at most %d values", MaxSweepValues)
			sw.values = nil
		}
		for i, v := range sw.values {
			r.dec(v, key+".values["+strconv.Itoa(i)+"]")
		}
	} else if hasRange {
		sw.values = r.sweepRange(m, n, key)
	} else {
		r.errorf(n, key, "needs values or from/to/step")
	}
	if len(sw.values) == 0 || sw.kpi == "" || sw.field == "" || sw.fieldNode == nil {
		return nil // the problem is reported above
	}
	return sw
}

// sweepRange expands from/to/step into value nodes, all at the from node's
// position, with the decimal places of the most precise of the three.
func (r *reader) sweepRange(m map[string]entry, n *yaml.Node, key string) []*yaml.Node {
	r.required(m, n, key, "to", "step")
	var d [3]Decimal
	for i, name := range []string{"from", "to", "step"} {
		e, ok := m[name]
		if !ok {
			return nil
		}
		if d[i], ok = r.dec(e.value, key+"."+name); !ok {
			return nil
		}
	}
	from, to, step := d[0], d[1], d[2]
	if !step.IsPositive() || to.LessThan(from) {
		r.errorf(m["step"].value, key, "from %s to %s by %s is not an increasing range", from, to, step)
		return nil
	}
	if count := to.Sub(from).Div(step).Floor().Add(decimal.NewFromInt(1)); count.GreaterThan(decimal.NewFromInt(MaxSweepValues)) {
		r.errorf(m["step"].value, key, "expands to %s values; at most %d", count, MaxSweepValues)
		return nil
	}
	places := max(-from.Exponent(), -to.Exponent(), -step.Exponent(), 0)
	at := m["from"].value
	var out []*yaml.Node
	for v := from; !v.GreaterThan(to); v = v.Add(step) {
		out = append(out, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: v.StringFixed(places),
			Line: at.Line, Column: at.Column})
	}
	return out
}

// addScenarios applies each scenario's overlay to the terms, expanding
// sweeps, and appends them; it reports every problem the overlays cause,
// and then adds none of them.
func (b *Rulebook) addScenarios(specs []*scenarioSpec, found []*Problem) error {
	ps := &problems{file: b.File, list: found}
	ids := map[string]bool{}
	for _, s := range b.Scenarios {
		ids[s.ID] = true
	}
	if !b.checkSpecs(specs, ps) {
		return ps.err()
	}
	var added []*Scenario
	for _, spec := range specs {
		for _, sc := range b.expand(spec, ps) {
			if ids[sc.ID] {
				ps.add(sc.Pos, "scenarios."+sc.ID, "duplicate scenario id %s", limits.Quote(sc.ID))
				continue
			}
			ids[sc.ID] = true
			added = append(added, sc)
		}
	}
	if err := ps.err(); err != nil {
		return err // the rulebook is left as it was
	}
	if b.check != nil {
		if err := sorted(b.check(b, added)); err != nil {
			return err
		}
	}
	b.Scenarios = append(b.Scenarios, added...)
	return nil
}

// checkSpecs checks what the scenarios ask for against the baseline before
// they are expanded: from within the contract term, amendments to revoke
// that exist, and not more than MaxScenarios in all, nor MaxTerms sets of
// terms. It returns false when there are too many to expand.
func (b *Rulebook) checkSpecs(specs []*scenarioSpec, ps *problems) bool {
	total, terms := len(b.Scenarios), 0
	for _, s := range b.Scenarios {
		terms += len(s.timeline)
	}
	for _, spec := range specs {
		key := spec.key()
		if spec.From != nil {
			if err := b.InTerm(*spec.From); err != nil {
				ps.add(spec.fromPos, key+".from", "%v", err)
			}
		}
		b.checkRevoke(spec, ps)
		members := 1
		if spec.sweep != nil {
			members = len(spec.sweep.values)
		}
		total += members
		terms += members * len(b.boundaries(spec.From))
		switch {
		case total > MaxScenarios:
			ps.add(spec.Pos, key, "brings the scenarios to %d, sweeps expanded; at most %d", total, MaxScenarios)
			return false
		case terms > limits.MaxTerms:
			ps.add(spec.Pos, key, "brings the sets of terms the scenarios run under to %d (one from each scenario's from month, and one more from each amendment in force after it, sweeps expanded); at most %d",
				terms, limits.MaxTerms)
			return false
		}
	}
	return true
}

// checkRevoke reports a revoke of an amendment the rulebook does not have.
func (b *Rulebook) checkRevoke(spec *scenarioSpec, ps *problems) {
	for i, n := range spec.revoke {
		if !slices.ContainsFunc(b.Amendments, func(a *Amendment) bool { return a.ID == deref(n).Value }) {
			ps.add(b.posIn(spec, n), spec.key()+".revoke["+strconv.Itoa(i)+"]", "no amendment %s to revoke", limits.Quote(deref(n).Value))
		}
	}
}

// posIn is where node n of a scenario's file is.
func (b *Rulebook) posIn(spec *scenarioSpec, n *yaml.Node) Pos {
	return Pos{File: spec.file, Line: n.Line, Column: n.Column}
}

// expand turns a scenario as read into one scenario, or one per value of
// its sweep, each with its terms built.
func (b *Rulebook) expand(spec *scenarioSpec, ps *problems) []*Scenario {
	if spec.sweep == nil {
		sc := spec.Scenario
		if sc.timeline = b.scenarioTerms(spec, nil, ps); sc.timeline == nil {
			return nil
		}
		sc.rules = fromRules(sc.timeline, sc.From)
		return []*Scenario{&sc}
	}
	sw := spec.sweep
	out := make([]*Scenario, 0, len(sw.values))
	var tmpl *sweepTemplate // from the first member, when the others can be built from it
	for i, v := range sw.values {
		sc := spec.Scenario
		sc.ID = spec.ID + "/" + sw.field + "=" + v.Value
		val, _ := decimal.NewFromString(v.Value)
		sc.Sweep = &SweepPoint{Sweep: spec.ID, KPI: sw.kpi, Field: sw.field, Value: val}
		ok := false
		if tmpl != nil {
			sc.timeline, ok = tmpl.member(v)
		}
		if !ok {
			ov := b.sweepOverride(sw, v)
			if sc.timeline = b.scenarioTerms(spec, &ov, ps); sc.timeline == nil {
				return nil // the first failing value's problems stand for the rest
			}
		}
		if i == 0 && len(sw.values) > 1 {
			tmpl = b.newSweepTemplate(spec, sc.timeline)
		}
		sc.rules = fromRules(sc.timeline, sc.From)
		out = append(out, &sc)
	}
	return out
}

// fromRules returns the terms a scenario's timeline has from its from
// month (the first month without one).
func fromRules(t []Epoch, from *Month) *Rulebook {
	f := Month(0)
	if from != nil {
		f = *from
	}
	return EpochAt(t, f).Rules
}

// sweepOverride builds {field: value} (nested for a dotted field) as a KPI
// override positioned at the value, with the bounds shifted along with a
// swept target when the sweep asks for it.
func (b *Rulebook) sweepOverride(sw *sweepSpec, v *yaml.Node) entry {
	return sw.override(v, b.shiftedBounds(sw, v))
}

// levelValue is a bound's level and its value as text.
type levelValue struct{ level, value string }

// shiftedBounds returns the swept KPI's serious, severe and critical
// bounds (those it has) moved by as much as value v moves its target,
// when the sweep shifts them; nil when it does not.
func (b *Rulebook) shiftedBounds(sw *sweepSpec, v *yaml.Node) []levelValue {
	k := b.KPI(sw.kpi)
	if !sw.shiftBounds || k == nil {
		return nil
	}
	target, err := decimal.NewFromString(v.Value)
	if err != nil {
		return nil
	}
	delta := target.Sub(k.Target)
	var out []levelValue
	for _, level := range Levels[1:] {
		if bound := k.Bound(level); bound != nil {
			out = append(out, levelValue{level.String(), bound.Add(delta).String()})
		}
	}
	return out
}

// override builds {field: v} (nested for a dotted field) as a KPI
// override positioned at v, with the bounds given beside the field.
func (sw *sweepSpec) override(v *yaml.Node, bounds []levelValue) entry {
	node := v
	parts := strings.Split(sw.field, ".")
	at := sw.fieldNode
	scalar := func(tag, value string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Line: at.Line, Column: at.Column}
	}
	for i := len(parts) - 1; i >= 0; i-- {
		node = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalar("!!str", parts[i]), node},
			Line: v.Line, Column: v.Column}
	}
	for _, b := range bounds {
		node.Content = append(node.Content, scalar("!!str", b.level), scalar("!!float", b.value))
	}
	id := &yaml.Node{Kind: yaml.ScalarNode, Value: sw.kpi, Line: sw.node.Line, Column: sw.node.Column}
	return entry{key: id, value: node}
}

// layer is one overlay on the original terms: an amendment, or a
// scenario with the value of its sweep, if any.
type layer struct {
	spec  *scenarioSpec
	sweep *entry
}

// terms builds the rulebook of the original document with the layers
// applied in order, read again from the top so that every check applies.
// The last layer is the one being checked: its nodes are marked as the
// overlay's, and every problem is keyed by it (scenarios.<id>.<key> or
// amendments.<id>.<key>). It returns nil after adding problems to ps.
func (b *Rulebook) terms(layers []layer, ps *problems) *Rulebook {
	return b.termsQuiet(layers, ps, false)
}

// termsQuiet is terms, leaving out, when quiet, the problems that the
// layers before the last cause as they apply: an amendment's own
// problems are reported with it, not again with each later one.
func (b *Rulebook) termsQuiet(layers []layer, ps *problems, quiet bool) *Rulebook {
	last := layers[len(layers)-1]
	rd := &reader{problems: problems{file: b.File}, overlay: map[*yaml.Node]bool{}}
	markOverlay(rd.overlay, last.spec.node)
	if last.sweep != nil {
		markOverlay(rd.overlay, last.sweep.value)
	}
	for _, l := range layers {
		if l.spec.file == b.File {
			continue
		}
		if rd.files == nil {
			rd.files = map[*yaml.Node]string{}
		}
		markFile(rd.files, l.spec.node, l.spec.file)
		if l.sweep != nil {
			markFile(rd.files, l.sweep.value, l.spec.file)
			rd.files[l.sweep.key] = l.spec.file
		}
	}
	root := copyMapping(b.root)
	setKey(root, "scenarios", nil)
	setKey(root, "amendments", nil)
	// A problem of the document as a whole (a key the overlay removed and
	// something still needs) is the overlay's: place it there.
	rd.placeAt(root, last.spec.node, last.spec.file)
	removedBy := map[string]*scenarioSpec{}
	for _, l := range layers {
		n := len(rd.list)
		rd.apply(root, l, l == last, removedBy)
		if quiet && l != last {
			rd.list = rd.list[:n]
		}
	}
	rb := rd.rulebook(root)
	rb.File, rb.root, rb.Closing, rb.swept = b.File, root, b.Closing, rd.swept
	for _, p := range rd.list {
		p.Key = strings.TrimSuffix(last.spec.key()+"."+p.Key, ".")
		ps.list = append(ps.list, p)
	}
	if len(rd.list) > 0 {
		return nil
	}
	return rb
}

// apply overlays one layer on the document root: KPIs removed, merged and
// added, caps merged, and the keys replaced whole replaced. last says the
// layer is the one being checked; a problem another layer causes says
// which it is. removedBy records which layer removed each KPI.
func (rd *reader) apply(root *yaml.Node, l layer, last bool, removedBy map[string]*scenarioSpec) {
	m := rd.mapping(l.spec.node, "")
	setKey(root, "kpis", rd.overlayKPIs(root, l, m, last, removedBy))
	if e, ok := m["caps"]; ok {
		base := getKey(root, "caps")
		if base == nil {
			base = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		setKey(root, "caps", merge(base, e.value))
	}
	for _, key := range []string{"point_value", "service_areas", "earn_back", "triggers", "bonus"} {
		if e, ok := m[key]; ok { // replaced whole; null removes
			if v := deref(e.value); v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				setKey(root, key, nil)
			} else {
				setKey(root, key, e.value)
			}
		}
	}
}

// overlayKPIs returns the document's kpis list with the layer's removals,
// overrides, sweep value and additions applied.
func (rd *reader) overlayKPIs(root *yaml.Node, l layer, m map[string]entry, last bool, removedBy map[string]*scenarioSpec) *yaml.Node {
	spec, sweep := l.spec, l.sweep
	say := func(n *yaml.Node, key, format string, args ...any) {
		if !last {
			format = "with %s in force: " + format
			args = append([]any{spec.what()}, args...)
		}
		rd.errorf(n, key, format, args...)
	}
	base := deref(getKey(root, "kpis"))
	items := slices.Clone(base.Content)
	removed := map[string]bool{}
	if e, ok := m["remove"]; ok {
		items = rd.removeKPIs(items, e.value, removed, say, removedBy)
	}
	for id := range removed {
		removedBy[id] = spec
	}
	overrides := slices.Clone(spec.kpis)
	if sweep != nil {
		overrides = append(overrides, *sweep)
	}
	for _, ov := range overrides {
		id := ov.key.Value
		if removed[id] {
			how := "changed"
			if sweep != nil && ov.key == sweep.key {
				how = "swept"
			}
			say(ov.key, "kpis."+id, "%s is both %s and removed by the %s; do one or the other", limits.Name(id), how, spec.noun())
		} else if i := findKPI(items, id); i < 0 {
			say(ov.key, "kpis."+id, "%s", notDefined(id, removedBy))
		} else if deref(ov.value).Kind != yaml.MappingNode {
			say(ov.value, "kpis."+id, "an override must be a mapping of KPI fields, not %s", describe(ov.value))
		} else {
			if sweep != nil && ov.key == sweep.key {
				rd.swept = &sweptKPI{index: i, pre: deref(items[i])}
			}
			items[i] = merge(deref(items[i]), deref(ov.value))
		}
	}
	if e, ok := m["add"]; ok {
		items = append(items, deref(e.value).Content...)
		for _, n := range deref(e.value).Content {
			if id := getKey(deref(n), "id"); id != nil {
				delete(removedBy, id.Value)
			}
		}
	}
	out := *base
	out.Content = items
	if len(items) == 0 { // the overlay removed every KPI: say so at the overlay
		at := spec.node
		if e, ok := m["remove"]; ok {
			at = e.key
		}
		rd.placeAt(&out, at, spec.file)
	}
	return &out
}

// notDefined says that the KPI with the id is not in the terms an overlay
// applies to, and which amendment removed it, if one did.
func notDefined(id string, removedBy map[string]*scenarioSpec) string {
	if by := removedBy[id]; by != nil && by.kind == "amendments" {
		return fmt.Sprintf("KPI %s is removed by %s", limits.Quote(id), by.what())
	}
	return fmt.Sprintf("KPI %s is not defined in the baseline", limits.Quote(id))
}

// what names the overlay for messages, e.g. "amendment CCN-007 (from
// 2025-09)" or "scenario softer".
func (s *scenarioSpec) what() string {
	if s.kind == "amendments" {
		return fmt.Sprintf("amendment %s (from %s)", limits.Quote(s.ID), s.From)
	}
	return "scenario " + limits.Quote(s.ID)
}

// noun is "scenario" or "amendment".
func (s *scenarioSpec) noun() string {
	if s.kind == "amendments" {
		return "amendment"
	}
	return "scenario"
}

// findKPI returns the index of the KPI with the id among items, or -1.
func findKPI(items []*yaml.Node, id string) int {
	return slices.IndexFunc(items, func(n *yaml.Node) bool {
		idNode := getKey(deref(n), "id")
		return idNode != nil && idNode.Value == id
	})
}

// removeKPIs deletes from items each KPI the remove list names, noting it
// in removed; a name not among items is a problem.
func (rd *reader) removeKPIs(items []*yaml.Node, list *yaml.Node, removed map[string]bool,
	say func(*yaml.Node, string, string, ...any), removedBy map[string]*scenarioSpec) []*yaml.Node {
	for _, n := range deref(list).Content {
		if i := findKPI(items, n.Value); i < 0 {
			if by := removedBy[n.Value]; by != nil && by.kind == "amendments" {
				say(n, "remove", "KPI %s is already removed by %s", limits.Quote(n.Value), by.what())
			} else {
				say(n, "remove", "KPI %s is not defined", limits.Quote(n.Value))
			}
		} else {
			items = slices.Delete(items, i, i+1)
			removed[n.Value] = true
		}
	}
	return items
}

// placeAt gives a node the overlay built the position of at, in file, so
// that a problem found in it is placed where the scenario caused it.
func (rd *reader) placeAt(n, at *yaml.Node, file string) {
	n.Line, n.Column = at.Line, at.Column
	if rd.files != nil {
		rd.files[n] = file
	}
}

// merge overlays mapping over on mapping base: a key in over replaces the
// same key in base, mappings merge key by key, and a null value removes
// the key. A credit naming a different scheme replaces the base's scheme.
func merge(base, over *yaml.Node) *yaml.Node {
	base, over = deref(base), deref(over)
	if base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := copyMapping(base)
	for i := 0; i+1 < len(over.Content); i += 2 {
		k, v := over.Content[i], deref(over.Content[i+1])
		old := getKey(out, k.Value)
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			setKey(out, k.Value, nil)
		case old == nil:
			out.Content = append(out.Content, k, v)
		case k.Value == "credit" && !sameScheme(old, v):
			setKey(out, k.Value, v)
		default:
			setKey(out, k.Value, merge(old, v))
		}
	}
	return out
}

// sameScheme reports whether two credit mappings name the same scheme.
func sameScheme(a, b *yaml.Node) bool {
	a, b = deref(a), deref(b)
	return a.Kind == yaml.MappingNode && b.Kind == yaml.MappingNode &&
		len(a.Content) == 2 && len(b.Content) == 2 && a.Content[0].Value == b.Content[0].Value
}

func copyMapping(n *yaml.Node) *yaml.Node {
	n = deref(n)
	out := *n
	out.Content = slices.Clone(n.Content)
	return &out
}

func getKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// setKey replaces the value of key in mapping m; nil removes the key.
func setKey(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			continue
		}
		if v == nil {
			m.Content = slices.Delete(m.Content, i, i+2)
		} else {
			m.Content[i+1] = v
		}
		return
	}
	if v != nil {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	}
}

// markOverlay adds n and every node below it to set.
func markOverlay(set map[*yaml.Node]bool, n *yaml.Node) {
	eachNode(n, func(n *yaml.Node) { set[n] = true })
}

// markFile records that n and every node below it came from file.
func markFile(files map[*yaml.Node]string, n *yaml.Node, file string) {
	eachNode(n, func(n *yaml.Node) { files[n] = file })
}

// eachNode calls fn for n and every node below it (aliases not followed).
func eachNode(n *yaml.Node, fn func(*yaml.Node)) {
	if n == nil {
		return
	}
	fn(n)
	for _, c := range n.Content {
		eachNode(c, fn)
	}
}

// LoadScenarios reads scenarios from the named file and adds them.
func (b *Rulebook) LoadScenarios(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return b.ReadScenarios(path, f)
}

// ParseScenarios reads scenarios from r as ReadScenarios does, checked
// against the rulebook and its scenarios (an id one of them has is a
// duplicate), and returns them without adding them: the rulebook is left
// as it was, so that concurrent callers can each try a scenario against
// one rulebook. name is used in messages.
func (b *Rulebook) ParseScenarios(name string, r io.Reader) ([]*Scenario, error) {
	cp := *b
	cp.Scenarios = slices.Clip(b.Scenarios)
	if err := cp.ReadScenarios(name, r); err != nil {
		return nil, err
	}
	return cp.Scenarios[len(b.Scenarios):], nil
}

// ReadScenarios reads scenarios from r and adds them to the rulebook. The
// document is a scenario, a list of scenarios, or a mapping whose only key
// is scenarios; name is used in messages. On any problem it adds none.
func (b *Rulebook) ReadScenarios(name string, r io.Reader) error {
	root, err := readDocument(name, r)
	if err != nil {
		return err
	}
	rd := &reader{problems: problems{file: name}}
	list := root
	if root.Kind == yaml.MappingNode && getKey(root, "scenarios") != nil {
		m := rd.mapping(root, "", "scenarios")
		list = m["scenarios"].value
	} else if root.Kind == yaml.MappingNode {
		list = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{root}}
	}
	specs := rd.scenarios(list)
	return b.addScenarios(specs, rd.list)
}
