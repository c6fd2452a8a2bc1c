package rules

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

var schemeKeys = []string{"fixed", "percent_of_charge", "points", "sliding", "per_shortfall"}

// scheme reads a KPI's credit: exactly one scheme.
func (r *reader) scheme(n *yaml.Node, key string, k *KPI) Scheme {
	m := r.mapping(n, key, schemeKeys...)
	if m == nil {
		return Scheme{}
	}
	var given []string
	for _, name := range schemeKeys {
		if _, ok := m[name]; ok {
			given = append(given, name)
		}
	}
	switch len(given) {
	case 0:
		r.errorf(n, key, "needs one credit scheme (one of: %s)", strings.Join(schemeKeys, ", "))
		return Scheme{}
	case 1:
	default:
		r.errorf(n, key, "has %d credit schemes (%s); a KPI has exactly one", len(given), strings.Join(given, ", "))
		return Scheme{}
	}
	e := m[given[0]]
	key += "." + given[0]
	switch given[0] {
	case "sliding":
		return r.sliding(e.value, key, k)
	case "per_shortfall":
		return r.perShortfall(e.value, key)
	}
	s := Scheme{Kind: map[string]SchemeKind{"fixed": Fixed, "percent_of_charge": PercentOfCharge, "points": Points}[given[0]]}
	r.levelAmounts(&s, e.value, key, k)
	return s
}

// levelAmounts reads {minor: x, serious: y, ...}: an amount for each level
// the KPI can reach, none for a level it has no bound for, never less for a
// worse level. A level whose band is empty (its bound equals the one
// before) needs no amount; one given is kept but never earned, so that a
// scenario or sweep that closes a band need not remove its amount.
func (r *reader) levelAmounts(s *Scheme, n *yaml.Node, key string, k *KPI) {
	m := r.mapping(n, key, "minor", "serious", "severe", "critical")
	if m == nil {
		return
	}
	var prev *Decimal
	var prevLevel Status
	for _, level := range Levels {
		name := level.String()
		e, ok := m[name]
		switch {
		case !ok && k.Reaches(level):
			r.errorf(n, key, "no amount for level %s, which the KPI can reach", name)
			continue
		case !ok:
			continue
		case level > Minor && k.Bound(level) == nil:
			r.errorf(e.key, key+"."+name, "the KPI has no %s bound, so it never reaches this level", name)
			continue
		}
		d := r.decPtr(e.value, key+"."+name)
		if d == nil {
			continue
		}
		if s.Kind == PercentOfCharge {
			r.atMost100(e.value, key+"."+name, *d)
		}
		if prev != nil && d.LessThan(*prev) {
			r.errorf(e.value, key+"."+name, "%s is less than %s for %s: a worse failure must not earn less",
				d, prev, prevLevel)
		}
		s.Levels[level-Minor] = d
		prev, prevLevel = d, level
	}
}

func (r *reader) atMost100(n *yaml.Node, key string, d Decimal) {
	if d.GreaterThan(hundred) {
		r.errorf(n, key, "a percentage must be at most 100, got %s", d)
	}
}

// sliding reads {max_percent_of_charge, floor}; the floor must lie on the
// failing side of the target.
func (r *reader) sliding(n *yaml.Node, key string, k *KPI) Scheme {
	s := Scheme{Kind: Sliding}
	m := r.mapping(n, key, "max_percent_of_charge", "floor")
	if m == nil {
		return s
	}
	r.required(m, n, key, "max_percent_of_charge", "floor")
	if e, ok := m["max_percent_of_charge"]; ok {
		if d, ok := r.nonNeg(e.value, key+".max_percent_of_charge"); ok {
			r.atMost100(e.value, key+".max_percent_of_charge", d)
			s.MaxPercent = d
		}
	}
	if e, ok := m["floor"]; ok {
		if d, ok := r.dec(e.value, key+".floor"); ok {
			s.Floor, k.at[floorAt] = d, r.place(e.value)
			if !k.Direction.Worse(d, k.Target) {
				_, side := k.Direction.Sides()
				r.errorf(e.value, key+".floor", "floor %s must be %s the target %s", d, side, k.Target)
			}
		}
	}
	return s
}

// perShortfall reads {percent_of_charge | money, per, whole_units}.
func (r *reader) perShortfall(n *yaml.Node, key string) Scheme {
	s := Scheme{Kind: PerShortfall}
	m := r.mapping(n, key, "percent_of_charge", "money", "per", "whole_units")
	if m == nil {
		return s
	}
	r.required(m, n, key, "per")
	pct, hasPct := m["percent_of_charge"]
	money, hasMoney := m["money"]
	switch {
	case hasPct && hasMoney:
		r.errorf(money.key, key, "give percent_of_charge or money, not both")
	case hasPct:
		s.Percent = r.decPtr(pct.value, key+".percent_of_charge")
		if s.Percent != nil {
			r.atMost100(pct.value, key+".percent_of_charge", *s.Percent)
		}
	case hasMoney:
		s.Money = r.decPtr(money.value, key+".money")
	default:
		r.errorf(n, key, "needs percent_of_charge or money")
	}
	if e, ok := m["per"]; ok {
		if d, ok := r.dec(e.value, key+".per"); ok {
			if !d.IsPositive() {
				r.errorf(e.value, key+".per", "must be positive, got %s", d)
			}
			s.Per = d
		}
	}
	if e, ok := m["whole_units"]; ok {
		s.WholeUnits = r.boolean(e.value, key+".whole_units")
	}
	return s
}
