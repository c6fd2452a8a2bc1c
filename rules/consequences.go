package rules

import (
	"strconv"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// Trigger is a consequence of repeated failures beyond money, such as a
// rectification plan or a termination right: it fires for a lot in the
// month that Failures failures at Level or worse fall within the trailing
// Within months, and again only after the condition has stopped holding.
type Trigger struct {
	ID          string
	Description string // what its firing means, e.g. a rectification plan
	Failures    int    // failures needed, at least 1
	Within      int    // the trailing months counted, the current one included
	KPI         string // the KPI whose failures count; "" for any KPI
	Level       Status // the least severe failure that counts
	Pos         Pos
}

// MaxTriggerMonths is the longest trailing window a trigger may count over.
const MaxTriggerMonths = limits.MaxTriggerMonths

// AnyKPI is how a trigger that counts every KPI's failures is written.
const AnyKPI = "any"

// Counts reports whether a failure of the KPI with the id at the status
// counts toward the trigger.
func (t *Trigger) Counts(kpiID string, s Status) bool {
	return s.Failed() && s >= t.Level && (t.KPI == "" || t.KPI == kpiID)
}

// Bonus says how bonus points are earned and kept: a met month at or
// beyond a KPI's bonus bound earns Points, banked for the lot; banked
// points offset the lot's penalty points in the ExpiryMonths months after
// the month that earned them, and then expire (see package credits).
type Bonus struct {
	Points       Decimal
	ExpiryMonths int
	Pos          Pos
}

// consequences reads triggers, bonus and escalation_across_relief, once
// the KPIs are known.
func (r *reader) consequences(rb *Rulebook, m map[string]entry) {
	if e, ok := m["triggers"]; ok {
		rb.Triggers = r.triggers(rb, e.value)
	}
	if e, ok := m["bonus"]; ok {
		rb.Bonus = r.bonus(e.value)
	}
	if e, ok := m["escalation_across_relief"]; ok {
		switch s, _ := r.str(e.value, "escalation_across_relief"); s {
		case "reset":
			rb.ReliefResets = true
		case "keep", "":
		default:
			r.errorf(e.value, "escalation_across_relief", "must be keep or reset, not %s", limits.Quote(s))
		}
	}
	if _, ok := m["bonus"]; ok {
		return // given, if not valid
	}
	for _, k := range rb.KPIs {
		if k.BonusAt != nil {
			r.add(k.bonusAt, k.ID+".bonus", "a KPI's bonus bound needs the rulebook's bonus: {points, expiry_months}")
			return
		}
	}
}

// triggers reads the trigger list, checking ids are unique and each KPI
// named exists.
func (r *reader) triggers(rb *Rulebook, n *yaml.Node) []*Trigger {
	var out []*Trigger
	seen := map[string]bool{}
	for i, item := range r.seq(n, "triggers") {
		t := r.trigger(rb, deref(item), "triggers["+strconv.Itoa(i)+"]")
		if t == nil {
			continue
		}
		if seen[t.ID] {
			r.errorf(item, "triggers."+t.ID, "duplicate trigger id %s", limits.Quote(t.ID))
			continue
		}
		seen[t.ID] = true
		out = append(out, t)
	}
	return out
}

func (r *reader) trigger(rb *Rulebook, n *yaml.Node, key string) *Trigger {
	if id := idOr(n, ""); id != "" {
		key = "triggers." + id
	}
	m := r.mapping(n, key, "id", "description", "failures", "within", "kpi", "level")
	if m == nil {
		return nil
	}
	r.required(m, n, key, "id", "failures", "within")
	t := &Trigger{Level: Minor, Pos: r.pos(n)}
	ok := true
	if e, found := m["id"]; found {
		t.ID, ok = r.id(e.value, key+".id")
	}
	if e, found := m["description"]; found {
		t.Description, _ = r.str(e.value, key+".description")
	}
	if e, found := m["failures"]; found {
		var good bool
		t.Failures, good = r.integer(e.value, key+".failures", 1)
		ok = ok && good
	}
	if e, found := m["within"]; found {
		var good bool
		if t.Within, good = r.integer(e.value, key+".within", 1); good && t.Within > MaxTriggerMonths {
			r.errorf(e.value, key+".within", "at most %d months, got %d", MaxTriggerMonths, t.Within)
			good = false
		}
		ok = ok && good
		if good && t.Failures > 0 && m["kpi"].value != nil && deref(m["kpi"].value).Value != AnyKPI && t.Failures > t.Within {
			r.errorf(m["failures"].value, key+".failures", "%d failures of one KPI cannot fall within %d months", t.Failures, t.Within)
		}
	}
	if e, found := m["level"]; found {
		s, _ := r.str(e.value, key+".level")
		if t.Level, found = ParseLevel(s); !found {
			r.errorf(e.value, key+".level", "must be a failure level (minor, serious, severe or critical), not %s", limits.Quote(s))
			ok = false
		}
	}
	if e, found := m["kpi"]; found {
		ok = r.triggerKPI(rb, t, e.value, key) && ok
	}
	if !ok {
		return nil
	}
	return t
}

// triggerKPI reads the KPI a trigger counts: a KPI of the rulebook, or any.
func (r *reader) triggerKPI(rb *Rulebook, t *Trigger, n *yaml.Node, key string) bool {
	s, ok := r.str(n, key+".kpi")
	switch {
	case !ok:
		return false
	case s == AnyKPI:
	case rb.KPI(s) == nil:
		r.errorf(n, key+".kpi", "KPI %s is not defined (name a KPI, or any)", limits.Quote(s))
		return false
	default:
		t.KPI = s
	}
	return true
}

// bonus reads {points, expiry_months}.
func (r *reader) bonus(n *yaml.Node) *Bonus {
	m := r.mapping(n, "bonus", "points", "expiry_months")
	if m == nil {
		return nil
	}
	r.required(m, n, "bonus", "points", "expiry_months")
	b := &Bonus{Pos: r.pos(n)}
	ok1, ok2 := false, false
	if e, found := m["points"]; found {
		if b.Points, ok1 = r.nonNeg(e.value, "bonus.points"); ok1 && !b.Points.IsPositive() {
			r.errorf(e.value, "bonus.points", "must be positive, got %s", b.Points)
			ok1 = false
		}
	}
	if e, found := m["expiry_months"]; found {
		if b.ExpiryMonths, ok2 = r.integer(e.value, "bonus.expiry_months", 1); ok2 && b.ExpiryMonths > MaxTriggerMonths {
			r.errorf(e.value, "bonus.expiry_months", "at most %d months, got %d", MaxTriggerMonths, b.ExpiryMonths)
			ok2 = false
		}
	}
	if !ok1 || !ok2 {
		return nil
	}
	return b
}

// bonusBound reads a KPI's bonus bound: at the target or on its better
// side.
func (r *reader) bonusBound(k *KPI, n *yaml.Node, key string, targetOK bool) {
	d, ok := r.dec(n, key+".bonus")
	if !ok {
		return
	}
	if targetOK && k.Direction.Worse(d, k.Target) {
		side, _ := k.Direction.Sides()
		r.errorf(n, key+".bonus", "bonus %s must be at or %s the target %s: a bonus is earned by doing better than the target", d, side, k.Target)
		return
	}
	k.BonusAt, k.bonusAt = &d, r.pos(n)
}

// EarnsBonus reports whether a met measure earns the KPI's bonus: at or
// beyond its bonus bound on the better side.
func (k *KPI) EarnsBonus(m Decimal) bool {
	return k.BonusAt != nil && !k.Direction.Worse(m, *k.BonusAt)
}
