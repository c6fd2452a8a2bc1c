package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/report -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; if intended, rerun with -update", name)
}

func render(t *testing.T, write func(*bytes.Buffer, *Summary) error, s *Summary) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, write(&b, s))
	return b.String()
}

func md(b *bytes.Buffer, s *Summary) error   { return WriteMarkdown(b, s) }
func html(b *bytes.Buffer, s *Summary) error { return WriteHTML(b, s) }

func TestMarkdownGolden(t *testing.T) {
	golden(t, "summary.md.golden", []byte(render(t, md, fixture())))
}

func TestHTMLGolden(t *testing.T) {
	golden(t, "summary.html.golden", []byte(render(t, html, fixture())))
}

func TestDeterministic(t *testing.T) {
	for name, write := range map[string]func(*bytes.Buffer, *Summary) error{"md": md, "html": html} {
		assert.Equal(t, render(t, write, fixture()), render(t, write, fixture()), name)
	}
}

func withoutScenarios() *Summary {
	s := fixture()
	s.Scenarios, s.Movers, s.Sweeps = nil, nil, nil
	return s
}

func TestNoScenarioSection(t *testing.T) {
	m := render(t, md, withoutScenarios())
	assert.NotContains(t, m, "Scenarios")
	assert.Contains(t, m, "## Credits by KPI")
	h := render(t, html, withoutScenarios())
	assert.NotContains(t, h, "Scenarios")
	assert.Contains(t, h, "<h2>Credits by KPI</h2>")
	assert.Equal(t, 1, strings.Count(h, "<svg"), "only the monthly chart")
}

func TestScenarioSection(t *testing.T) {
	m := render(t, md, fixture())
	assert.Contains(t, m, "## Scenarios")
	assert.Contains(t, m, "| ccn-revised-kpis ")
	assert.Contains(t, m, "### Sweep defect-target-sweep: KPI-01 target")
	assert.NotContains(t, m, "| defect-target-sweep/target=0.90 ",
		"sweep members are shown in their sweep, not as scenarios")
	h := render(t, html, fixture())
	assert.Equal(t, 2, strings.Count(h, "<svg"), "monthly chart and one sweep chart")
}

func TestNilSummary(t *testing.T) {
	var b bytes.Buffer
	assert.Error(t, WriteMarkdown(&b, nil))
	assert.Error(t, WriteHTML(&b, nil))
	assert.Zero(t, b.Len())
}

// The page loads nothing: its one link is to the curves page beside it.
func TestHTMLSelfContained(t *testing.T) {
	h := render(t, html, fixture())
	for _, bad := range []string{"<script", "src=", "url(", "@import", "http:", "https:"} {
		assert.NotContains(t, h, bad)
	}
	assert.Equal(t, 1, strings.Count(h, "href="))
	assert.Contains(t, h, `<a href="curves.html">curves.html</a>`)
}

// The curves paragraph and the notes appear only when there is something
// to say; a link is never a script.
func TestCurvesLinkAndNotes(t *testing.T) {
	s := fixture()
	m := render(t, md, s)
	assert.Contains(t, m, "\n## Credit curves\n\nHow each KPI's credit varies with its measure, at a typical charge, "+
		"under the baseline and each scenario (sweeps aside), with flags for disproportion: 2 KPIs with a cliff edge, "+
		"1 KPI whose credit can exceed the share of the charge it puts at risk, 3 KPIs with a failure level no month "+
		"of the data reached, of 4 KPIs. See [curves.html](curves.html).\n")
	assert.Contains(t, m, "\n## Notes\n\n- The annual cap (5% of a contract year's charges) is projected month by month")
	assert.Contains(t, m, "can rise within a contract year when the charge rises.\n")

	s.Curves.Href = "javascript:alert(1)"
	h := render(t, html, s)
	assert.NotContains(t, h, `href="javascript:`)
	assert.Contains(t, h, `href="#ZgotmplZ"`, "html/template defuses the link")
	s.Curves.Href = "my curves (1).html"
	assert.Contains(t, render(t, md, s), "See [my curves (1).html](my%20curves%20%281%29.html).")

	s.Curves, s.AnnualCap = nil, nil
	for _, write := range []func(*bytes.Buffer, *Summary) error{md, html} {
		page := render(t, write, s)
		assert.NotContains(t, page, "Credit curves")
		assert.NotContains(t, page, "Notes")
	}
}

// What moved a KPI: the rules, the caps, or both, to the minor unit.
func TestMovedBy(t *testing.T) {
	for _, tc := range []struct{ rules, caps, want string }{
		{"-10.00", "0", "rules only"},
		{"0", "-10.00", "caps only"},
		{"-10.00", "4.00", "rules and caps"},
		{"0.004", "-10.00", "caps only"},
		{"-10.00", "0.004", "rules only"},
		{"0.004", "-0.004", "none"},
	} {
		c := Change{Rules: d(tc.rules), Caps: d(tc.caps)}
		assert.Equal(t, tc.want, c.MovedBy(2), "%s %s", tc.rules, tc.caps)
	}
}

// Sweep values are written alike, and a share or a percent as a percent.
func TestSweepValue(t *testing.T) {
	for _, tc := range []struct {
		unit   rules.Unit
		values []string
		want   []string
	}{
		{rules.NoUnit, []string{"0.9", "0.95", "1"}, []string{"0.90", "0.95", "1.00"}},
		{rules.Share, []string{"0.9", "0.95", "1"}, []string{"90%", "95%", "100%"}},
		{rules.Share, []string{"0.9", "0.905"}, []string{"90.0%", "90.5%"}},
		{rules.Percent, []string{"90", "92.5"}, []string{"90.0%", "92.5%"}},
		{rules.Number, []string{"21", "28"}, []string{"21", "28"}},
	} {
		sw := Sweep{Unit: tc.unit}
		for _, v := range tc.values {
			sw.Points = append(sw.Points, SweepPoint{Value: d(v)})
		}
		var got []string
		value := sweepFormat(sw)
		for _, p := range sw.Points {
			got = append(got, value(p.Value))
		}
		assert.Equal(t, tc.want, got)
	}
}

func TestEscaping(t *testing.T) {
	s := fixture()
	s.Contract = `<script>alert("x")</script> | *Ltd*`
	s.ByGroup[0].Name = "A&B <Homes>"
	s.Monthly[0].Name = "A&B <Homes>"
	h := render(t, html, s)
	assert.NotContains(t, h, "<script>")
	assert.NotContains(t, h, "<Homes>")
	assert.Contains(t, h, "&lt;script&gt;")
	assert.Contains(t, h, "A&amp;B &lt;Homes&gt;")
	m := render(t, md, s)
	assert.Contains(t, m, `# \<script\>alert("x")\</script\> \| \*Ltd\*: service credits`)
	assert.Contains(t, m, `| A&B \<Homes\> `)
}

func TestEmptySummary(t *testing.T) {
	s := &Summary{Contract: "Empty", Currency: "EUR", MinorUnits: 2, FirstMonth: "2025-01", LastMonth: "2025-01"}
	m := render(t, md, s)
	assert.Contains(t, m, "# Empty: service credits, Jan 2025\n")
	assert.Contains(t, m, "€0.00")
	assert.NotContains(t, m, "|")
	h := render(t, html, s)
	assert.NotContains(t, h, "<svg")
	assert.NotContains(t, h, "<table")
}
