package statement

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The workbook's sheets, in order.
const (
	SheetSummary     = "Summary"
	SheetLots        = "Lots"
	SheetFailures    = "KPI failures"
	SheetAdjustments = "Adjustments"
	SheetWaivers     = "Waivers"
)

// WriteXLSX writes the statement as a workbook: Summary (the statement's
// details and one row per lot), Lots (every credit), KPI failures (the
// credits of failed KPIs), Adjustments, and Waivers (waivers and dispute
// steps). Money cells are numbers in a currency format, months are dates,
// header rows are frozen, columns are as wide as their text, and each table
// ends in a total row.
func (s *Statement) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f, s.Currency, s.MinorUnits)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, write := range []func(*book) error{s.summary, s.lotsSheet, s.failures, s.adjustments, s.waivers} {
		if err := write(&book{f: f, st: st, s: s}); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// styles are the workbook's cell styles.
type styles struct {
	header, money, month, total, totalMoney int
	moneyText                               func(decimal.Decimal) string
}

func newStyles(f *excelize.File, currency string, places int32) (*styles, error) {
	format := moneyFormat(currency, places)
	bold := &excelize.Font{Bold: true}
	top := []excelize.Border{{Type: "top", Color: "1B2430", Style: 1}}
	st := &styles{moneyText: func(d decimal.Decimal) string {
		return money.Format(d.Round(places), currency, places)
	}}
	var err error
	for _, x := range []struct {
		id *int
		s  *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: bold, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF1F5"}},
			Border: []excelize.Border{{Type: "bottom", Color: "B8C0CB", Style: 1}}}},
		{&st.money, &excelize.Style{CustomNumFmt: &format}},
		{&st.month, &excelize.Style{CustomNumFmt: ptr("mmm yyyy"), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.total, &excelize.Style{Font: bold, Border: top}},
		{&st.totalMoney, &excelize.Style{Font: bold, Border: top, CustomNumFmt: &format}},
	} {
		if *x.id, err = f.NewStyle(x.s); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// moneyFormat is the number format of an amount in a currency: e.g.
// "£"#,##0.00;-"£"#,##0.00 for GBP; the symbol is the one credits.Money
// writes (the ISO code where there is none).
func moneyFormat(currency string, places int32) string {
	symbol := strings.TrimSuffix(money.Format(decimal.Zero, currency, 0), "0")
	n := "#,##0"
	if places > 0 {
		n += "." + strings.Repeat("0", int(places))
	}
	q := `"` + strings.ReplaceAll(symbol, `"`, ``) + `"`
	return q + n + ";-" + q + n
}

func ptr[T any](v T) *T { return &v }

// book writes one sheet at a time.
type book struct {
	f      *excelize.File
	st     *styles
	s      *Statement
	sheet  string
	row    int       // the last row written
	widths []float64 // per column: the widest text
}

// start adds a sheet (unless it is the first, which exists).
func (b *book) start(name string) error {
	b.sheet, b.row, b.widths = name, 0, nil
	if name == SheetSummary {
		return nil
	}
	_, err := b.f.NewSheet(name)
	return err
}

// put writes a row of values: string, decimal.Decimal (money), rules.Month,
// int64, or nil (empty). style overrides the style of every cell but
// months and money when not 0; totalRow styles money and text as totals.
func (b *book) put(style int, totalRow bool, values ...any) error {
	b.row++
	for i, v := range values {
		cell, err := excelize.CoordinatesToCellName(i+1, b.row)
		if err != nil {
			return err
		}
		text, err := b.set(cell, v, style, totalRow)
		if err != nil {
			return fmt.Errorf("%s!%s: %w", b.sheet, cell, err)
		}
		b.fit(i, text)
	}
	return nil
}

// set writes one cell and returns its text as shown, for the width.
func (b *book) set(cell string, v any, style int, totalRow bool) (string, error) {
	f, st := b.f, b.st
	var err error
	var text string
	switch x := v.(type) {
	case nil: // no value; a total row's style still draws its rule
	case decimal.Decimal:
		style = pick(totalRow, st.totalMoney, st.money)
		err = f.SetCellDefault(b.sheet, cell, x.StringFixed(b.s.MinorUnits)) // a number, exactly
		text = st.moneyText(x)
	case rules.Month:
		style = st.month
		err = f.SetCellValue(b.sheet, cell, firstDay(x))
		text = monthShort(x)
	case int64:
		err = f.SetCellInt(b.sheet, cell, x)
		text = fmt.Sprint(x)
	case string:
		err = f.SetCellStr(b.sheet, cell, x)
		text = x
	default:
		return "", fmt.Errorf("cannot write a %T", v)
	}
	if style == 0 && totalRow {
		style = st.total
	}
	if err == nil && style != 0 {
		err = f.SetCellStyle(b.sheet, cell, cell, style)
	}
	return text, err
}

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}

// fit widens column i for text.
func (b *book) fit(i int, text string) {
	for len(b.widths) <= i {
		b.widths = append(b.widths, 0)
	}
	b.widths[i] = max(b.widths[i], float64(utf8.RuneCountInString(text)))
}

// finish freezes the rows up to and including the header row and sets the
// column widths.
func (b *book) finish(headerRow int) error {
	top, err := excelize.CoordinatesToCellName(1, headerRow+1)
	if err != nil {
		return err
	}
	err = b.f.SetPanes(b.sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: top, ActivePane: "bottomLeft"})
	if err != nil {
		return err
	}
	for i, w := range b.widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := b.f.SetColWidth(b.sheet, col, col, min(max(w+2, 8), 90)); err != nil {
			return err
		}
	}
	return nil
}

// keyHeads returns the lot key columns followed by names.
func (b *book) keyHeads(names ...string) []any {
	var out []any
	for _, k := range b.s.Keys {
		out = append(out, k)
	}
	for _, n := range names {
		out = append(out, n)
	}
	return out
}

// keyed returns a lot's key values followed by values.
func keyed(lot []string, values ...any) []any {
	out := make([]any, 0, len(lot)+len(values))
	for _, v := range lot {
		out = append(out, v)
	}
	return append(out, values...)
}

// totalRow returns "Total" under the first key column, and values under
// the columns after the keys.
func (b *book) totalRow(values ...any) []any {
	out := make([]any, len(b.s.Keys), len(b.s.Keys)+len(values))
	out[0] = "Total"
	return append(out, values...)
}

// summary writes the Summary sheet.
func (s *Statement) summary(b *book) error {
	if err := b.start(SheetSummary); err != nil {
		return err
	}
	details := [][]any{
		{"Contract", s.Contract}, {"Invoice party", s.PartyKey + " " + s.Party}, {"Invoice month", s.Invoice},
		{"Currency", s.Currency}, {"Deduction", s.Totals.Net}, {"Ledger chain head", s.Head}, {},
	}
	for _, d := range details {
		if err := b.put(0, false, d...); err != nil {
			return err
		}
	}
	b.widths[1] = 0 // the details do not set the table's widths
	header := b.row + 1
	if err := b.put(b.st.header, false, b.keyHeads("Credits", "Earn-back", "Adjustments", "Waivers", "Net")...); err != nil {
		return err
	}
	for _, l := range s.Lots {
		t := l.Totals
		if err := b.put(0, false, keyed(l.Lot, t.Credits, t.EarnBack, t.Adjustments, t.Waivers, t.Net)...); err != nil {
			return err
		}
	}
	t := s.Totals
	if err := b.put(0, true, b.totalRow(t.Credits, t.EarnBack, t.Adjustments, t.Waivers, t.Net)...); err != nil {
		return err
	}
	return b.finish(header)
}

// entrySheet writes a sheet of entries with a header, a row per entry and
// a total row: row and total return the values after the lot keys, in the
// order of heads.
func (b *book) entrySheet(name string, heads []string, es []ledger.Entry, row func(ledger.Entry) []any,
	total func([]ledger.Entry) []any) error {
	if err := b.start(name); err != nil {
		return err
	}
	if err := b.put(b.st.header, false, b.keyHeads(heads...)...); err != nil {
		return err
	}
	for _, e := range es {
		if err := b.put(0, false, keyed(e.Lot, row(e)...)...); err != nil {
			return err
		}
	}
	if err := b.put(0, true, b.totalRow(total(es)...)...); err != nil {
		return err
	}
	return b.finish(1)
}

// entries returns the statement's entries of the lots, chosen by part.
func (s *Statement) entries(part func(*Lot) []ledger.Entry, keep func(ledger.Entry) bool) []ledger.Entry {
	var out []ledger.Entry
	for _, l := range s.Lots {
		for _, e := range part(l) {
			if keep == nil || keep(e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// sumOf sums a figure of entries.
func sumOf(es []ledger.Entry, fig func(ledger.Entry) decimal.Decimal) decimal.Decimal {
	t := decimal.Zero
	for _, e := range es {
		t = t.Add(fig(e))
	}
	return t
}

func credit(e ledger.Entry) decimal.Decimal   { return e.Credit }
func earnBack(e ledger.Entry) decimal.Decimal { return e.EarnBack }
func net(e ledger.Entry) decimal.Decimal      { return e.Net() }

func (s *Statement) lotsSheet(b *book) error {
	es := s.entries(func(l *Lot) []ledger.Entry { return l.Credits }, nil)
	return b.entrySheet(SheetLots, []string{"Service month", "KPI", "Level", "Credit", "Earn-back", "Net", "Entry"}, es,
		func(e ledger.Entry) []any {
			return []any{e.Service, e.KPI, e.Level, e.Credit, e.EarnBack, e.Net(), e.Seq}
		},
		func(es []ledger.Entry) []any {
			return []any{nil, nil, nil, sumOf(es, credit), sumOf(es, earnBack), sumOf(es, net)}
		})
}

// Failed reports whether a credit entry is a KPI failure: a failure level,
// or a credit.
func Failed(e ledger.Entry) bool {
	_, failed := rules.ParseLevel(e.Level)
	return failed || !e.Credit.IsZero()
}

func (s *Statement) failures(b *book) error {
	es := s.entries(func(l *Lot) []ledger.Entry { return l.Credits }, Failed)
	return b.entrySheet(SheetFailures, []string{"Service month", "KPI", "Level", "Credit", "Entry"}, es,
		func(e ledger.Entry) []any { return []any{e.Service, e.KPI, e.Level, e.Credit, e.Seq} },
		func(es []ledger.Entry) []any { return []any{nil, nil, nil, sumOf(es, credit)} })
}

func (s *Statement) adjustments(b *book) error {
	es := s.entries(func(l *Lot) []ledger.Entry { return l.Adjustments }, nil)
	heads := []string{"Service month", "KPI", "Level", "Reason", "Credit", "Earn-back", "Net",
		"Inputs SHA-256", "Rulebook SHA-256", "Prior inputs SHA-256", "Prior rulebook SHA-256", "Entry"}
	return b.entrySheet(SheetAdjustments, heads, es,
		func(e ledger.Entry) []any {
			return []any{e.Service, e.KPI, e.Level, e.Reason, e.Credit, e.EarnBack, e.Net(),
				e.Hashes.Inputs, e.Hashes.Rulebook, e.Prior.Inputs, e.Prior.Rulebook, e.Seq}
		},
		func(es []ledger.Entry) []any {
			return []any{nil, nil, nil, nil, sumOf(es, credit), sumOf(es, earnBack), sumOf(es, net)}
		})
}

func (s *Statement) waivers(b *book) error {
	es := s.entries(func(l *Lot) []ledger.Entry { return l.Waivers }, nil)
	heads := []string{"Service month", "KPI", "Step", "By", "Role", "Reason", "Amount", "Recorded", "Entry"}
	return b.entrySheet(SheetWaivers, heads, es,
		func(e ledger.Entry) []any {
			return []any{e.Service, e.KPI, StepName(e.Kind), e.Actor, e.Role, e.Reason, e.Net(),
				e.At.Format("2006-01-02 15:04 MST"), e.Seq}
		},
		func(es []ledger.Entry) []any { return []any{nil, nil, nil, nil, nil, nil, sumOf(es, net)} })
}
