package report

import (
	"strconv"
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// page is a Summary formatted for display: every figure a string, every
// table ready to print. WriteMarkdown and WriteHTML both render a page, so
// the two files show the same content.
type page struct {
	Contract string
	Period   string
	Facts    string // counts: providers, lots, KPIs, lot-months
	Headline string
	Cards    []card
	Monthly  table
	ByGroup  table
	ByKPI    table
	Top      table
	Terms    table // the original terms and the amendments; no rows without amendments
	Triggers table // the triggers the baseline fired
	// TriggersNote says which triggers the terms have, and that none
	// fired when none did; "" when the terms have none.
	TriggersNote string
	Events       table         // the event data by provider; no rows without events
	EventsNote   string        // what became of each source's events; "" without events
	Scenarios    *scenarioPage // nil when the run has no scenarios
	Curves       *curvesNote   // nil when no curves page is linked
	Notes        []string      // notes on how figures are found, shown last
}

// curvesNote is the paragraph that links the credit curves.
type curvesNote struct{ Text, Href string }

// card is one headline figure.
type card struct{ Label, Value, Note string }

// table is a titled grid of formatted cells.
type table struct {
	Cols []column
	Rows []row
}

// column is a table heading; numbers are right-aligned, and identifiers
// (KPI ids, scenario ids) never wrap.
type column struct {
	Name string
	Num  bool
	Key  bool
}

// row is one table row. Total marks a totals row; Group marks the first
// row of a group of rows.
type row struct {
	Cells []string
	Total bool
	Group bool
}

// scenarioPage is the Scenarios section.
type scenarioPage struct {
	Compare  table // scenarios other than sweep members, after the baseline
	ByGroup  table
	Movers   table
	Triggers table // triggers fired under each scenario against the baseline
	Sweeps   []sweepPage
}

// sweepPage is one sweep's table (and, in HTML, its chart).
type sweepPage struct {
	Title, Note string
	Table       table
	Chart       *lineChart
}

// amounts formats amounts in a summary's currency.
type amounts struct {
	currency string
	places   int32
}

func (m amounts) f(d decimal.Decimal) string { return formatMoney(d, m.currency, m.places) }
func (m amounts) diff(d decimal.Decimal) string {
	return formatSignedMoney(d, m.currency, m.places)
}

// newPage formats s.
func newPage(s *Summary) *page {
	m := amounts{s.Currency, s.MinorUnits}
	p := &page{
		Contract: s.Contract,
		Period:   formatPeriod(s.FirstMonth, s.LastMonth),
		Facts:    facts(s),
		Headline: headline(s, m),
		Cards:    cards(s, m),
		Monthly:  monthlyTable(s, m),
		ByGroup:  groupTable(s, m),
		ByKPI:    kpiTable(s, m),
		Top:      topTable(s, m),
		Terms:    termsTable(s),
		Triggers: triggersTable(s),
		Events:   eventsTable(s),
		Curves:   curvesParagraph(s),
		Notes:    notes(s),
	}
	if s.HasTriggers {
		p.TriggersNote = triggersNote
		if len(s.TriggerRules) > 0 {
			p.TriggersNote += " The terms in force now have " + strings.Join(s.TriggerRules, "; ") + "."
		}
		if len(s.Triggers) == 0 {
			p.TriggersNote += " None fired under the baseline."
		}
	}
	if s.Events != nil {
		p.EventsNote = eventsNote(s.Events)
	}
	if len(s.Scenarios) > 0 || len(s.Sweeps) > 0 {
		p.Scenarios = &scenarioPage{
			Compare:  compareTable(s, m),
			ByGroup:  scenarioGroupTable(s, m),
			Movers:   moversTable(s, m),
			Triggers: triggerDiffTable(s),
			Sweeps:   sweepPages(s, m),
		}
	}
	return p
}

// triggersNote says what the Triggers section lists.
const triggersNote = "A trigger fires for a lot in the month its condition first holds (so many failures at its level or worse " +
	"within its trailing months), and again only after the condition has stopped holding."

func termsTable(s *Summary) table {
	t := table{Cols: texts("Terms", "Description", "Agreed", "In force from", "Governed")}
	for _, x := range s.Terms {
		id, from, governed := x.ID, formatMonth(x.From), "none of the months"
		if id == "" {
			id, from = "original", "the start"
		}
		if x.First != "" {
			governed = formatPeriod(x.First, x.Last)
		}
		t.Rows = append(t.Rows, row{Cells: []string{id, x.Description, x.Agreed, from, governed}})
	}
	return t
}

func triggersTable(s *Summary) table {
	t := table{Cols: append(texts("Trigger", "Level", "Lot", "Month", "KPIs counted"), nums("Failures", "Within months")...)}
	for _, f := range s.Triggers {
		t.Rows = append(t.Rows, row{Cells: []string{f.Trigger, f.Level, f.Lot, formatMonth(f.Month), f.KPIs,
			formatCount(f.Count), formatCount(f.Within)}})
	}
	return t
}

func triggerDiffTable(s *Summary) table {
	t := table{Cols: append(texts("Scenario", "Trigger"), nums("Baseline", "With scenario", "Difference")...)}
	for _, d := range s.TriggerDiffs {
		diff := d.With - d.Baseline
		ds := formatCount(diff)
		if diff > 0 {
			ds = "+" + ds
		}
		t.Rows = append(t.Rows, row{Cells: []string{d.Scenario, d.Trigger, formatCount(d.Baseline), formatCount(d.With), ds}})
	}
	return t
}

func facts(s *Summary) string {
	parts := []string{
		plural(len(s.ByGroup), groupName(s)),
		plural(s.Lots, "lot"),
		plural(s.KPIs, "KPI"),
		plural(s.LotMonths, "lot-month"),
		s.Currency,
	}
	return strings.Join(parts, " · ")
}

// groupName is what totals are grouped by, "provider" when unnamed.
func groupName(s *Summary) string {
	if s.GroupBy == "" {
		return "provider"
	}
	return s.GroupBy
}

func headline(s *Summary, m amounts) string {
	b := s.Baseline
	return "Over " + formatPeriod(s.FirstMonth, s.LastMonth) + ", charges of " + m.f(b.Charge) +
		" earned service credits of " + m.f(b.Credits) + " after caps, " + percentOf(b.Credits, b.Charge) +
		" of charges. " +
		"Earn-back returned " + m.f(b.EarnBack.Neg()) + " of them, leaving net credits of " + m.f(b.Net) + ". " +
		formatCount(b.Failures) + " of " + formatCount(b.Measured) + " measured KPI-months failed (" +
		percentOf(decimal.NewFromInt(int64(b.Failures)), decimal.NewFromInt(int64(b.Measured))) + "); " +
		plural(b.CappedMonths, "lot-month") + " hit the monthly cap."
}

func cards(s *Summary, m amounts) []card {
	b := s.Baseline
	return []card{
		{"Charges", m.f(b.Charge), plural(s.LotMonths, "lot-month")},
		{"Service credits", m.f(b.Credits), percentOf(b.Credits, b.Charge) + " of charges, after caps"},
		{"Earn-back", m.f(b.EarnBack.Neg()), "credits returned"},
		{"Net credits", m.f(b.Net), "credits less earn-back"},
		{"Failures", formatCount(b.Failures), "of " + formatCount(b.Measured) + " measured KPI-months"},
		{"Capped lot-months", formatCount(b.CappedMonths), "credits hit the monthly cap"},
	}
}

// texts and nums make columns.
func texts(names ...string) []column {
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{Name: n, Key: n == "KPI" || n == "Scenario"}
	}
	return cols
}

func nums(names ...string) []column {
	cols := texts(names...)
	for i := range cols {
		cols[i].Num = true
	}
	return cols
}

func monthlyTable(s *Summary, m amounts) table {
	t := table{Cols: texts("Month")}
	if len(s.Monthly) == 0 {
		return t
	}
	for _, se := range s.Monthly {
		t.Cols = append(t.Cols, column{Name: se.Name, Num: true})
	}
	t.Cols = append(t.Cols, column{Name: "Total", Num: true})
	for i, pt := range s.Monthly[0].Points {
		cells := []string{formatMonth(pt.Month)}
		total := decimal.Zero
		for _, se := range s.Monthly {
			v := valueAt(se, i)
			total = total.Add(v)
			cells = append(cells, m.f(v))
		}
		t.Rows = append(t.Rows, row{Cells: append(cells, m.f(total))})
	}
	return t
}

// valueAt is a series' i-th value, zero when the series is short.
func valueAt(se Series, i int) decimal.Decimal {
	if i < len(se.Points) {
		return se.Points[i].Value
	}
	return decimal.Zero
}

func groupTable(s *Summary, m amounts) table {
	t := table{Cols: append(texts(capitalize(groupName(s))),
		nums("Charges", "Credits", "% of charges", "Earn-back returned", "Net", "Failures", "Capped months")...)}
	line := func(name string, x Totals) []string {
		return []string{name, m.f(x.Charge), m.f(x.Credits), percentOf(x.Credits, x.Charge),
			m.f(x.EarnBack.Neg()), m.f(x.Net), formatCount(x.Failures), formatCount(x.CappedMonths)}
	}
	for _, g := range s.ByGroup {
		t.Rows = append(t.Rows, row{Cells: line(g.Name, g.Totals)})
	}
	if len(s.ByGroup) > 1 {
		t.Rows = append(t.Rows, row{Cells: line("Total", s.Baseline), Total: true})
	}
	return t
}

func kpiTable(s *Summary, m amounts) table {
	t := table{Cols: append(texts("KPI", "Name", "Scheme"),
		nums("Credits", "Failures", "Met", "Not measured", "Excused")...)}
	var sum KPITotal
	sum.Credits = decimal.Zero
	for _, k := range s.ByKPI {
		t.Rows = append(t.Rows, row{Cells: []string{k.ID, k.Name, k.Scheme, m.f(k.Credits),
			formatCount(k.Failures), formatCount(k.Met), formatCount(k.NotMeasured), formatCount(k.Excused)}})
		sum.Credits = sum.Credits.Add(k.Credits)
		sum.Failures += k.Failures
		sum.Met += k.Met
		sum.NotMeasured += k.NotMeasured
		sum.Excused += k.Excused
	}
	if len(s.ByKPI) > 1 {
		t.Rows = append(t.Rows, row{Total: true, Cells: []string{"Total", "", "", m.f(sum.Credits),
			formatCount(sum.Failures), formatCount(sum.Met), formatCount(sum.NotMeasured), formatCount(sum.Excused)}})
	}
	return t
}

func topTable(s *Summary, m amounts) table {
	t := table{Cols: append(nums("#"), append(texts("Lot", "Month"),
		nums("Charge", "Credits", "% of charge")...)...)}
	for i, lm := range s.TopMonths {
		t.Rows = append(t.Rows, row{Cells: []string{strconv.Itoa(i + 1), lm.Lot, formatMonth(lm.Month),
			m.f(lm.Charge), m.f(lm.Credits), percentOf(lm.Credits, lm.Charge)}})
	}
	return t
}

// sweepMember tells whether a scenario is one value of a sweep: the
// rulebook names those "<sweep id>/<field>=<value>".
func sweepMember(s *Summary, id string) bool {
	for _, sw := range s.Sweeps {
		if strings.HasPrefix(id, sw.ID+"/") {
			return true
		}
	}
	return false
}

func compareTable(s *Summary, m amounts) table {
	t := table{Cols: append(texts("Scenario", "Description", "From"),
		nums("Credits", "Difference", "By the rules", "By the caps", "Change", "Net of earn-back", "Net difference", "Failures")...)}
	base := s.Baseline
	for _, sc := range s.Scenarios {
		if sweepMember(s, sc.ID) {
			continue
		}
		if len(t.Rows) == 0 {
			t.Rows = append(t.Rows, row{Total: true, Cells: []string{"Baseline", "The contract's current rules",
				"", m.f(base.Credits), "", "", "", "", m.f(base.Net), "", formatCount(base.Failures)}})
		}
		from := "all months"
		if sc.From != "" {
			from = formatMonth(sc.From)
		}
		t.Rows = append(t.Rows, row{Cells: []string{sc.ID, sc.Description, from, m.f(sc.Credits),
			m.diff(sc.Diff), m.diff(sc.Rules), m.diff(sc.Caps), signedPercentOf(sc.Diff, base.Credits),
			m.f(sc.Net), m.diff(sc.NetDiff), formatCount(sc.Failures)}})
	}
	return t
}

func scenarioGroupTable(s *Summary, m amounts) table {
	t := table{Cols: append(texts("Scenario", capitalize(groupName(s))),
		nums("Baseline", "With scenario", "Difference", "By the rules", "By the caps", "Change", "Net difference")...)}
	for _, sc := range s.Scenarios {
		if sweepMember(s, sc.ID) {
			continue
		}
		for i, g := range sc.ByGroup {
			name := ""
			if i == 0 {
				name = sc.ID
			}
			t.Rows = append(t.Rows, row{Group: i == 0, Cells: []string{name, g.Name, m.f(g.Baseline),
				m.f(g.Credits), m.diff(g.Diff), m.diff(g.Rules), m.diff(g.Caps), signedPercentOf(g.Diff, g.Baseline),
				m.diff(g.NetDiff)}})
		}
	}
	return t
}

func moversTable(s *Summary, m amounts) table {
	names := map[string]string{}
	for _, k := range s.ByKPI {
		names[k.ID] = k.Name
	}
	t := table{Cols: append(texts("Scenario", "KPI", "Name"),
		nums("Baseline", "With scenario", "Difference", "By the rules", "By the caps", "Change")...)}
	t.Cols = append(t.Cols, column{Name: "Moved by"})
	for _, mv := range s.Movers {
		t.Rows = append(t.Rows, row{Cells: []string{mv.Scenario, mv.KPI, names[mv.KPI], m.f(mv.Baseline),
			m.f(mv.Credits), m.diff(mv.Diff), m.diff(mv.Rules), m.diff(mv.Caps), signedPercentOf(mv.Diff, mv.Baseline),
			mv.MovedBy(m.places)}})
	}
	return t
}

func sweepPages(s *Summary, m amounts) []sweepPage {
	var out []sweepPage
	for _, sw := range s.Sweeps {
		t := table{Cols: append(texts(sw.Field), nums("Credits", "Difference", "Change")...)}
		value := sweepFormat(sw)
		for _, pt := range sw.Points {
			d := pt.Credits.Sub(sw.Base)
			t.Rows = append(t.Rows, row{Cells: []string{value(pt.Value), m.f(pt.Credits),
				m.diff(d), signedPercentOf(d, sw.Base)}})
		}
		out = append(out, sweepPage{
			Title: "Sweep " + sw.ID + ": " + sw.KPI + " " + sw.Field,
			Note: "Total credits with " + sw.KPI + " " + sw.Field + " set to each value, against the baseline's " +
				m.f(sw.Base) + ".",
			Table: t,
		})
	}
	return out
}

// sweepFormat returns how a sweep's values are written: as the sweep's
// other values are, with as many decimal places as the most precise of
// them needs (0.90, 0.95, not 0.9, 0.95), and as a percent when it is a
// share (90%, 95%) or a percent. The places are worked out once: a sweep
// may have thousands of values.
func sweepFormat(sw Sweep) func(v decimal.Decimal) string {
	scale := func(d decimal.Decimal) decimal.Decimal { return d }
	suffix := ""
	switch sw.Unit {
	case rules.Share:
		scale, suffix = func(d decimal.Decimal) decimal.Decimal { return d.Mul(hundred) }, "%"
	case rules.Percent:
		suffix = "%"
	}
	var places int32
	for _, p := range sw.Points {
		if _, frac, ok := strings.Cut(scale(p.Value).String(), "."); ok { // String drops trailing zeros
			places = max(places, int32(len(frac)))
		}
	}
	return func(v decimal.Decimal) string { return scale(v).StringFixed(places) + suffix }
}

// curvesParagraph introduces the link to the credit curves.
func curvesParagraph(s *Summary) *curvesNote {
	c := s.Curves
	if c == nil {
		return nil
	}
	text := "How each KPI's credit varies with its measure, at a typical charge, under the baseline and each scenario " +
		"(sweeps aside), with flags for disproportion: " + kpiCount(c.Cliff) + " with a cliff edge, " +
		kpiCount(c.OverAtRisk) + " whose credit can exceed the share of the charge it puts at risk, " +
		kpiCount(c.Unreached) + " with a failure level no month of the data reached, of " + plural(c.KPIs, "KPI") + "."
	return &curvesNote{Text: text, Href: c.Href}
}

func kpiCount(n int) string {
	if n == 1 {
		return "1 KPI"
	}
	return formatCount(n) + " KPIs"
}

// notes explains figures whose working is not obvious from the tables.
func notes(s *Summary) []string {
	var out []string
	if p := s.AnnualCap; p != nil {
		out = append(out, "The annual cap ("+p.String()+"% of a contract year's charges) is projected month by month: "+
			"the charges of the year so far plus the current month's charge for each month to come. "+
			"What it has left for a month (annual_cap_left in credits.parquet) therefore follows the charge, "+
			"and can rise within a contract year when the charge rises.")
	}
	return out
}
