package serve

import (
	"slices"

	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/report"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

// sums are credits before caps, after caps, and earn-back (<= 0).
type sums struct{ beforeCap, credits, earnBack decimal.Decimal }

func newSums() sums { return sums{decimal.Zero, decimal.Zero, decimal.Zero} }

func (a *sums) add(beforeCap, credits, earnBack decimal.Decimal) {
	a.beforeCap, a.credits, a.earnBack = a.beforeCap.Add(beforeCap), a.credits.Add(credits), a.earnBack.Add(earnBack)
}

// figures are a run's sums in all, by provider (the first key column) and
// by the baseline's KPIs, and its credits month by month.
type figures struct {
	total  sums
	groups []sums
	kpis   []sums
	months []decimal.Decimal
}

// groups lists the first key's values in the data's order.
func (s *Server) groups() []string {
	var out []string
	for _, l := range s.prep.Job().Data.Lots {
		if !slices.Contains(out, l.Keys[0]) {
			out = append(out, l.Keys[0])
		}
	}
	return out
}

// figuresOf adds up a run's months and KPIs.
func (s *Server) figuresOf(run *runner.ScenarioRun) *figures {
	ds := s.prep.Job().Data
	groups := s.groups()
	f := &figures{total: newSums(), groups: make([]sums, len(groups)), kpis: make([]sums, len(s.terms.KPIs)),
		months: make([]decimal.Decimal, ds.Months())}
	for i := range f.groups {
		f.groups[i] = newSums()
	}
	for i := range f.kpis {
		f.kpis[i] = newSums()
	}
	for i := range f.months {
		f.months[i] = decimal.Zero
	}
	for li, lot := range ds.Lots {
		g := &f.groups[slices.Index(groups, lot.Keys[0])]
		for mi, m := range run.Months[li] {
			g.add(m.BeforeCap, m.Credits, m.EarnBack)
			f.total.add(m.BeforeCap, m.Credits, m.EarnBack)
			f.months[mi] = f.months[mi].Add(m.Credits)
		}
		for _, kt := range run.KPIs[li] {
			if k := slices.IndexFunc(s.terms.KPIs, func(k *rules.KPI) bool { return k.ID == kt.KPI }); k >= 0 {
				f.kpis[k].add(kt.BeforeCap, kt.Credits, kt.EarnBack)
			}
		}
	}
	return f
}

// changeView is a scenario's figures against the baseline's, formatted
// for the page.
type changeView struct {
	Baseline string `json:"baseline"`
	Credits  string `json:"credits"`
	Exact    string `json:"exact"` // the scenario's credits, a plain decimal, e.g. 4729999.02
	Diff     string `json:"diff"`
	Rules    string `json:"rules"`
	Caps     string `json:"caps"`
	Change   string `json:"change"` // the difference as a percent of the baseline
	Net      string `json:"net"`
	NetDiff  string `json:"netDiff"`
	Moved    string `json:"moved"` // rules only, caps only, rules and caps, none
	Changed  bool   `json:"changed"`
}

// namedView is a provider's or a KPI's figures.
type namedView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	changeView
}

// monthView is a month's credits, as plain decimals for the chart.
type monthView struct {
	Month    string `json:"month"`
	Baseline string `json:"baseline"`
	Credits  string `json:"credits"`
}

// view formats a scenario's sums against the baseline's.
func (s *Server) view(base, scen sums) changeView {
	c := report.NewChange(base.beforeCap, base.credits, base.earnBack, scen.beforeCap, scen.credits, scen.earnBack)
	places := s.rules.MinorUnits
	return changeView{Baseline: s.money(c.Baseline), Credits: s.money(c.Credits), Exact: c.Credits.StringFixed(places),
		Diff: s.signed(c.Diff), Rules: s.signed(c.Rules), Caps: s.signed(c.Caps), Change: percent(c.Diff, c.Baseline),
		Net: s.money(c.Net), NetDiff: s.signed(c.NetDiff), Moved: c.MovedBy(places),
		Changed: !c.Diff.Round(places).IsZero() || !c.NetDiff.Round(places).IsZero()}
}

// fill puts a run's figures, against the baseline's, into a result.
func (s *Server) fill(res *result, f *figures) {
	b := s.base
	t := s.view(b.total, f.total)
	res.Total = &t
	for i, name := range s.groups() {
		res.Groups = append(res.Groups, namedView{ID: name, Name: name, changeView: s.view(b.groups[i], f.groups[i])})
	}
	for i, k := range s.terms.KPIs {
		res.KPIs = append(res.KPIs, namedView{ID: k.ID, Name: k.Name, changeView: s.view(b.kpis[i], f.kpis[i])})
	}
	first := s.prep.Job().Data.First
	for i := range f.months {
		res.Months = append(res.Months, monthView{Month: first.Add(i).String(),
			Baseline: b.months[i].StringFixed(s.rules.MinorUnits), Credits: f.months[i].StringFixed(s.rules.MinorUnits)})
	}
}

func (s *Server) money(d decimal.Decimal) string {
	return money.Format(d.Round(s.rules.MinorUnits), s.rules.Currency, s.rules.MinorUnits)
}

// signed is money with a "+" on a positive amount, for differences.
func (s *Server) signed(d decimal.Decimal) string {
	if d.Round(s.rules.MinorUnits).IsPositive() {
		return "+" + s.money(d)
	}
	return s.money(d)
}

var hundred = decimal.NewFromInt(100)

// percent writes part as a signed percent of whole to 2 places; "" when
// whole is zero.
func percent(part, whole decimal.Decimal) string {
	if whole.IsZero() {
		return ""
	}
	p := part.Mul(hundred).DivRound(whole, 2)
	if p.IsPositive() {
		return "+" + p.StringFixed(2) + "%"
	}
	return p.StringFixed(2) + "%"
}
