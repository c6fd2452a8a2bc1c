package report

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
)

//go:embed summary.html.tmpl
var htmlSource string

// htmlTemplate is the page; html/template escapes every value it prints.
var htmlTemplate = template.Must(template.New("summary").Parse(htmlSource))

// htmlPage is a page with its charts.
type htmlPage struct {
	*page
	GroupName    string
	Currency     string
	MonthlyChart *barChart
	Intro        string
	TermsIntro   string
}

// WriteHTML writes s as summary.html: one self-contained page (inline CSS
// and SVG, no scripts, no external assets) with headline cards, a chart of
// credits by month, the tables WriteMarkdown writes and, for each sweep, a
// chart of total credits against the swept value. The output depends only
// on s. Nothing is written if s is nil or the page cannot be built.
func WriteHTML(w io.Writer, s *Summary) error {
	if s == nil {
		return errNilSummary
	}
	m := amounts{s.Currency, s.MinorUnits}
	p := htmlPage{page: newPage(s), GroupName: groupName(s), Currency: s.Currency,
		MonthlyChart: monthlyChart(s, m), Intro: scenarioIntro, TermsIntro: termsIntro}
	if p.Scenarios != nil {
		for i := range p.Scenarios.Sweeps {
			p.Scenarios.Sweeps[i].Chart = sweepChart(s.Sweeps[i], i+1, m)
		}
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, p); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// cell is a table cell as the template draws it.
type cell struct {
	Text string
	Num  bool
	Key  bool
}

// htmlRow is a table row as the template draws it.
type htmlRow struct {
	Class string
	Cells []cell
}

// HTMLRows pairs each cell with its column, for the template.
func (t table) HTMLRows() []htmlRow {
	out := make([]htmlRow, len(t.Rows))
	for i, r := range t.Rows {
		switch {
		case r.Total:
			out[i].Class = "total"
		case r.Group:
			out[i].Class = "group"
		}
		for j, c := range t.Cols {
			text := ""
			if j < len(r.Cells) {
				text = r.Cells[j]
			}
			out[i].Cells = append(out[i].Cells, cell{Text: text, Num: c.Num, Key: c.Key})
		}
	}
	return out
}
