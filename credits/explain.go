package credits

import (
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// explainer is a Lot's buffer for explaining its months, and where the
// pieces of a month's text lie in it. A month's explanations are written
// into the buffer, then turned into one string that each KPI's
// Explanation and each area's How are slices of: one allocation a month
// (a caller that keeps one of them keeps the month's whole text).
type explainer struct {
	text
	work  []span // each failing KPI's working, by KPI
	areas []span // each area's How, by area
	lines []span // each KPI's explanation
}

// explainMonth writes each area's How and each KPI's Explanation, from
// the month's figures, which are all set.
func (l *Lot) explainMonth(lm *Month) {
	x := &l.words
	x.b, x.c = x.b[:0], l.calc
	x.work = grow(x.work, len(lm.KPIs))
	for i := range lm.KPIs {
		if kc := &lm.KPIs[i]; kc.Status.Failed() {
			x.work[i] = x.working(lm, kc)
		}
	}
	start := len(x.b) // the workings before it are not kept
	x.areas = x.areas[:0]
	for i := range lm.Areas {
		lo := len(x.b)
		x.area(i, &lm.Areas[i], lm.Charge)
		x.areas = append(x.areas, x.since(lo))
	}
	x.lines = x.lines[:0]
	for i := range lm.KPIs {
		lo := len(x.b)
		x.explain(lm, i)
		x.lines = append(x.lines, x.since(lo))
	}
	all := string(x.b[start:])
	for i, s := range x.areas {
		lm.Areas[i].How = all[s.lo-start : s.hi-start]
	}
	for i, s := range x.lines {
		lm.KPIs[i].Explanation = all[s.lo-start : s.hi-start]
	}
}

// working writes how a failing KPI's credit arose under its scheme, before
// areas and caps, and returns where it lies.
func (x *explainer) working(lm *Month, kc *KPICredit) span {
	k := kc.KPI
	base := lm.Charge
	if kc.Base != nil {
		base = *kc.Base
	}
	lo := len(x.b)
	x.scheme(k, kc.Status, kc.Measure, base, kc.Multiplier)
	if kc.Base != nil && k.Credit.Kind != rules.Fixed && k.Credit.Kind != rules.Points {
		x.str(" (the charges of the quarter)")
	}
	x.offset(kc)
	return x.since(lo)
}

// explain writes one line that shows how a KPI's credit arose, e.g.
// "KPI-01 minor: 0.9615 < target 0.98; 2nd consecutive failure x1.5;
// 3 points x £250.00 = £750.00 x 1.5 = £1,125.00".
func (x *explainer) explain(lm *Month, i int) {
	kc := &lm.KPIs[i]
	k := kc.KPI
	x.str(k.ID)
	x.str(" ")
	switch st := kc.Status; {
	case st == rules.Met:
		x.str("met: ")
		x.measure(kc.Measure, k.Target)
		x.str(" ")
		x.str(k.Direction.Compare(true))
		x.str(" target ")
		x.dec(k.Target)
	case st.Failed():
		x.failure(lm, i)
	case st == rules.NotApplicable:
		x.str("not applicable")
	default:
		for _, r := range []byte(st.String()) {
			if r == '_' {
				r = ' '
			}
			x.b = append(x.b, r)
		}
		if kc.Reason != "" {
			x.str(": ")
			x.str(kc.Reason)
		}
	}
	if kc.Bonus != nil && kc.Bonus.Earned.IsPositive() {
		x.str("; ")
		x.measure(kc.Measure, *k.BonusAt)
		x.str(" at or ")
		x.str(betterSide(k))
		x.str(" bonus ")
		x.dec(*k.BonusAt)
		x.str(" earns ")
		x.bonusPoints(kc.Bonus.Earned)
		x.str(", banked")
	}
	x.triggers(lm, kc)
	if kc.EarnBack.IsNegative() {
		x.earnBack(kc, x.c.earnBack[i])
	}
}

// triggers writes each trigger that fired on the KPI's account.
func (x *explainer) triggers(lm *Month, kc *KPICredit) {
	id := kc.KPI.ID
	for _, f := range lm.Triggers {
		if f.Trigger.KPI == id || f.Trigger.KPI == "" && kc.Status.Failed() && containsID(f.KPIs, id) {
			x.str("; trigger ")
			x.str(f.Trigger.ID)
			x.str(" fires: ")
			x.plural(f.Count, "failure")
			x.str(" at ")
			x.str(f.Trigger.Level.String())
			x.str(" or worse in ")
			x.plural(f.Trigger.Within, "month")
		}
	}
}

// earnBack writes the refund the KPI earned back.
func (x *explainer) earnBack(kc *KPICredit, eb *rules.EarnBack) {
	x.str("; earn-back after ")
	x.plural(eb.AfterMetMonths, "met month")
	if kc.metRun > eb.AfterMetMonths { // a scenario lowered the threshold during the run
		x.str(" (")
		x.plural(kc.metRun, "met month")
		x.str(" running)")
	}
	x.str(": ")
	x.dec(eb.Percent)
	x.str("% of credits since the last = ")
	x.money(kc.EarnBack)
}

// failure writes a failing KPI's level, streak, working and what the caps
// left of its credit.
func (x *explainer) failure(lm *Month, i int) {
	kc := &lm.KPIs[i]
	k := kc.KPI
	bound, name := k.Target, "target"
	if kc.Status > rules.Minor {
		bound, name = *k.Bound(kc.Status), kc.Status.String()
	}
	x.str(kc.Status.String())
	x.str(": ")
	x.measure(kc.Measure, bound)
	x.str(" ")
	x.str(k.Direction.Compare(false))
	x.str(" ")
	x.str(name)
	x.str(" ")
	x.dec(bound)
	if kc.Streak > 1 {
		x.str("; ")
		x.ordinal(kc.Streak)
		x.str(" consecutive failure")
		if !isOne(kc.Multiplier) {
			x.str(" x")
			x.dec(kc.Multiplier)
		}
	}
	x.amount(lm, i)
	if cmp(kc.Credit, kc.Amount) != 0 {
		x.capped(lm, kc)
	}
}

// amount writes the KPI's working and the amount it came to: its share
// of its area's credit, or its own.
func (x *explainer) amount(lm *Month, i int) {
	kc := &lm.KPIs[i]
	how := x.work[i]
	if kc.Area != "" {
		for j, a := range lm.Areas {
			if a.Area.ID == kc.Area {
				x.str("; ")
				x.copy(how)
				x.str(" to ")
				x.copy(x.areas[j])
				x.str("; share ")
				x.money(kc.AreaShare)
			}
		}
		return
	}
	x.str("; ")
	x.copy(how)
	end := len(x.b)
	x.str(" = ")
	x.money(kc.Amount)
	if x.same(how, end+len(" = ")) { // the working is the amount
		x.b = x.b[:end]
	}
}

// capped writes the caps that bound a KPI's credit, and its share of
// what they left.
func (x *explainer) capped(lm *Month, kc *KPICredit) {
	if lm.HasCap && cmp(lm.BeforeCap, lm.Cap) > 0 {
		x.str("; monthly cap ")
		x.money(lm.Cap)
		x.str(" on ")
		x.money(lm.BeforeCap)
		x.str(" of credits")
	}
	if lm.HasAnnualCap && cmp(lm.Credits, lm.AnnualCapLeft) == 0 {
		x.str("; annual cap leaves ")
		x.money(lm.AnnualCapLeft)
	}
	if lm.HasRollingCap && cmp(lm.Credits, lm.RollingCapLeft) == 0 {
		x.str("; rolling 12-month cap leaves ")
		x.money(lm.RollingCapLeft)
	}
	x.str("; share after caps ")
	x.money(kc.Credit)
}

// Measure formats a measure for reading beside a reference value (a target
// or bound): to 4 decimal places, or as many more as it takes to tell the
// two apart.
func Measure(m, ref decimal.Decimal) string {
	for places := int32(4); places < 28; places++ {
		if -m.Exponent() <= places {
			return m.String()
		}
		r := m.Round(places)
		if r.Cmp(ref) == m.Cmp(ref) {
			return r.String()
		}
	}
	return m.String()
}

// betterSide is "above" for a higher-is-better KPI, "below" otherwise.
func betterSide(k *rules.KPI) string {
	side, _ := k.Direction.Sides()
	return side
}

// containsID reports whether a comma-separated list of ids holds id.
func containsID(list, id string) bool {
	for list != "" {
		var x string
		x, list, _ = strings.Cut(list, ", ")
		if x == id {
			return true
		}
	}
	return false
}
