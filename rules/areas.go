package rules

import (
	"strconv"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// areas reads the service areas and links each listed KPI to its area.
func (r *reader) areas(rb *Rulebook, n *yaml.Node) {
	seen := map[string]bool{}
	for i, item := range r.seq(n, "service_areas") {
		key := "service_areas[" + strconv.Itoa(i) + "]"
		a := r.area(deref(item), key)
		if a == nil {
			continue
		}
		if seen[a.ID] {
			r.errorf(item, a.ID, "duplicate service area id %s", limits.Quote(a.ID))
			continue
		}
		seen[a.ID] = true
		r.linkArea(rb, a, item)
		rb.Areas = append(rb.Areas, a)
	}
}

func (r *reader) area(n *yaml.Node, key string) *ServiceArea {
	if id := idOr(n, ""); id != "" {
		key = "service_areas." + id
	}
	m := r.mapping(n, key, "id", "kpis", "threshold", "point_value", "percent_of_charge_per_point", "tiers")
	if m == nil {
		return nil
	}
	a := &ServiceArea{Pos: r.pos(n)}
	if e, ok := m["id"]; ok {
		if id, ok := r.id(e.value, key+".id"); ok {
			a.ID, key = id, "service_areas."+id
		}
	}
	r.required(m, n, key, "id", "kpis")
	if e, ok := m["kpis"]; ok {
		a.KPIs = r.strList(e.value, key+".kpis")
		a.kpiNodes = deref(e.value).Content
	}
	if e, ok := m["threshold"]; ok {
		a.Threshold, _ = r.nonNeg(e.value, key+".threshold")
	}
	value, hasValue := m["point_value"]
	pct, hasPct := m["percent_of_charge_per_point"]
	switch {
	case hasValue && hasPct:
		r.errorf(pct.key, key, "give point_value or percent_of_charge_per_point, not both")
	case hasValue:
		a.Value = r.decPtr(value.value, key+".point_value")
	case hasPct:
		a.Percent = r.percent(pct.value, key+".percent_of_charge_per_point")
	default:
		r.errorf(n, key, "needs point_value or percent_of_charge_per_point")
	}
	if e, ok := m["tiers"]; ok {
		a.Tiers = r.tiers(e.value, key+".tiers")
	}
	return a
}

// tiers reads the ratchet: From strictly increasing from 1, multipliers
// positive and never decreasing.
func (r *reader) tiers(n *yaml.Node, key string) []Tier {
	var out []Tier
	for i, item := range r.seq(n, key) {
		k := key + "[" + strconv.Itoa(i) + "]"
		m := r.mapping(item, k, "from", "multiplier")
		if m == nil {
			continue
		}
		r.required(m, item, k, "from", "multiplier")
		var t Tier
		var ok1, ok2 bool
		if e, ok := m["from"]; ok {
			if t.From, ok1 = r.dec(e.value, k+".from"); ok1 && t.From.LessThan(one) {
				r.errorf(e.value, k+".from", "must be at least 1, got %s", t.From)
			}
			if ok1 && len(out) > 0 && !t.From.GreaterThan(out[len(out)-1].From) {
				r.errorf(e.value, k+".from", "tiers must start at increasing points: %s follows %s", t.From, out[len(out)-1].From)
			}
		}
		if e, ok := m["multiplier"]; ok {
			if t.Multiplier, ok2 = r.dec(e.value, k+".multiplier"); ok2 && !t.Multiplier.IsPositive() {
				r.errorf(e.value, k+".multiplier", "must be positive, got %s", t.Multiplier)
			}
			if ok2 && len(out) > 0 && t.Multiplier.LessThan(out[len(out)-1].Multiplier) {
				r.errorf(e.value, k+".multiplier", "multipliers must not decrease: %s follows %s", t.Multiplier, out[len(out)-1].Multiplier)
			}
		}
		if ok1 && ok2 {
			out = append(out, t)
		}
	}
	return out
}

// linkArea checks the area's KPIs exist, use points and belong to no other
// area, and links them.
func (r *reader) linkArea(rb *Rulebook, a *ServiceArea, n *yaml.Node) {
	for i, id := range a.KPIs {
		k := rb.KPI(id)
		if i < len(a.kpiNodes) {
			n = a.kpiNodes[i]
		}
		switch {
		case k == nil:
			r.errorf(n, "service_areas."+a.ID, "KPI %s is not defined", limits.Quote(id))
		case k.Credit.Kind != Points && k.Credit.Kind != 0:
			r.errorf(n, "service_areas."+a.ID, "KPI %s uses %s; only points KPIs can join a service area", id, k.Credit.Kind)
		case k.Area != nil:
			r.errorf(n, "service_areas."+a.ID, "KPI %s is already in service area %s", id, k.Area.ID)
		default:
			k.Area = a
		}
	}
}

// KPI returns the KPI with the given id, or nil.
func (b *Rulebook) KPI(id string) *KPI {
	for _, k := range b.KPIs {
		if k.ID == id {
			return k
		}
	}
	return nil
}
