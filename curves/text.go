package curves

import (
	"fmt"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// texts writes the sentences of one KPI's flags.
type texts struct {
	s     *Set
	share bool
	unit  decimal.Decimal
}

func (s *Set) texts(g grid) texts { return texts{s: s, share: g.share, unit: g.unit} }

func (t texts) money(d decimal.Decimal) string { return money.Format(d, t.s.Currency, t.s.Places) }

// pct writes an amount as a percent of the charge, to at most 4 places.
func (t texts) pct(d decimal.Decimal) string { return percentOf(d, t.s.Charge) + " of the charge" }

// percentOf writes d as a percent of charge, to at most 4 decimal places.
func percentOf(d, charge decimal.Decimal) string {
	return money.RoundQuo(d.Mul(hundred), charge, 4, rules.HalfUp).String() + "%"
}

// measure writes a measure: a share as a percent, exactly.
func (t texts) measure(x decimal.Decimal) string { return formatMeasure(x, t.share) }

func formatMeasure(x decimal.Decimal, share bool) string {
	if share {
		return x.Mul(hundred).String() + "%"
	}
	return x.String()
}

// near writes a measure beside a reference value, to 4 decimal places (of
// a percent, for a share), or as many more as tell the two apart.
func (t texts) near(x, ref decimal.Decimal) string {
	if t.share {
		return credits.Measure(x.Mul(hundred), ref.Mul(hundred)) + "%"
	}
	return credits.Measure(x, ref)
}

// approx writes a measure to 4 decimal places (of a percent, for a share).
func (t texts) approx(x decimal.Decimal) string {
	if t.share {
		return x.Mul(hundred).Round(4).String() + "%"
	}
	return x.Round(4).String()
}

// point writes where a point stands, e.g. "just below 95%".
func (t texts) point(p Point) string {
	switch p.Beside {
	case -1:
		return "just below " + t.measure(p.Ref)
	case 1:
		return "just above " + t.measure(p.Ref)
	}
	return t.measure(p.Measure)
}

// step names one unit of the grid, e.g. "0.1 percentage point".
func (t texts) step() string {
	switch {
	case t.share:
		return t.unit.Mul(hundred).String() + " percentage point"
	case t.unit.Equal(one):
		return "1 unit"
	}
	return t.unit.String() + " units"
}

func escalation(c *Curve) string {
	return fmt.Sprintf("at the highest escalation (x%s), ", c.Multiplier)
}

func (t texts) cliff(f *Flag, c *Curve) string {
	prefix := ""
	if f.Kind == EscalatedCliff {
		prefix = escalation(c)
	}
	jump := fmt.Sprintf("%s (%s)", t.money(f.Jump.Abs()), t.pct(f.Jump.Abs()))
	if f.From.Equal(f.Before) && f.To.Equal(f.After) {
		return fmt.Sprintf("%sa step of %s from %s to %s moves the credit by %s",
			prefix, t.step(), t.measure(f.Before), t.measure(f.After), jump)
	}
	return fmt.Sprintf("%severy step of %s from %s to %s moves the credit by more than %s%% of the charge; the most, from %s to %s, by %s",
		prefix, t.step(), t.measure(f.From), t.measure(f.To), t.s.CliffPercent, t.measure(f.Before), t.measure(f.After), jump)
}

func (t texts) overAtRisk(f *Flag, c *Curve, v *version) string {
	risk := fmt.Sprintf("the %s%% at risk (%s; %s)", c.AtRisk.Round(4), t.money(v.atRisk.money), c.AtRiskFrom)
	exceeds := fmt.Sprintf("exceeds %s from %s", risk, t.point(f.Exceeds))
	if f.Unbounded {
		return fmt.Sprintf("the credit grows without limit as the shortfall grows; it %s", exceeds)
	}
	largest := fmt.Sprintf("the largest credit, %s (%s) from %s, %s", t.money(f.Credit), t.pct(f.Credit), t.point(f.Measure), exceeds)
	if f.Kind == EscalatedOverAtRisk {
		return fmt.Sprintf("%s%s; at the first failure it is at most %s (%s)", escalation(c), largest,
			t.money(c.Max.Credit), t.pct(c.Max.Credit))
	}
	if c.Escalates() {
		largest += fmt.Sprintf("; %sit is %s (%s)", escalation(c), t.money(c.MaxEscalated.Credit), t.pct(c.MaxEscalated.Credit))
	}
	return largest
}

func (t texts) unreached(l rules.Status, k *rules.KPI, observed []decimal.Decimal) string {
	start, name := k.Target, "the target "
	if l > rules.Minor {
		start, name = *k.Bound(l), ""
	}
	_, side := k.Direction.Sides()
	level := fmt.Sprintf("%s (%s %s%s)", l, side, name, t.measure(start))
	if len(observed) == 0 {
		return fmt.Sprintf("no month of the data was judged, so none reached %s", level)
	}
	worst := k.Direction.Worst(observed[0], observed[len(observed)-1])
	return fmt.Sprintf("no month of the data reached %s; the worst measure judged is %s", level, t.near(worst, start))
}
