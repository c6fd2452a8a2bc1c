package rules

import (
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
	Pos         Pos

	rules *Rulebook // the baseline with the overlay applied
}

// SweepPoint says which sweep a scenario came from and the value it sets.
type SweepPoint struct {
	Sweep string  // the sweep's id
	KPI   string  // the KPI whose field is swept
	Field string  // the field's path, e.g. target or credit.sliding.floor
	Value Decimal // the value of this scenario
}

// Rules returns the rulebook in force from the scenario's From month on.
func (s *Scenario) Rules() *Rulebook { return s.rules }

var scenarioKeys = []string{"id", "description", "from", "kpis", "remove", "add", "caps", "point_value",
	"service_areas", "earn_back", "sweep"}

// scenarioSpec is a scenario as read, before its overlay is applied.
type scenarioSpec struct {
	Scenario
	node    *yaml.Node
	file    string // the file the scenario was read from
	fromPos Pos
	kpis    []entry // KPI id -> partial override
	sweep   *sweepSpec
}

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
	s := &scenarioSpec{node: n, file: r.file}
	s.Pos = r.pos(n)
	r.required(m, n, key, "id")
	if e, ok := m["id"]; ok {
		if id, ok := r.id(e.value, key+".id"); ok {
			s.ID, key = id, "scenarios."+id
			if strings.ContainsAny(id, "/=") {
				r.errorf(e.value, key, "scenario ids may not contain / or = (they name sweep members)")
			}
			if id == BaselineID {
				r.errorf(e.value, key, "%q names the rulebook's own results; give the scenario another id", id)
			}
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
		r.seq(e.value, key+".add")
	}
	if e, ok := m["sweep"]; ok {
		s.sweep = r.sweep(e.value, key+".sweep")
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

// addScenarios applies each scenario's overlay to the baseline, expanding
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
// they are expanded: from within the contract term, and not more than
// MaxScenarios in all. It returns false when there are too many to expand.
func (b *Rulebook) checkSpecs(specs []*scenarioSpec, ps *problems) bool {
	total := len(b.Scenarios)
	for _, spec := range specs {
		key := "scenarios." + spec.ID
		if spec.From != nil {
			if err := b.InTerm(*spec.From); err != nil {
				ps.add(spec.fromPos, key+".from", "%v", err)
			}
		}
		if total++; spec.sweep != nil {
			total += len(spec.sweep.values) - 1
		}
		if total > MaxScenarios {
			ps.add(spec.Pos, key, "brings the scenarios to %d, sweeps expanded; at most %d", total, MaxScenarios)
			return false
		}
	}
	return true
}

// expand turns a scenario as read into one scenario, or one per value of
// its sweep, each with its overlay applied.
func (b *Rulebook) expand(spec *scenarioSpec, ps *problems) []*Scenario {
	if spec.sweep == nil {
		sc := spec.Scenario
		sc.rules = b.overlay(spec, nil, ps)
		return []*Scenario{&sc}
	}
	sw := spec.sweep
	var out []*Scenario
	for _, v := range sw.values {
		sc := spec.Scenario
		sc.ID = spec.ID + "/" + sw.field + "=" + v.Value
		val, _ := decimal.NewFromString(v.Value)
		sc.Sweep = &SweepPoint{Sweep: spec.ID, KPI: sw.kpi, Field: sw.field, Value: val}
		ov := b.sweepOverride(sw, v)
		if sc.rules = b.overlay(spec, &ov, ps); sc.rules == nil {
			return nil // the first failing value's problems stand for the rest
		}
		out = append(out, &sc)
	}
	return out
}

// sweepOverride builds {field: value} (nested for a dotted field) as a KPI
// override positioned at the value, with the bounds shifted along with a
// swept target when the sweep asks for it.
func (b *Rulebook) sweepOverride(sw *sweepSpec, v *yaml.Node) entry {
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
	if k := b.KPI(sw.kpi); sw.shiftBounds && k != nil {
		if target, err := decimal.NewFromString(v.Value); err == nil {
			delta := target.Sub(k.Target)
			for _, level := range Levels[1:] {
				if bound := k.Bound(level); bound != nil {
					node.Content = append(node.Content, scalar("!!str", level.String()), scalar("!!float", bound.Add(delta).String()))
				}
			}
		}
	}
	id := &yaml.Node{Kind: yaml.ScalarNode, Value: sw.kpi, Line: sw.node.Line, Column: sw.node.Column}
	return entry{key: id, value: node}
}

// overlay builds the scenario's rulebook: the baseline document with KPIs
// removed, merged and added and caps replaced, read again from the top so
// that every check applies. It returns nil after adding problems to ps.
func (b *Rulebook) overlay(spec *scenarioSpec, sweep *entry, ps *problems) *Rulebook {
	rd := &reader{problems: problems{file: b.File}, overlay: map[*yaml.Node]bool{}}
	markOverlay(rd.overlay, spec.node)
	if sweep != nil {
		markOverlay(rd.overlay, sweep.value)
	}
	if spec.file != b.File {
		rd.files = map[*yaml.Node]string{}
		markFile(rd.files, spec.node, spec.file)
		if sweep != nil {
			markFile(rd.files, sweep.value, spec.file)
			rd.files[sweep.key] = spec.file
		}
	}
	root := copyMapping(b.root)
	setKey(root, "scenarios", nil)
	// A problem of the document as a whole (a key the scenario removed and
	// something still needs) is the scenario's: place it there.
	rd.placeAt(root, spec.node, spec.file)
	m := rd.mapping(spec.node, "")
	kpis := b.overlayKPIs(rd, spec, m, sweep)
	setKey(root, "kpis", kpis)
	if e, ok := m["caps"]; ok {
		base := getKey(root, "caps")
		if base == nil {
			base = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		setKey(root, "caps", merge(base, e.value))
	}
	for _, key := range []string{"point_value", "service_areas", "earn_back"} {
		if e, ok := m[key]; ok { // replaced whole; null removes
			if v := deref(e.value); v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				setKey(root, key, nil)
			} else {
				setKey(root, key, e.value)
			}
		}
	}
	rb := rd.rulebook(root)
	rb.File, rb.root, rb.Closing = b.File, root, b.Closing
	for _, p := range rd.list {
		p.Key = strings.TrimSuffix("scenarios."+spec.ID+"."+p.Key, ".")
		ps.list = append(ps.list, p)
	}
	if len(rd.list) > 0 {
		return nil
	}
	return rb
}

// overlayKPIs returns the baseline's kpis list with the scenario's
// removals, overrides, sweep value and additions applied.
func (b *Rulebook) overlayKPIs(rd *reader, spec *scenarioSpec, m map[string]entry, sweep *entry) *yaml.Node {
	base := deref(getKey(b.root, "kpis"))
	items := slices.Clone(base.Content)
	removed := map[string]bool{}
	if e, ok := m["remove"]; ok {
		items = rd.removeKPIs(items, e.value, removed)
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
			rd.errorf(ov.key, "kpis."+id, "%s is both %s and removed by the scenario; do one or the other", limits.Name(id), how)
		} else if i := findKPI(items, id); i < 0 {
			rd.errorf(ov.key, "kpis."+id, "KPI %s is not defined in the baseline", limits.Quote(id))
		} else if deref(ov.value).Kind != yaml.MappingNode {
			rd.errorf(ov.value, "kpis."+id, "an override must be a mapping of KPI fields, not %s", describe(ov.value))
		} else {
			items[i] = merge(deref(items[i]), deref(ov.value))
		}
	}
	if e, ok := m["add"]; ok {
		items = append(items, deref(e.value).Content...)
	}
	out := *base
	out.Content = items
	if len(items) == 0 { // the scenario removed every KPI: say so at the scenario
		at := spec.node
		if e, ok := m["remove"]; ok {
			at = e.key
		}
		rd.placeAt(&out, at, spec.file)
	}
	return &out
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
func (rd *reader) removeKPIs(items []*yaml.Node, list *yaml.Node, removed map[string]bool) []*yaml.Node {
	for _, n := range deref(list).Content {
		if i := findKPI(items, n.Value); i < 0 {
			rd.errorf(n, "remove", "KPI %s is not defined", limits.Quote(n.Value))
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
