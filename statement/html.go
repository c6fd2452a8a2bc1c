package statement

import (
	_ "embed"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

//go:embed statement.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("statement").Parse(htmlSource))

// WriteHTML writes the statement as a print-ready HTML page: a summary,
// then one section per lot (a page each in print), then the chain head.
func (s *Statement) WriteHTML(w io.Writer) error {
	return htmlTemplate.Execute(w, s.view())
}

// view is what the HTML template shows: every amount formatted.
type view struct {
	Contract, Currency, PartyText, InvoiceText, Head string
	Total                                            totalsView
	Lots                                             []lotView
}

type totalsView struct{ Credits, EarnBack, Adjustments, Waivers, Net string }

type lotView struct {
	Label                         string
	Totals                        totalsView
	Credits, Adjustments, Waivers []lineView
}

type lineView struct {
	Seq                         int64
	Service, KPI, Level, Reason string
	Step, Actor, Role           string
	Credit, EarnBack, Net       string
	Inputs, Prior, InputsShort  string
	PriorShort                  string
}

func (s *Statement) view() view {
	v := view{Contract: s.Contract, Currency: s.Currency, PartyText: s.PartyKey + " " + s.Party,
		InvoiceText: monthName(s.Invoice), Head: s.Head, Total: s.totalsView(s.Totals)}
	for _, l := range s.Lots {
		lv := lotView{Label: s.Label(l), Totals: s.totalsView(l.Totals)}
		for _, group := range []struct {
			in  []ledger.Entry
			out *[]lineView
		}{{l.Credits, &lv.Credits}, {l.Adjustments, &lv.Adjustments}, {l.Waivers, &lv.Waivers}} {
			for _, e := range group.in {
				*group.out = append(*group.out, s.lineView(e))
			}
		}
		v.Lots = append(v.Lots, lv)
	}
	return v
}

func (s *Statement) totalsView(t Totals) totalsView {
	return totalsView{s.money(t.Credits), s.money(t.EarnBack), s.money(t.Adjustments), s.money(t.Waivers), s.money(t.Net)}
}

func (s *Statement) lineView(e ledger.Entry) lineView {
	return lineView{Seq: e.Seq, Service: monthShort(e.Service), KPI: e.KPI, Level: e.Level, Reason: e.Reason,
		Step: StepName(e.Kind), Actor: e.Actor, Role: e.Role, Credit: s.money(e.Credit),
		EarnBack: s.money(e.EarnBack), Net: s.money(e.Net()), Inputs: e.Hashes.Inputs, Prior: e.Prior.Inputs,
		InputsShort: short(e.Hashes.Inputs), PriorShort: short(e.Prior.Inputs)}
}

// Label names a lot on the statement by its key values other than the
// invoice party's, e.g. "region North"; by the party when it has no other.
func (s *Statement) Label(l *Lot) string {
	var parts []string
	for i, k := range s.Keys {
		if k != s.PartyKey {
			parts = append(parts, k+" "+l.Lot[i])
		}
	}
	if len(parts) == 0 {
		return s.PartyKey + " " + s.Party
	}
	return strings.Join(parts, ", ")
}

// StepName names an entry's kind for a reader.
func StepName(k ledger.Kind) string {
	switch k {
	case ledger.KindCredit:
		return "Credit"
	case ledger.KindAdjustment:
		return "Adjustment"
	case ledger.KindWaiver:
		return "Waiver"
	case ledger.KindDisputeOpen:
		return "Dispute opened"
	case ledger.KindDisputeAgree:
		return "Dispute agreed: credit stands"
	case ledger.KindDisputeWaive:
		return "Dispute settled: waived"
	}
	return string(k)
}

// money formats an amount like -£1,200.00.
func (s *Statement) money(d decimal.Decimal) string {
	return money.Format(d.Round(s.MinorUnits), s.Currency, s.MinorUnits)
}

// firstDay returns the first day of a month.
func firstDay(m rules.Month) time.Time {
	return time.Date(m.Year(), time.Month(m.Number()), 1, 0, 0, 0, 0, time.UTC)
}

func monthName(m rules.Month) string  { return firstDay(m).Format("January 2006") }
func monthShort(m rules.Month) string { return firstDay(m).Format("Jan 2006") }

// short shortens a hash for the page; the full one is in the title.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	if h == "" {
		return "–"
	}
	return h
}
