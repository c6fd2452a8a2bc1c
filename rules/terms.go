package rules

import (
	"slices"
	"strconv"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// Amendment is an agreed change notice: an overlay of the terms, as a
// scenario's, in force from a month on.
type Amendment struct {
	ID          string
	Description string
	Agreed      string // the date it was agreed, YYYY-MM-DD; informational
	From        Month  // the first month it is in force
	Pos         Pos

	fromPos Pos
	node    *yaml.Node
	rules   *Rulebook // the terms with it and every amendment applied before it
}

// Rules returns the terms in force from the amendment's From month: the
// original rulebook with it and every amendment applied before it.
func (a *Amendment) Rules() *Rulebook { return a.rules }

// Epoch is a stretch of months under one set of terms: from From until
// the next epoch's From.
type Epoch struct {
	// From is the first month; 0 (January of year 0) for the first epoch,
	// which runs from the first month of any data.
	From Month
	// Terms is the id of the latest amendment in force; "" for the
	// original terms.
	Terms string
	// InForce lists the amendments in force, in the order they apply.
	InForce []*Amendment
	Rules   *Rulebook
}

// Timeline returns the rulebook's terms month by month: the original
// terms, then the terms each amendment brings from its From month (one
// epoch for amendments in force from the same month). Without
// amendments it is one epoch of the rulebook itself.
func (b *Rulebook) Timeline() []Epoch {
	if b.timeline == nil {
		return []Epoch{{Rules: b}}
	}
	return b.timeline
}

// EpochAt returns the epoch of a timeline that governs month m.
func EpochAt(t []Epoch, m Month) *Epoch {
	i := len(t) - 1
	for i > 0 && t[i].From > m {
		i--
	}
	return &t[i]
}

// amendmentKeys are the keys an amendment may have.
var amendmentKeys = append([]string{"id", "description", "agreed", "from"}, overlayKeys...)

// fixedKeys are the rulebook's keys an amendment cannot change: the
// contract's structure, governance (the month-end close's keys) and
// what-ifs.
var fixedKeys = []string{"contract", "currency", "minor_units", "rounding", "keys", "charge", "start", "end",
	"fields", "escalation_across_relief", "authority", "invoice_lag", "invoice_party", "opening", "events", "amendments", "scenarios"}

// amendmentList reads the amendments without applying them;
// addAmendments does that once the original terms are known to be valid.
func (r *reader) amendmentList(n *yaml.Node) []*scenarioSpec {
	items := r.seq(n, "amendments")
	if len(items) > limits.MaxAmendments {
		r.errorf(n, "amendments", "lists %d amendments; at most %d", len(items), limits.MaxAmendments)
		return nil
	}
	var out []*scenarioSpec
	for i, item := range items {
		if s := r.amendment(deref(item), "amendments["+strconv.Itoa(i)+"]"); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (r *reader) amendment(n *yaml.Node, key string) *scenarioSpec {
	if id := idOr(n, ""); id != "" {
		key = "amendments." + id
	}
	m := r.mapping(n, key, append(slices.Clone(amendmentKeys), fixedKeys...)...)
	if m == nil {
		return nil
	}
	for _, k := range fixedKeys {
		if e, ok := m[k]; ok {
			r.errorf(e.key, join(key, k), "%s cannot be amended: an amendment may set only %s", k, joinKeys(overlayKeys))
		}
	}
	s := r.spec(n, m, "amendments", key)
	if s.ID != "" {
		key = s.key()
	}
	r.required(m, n, key, "from", "agreed")
	if e, ok := m["agreed"]; ok {
		if v, ok := r.scalar(e.value, key+".agreed", "a date (YYYY-MM-DD)"); ok {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				r.errorf(e.value, key+".agreed", "must be a date written YYYY-MM-DD, not %s", limits.Quote(v))
			}
			s.agreed = v
		}
	}
	return s
}

func joinKeys(keys []string) string {
	out := ""
	for i, k := range keys {
		switch {
		case i == 0:
		case i == len(keys)-1:
			out += " and "
		default:
			out += ", "
		}
		out += k
	}
	return out
}

// addAmendments checks the amendments and builds the terms each brings
// and the rulebook's timeline. Every problem is reported, keyed by the
// amendment (amendments.<id>.<key>); on any, the rulebook is left as it was.
func (b *Rulebook) addAmendments(specs []*scenarioSpec, found []*Problem) error {
	ps := &problems{file: b.File, list: found}
	ids := map[string]bool{}
	for _, s := range specs {
		if ids[s.ID] {
			ps.add(s.Pos, s.key(), "duplicate amendment id %s", limits.Quote(s.ID))
		}
		ids[s.ID] = true
		if s.From != nil {
			if err := b.InTerm(*s.From); err != nil {
				ps.add(s.fromPos, s.key()+".from", "%v", err)
			}
		}
	}
	if len(ps.list) > 0 || len(specs) == 0 {
		return ps.err()
	}
	applied := slices.Clone(specs)
	slices.SortStableFunc(applied, func(a, c *scenarioSpec) int { return int(*a.From) - int(*c.From) })
	var amendments []*Amendment
	var layers []layer
	prev := b
	for _, s := range applied {
		layers = append(layers, layer{spec: s})
		rb := b.termsQuiet(slices.Clone(layers), ps, true)
		a := &Amendment{ID: s.ID, Description: s.Description, Agreed: s.agreed, From: *s.From, Pos: s.Pos,
			fromPos: s.fromPos, node: s.node, rules: rb}
		amendments = append(amendments, a)
		if rb != nil && prev != nil {
			b.checkPeriodChange(prev, rb, a.From, s, ps)
		}
		prev = rb
	}
	if err := dedupe(ps).err(); err != nil {
		return err
	}
	b.applied = applied
	b.timeline = []Epoch{{Rules: b}}
	for i, a := range amendments {
		e := Epoch{From: a.From, Terms: a.ID, InForce: amendments[:i+1], Rules: a.rules}
		if last := &b.timeline[len(b.timeline)-1]; last.From == a.From {
			*last = e // amendments from the same month make one epoch
		} else {
			b.timeline = append(b.timeline, e)
		}
	}
	// Amendments are kept in file order.
	for _, s := range specs {
		i := slices.IndexFunc(amendments, func(a *Amendment) bool { return a.node == s.node })
		b.Amendments = append(b.Amendments, amendments[i])
	}
	return nil
}

// checkPeriodChange reports a KPI whose period changes to or from a
// quarter in the middle of a quarter, at the from key of the overlay that
// starts the new terms.
func (b *Rulebook) checkPeriodChange(before, after *Rulebook, m Month, by *scenarioSpec, ps *problems) {
	msg := periodChange(before, after, m)
	if msg == "" {
		return
	}
	first, last := after.Quarter(m)
	at := by.fromPos
	if by.From == nil || *by.From != m {
		at = by.Pos
	}
	ps.add(at, by.key()+".from", "%s, in the middle of the quarter %s to %s: a KPI's period can change to or from quarter, and a quarterly KPI start, only at the start of a quarter",
		msg, first, last)
}

// dedupe drops problems that repeat another's position and message: a
// problem of one amendment recurs in the terms of every later one.
func dedupe(ps *problems) *problems {
	seen := map[[2]string]bool{}
	out := ps.list[:0]
	for _, p := range ps.list {
		k := [2]string{p.Pos.String(), p.Msg}
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	ps.list = out
	return ps
}

// boundaries lists the months from which a scenario starting at from runs
// under new terms: from itself (0 for none), then each later month an
// amendment comes into force.
func (b *Rulebook) boundaries(from *Month) []Month {
	f := Month(0)
	if from != nil {
		f = *from
	}
	out := []Month{f}
	for _, s := range b.applied {
		if m := *s.From; m > f && m != out[len(out)-1] {
			out = append(out, m)
		}
	}
	return out
}

// scenarioTerms builds a scenario's timeline: the baseline's epochs
// before its From month, then, from it and from each later month an
// amendment comes into force, the amendments in force that it does not
// revoke with its own overlay (and sweep value) applied last. It returns
// nil after adding problems to ps.
func (b *Rulebook) scenarioTerms(spec *scenarioSpec, sweep *entry, ps *problems) []Epoch {
	bounds := b.boundaries(spec.From)
	var out []Epoch
	for _, e := range b.Timeline() {
		if e.From < bounds[0] {
			out = append(out, e)
		}
	}
	n := len(ps.list)
	var prev *Rulebook
	if len(out) > 0 {
		prev = out[len(out)-1].Rules
	}
	for _, m := range bounds {
		var layers []layer
		var inForce []*Amendment
		for _, a := range b.appliedAt(m) {
			if !slices.Contains(spec.Revoke, a.ID) {
				layers = append(layers, layer{spec: b.applied[slices.IndexFunc(b.applied, func(s *scenarioSpec) bool { return s.node == a.node })]})
				inForce = append(inForce, a)
			}
		}
		if len(out) > 0 && out[len(out)-1].From >= bounds[0] && len(inForce) == len(out[len(out)-1].InForce) {
			continue // a revoked amendment changes nothing
		}
		rb := b.terms(append(layers, layer{spec: spec, sweep: sweep}), ps)
		if rb != nil && prev != nil {
			b.checkPeriodChange(prev, rb, m, spec, ps)
		}
		e := Epoch{From: m, InForce: inForce, Rules: rb}
		if len(inForce) > 0 {
			e.Terms = inForce[len(inForce)-1].ID
		}
		out = append(out, e)
		prev = rb
	}
	if len(ps.list) > n {
		dedupe(ps)
		return nil
	}
	return out
}

// appliedAt lists the amendments in force in month m, in the order they
// apply.
func (b *Rulebook) appliedAt(m Month) []*Amendment {
	e := EpochAt(b.Timeline(), m)
	return e.InForce
}
