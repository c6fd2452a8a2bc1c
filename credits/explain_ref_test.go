package credits

import (
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The explanations as they were written with fmt and decimal.String, kept
// as the reference the faster writer must match byte for byte (see
// ExplainAsBefore and TestExplanationsAsBefore).

// refQuote is a scheme's credit as a fraction, and the words of its working.
type refQuote struct {
	num, den decimal.Decimal
	how      string
}

// refExplainMonth returns each KPI's explanation and each area's How for
// a priced month, leaving lm as it is.
func (l *Lot) refExplainMonth(orig *Month) (kpis, areas []string) {
	lm := *orig
	lm.KPIs = append([]KPICredit(nil), orig.KPIs...)
	lm.Areas = append([]AreaCredit(nil), orig.Areas...)
	l.refExplainInto(&lm)
	for _, a := range lm.Areas {
		areas = append(areas, a.How)
	}
	for _, kc := range lm.KPIs {
		kpis = append(kpis, kc.Explanation)
	}
	return kpis, areas
}

// refExplainInto writes each area's How and each KPI's Explanation.
func (l *Lot) refExplainInto(lm *Month) {
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
		how := c.refPrice(k, kc.Status, kc.Measure, base, kc.Multiplier).how
		if kc.Base != nil && k.Credit.Kind != rules.Fixed && k.Credit.Kind != rules.Points {
			how += " (the charges of the quarter)"
		}
		kc.Explanation = how + c.refExplainOffset(kc)
	}
	for i := range lm.Areas {
		c.refExplainArea(&lm.Areas[i], lm.Charge)
	}
	for i := range lm.KPIs {
		lm.KPIs[i].Explanation = c.refExplain(lm, i)
	}
}

func (c *Calculator) refExplain(lm *Month, i int) string {
	kc := &lm.KPIs[i]
	var b strings.Builder
	k := kc.KPI
	b.WriteString(k.ID + " ")
	switch st := kc.Status; {
	case st == rules.Met:
		fmt.Fprintf(&b, "met: %s %s target %s", Measure(kc.Measure, k.Target), k.Direction.Compare(true), k.Target)
	case st.Failed():
		c.refExplainFailure(&b, lm, kc)
	case st == rules.NotApplicable:
		b.WriteString("not applicable")
	default:
		b.WriteString(strings.ReplaceAll(st.String(), "_", " "))
		if kc.Reason != "" {
			b.WriteString(": " + kc.Reason)
		}
	}
	if kc.Bonus != nil && kc.Bonus.Earned.IsPositive() {
		fmt.Fprintf(&b, "; %s at or %s bonus %s earns %s, banked", Measure(kc.Measure, *k.BonusAt), betterSide(k), k.BonusAt, refBonusPoints(kc.Bonus.Earned))
	}
	for _, f := range lm.Triggers {
		if f.Trigger.KPI == k.ID || f.Trigger.KPI == "" && kc.Status.Failed() && containsID(f.KPIs, k.ID) {
			fmt.Fprintf(&b, "; trigger %s fires: %s at %s or worse in %s", f.Trigger.ID, refPlural(f.Count, "failure"), f.Trigger.Level, refPlural(f.Trigger.Within, "month"))
		}
	}
	if kc.EarnBack.IsNegative() {
		eb := c.earnBack[i]
		fmt.Fprintf(&b, "; earn-back after %s", refPlural(eb.AfterMetMonths, "met month"))
		if kc.metRun > eb.AfterMetMonths {
			fmt.Fprintf(&b, " (%s running)", refPlural(kc.metRun, "met month"))
		}
		fmt.Fprintf(&b, ": %s%% of credits since the last = %s", eb.Percent, c.money(kc.EarnBack))
	}
	return b.String()
}

func (c *Calculator) refExplainFailure(b *strings.Builder, lm *Month, kc *KPICredit) {
	k := kc.KPI
	bound, name := k.Target, "target"
	if kc.Status > rules.Minor {
		bound, name = *k.Bound(kc.Status), kc.Status.String()
	}
	fmt.Fprintf(b, "%s: %s %s %s %s", kc.Status, Measure(kc.Measure, bound), k.Direction.Compare(false), name, bound)
	switch {
	case kc.Streak > 1 && !kc.Multiplier.Equal(one):
		fmt.Fprintf(b, "; %s consecutive failure x%s", refOrdinal(kc.Streak), kc.Multiplier)
	case kc.Streak > 1:
		fmt.Fprintf(b, "; %s consecutive failure", refOrdinal(kc.Streak))
	}
	how := kc.Explanation
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

func refPlural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func refOrdinal(n int) string {
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

func refPoints(n decimal.Decimal) string {
	if n.Equal(one) {
		return "1 point"
	}
	return n.String() + " points"
}

func refBonusPoints(n decimal.Decimal) string {
	if n.Equal(one) {
		return "1 bonus point"
	}
	return n.String() + " bonus points"
}

func (c *Calculator) refExplainOffset(kc *KPICredit) string {
	if kc.KPI.Area != nil || kc.Bonus == nil || !kc.Bonus.Used.IsPositive() {
		return ""
	}
	used := kc.Bonus.Used
	return fmt.Sprintf("; %s less %s banked = %s x %s", refPoints(kc.Points), refBonusPoints(used),
		refPoints(kc.Points.Sub(used)), c.money(c.rb.PointValue))
}
