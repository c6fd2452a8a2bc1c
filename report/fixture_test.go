package report

import (
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var fixtureMonths = []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"}

// fixtureProvider is one provider's figures in the example.
type fixtureProvider struct {
	name     string
	charge   string
	monthly  []string
	earnBack string
	failures int
	measured int
	capped   int
	ccn      [2]string // difference under ccn-revised-kpis, and the part of it the rules made
	strict   [2]string // the same under stricter-safeguarding
}

var fixtureProviders = []fixtureProvider{
	{"Northgate", "36000000.00", []string{"41250.00", "38900.50", "52300.25", "47120.00", "35800.75", "44010.00"},
		"-2500.00", 19, 92, 2, [2]string{"-18200.00", "-21000.00"}, [2]string{"6200.00", "6200.00"}},
	{"Riverside", "18450000.00", []string{"12400.00", "15250.40", "9800.00", "18730.10", "21045.00", "16500.50"},
		"-1625.50", 9, 94, 0, [2]string{"-3150.40", "-3150.40"}, [2]string{"4480.75", "5100.00"}},
	{"Westmoor", "24600000.00", []string{"27600.00", "31420.00", "29980.60", "24300.00", "33150.25", "30075.00"},
		"0", 13, 92, 1, [2]string{"-7900.00", "-7900.00"}, [2]string{"3900.00", "3900.00"}},
}

// fixture is the example summary behind the golden files: three
// providers, four KPIs, six months, two scenarios and a sweep of five
// values. Totals are added up from the providers' figures so that they
// agree.
func fixture() *Summary {
	s := &Summary{
		Contract: "Example accommodation contract", Currency: "GBP", MinorUnits: 2,
		FirstMonth: "2025-01", LastMonth: "2025-06", GroupBy: "provider",
		Lots: 12, KPIs: 4, LotMonths: 72,
	}
	s.Baseline = Totals{Charge: decimal.Zero, BeforeCap: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero}
	for _, p := range fixtureProviders {
		g := providerTotals(p)
		s.ByGroup = append(s.ByGroup, g)
		s.Monthly = append(s.Monthly, series(p))
		s.Baseline = addTotals(s.Baseline, g.Totals)
	}
	s.ByKPI = fixtureKPIs(s.Baseline.Credits)
	s.TopMonths = fixtureTopMonths()
	s.Scenarios = fixtureScenarios(s)
	s.Movers = fixtureMovers(s.ByKPI)
	s.Sweeps = []Sweep{fixtureSweep(s)}
	s.Scenarios = append(s.Scenarios, sweepMembers(s.Sweeps[0])...)
	fixtureTerms(s)
	annual := d("5")
	s.AnnualCap = &annual
	s.Curves = &CurvesLink{Href: "curves.html", Cliff: 2, OverAtRisk: 1, Unreached: 3, KPIs: 4}
	return s
}

// fixtureTerms gives the example two amendments, triggers that fired and
// their comparison under a scenario.
func fixtureTerms(s *Summary) {
	s.Terms = []Terms{
		{Description: "The contract as first agreed", First: "2025-01", Last: "2025-02"},
		{ID: "CCN-004", Description: "Welfare visits at 95%, from the same month as CCN-005", Agreed: "2025-02-26", From: "2025-03"},
		{ID: "CCN-005", Description: "Caps at 5% <while rebuilt>", Agreed: "2025-02-27", From: "2025-03", First: "2025-03", Last: "2025-06"},
	}
	s.HasTriggers = true
	s.TriggerRules = []string{"material-kpi-failure (Rectification plan required): 3 failures at minor or worse of any KPI within 12 months"}
	s.Triggers = []Fired{
		{Trigger: "material-kpi-failure", Level: "minor", Lot: "Northgate / North East", Month: "2025-03", KPIs: "KPI-01, KPI-02", Count: 3, Within: 12},
		{Trigger: "material-kpi-failure", Level: "minor", Lot: "Westmoor / Midlands", Month: "2025-05", KPIs: "KPI-03", Count: 4, Within: 12},
	}
	s.TriggerDiffs = []TriggerDiff{{Scenario: "ccn-revised-kpis", Trigger: "material-kpi-failure", Baseline: 2, With: 1}}
}

func providerTotals(p fixtureProvider) GroupTotal {
	credits := decimal.Zero
	for _, v := range p.monthly {
		credits = credits.Add(d(v))
	}
	return GroupTotal{Name: p.name, Totals: Totals{
		Charge: d(p.charge), BeforeCap: credits, Credits: credits, EarnBack: d(p.earnBack), Net: credits.Add(d(p.earnBack)),
		Failures: p.failures, Measured: p.measured, CappedMonths: p.capped,
	}}
}

func series(p fixtureProvider) Series {
	se := Series{Name: p.name}
	for i, v := range p.monthly {
		se.Points = append(se.Points, MonthValue{Month: fixtureMonths[i], Value: d(v)})
	}
	return se
}

func addTotals(a, b Totals) Totals {
	return Totals{
		Charge: a.Charge.Add(b.Charge), BeforeCap: a.BeforeCap.Add(b.BeforeCap), Credits: a.Credits.Add(b.Credits),
		EarnBack: a.EarnBack.Add(b.EarnBack), Net: a.Net.Add(b.Net),
		Failures: a.Failures + b.Failures, Measured: a.Measured + b.Measured,
		CappedMonths: a.CappedMonths + b.CappedMonths,
	}
}

// fixtureKPIs splits total credits over four KPIs; the last takes the rest.
func fixtureKPIs(total decimal.Decimal) []KPITotal {
	ks := []KPITotal{
		{ID: "KPI-01", Name: "Emergency defects fixed within 24 hours", Scheme: "points", Credits: d("196450.25"), Failures: 18, Met: 50, NotMeasured: 3, Excused: 1},
		{ID: "KPI-02", Name: "Moves with 5 days' notice", Scheme: "sliding", Credits: d("141200.00"), Failures: 11, Met: 58, NotMeasured: 2, Excused: 1},
		{ID: "KPI-03", Name: "Complaints answered within 10 working days", Scheme: "percent_of_charge", Credits: d("87300.50"), Failures: 7, Met: 63, NotMeasured: 2},
		{ID: "KPI-04", Name: "Safeguarding referrals within 24 hours", Scheme: "per_shortfall", Failures: 5, Met: 66, NotMeasured: 1},
	}
	ks[3].Credits = total.Sub(ks[0].Credits).Sub(ks[1].Credits).Sub(ks[2].Credits)
	return ks
}

func fixtureTopMonths() []TopMonth {
	rows := [][4]string{
		{"Northgate / North East", "2025-03", "1500000.00", "18450.00"},
		{"Northgate / Yorkshire", "2025-04", "1500000.00", "16200.25"},
		{"Westmoor / Midlands", "2025-05", "1025000.00", "14875.00"},
		{"Northgate / Scotland", "2025-03", "1500000.00", "14100.00"},
		{"Westmoor / East of England", "2025-02", "1025000.00", "12980.00"},
		{"Riverside / Wales", "2025-05", "768750.00", "11245.00"},
		{"Northgate / North East", "2025-06", "1500000.00", "10990.50"},
		{"Riverside / South West", "2025-04", "768750.00", "9730.10"},
		{"Westmoor / Midlands", "2025-06", "1025000.00", "9075.00"},
		{"Northgate / Northern Ireland", "2025-01", "1500000.00", "8800.00"},
	}
	out := make([]TopMonth, len(rows))
	for i, r := range rows {
		out[i] = TopMonth{Lot: r[0], Month: r[1], Charge: d(r[2]), Credits: d(r[3])}
	}
	return out
}

func fixtureScenarios(s *Summary) []ScenarioTotal {
	ccn := ScenarioTotal{ID: "ccn-revised-kpis", From: "2025-04", Failures: 33,
		Description: "Change notice 14: less punitive defect KPI from April 2025"}
	strict := ScenarioTotal{ID: "stricter-safeguarding", Failures: 47,
		Description: "Safeguarding referral target raised to 99%"}
	for i, p := range fixtureProviders {
		ccn.ByGroup = append(ccn.ByGroup, groupDiff(s.ByGroup[i], p.ccn))
		strict.ByGroup = append(strict.ByGroup, groupDiff(s.ByGroup[i], p.strict))
	}
	for _, sc := range []*ScenarioTotal{&ccn, &strict} {
		diff, rules := decimal.Zero, decimal.Zero
		for _, g := range sc.ByGroup {
			diff, rules = diff.Add(g.Diff), rules.Add(g.Rules)
		}
		b := s.Baseline
		sc.Change = NewChange(b.BeforeCap, b.Credits, b.EarnBack, b.BeforeCap.Add(rules), b.Credits.Add(diff), b.EarnBack)
	}
	return []ScenarioTotal{ccn, strict}
}

// groupDiff is a provider's change: diff[0] in all, diff[1] of it by the
// rules; its earn-back does not change.
func groupDiff(g GroupTotal, diff [2]string) GroupDiff {
	b := g.Totals
	return GroupDiff{Name: g.Name, Change: NewChange(b.BeforeCap, b.Credits, b.EarnBack,
		b.BeforeCap.Add(d(diff[1])), b.Credits.Add(d(diff[0])), b.EarnBack)}
}

// fixtureMovers are the KPIs the scenarios move, largest change first.
func fixtureMovers(kpis []KPITotal) []Mover {
	rows := [][4]string{ // scenario, KPI, difference, by the rules
		{"ccn-revised-kpis", "KPI-01", "-29250.40", "-32050.40"},
		{"defect-target-sweep/target=0.95", "KPI-01", "-22900.00", "-22900.00"},
		{"defect-target-sweep/target=0.99", "KPI-01", "15300.25", "15300.25"},
		{"stricter-safeguarding", "KPI-04", "14580.75", "15200.00"},
		{"ccn-revised-kpis", "KPI-03", "-2800.00", "0"},
	}
	base := map[string]decimal.Decimal{}
	for _, k := range kpis {
		base[k.ID] = k.Credits
	}
	var out []Mover
	for _, r := range rows {
		b := base[r[1]]
		out = append(out, Mover{Scenario: r[0], KPI: r[1], Change: NewChange(b, b, decimal.Zero, b.Add(d(r[3])), b.Add(d(r[2])), decimal.Zero)})
	}
	return out
}

func fixtureSweep(s *Summary) Sweep {
	sw := Sweep{ID: "defect-target-sweep", KPI: "KPI-01", Field: "target", Base: s.Baseline.Credits, Unit: rules.Share}
	diffs := [][2]string{{"0.90", "-61400.00"}, {"0.92", "-48250.50"}, {"0.95", "-22900.00"}, {"0.98", "0"}, {"0.99", "15300.25"}}
	for _, v := range diffs {
		sw.Points = append(sw.Points, SweepPoint{Value: d(v[0]), Credits: sw.Base.Add(d(v[1]))})
	}
	return sw
}

// sweepMembers are a sweep's values as the runner lists them among the
// scenarios.
func sweepMembers(sw Sweep) []ScenarioTotal {
	var out []ScenarioTotal
	for _, p := range sw.Points {
		out = append(out, ScenarioTotal{ID: sw.ID + "/" + sw.Field + "=" + p.Value.StringFixed(2),
			Change: NewChange(sw.Base, sw.Base, decimal.Zero, p.Credits, p.Credits, decimal.Zero)})
	}
	return out
}
