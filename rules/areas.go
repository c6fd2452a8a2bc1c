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
	m := r.mapping(n, key, "id", "kpis", "threshold", "point_value", "percent_of_charge_per_point", "tiers", "bands")
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
	if e, ok := m["bands"]; ok {
		r.bandsOnly(m, key)
		a.Bands = r.bands(e.value, key+".bands")
		return a
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
		r.errorf(n, key, "needs point_value, percent_of_charge_per_point or bands")
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

// bandsOnly reports the keys a banded area cannot have: its bands price
// the points, and the first band is where they start to count.
func (r *reader) bandsOnly(m map[string]entry, key string) {
	for _, name := range []string{"threshold", "point_value", "percent_of_charge_per_point", "tiers"} {
		if e, ok := m[name]; ok {
			r.errorf(e.key, key+"."+name, "an area priced by bands has no %s: the bands price its points", name)
		}
	}
}

// bands reads the band table: at least one band, From positive and
// strictly increasing, percents at most 100 and never decreasing.
func (r *reader) bands(n *yaml.Node, key string) []Band {
	items := r.seq(n, key)
	if len(items) == 0 && deref(n).Kind == yaml.SequenceNode {
		r.errorf(n, key, "must list at least one band")
	}
	var out []Band
	for i, item := range items {
		k := key + "[" + strconv.Itoa(i) + "]"
		m := r.mapping(item, k, "from", "percent_of_charge")
		if m == nil {
			continue
		}
		r.required(m, item, k, "from", "percent_of_charge")
		var b Band
		var ok1, ok2 bool
		if e, ok := m["from"]; ok {
			if b.From, ok1 = r.dec(e.value, k+".from"); ok1 && !b.From.IsPositive() {
				r.errorf(e.value, k+".from", "must be positive, got %s", b.From)
				ok1 = false
			}
			if ok1 && len(out) > 0 && !b.From.GreaterThan(out[len(out)-1].From) {
				r.errorf(e.value, k+".from", "bands must start at increasing points: %s follows %s", b.From, out[len(out)-1].From)
				ok1 = false
			}
		}
		if e, ok := m["percent_of_charge"]; ok {
			if b.Percent, ok2 = r.nonNeg(e.value, k+".percent_of_charge"); ok2 {
				r.atMost100(e.value, k+".percent_of_charge", b.Percent)
			}
			if ok2 && len(out) > 0 && b.Percent.LessThan(out[len(out)-1].Percent) {
				r.errorf(e.value, k+".percent_of_charge", "a higher band must not earn less: %s follows %s", b.Percent, out[len(out)-1].Percent)
				ok2 = false
			}
		}
		if ok1 && ok2 {
			out = append(out, b)
		}
	}
	return out
}

// Band returns the band the points reach, the highest whose From they are
// at or above, and false below the first.
func (a *ServiceArea) Band(points Decimal) (Band, bool) {
	for i := len(a.Bands) - 1; i >= 0; i-- {
		if !points.LessThan(a.Bands[i].From) {
			return a.Bands[i], true
		}
	}
	return Band{}, false
}

// Free is how many of a lot-month's points the area lets go without a
// credit: its threshold, or, for a banded area, the points below its
// first band (the first band's From less one).
func (a *ServiceArea) Free() Decimal {
	if len(a.Bands) > 0 {
		return a.Bands[0].From.Sub(one)
	}
	return a.Threshold
}
