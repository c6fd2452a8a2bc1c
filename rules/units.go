package rules

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Unit says what a KPI's measure is, and so which values it can take.
type Unit uint8

// The units a KPI may declare.
const (
	NoUnit  Unit = iota // not declared: a number, checked only against its expression
	Share               // a fraction from 0 to 1, such as fixed / jobs; reports may show it as a percent
	Percent             // a percentage from 0 to 100, such as pct(fixed, jobs)
	Number              // any number, within the KPI's range when it declares one
)

var unitNames = [...]string{NoUnit: "", Share: "share", Percent: "percent", Number: "number"}

// String returns the unit as written in rulebooks; "" for NoUnit.
func (u Unit) String() string {
	if int(u) < len(unitNames) {
		return unitNames[u]
	}
	return "unknown"
}

// Range is an interval of numbers; a nil end is unbounded. The zero value
// holds every number.
type Range struct {
	Lo, Hi *Decimal
}

// Bounded reports whether the range has an end.
func (r Range) Bounded() bool { return r.Lo != nil || r.Hi != nil }

// Contains reports whether d lies within the range, ends included.
func (r Range) Contains(d Decimal) bool {
	return (r.Lo == nil || d.Cmp(*r.Lo) >= 0) && (r.Hi == nil || d.Cmp(*r.Hi) <= 0)
}

// Equal reports whether two ranges have the same ends.
func (r Range) Equal(o Range) bool {
	same := func(a, b *Decimal) bool { return a == nil && b == nil || a != nil && b != nil && a.Equal(*b) }
	return same(r.Lo, o.Lo) && same(r.Hi, o.Hi)
}

// String writes the range as a rulebook's range key does, e.g. [0, null].
func (r Range) String() string {
	end := func(d *Decimal) string {
		if d == nil {
			return "null"
		}
		return d.String()
	}
	return "[" + end(r.Lo) + ", " + end(r.Hi) + "]"
}

// unitRange returns the range a unit implies: 0 to 1 for a share, 0 to
// 100 for a percent, every number otherwise.
func unitRange(u Unit) Range {
	zero := decimal.Zero
	switch u {
	case Share:
		hi := one
		return Range{Lo: &zero, Hi: &hi}
	case Percent:
		hi := hundred
		return Range{Lo: &zero, Hi: &hi}
	}
	return Range{}
}

// describeUnit says how the KPI's declared range is known, for messages.
func (k *KPI) describeUnit() string {
	if k.Unit == Number {
		return "range " + k.Range.String()
	}
	return "unit " + k.Unit.String()
}

// unit reads unit and range. A range without a unit makes the unit number;
// share and percent have their own ranges.
func (r *reader) unit(k *KPI, m map[string]entry, key string) {
	if e, ok := m["unit"]; ok {
		s, _ := r.str(e.value, key+".unit")
		switch u := unitByName(s); {
		case u != NoUnit:
			k.Unit, k.unitAt = u, r.place(e.value)
		case s != "":
			r.errorf(e.value, key+".unit", "unknown unit %q (expected share, percent or number)", s)
		}
	}
	k.Range = unitRange(k.Unit)
	e, ok := m["range"]
	if !ok {
		return
	}
	if k.Unit == Share || k.Unit == Percent {
		r.errorf(e.key, key+".range", "a %s is always %s; range is for unit number", k.Unit, unitRange(k.Unit))
		return
	}
	k.Unit = Number
	k.Range = r.rangeValue(e.value, key+".range")
	if k.unitAt == nil {
		k.unitAt = r.place(e.value)
	}
}

func unitByName(s string) Unit {
	for u, name := range unitNames {
		if name == s && s != "" {
			return Unit(u)
		}
	}
	return NoUnit
}

// rangeValue reads [lo, hi], either end a number or null, lo below hi.
func (r *reader) rangeValue(n *yaml.Node, key string) Range {
	items := r.seq(n, key)
	if deref(n).Kind != yaml.SequenceNode {
		return Range{}
	}
	if len(items) != 2 {
		r.errorf(n, key, "must be [lowest, highest] (null for no end), not a list of %d", len(items))
		return Range{}
	}
	var ends [2]*Decimal
	nulls := 0
	for i, item := range items {
		if v := deref(item); v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			nulls++
			continue
		}
		if d, ok := r.dec(item, key+"["+strconv.Itoa(i)+"]"); ok {
			ends[i] = &d
		}
	}
	rg := Range{Lo: ends[0], Hi: ends[1]}
	switch {
	case rg.Lo != nil && rg.Hi != nil && !rg.Lo.LessThan(*rg.Hi):
		r.errorf(n, key, "%s is not a range: the lowest value must be below the highest", rg)
		return Range{}
	case nulls == 2:
		r.errorf(n, key, "[null, null] bounds nothing; leave range out")
	}
	return rg
}

// floorAt is where a sliding floor's position is kept among a KPI's
// value positions, after the target and the bounds.
const floorAt = 4

// place records where a value was written.
func (r *reader) place(n *yaml.Node) *placed {
	return &placed{Pos: r.pos(n), overlay: r.overlay[n]}
}

// scaleValue is one of a KPI's values on its measure's scale.
type scaleValue struct {
	name string // target, serious, severe, critical or floor
	at   int    // index into the KPI's value positions
	d    Decimal
}

// scaleValues lists the KPI's target, bounds and sliding floor that were
// read, in that order.
func (k *KPI) scaleValues() []scaleValue {
	var out []scaleValue
	if k.at[0] != nil {
		out = append(out, scaleValue{"target", 0, k.Target})
	}
	for _, level := range Levels[1:] {
		if b := k.Bound(level); b != nil && k.at[level-Minor] != nil {
			out = append(out, scaleValue{level.String(), int(level - Minor), *b})
		}
	}
	if k.Credit.Kind == Sliding && k.at[floorAt] != nil {
		out = append(out, scaleValue{"floor", floorAt, k.Credit.Floor})
	}
	return out
}

// valueKey is the key of a KPI's value for messages.
func valueKey(key string, v scaleValue) string {
	if v.at == floorAt {
		return key + ".credit.sliding.floor"
	}
	return key + "." + v.name
}

// Unreachable returns a problem for each of the KPI's target, bounds and
// sliding floor that a measure within rg can never reach, and for a target
// it can never miss; each is placed at the value. measure names the
// measure for the messages, with how its range is known, e.g.
// `the measure "fixed / jobs"`.
func (k *KPI) Unreachable(rg Range, measure string) []*Problem {
	return k.unreachableAt(rg, measure, k.ID, func(v scaleValue) Pos { return k.at[v.at].Pos })
}

func (k *KPI) unreachableAt(rg Range, measure, key string, at func(scaleValue) Pos) []*Problem {
	var out []*Problem
	for _, v := range k.scaleValues() {
		if msg := k.unreachable(v, rg, measure); msg != "" {
			out = append(out, &Problem{Pos: at(v), Key: valueKey(key, v), Msg: msg})
		}
	}
	return out
}

// checkUnit reports the KPI's values that its declared unit or range puts
// out of reach. When a scenario declared the unit and the value is the
// baseline's, the problem is placed at the unit.
func (r *reader) checkUnit(k *KPI, key string) {
	if k.Unit == NoUnit || !k.Range.Bounded() {
		return
	}
	at := func(v scaleValue) Pos {
		if p := k.at[v.at]; !p.overlay && k.unitAt != nil && k.unitAt.overlay {
			return k.unitAt.Pos
		}
		return k.at[v.at].Pos
	}
	r.list = append(r.list, k.unreachableAt(k.Range, "the measure ("+k.describeUnit()+")", key, at)...)
}

// unreachable says why a value is never reached, or the target never
// missed, by a measure within rg; "" when it is not so.
func (k *KPI) unreachable(v scaleValue, rg Range, measure string) string {
	worse := k.Direction.Worse
	bestSide, worstSide := k.Direction.Sides()
	best, worst := rg.Hi, rg.Lo
	if k.Direction == Lower {
		best, worst = rg.Lo, rg.Hi
	}
	verdict, side, end := "is never reached", worstSide, worst
	switch {
	case v.at == 0 && best != nil && worse(*best, v.d):
		verdict, side, end = "can never be met", bestSide, best
	case v.at == 0 && worst != nil && !worse(*worst, v.d):
		verdict = "is always met"
	case v.at == floorAt && worst != nil && worse(v.d, *worst), // the floor lies beyond the worst measure
		v.at != 0 && v.at != floorAt && worst != nil && !worse(*worst, v.d): // no measure is worse than the bound
		// never reached, as set above
	default:
		return ""
	}
	return fmt.Sprintf("%s %s: %s is never %s %s", v.d, verdict, measure, side, end)
}
