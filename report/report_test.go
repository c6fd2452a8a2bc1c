package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestHTMLSelfContained(t *testing.T) {
	h := render(t, html, fixture())
	for _, bad := range []string{"<script", "src=", "href=", "url(", "@import", "http:", "https:"} {
		assert.NotContains(t, h, bad)
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
