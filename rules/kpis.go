package rules

import (
	"strconv"
	"strings"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

var kpiKeys = []string{"id", "name", "description", "measure", "unit", "range", "volume", "min_volume", "direction",
	"period", "target", "serious", "severe", "critical", "bonus", "applies", "credit", "escalation", "earn_back",
	"at_risk_percent"}

// kpis reads the KPI list, reporting repeated ids.
func (r *reader) kpis(rb *Rulebook, n *yaml.Node) {
	seen := map[string]bool{}
	for i, item := range r.seq(n, "kpis") {
		k := r.kpi(deref(item), "kpis["+strconv.Itoa(i)+"]")
		if k == nil {
			continue
		}
		if seen[k.ID] {
			r.errorf(item, k.ID, "duplicate KPI id %s", limits.Quote(k.ID))
			continue
		}
		seen[k.ID] = true
		rb.KPIs = append(rb.KPIs, k)
	}
	switch {
	case n.Kind == yaml.SequenceNode && len(n.Content) == 0:
		r.errorf(n, "kpis", "must list at least one KPI")
	case n.Kind == yaml.SequenceNode && len(n.Content) > limits.MaxKPIs:
		r.errorf(n, "kpis", "lists %d KPIs; at most %d", len(n.Content), limits.MaxKPIs)
	}
}

// kpi reads one KPI. Problems are keyed by the KPI's id once it is known.
func (r *reader) kpi(n *yaml.Node, key string) *KPI {
	key = idOr(n, key)
	m := r.mapping(n, key, kpiKeys...)
	if m == nil {
		return nil
	}
	k := &KPI{Pos: r.pos(n)}
	if e, ok := m["id"]; ok {
		if id, ok := r.id(e.value, key+".id"); ok {
			k.ID, key = id, id
			if strings.TrimSpace(id) == "" || id == "*" {
				r.errorf(e.value, key+".id", "a KPI id must be some text other than * (which relief files use for every KPI)")
			}
		}
	}
	r.required(m, n, key, "id", "measure", "target", "credit")
	if e, ok := m["name"]; ok {
		k.Name, _ = r.str(e.value, key+".name")
	}
	if e, ok := m["measure"]; ok {
		k.Measure = r.expr(e.value, key+".measure")
	}
	r.unit(k, m, key)
	if e, ok := m["volume"]; ok {
		k.Volume = r.expr(e.value, key+".volume")
	}
	if e, ok := m["applies"]; ok {
		k.Applies = r.expr(e.value, key+".applies")
	}
	if e, ok := m["min_volume"]; ok {
		k.MinVolume = r.decPtr(e.value, key+".min_volume")
		if _, hasVolume := m["volume"]; !hasVolume {
			r.errorf(e.key, key+".min_volume", "needs a volume expression to compare with")
		}
	}
	if e, ok := m["direction"]; ok {
		switch s, _ := r.str(e.value, key+".direction"); s {
		case "higher", "":
		case "lower":
			k.Direction = Lower
		default:
			r.errorf(e.value, key+".direction", "must be higher or lower, not %s", limits.Quote(s))
		}
	}
	targetOK := false
	if e, ok := m["target"]; ok {
		if k.Target, targetOK = r.dec(e.value, key+".target"); targetOK {
			k.at[0] = r.place(e.value)
		}
	}
	r.bounds(k, m, key, targetOK)
	if e, ok := m["credit"]; ok {
		k.Credit = r.scheme(e.value, key+".credit", k)
	}
	k.Escalation = []Decimal{decimal.NewFromInt(1)}
	if e, ok := m["escalation"]; ok {
		k.Escalation = r.escalation(e.value, key+".escalation")
	}
	if e, ok := m["earn_back"]; ok {
		k.EarnBack = r.earnBack(e.value, key+".earn_back")
	}
	r.overTime(k, m, key, targetOK)
	r.checkUnit(k, key)
	r.checkScale(k, key)
	return k
}

// overTime reads at_risk_percent, period and the bonus bound.
func (r *reader) overTime(k *KPI, m map[string]entry, key string, targetOK bool) {
	if e, ok := m["at_risk_percent"]; ok {
		k.AtRisk = r.percent(e.value, key+".at_risk_percent")
	}
	if e, ok := m["period"]; ok {
		k.Period, k.periodAt = r.period(e.value, key+".period")
	}
	if e, ok := m["bonus"]; ok {
		r.bonusBound(k, e.value, key, targetOK)
	}
}

// bounds reads serious, severe and critical, each further from the target
// than the one before in the KPI's direction.
func (r *reader) bounds(k *KPI, m map[string]entry, key string, targetOK bool) {
	prev, prevName := k.Target, "target"
	var prevNode *yaml.Node
	if e, ok := m["target"]; ok {
		prevNode = e.value
	}
	for _, level := range Levels[1:] {
		e, ok := m[level.String()]
		if !ok {
			continue
		}
		name := level.String()
		d, ok := r.dec(e.value, key+"."+name)
		if !ok {
			continue
		}
		k.Bounds[level-Minor], k.at[level-Minor] = &d, r.place(e.value)
		if !targetOK {
			continue
		}
		if k.Direction.Better(d, prev) {
			r.boundProblem(k, key, name, d, e.value, prevName, prev, prevNode)
		}
		prev, prevName, prevNode = d, name, e.value
	}
}

// boundProblem reports a bound on the better side of the one before it.
// When a scenario moved the one before, the problem is placed there.
func (r *reader) boundProblem(k *KPI, key, name string, d Decimal, at *yaml.Node, prevName string, prev Decimal, prevNode *yaml.Node) {
	side, other := k.Direction.Sides()
	if r.overlay[prevNode] && !r.overlay[at] {
		r.errorf(prevNode, key+"."+prevName, "%s %s is %s the %s bound %s: for a %s-is-better KPI each bound must be at or beyond the one before",
			prevName, prev, other, name, d, k.Direction)
		return
	}
	r.errorf(at, key+"."+name, "%s is %s %s %s: for a %s-is-better KPI each bound must be at or beyond the one before",
		d, side, prevName, prev, k.Direction)
}

// escalation reads a non-empty, non-decreasing list of positive multipliers.
func (r *reader) escalation(n *yaml.Node, key string) []Decimal {
	items := r.seq(n, key)
	if deref(n).Kind != yaml.SequenceNode {
		return []Decimal{decimal.NewFromInt(1)}
	}
	if len(items) == 0 || len(items) > limits.MaxEscalation {
		r.errorf(n, key, "must list from 1 to %d multipliers, not %d", limits.MaxEscalation, len(items))
		return []Decimal{decimal.NewFromInt(1)}
	}
	out := make([]Decimal, 0, len(items))
	for i, item := range items {
		k := key + "[" + strconv.Itoa(i) + "]"
		d, ok := r.dec(item, k)
		if !ok {
			continue
		}
		switch {
		case !d.IsPositive():
			r.errorf(item, k, "multiplier must be positive, got %s", d)
		case len(out) > 0 && d.LessThan(out[len(out)-1]):
			r.errorf(item, k, "multipliers must not decrease: %s follows %s", d, out[len(out)-1])
		}
		out = append(out, d)
	}
	return out
}
