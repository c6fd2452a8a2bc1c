package curves

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

//go:embed curves.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("curves").Parse(pageSource))

// page is what the template shows.
type page struct {
	Contract, Charge, ChargeFrom, Cliff string
	HasData                             bool
	Summary                             []summaryRow
	KPIs                                []kpiView
}

type summaryRow struct{ ID, Name, Cliff, Over, Unreached string }

type kpiView struct {
	ID, Name, Unit, Absent, Observed string
	Chart                            chart
	Curves                           []curveView
}

type curveView struct {
	Scenario, Also, Colour, Dash, Rules, Cap, AtRisk, Max string
	Flags                                                 []string
}

// WriteHTML writes curves.html: one self-contained page (inline SVG and
// CSS, no script, nothing fetched) with a summary of the flags and, per
// KPI, its chart, the rules of each curve and its flags. The same set
// always gives the same bytes.
func (s *Set) WriteHTML(w io.Writer) error {
	p := page{Contract: s.Contract, Charge: s.money(s.Charge), ChargeFrom: s.ChargeFrom, HasData: s.HasData,
		Cliff: fmt.Sprintf("%s%% of the charge (%s)", s.CliffPercent, s.money(s.CliffAmount))}
	for _, k := range s.KPIs {
		p.Summary = append(p.Summary, summarise(k))
		p.KPIs = append(p.KPIs, s.view(k))
	}
	return pageTemplate.Execute(w, p)
}

func (s *Set) money(d decimal.Decimal) string { return money.Format(d, s.Currency, s.Places) }

// summarise lists, per kind of flag, the drawn curves of the KPI that
// raise it, with how many others share each; "(escalated)" marks one
// raised only at the highest multiplier.
func summarise(k *KPICurves) summaryRow {
	cells := map[FlagKind][]string{}
	for _, c := range k.drawn() {
		name := c.Scenario
		if n := len(k.alike(c)); n > 0 {
			name += fmt.Sprintf(" (+%d alike)", n)
		}
		for _, kind := range []FlagKind{Cliff, OverAtRisk, Unreached} {
			if note, ok := raises(c, kind); ok {
				cells[kind] = append(cells[kind], name+note)
			}
		}
	}
	return summaryRow{ID: k.ID, Name: k.Name, Cliff: strings.Join(cells[Cliff], ", "),
		Over: strings.Join(cells[OverAtRisk], ", "), Unreached: strings.Join(cells[Unreached], ", ")}
}

// raises reports whether the curve raises the kind of flag, and notes
// " (escalated)" when it does so only at the highest multiplier.
func raises(c *Curve, kind FlagKind) (string, bool) {
	escalated := map[FlagKind]FlagKind{Cliff: EscalatedCliff, OverAtRisk: EscalatedOverAtRisk}[kind]
	found, only := false, true
	for _, f := range c.Flags {
		switch f.Kind {
		case kind:
			found, only = true, false
		case escalated:
			found = true
		}
	}
	if found && only && escalated != 0 {
		return " (escalated)", true
	}
	return "", found
}

// alike names the KPI's curves that are the same as c.
func (k *KPICurves) alike(c *Curve) []string {
	var out []string
	for _, o := range k.Curves {
		if o.SameAs == c.Scenario {
			out = append(out, o.Scenario)
		}
	}
	return out
}

// view lays out one KPI's section.
func (s *Set) view(k *KPICurves) kpiView {
	t := texts{s: s, share: k.Share, unit: k.Unit}
	v := kpiView{ID: k.ID, Name: k.Name, Unit: t.step(), Absent: strings.Join(k.Absent, ", "), Chart: s.chart(k)}
	switch {
	case !s.HasData:
	case len(k.Observed) == 0:
		v.Observed = "no month of the data was judged"
	default:
		v.Observed = fmt.Sprintf("%s to %s (shaded)", t.approx(k.Observed[0]), t.approx(k.Observed[len(k.Observed)-1]))
	}
	for i, c := range k.drawn() {
		cv := curveView{Scenario: c.Scenario, Rules: t.rules(c.KPI), Cap: "none", AtRisk: "unknown", Max: t.max(c)}
		cv.Colour, cv.Dash = style(i)
		cv.Also = strings.Join(k.alike(c), ", ")
		if c.Cap != nil {
			cv.Cap = fmt.Sprintf("%s (%s)", s.money(*c.Cap), percentOf(*c.Cap, s.Charge))
		}
		if c.AtRisk != nil {
			cv.AtRisk = fmt.Sprintf("%s%% (%s)", c.AtRisk.Round(4), c.AtRiskFrom)
		}
		for _, f := range c.Flags {
			cv.Flags = append(cv.Flags, f.Kind.String()+": "+f.Text)
		}
		v.Curves = append(v.Curves, cv)
	}
	return v
}

// max writes a curve's largest credits.
func (t texts) max(c *Curve) string {
	if c.Max.Unbounded {
		return "none: grows with the shortfall"
	}
	out := fmt.Sprintf("%s (%s)", t.money(c.Max.Credit), percentOf(c.Max.Credit, t.s.Charge))
	if c.Escalates() {
		out += fmt.Sprintf("; x%s: %s (%s)", c.Multiplier, t.money(c.MaxEscalated.Credit), percentOf(c.MaxEscalated.Credit, t.s.Charge))
	}
	return out
}

// rules describes a KPI's target, bounds, credit and escalation.
func (t texts) rules(k *rules.KPI) string {
	parts := []string{fmt.Sprintf("%s is better; target %s", k.Direction, t.measure(k.Target))}
	for _, l := range rules.Levels[1:] {
		if b := k.Bound(l); b != nil {
			parts = append(parts, fmt.Sprintf("%s %s", l, t.measure(*b)))
		}
	}
	parts = append(parts, t.scheme(k))
	if len(k.Escalation) > 1 {
		var xs []string
		for _, m := range k.Escalation {
			xs = append(xs, "x"+m.String())
		}
		parts = append(parts, "escalation "+strings.Join(xs, ", "))
	}
	return strings.Join(parts, "; ")
}

func (t texts) scheme(k *rules.KPI) string {
	s := &k.Credit
	levels := func(f func(decimal.Decimal) string) string {
		var xs []string
		for _, l := range rules.Levels {
			if a, ok := s.Amount(l); ok && k.Reaches(l) {
				xs = append(xs, l.String()+" "+f(a))
			}
		}
		return strings.Join(xs, ", ")
	}
	switch s.Kind {
	case rules.Fixed:
		return "fixed: " + levels(t.money)
	case rules.PercentOfCharge:
		return "percent of charge: " + levels(func(d decimal.Decimal) string { return d.String() + "%" })
	case rules.Points:
		pts := "points: " + levels(decimal.Decimal.String)
		if k.Area != nil {
			return pts + " (service area " + k.Area.ID + ")"
		}
		return pts
	case rules.Sliding:
		return fmt.Sprintf("sliding: up to %s%% of the charge at %s", s.MaxPercent, t.measure(s.Floor))
	}
	rate := ptrOr(s.Percent).String() + "% of the charge"
	if s.Money != nil {
		rate = t.money(*s.Money)
	}
	whole := ""
	if s.WholeUnits {
		whole = " (whole units)"
	}
	return fmt.Sprintf("per shortfall: %s per %s%s", rate, t.measureDelta(s.Per), whole)
}

// measureDelta writes a difference of measures: percentage points for a
// share.
func (t texts) measureDelta(d decimal.Decimal) string {
	if t.share {
		return d.Mul(hundred).String() + " percentage point"
	}
	return d.String()
}
