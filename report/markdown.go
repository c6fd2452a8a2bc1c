package report

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// errNilSummary is returned when there is no summary to write.
var errNilSummary = errors.New("report: nil summary")

// WriteMarkdown writes s as summary.md: a title, a headline paragraph, tables
// by provider, by KPI, by month and of the top lot-months, and, when the run
// has scenarios, a Scenarios section comparing them with the baseline. The
// output depends only on s. Nothing is written if s is nil.
func WriteMarkdown(w io.Writer, s *Summary) error {
	if s == nil {
		return errNilSummary
	}
	p := newPage(s)
	var b bytes.Buffer
	b.WriteString("# " + mdEscape(p.Contract) + ": service credits, " + p.Period + "\n\n")
	b.WriteString(mdEscape(p.Facts) + "\n\n")
	b.WriteString(mdEscape(p.Headline) + "\n")
	mdSection(&b, "## Credits by "+mdEscape(groupName(s)), "", p.ByGroup)
	mdSection(&b, "## Credits by KPI", "", p.ByKPI)
	if c := p.Curves; c != nil {
		b.WriteString("\n## Credit curves\n\n" + mdEscape(c.Text) + " See [" + mdEscape(c.Href) + "](" + mdLink(c.Href) + ").\n")
	}
	mdSection(&b, "## Credits by month", "", p.Monthly)
	mdSection(&b, "## Top lot-months", "", p.Top)
	mdSection(&b, "## Terms in force", termsIntro, p.Terms)
	if p.TriggersNote != "" {
		b.WriteString("\n## Triggers\n\n" + mdEscape(p.TriggersNote) + "\n")
		if len(p.Triggers.Rows) > 0 {
			b.WriteString("\n")
			mdTable(&b, p.Triggers)
		}
	}
	if p.EventsNote != "" {
		mdSection(&b, "## Event data", mdEscape(p.EventsNote), p.Events)
	}
	if sc := p.Scenarios; sc != nil {
		b.WriteString("\n## Scenarios\n\n" + scenarioIntro + "\n")
		mdSection(&b, "### Scenarios against the baseline", "", sc.Compare)
		mdSection(&b, "### Scenarios by "+mdEscape(groupName(s)), "", sc.ByGroup)
		mdSection(&b, "### KPIs that move most", "", sc.Movers)
		mdSection(&b, "### Triggers under each scenario", "", sc.Triggers)
		for _, sw := range sc.Sweeps {
			mdSection(&b, "### "+mdEscape(sw.Title), mdEscape(sw.Note), sw.Table)
		}
	}
	if len(p.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range p.Notes {
			b.WriteString("- " + mdEscape(n) + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// termsIntro explains the terms table.
const termsIntro = "The baseline runs each month under the terms in force: the contract as first agreed, " +
	"with every agreed change notice in force by then applied in order. Governed is the months of the data " +
	"for which each was the latest in force."

// scenarioIntro explains the sign of the differences and how they split.
const scenarioIntro = "Each scenario reruns the whole period with changed rules. " +
	"Differences are scenario minus baseline: a positive difference means more credits, " +
	"a larger deduction from the charge. Each difference splits in two: by the rules, what the changed rules " +
	"would have cost before caps less what the baseline cost before caps; by the caps, the rest, what the " +
	"monthly, annual and rolling caps then did. A KPI the scenario does not change can still move, by the caps " +
	"(a lower cap, or other KPIs filling it) or through a service area it shares. " +
	"Net of earn-back is credits less the earn-back returned."

// mdSection writes a heading, an optional note and a table; nothing when
// the table has no rows.
func mdSection(b *bytes.Buffer, heading, note string, t table) {
	if len(t.Rows) == 0 {
		return
	}
	b.WriteString("\n" + heading + "\n\n")
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	mdTable(b, t)
}

// mdTable writes t as a pipe table padded to line up in plain text, with
// numbers right-aligned and totals rows in bold.
func mdTable(b *bytes.Buffer, t table) {
	grid := [][]string{make([]string, len(t.Cols))}
	for i, c := range t.Cols {
		grid[0][i] = mdEscape(c.Name)
	}
	for _, r := range t.Rows {
		cells := make([]string, len(t.Cols))
		for i := range cells {
			if i < len(r.Cells) {
				cells[i] = mdEscape(r.Cells[i])
			}
			if r.Total && cells[i] != "" {
				cells[i] = "**" + cells[i] + "**"
			}
		}
		grid = append(grid, cells)
	}
	widths := make([]int, len(t.Cols))
	for _, cells := range grid {
		for i, c := range cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(c), 3)
		}
	}
	sep := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		sep[i] = strings.Repeat("-", widths[i])
		if c.Num {
			sep[i] = sep[i][1:] + ":"
		}
	}
	mdRow(b, grid[0], t.Cols, widths)
	b.WriteString("| " + strings.Join(sep, " | ") + " |\n")
	for _, cells := range grid[1:] {
		mdRow(b, cells, t.Cols, widths)
	}
}

func mdRow(b *bytes.Buffer, cells []string, cols []column, widths []int) {
	for i, c := range cells {
		pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
		if cols[i].Num {
			c = pad + c
		} else {
			c += pad
		}
		b.WriteString("| " + c + " ")
	}
	b.WriteString("|\n")
}

// mdEscaper backslash-escapes the characters that would start Markdown
// markup or HTML, or end a table cell, and flattens line breaks.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "\r\n", " ", "\n", " ", "\r", " ",
)

func mdEscape(s string) string { return mdEscaper.Replace(s) }

// mdLink makes a relative link safe inside a Markdown link's brackets:
// spaces and brackets are percent-encoded.
func mdLink(s string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(s)
}
