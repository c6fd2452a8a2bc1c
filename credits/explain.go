package credits

import (
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// explainMonth writes each area's How and each KPI's Explanation, from
// the month's figures, which are all set.
func (l *Lot) explainMonth(lm *Month) {
	c := l.calc
	for i := range lm.KPIs {
		kc := &lm.KPIs[i]
		if !kc.Status.Failed() {
			continue
		}
		k := kc.KPI
		base := lm.Charge
		if kc.Base != nil {
			base = *kc.Base
		}
		how := c.price(k, kc.Status, kc.Measure, base, kc.Multiplier, true).how
		if kc.Base != nil && k.Credit.Kind != rules.Fixed && k.Credit.Kind != rules.Points {
			how += " (the charges of the quarter)"
		}
		kc.Explanation = how + c.explainOffset(kc) // the scheme's working, for explain
	}
	for i := range lm.Areas {
		c.explainArea(&lm.Areas[i], lm.Charge)
	}
	for i := range lm.KPIs {
		lm.KPIs[i].Explanation = c.explain(lm, i)
	}
}

// explain writes one line that shows how a KPI's credit arose, e.g.
// "KPI-01 minor: 0.9615 < target 0.98; 2nd consecutive failure x1.5;
// 3 points x £250.00 = £750.00 x 1.5 = £1,125.00".
func (c *Calculator) explain(lm *Month, i int) string {
	kc := &lm.KPIs[i]
	var b strings.Builder
	k := kc.KPI
	b.WriteString(k.ID + " ")
	switch st := kc.Status; {
	case st == rules.Met:
		fmt.Fprintf(&b, "met: %s %s target %s", Measure(kc.Measure, k.Target), k.Direction.Compare(true), k.Target)
	case st.Failed():
		c.explainFailure(&b, lm, kc)
	case st == rules.NotApplicable:
		b.WriteString("not applicable")
	default:
		b.WriteString(strings.ReplaceAll(st.String(), "_", " "))
		if kc.Reason != "" {
			b.WriteString(": " + kc.Reason)
		}
	}
	if kc.Bonus != nil && kc.Bonus.Earned.IsPositive() {
		fmt.Fprintf(&b, "; %s at or %s bonus %s earns %s, banked", Measure(kc.Measure, *k.BonusAt), betterSide(k), k.BonusAt, bonusPoints(kc.Bonus.Earned))
	}
	for _, f := range lm.Triggers {
		if f.Trigger.KPI == k.ID || f.Trigger.KPI == "" && kc.Status.Failed() && containsID(f.KPIs, k.ID) {
			fmt.Fprintf(&b, "; trigger %s fires: %s at %s or worse in %s", f.Trigger.ID, plural(f.Count, "failure"), f.Trigger.Level, plural(f.Trigger.Within, "month"))
		}
	}
	if kc.EarnBack.IsNegative() {
		eb := c.earnBack[i]
		fmt.Fprintf(&b, "; earn-back after %s", plural(eb.AfterMetMonths, "met month"))
		if kc.metRun > eb.AfterMetMonths { // a scenario lowered the threshold during the run
			fmt.Fprintf(&b, " (%s running)", plural(kc.metRun, "met month"))
		}
		fmt.Fprintf(&b, ": %s%% of credits since the last = %s", eb.Percent, c.money(kc.EarnBack))
	}
	return b.String()
}

func (c *Calculator) explainFailure(b *strings.Builder, lm *Month, kc *KPICredit) {
	k := kc.KPI
	bound, name := k.Target, "target"
	if kc.Status > rules.Minor {
		bound, name = *k.Bound(kc.Status), kc.Status.String()
	}
	fmt.Fprintf(b, "%s: %s %s %s %s", kc.Status, Measure(kc.Measure, bound), k.Direction.Compare(false), name, bound)
	switch {
	case kc.Streak > 1 && !kc.Multiplier.Equal(one):
		fmt.Fprintf(b, "; %s consecutive failure x%s", ordinal(kc.Streak), kc.Multiplier)
	case kc.Streak > 1:
		fmt.Fprintf(b, "; %s consecutive failure", ordinal(kc.Streak))
	}
	how := kc.Explanation // the scheme's working, set by price
	if kc.Area != "" {
		for _, a := range lm.Areas {
			if a.Area.ID == kc.Area {
				fmt.Fprintf(b, "; %s to %s; share %s", how, a.How, c.money(kc.AreaShare))
			}
		}
	} else if how == c.money(kc.Amount) {
		fmt.Fprintf(b, "; %s", how)
	} else {
		fmt.Fprintf(b, "; %s = %s", how, c.money(kc.Amount))
	}
	if kc.Credit.Equal(kc.Amount) {
		return
	}
	if lm.HasCap && lm.BeforeCap.GreaterThan(lm.Cap) {
		fmt.Fprintf(b, "; monthly cap %s on %s of credits", c.money(lm.Cap), c.money(lm.BeforeCap))
	}
	if lm.HasAnnualCap && lm.Credits.Equal(lm.AnnualCapLeft) {
		fmt.Fprintf(b, "; annual cap leaves %s", c.money(lm.AnnualCapLeft))
	}
	if lm.HasRollingCap && lm.Credits.Equal(lm.RollingCapLeft) {
		fmt.Fprintf(b, "; rolling 12-month cap leaves %s", c.money(lm.RollingCapLeft))
	}
	fmt.Fprintf(b, "; share after caps %s", c.money(kc.Credit))
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

// plural writes a count of things, e.g. "1 met month", "3 met months".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprint(n) + suffix
}

// betterSide is "above" for a higher-is-better KPI, "below" otherwise.
func betterSide(k *rules.KPI) string {
	side, _ := k.Direction.Sides()
	return side
}

// containsID reports whether a comma-separated list of ids holds id.
func containsID(list, id string) bool {
	for _, x := range strings.Split(list, ", ") {
		if x == id {
			return true
		}
	}
	return false
}
