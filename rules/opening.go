package rules

import (
	"strconv"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// MaxOpeningMonths is how many months before the next an opening state's
// recent months may reach back: the longest trigger window.
const MaxOpeningMonths = limits.MaxTriggerMonths

// OpeningMonth is one of a lot's months up to the opening month, as later
// months look back to it.
type OpeningMonth struct {
	Month Month
	// HasCharge says Charge and Credits are given: the rolling 12-month
	// cap counts them for the 11 months up to the opening month, and
	// otherwise counts the month as one before the lot's first.
	HasCharge bool
	Charge    Decimal // the month's charge
	Credits   Decimal // its credits after every cap
	// Failures lists its KPIs' failures, for triggers, in file order.
	Failures []OpeningFailure
	// Fields holds the month's numeric fields by name, for KPIs measured
	// over a quarter or a rolling window; nil when not given, and then
	// every numeric field when given.
	Fields map[string]Decimal
	// Relief holds the month's relief by KPI id, with its reason; nil for
	// none.
	Relief map[string]string
	Pos    Pos
}

// OpeningFailure is a KPI's failure at a level in an opening month.
type OpeningFailure struct {
	KPI   string
	Level Status // a failure level
	Pos   Pos

	key string // where it is, as problems name it
}

// OpeningBonus is bonus points banked at the opening month.
type OpeningBonus struct {
	Earned Month   // the month that earned them
	Until  Month   // the last month they may be used in
	Points Decimal // > 0
	Pos    Pos
}

// OpeningRef names a trigger (or KPI) in an opening state, where it is.
type OpeningRef struct {
	ID  string
	Pos Pos

	key string // where it is, as problems name it
}

// openingCarried reads a lot's months, bonus points and triggers holding.
func (r *reader) openingCarried(rb *Rulebook, o *Opening, l *OpeningLot, m map[string]entry, key string) {
	if e, ok := m["months"]; ok {
		items := r.seq(e.value, key+".months")
		if len(items) > MaxOpeningMonths {
			r.errorf(e.value, key+".months", "lists %d months; at most %d", len(items), MaxOpeningMonths)
			items = nil
		}
		for i, item := range items {
			k := key + ".months[" + strconv.Itoa(i) + "]"
			if om, ok := r.openingMonth(rb, o, deref(item), k); ok {
				if n := len(l.Months); n > 0 && om.Month <= l.Months[n-1].Month {
					r.errorf(item, k+".month", "%s does not follow %s: list the months in increasing order", om.Month, l.Months[n-1].Month)
					continue
				}
				l.Months = append(l.Months, om)
			}
		}
	}
	if e, ok := m["bonus"]; ok {
		for i, item := range r.seq(e.value, key+".bonus") {
			if b, ok := r.openingBonus(rb, o, deref(item), key+".bonus["+strconv.Itoa(i)+"]"); ok {
				l.Bonus = append(l.Bonus, b)
			}
		}
	}
	if e, ok := m["triggers"]; ok {
		ids := r.strList(e.value, key+".triggers")
		for i, id := range ids {
			l.Triggers = append(l.Triggers, OpeningRef{ID: id, Pos: r.pos(deref(e.value).Content[i]),
				key: key + ".triggers[" + strconv.Itoa(i) + "]"})
		}
	}
}

// openingMonth reads {month, charge, credits, failures, fields, relief}.
func (r *reader) openingMonth(rb *Rulebook, o *Opening, n *yaml.Node, key string) (OpeningMonth, bool) {
	om := OpeningMonth{Pos: r.pos(n)}
	m := r.mapping(n, key, "month", "charge", "credits", "failures", "fields", "relief")
	if m == nil {
		return om, false
	}
	r.required(m, n, key, "month")
	e, ok := m["month"]
	if !ok {
		return om, false
	}
	mm := r.month(e.value, key+".month")
	if mm == nil {
		return om, false
	}
	om.Month = *mm
	if om.Month > o.Month || om.Month <= o.Month-MaxOpeningMonths {
		r.errorf(e.value, key+".month", "%s is not one of the %d months up to the opening month %s", om.Month, MaxOpeningMonths, o.Month)
		return om, false
	}
	good := r.openingCharge(rb, &om, m, key)
	if e, ok := m["failures"]; ok {
		for _, p := range pairs(e.value, r.mapping(e.value, key+".failures")) {
			s, _ := r.str(p.value, key+".failures."+p.key.Value)
			lv, found := ParseLevel(s)
			if !found {
				r.errorf(p.value, key+".failures."+p.key.Value, "must be a failure level (minor, serious, severe or critical), not %s", limits.Quote(s))
				good = false
				continue
			}
			om.Failures = append(om.Failures, OpeningFailure{KPI: p.key.Value, Level: lv, Pos: r.pos(p.key),
				key: key + ".failures." + p.key.Value})
		}
	}
	if e, ok := m["fields"]; ok {
		om.Fields = r.openingFields(rb, e.value, key+".fields")
		good = good && om.Fields != nil
	}
	if e, ok := m["relief"]; ok {
		om.Relief = map[string]string{}
		for _, p := range pairs(e.value, r.mapping(e.value, key+".relief")) {
			om.Relief[p.key.Value], _ = r.str(p.value, key+".relief."+p.key.Value)
		}
	}
	return om, good
}

// openingCharge reads a month's charge and credits: both or neither.
func (r *reader) openingCharge(rb *Rulebook, om *OpeningMonth, m map[string]entry, key string) bool {
	c, hasC := m["charge"]
	cr, hasCr := m["credits"]
	switch {
	case hasC != hasCr:
		r.errorf(om.nodeOr(c, cr), key, "give the month's charge and credits together, for the rolling 12-month cap")
		return false
	case !hasC:
		return true
	}
	var ok1, ok2 bool
	om.Charge, ok1 = r.amount(rb, c.value, key+".charge")
	om.Credits, ok2 = r.amount(rb, cr.value, key+".credits")
	om.HasCharge = ok1 && ok2
	return om.HasCharge
}

// nodeOr returns the value node of whichever entry is present.
func (om *OpeningMonth) nodeOr(a, b entry) *yaml.Node {
	if a.value != nil {
		return a.value
	}
	return b.value
}

// openingFields reads a month's numeric fields: every one, by name.
func (r *reader) openingFields(rb *Rulebook, n *yaml.Node, key string) map[string]Decimal {
	var names []string
	for _, f := range rb.Fields {
		if f.Type.Numeric() {
			names = append(names, f.Name)
		}
	}
	m := r.mapping(n, key, names...)
	if m == nil {
		return nil
	}
	before := len(r.list)
	out := make(map[string]Decimal, len(names))
	for _, f := range rb.Fields {
		e, ok := m[f.Name]
		switch {
		case !f.Type.Numeric():
		case !ok:
			r.errorf(n, key, "missing field %q: give every numeric field of the month", f.Name)
		case f.Type == TypeInt:
			if v, ok := r.integer(e.value, key+"."+f.Name, 0); ok {
				out[f.Name] = decimal.NewFromInt(int64(v))
			}
		case f.Type == TypeMoney:
			out[f.Name], _ = r.amount(rb, e.value, key+"."+f.Name)
		default:
			out[f.Name], _ = r.dec(e.value, key+"."+f.Name)
		}
	}
	if len(r.list) > before {
		return nil
	}
	return out
}

// openingBonus reads {earned, until, points}.
func (r *reader) openingBonus(rb *Rulebook, o *Opening, n *yaml.Node, key string) (OpeningBonus, bool) {
	b := OpeningBonus{Pos: r.pos(n)}
	m := r.mapping(n, key, "earned", "until", "points")
	if m == nil {
		return b, false
	}
	r.required(m, n, key, "earned", "until", "points")
	var earned, until *Month
	if e, ok := m["earned"]; ok {
		if earned = r.month(e.value, key+".earned"); earned != nil && *earned > o.Month {
			r.errorf(e.value, key+".earned", "%s is after the opening month %s", *earned, o.Month)
			earned = nil
		}
	}
	if e, ok := m["until"]; ok {
		if until = r.month(e.value, key+".until"); until != nil && *until <= o.Month {
			r.errorf(e.value, key+".until", "the points expired after %s, by the opening month %s: leave them out", *until, o.Month)
			until = nil
		}
	}
	pointsOK := false
	if e, ok := m["points"]; ok {
		if b.Points, pointsOK = r.nonNeg(e.value, key+".points"); pointsOK && !b.Points.IsPositive() {
			r.errorf(e.value, key+".points", "must be more than 0")
			pointsOK = false
		}
	}
	if earned == nil || until == nil || !pointsOK {
		return b, false
	}
	b.Earned, b.Until = *earned, *until
	return b, true
}

// checkOpening checks the KPIs and triggers an opening state names against
// the terms in force in the opening month, every amendment in force by
// then applied: each must be defined there, and a KPI with an earn-back
// pool must earn back.
func (b *Rulebook) checkOpening() error {
	o := b.Opening
	if o == nil {
		return nil
	}
	ps := &problems{file: b.File}
	b.openingProblems(EpochAt(b.Timeline(), o.Month).Rules, ps)
	return ps.err()
}

// openingProblems adds the problems of the names an opening state gives
// (see checkOpening) under the terms given.
func (b *Rulebook) openingProblems(terms *Rulebook, ps *problems) {
	o := b.Opening
	if o == nil {
		return
	}
	for _, l := range o.Lots {
		for _, k := range l.KPIs {
			kpi := terms.KPI(k.KPI)
			switch {
			case kpi == nil:
				ps.add(k.Pos, l.key+".kpis."+k.KPI, "KPI %s is not defined", limits.Quote(k.KPI))
			case kpi.EarnBack == nil && terms.EarnBack == nil && !k.Pool.IsZero():
				ps.add(l.poolPos[k.KPI], l.key+".kpis."+k.KPI+".earn_back_pool", "KPI %s has no earn_back, so nothing is earned back from a pool", limits.Name(k.KPI))
			}
		}
		for _, m := range l.Months {
			for _, f := range m.Failures {
				if terms.KPI(f.KPI) == nil {
					ps.add(f.Pos, f.key, "KPI %s is not defined", limits.Quote(f.KPI))
				}
			}
		}
		for _, t := range l.Triggers {
			if !terms.hasTrigger(t.ID) {
				ps.add(t.Pos, t.key, "trigger %s is not defined", limits.Quote(t.ID))
			}
		}
	}
}

func (b *Rulebook) hasTrigger(id string) bool {
	for _, t := range b.Triggers {
		if t.ID == id {
			return true
		}
	}
	return false
}
