package curves_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// small computes the curves of testdata/small.yaml with a little data:
// lot A's charges have the median £110,000 and lot B's £80,000, so the
// typical charge is £95,000.
func small(t testing.TB) *curves.Set {
	t.Helper()
	rb, err := rules.Load("testdata/small.yaml", nil)
	require.NoError(t, err)
	data := curves.NewData()
	data.AddCharge("A", d("100000"))
	data.AddCharge("A", d("120000"))
	data.AddCharge("B", d("80000"))
	for id, ms := range map[string][]string{
		"K1": {"0.97", "0.93"}, "K2": {"0.85", "0.95"}, "K3": {"9", "12"}, "K4": {"0.99", "0.96"},
	} {
		for _, m := range ms {
			data.AddMeasure(id, d(m))
		}
	}
	return compute(t, rb, rb.Scenarios, curves.Options{Data: data})
}

func render(t testing.TB, set *curves.Set) (html, csv []byte) {
	t.Helper()
	var h, c bytes.Buffer
	require.NoError(t, set.WriteHTML(&h))
	require.NoError(t, set.WriteCSV(&c))
	return h.Bytes(), c.Bytes()
}

// The outputs of the small contract match the golden files; run with
// -update to rewrite them after an intended change, and review the diff.
func TestGolden(t *testing.T) {
	html, csv := render(t, small(t))
	for name, got := range map[string][]byte{"small.html": html, "small.csv": csv} {
		path := filepath.Join("testdata", name)
		if *update {
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%s differs; run go test ./curves -run Golden -update and review", name)
	}
}

// The same inputs give the same bytes, the example's scenarios and data
// included.
func TestDeterministic(t *testing.T) {
	rb := example(t)
	data := exampleData(t, rb)
	h1, c1 := render(t, compute(t, rb, rb.Scenarios, curves.Options{Data: data}))
	h2, c2 := render(t, compute(t, rb, rb.Scenarios, curves.Options{Data: data}))
	require.True(t, bytes.Equal(h1, h2))
	require.True(t, bytes.Equal(c1, c2))
}

var svgPattern = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// The page needs nothing from elsewhere: no script, no external address,
// and every chart is well-formed SVG. Each KPI has a section and a chart.
func TestHTMLSelfContained(t *testing.T) {
	set := small(t)
	html, _ := render(t, set)
	page := string(html)
	require.NotContains(t, page, "<script")
	require.NotContains(t, page, "src=")
	require.Equal(t, strings.Count(page, "http"), strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`),
		"the only address is the SVG namespace")
	require.Equal(t, len(set.KPIs), strings.Count(page, "<h2 id="))
	svgs := svgPattern.FindAllString(page, -1)
	require.NotEmpty(t, svgs)
	charts := 0
	for _, s := range svgs {
		dec := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, s[:min(len(s), 200)])
		}
		if strings.Contains(s, `viewBox="0 0 760 340"`) {
			charts++
		}
	}
	require.Equal(t, len(set.KPIs), charts)
	for _, want := range []string{
		"£95,000.00", "the median of 2 lots&#39; median monthly charges", // the charge
		"also sweep/target=0.9", // a sweep value equal to the baseline's target
		"Not in: soft",          // K3, removed by soft
		"at risk 1.5%",          // K2's declared share
	} {
		require.Contains(t, page, want)
	}
}

func TestCSV(t *testing.T) {
	_, csv := render(t, small(t))
	lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
	require.Equal(t, "kpi,scenario,measure,level,credit,escalated_credit,charge,flags", lines[0])
	// K1 at 89.9%: serious, £4,000 (x2 £8,000), past the serious cliff
	// (£2,500 is 2.6% of £95,000), over the at-risk 6% / 4 = 1.5% (£1,425),
	// at a level the data (93% at worst) never reached.
	want := "K1,baseline,0.899,serious,4000.00,8000.00,95000.00,cliff;over_at_risk;unreached"
	found := false
	for _, l := range lines {
		found = found || l == want
		require.False(t, strings.HasPrefix(l, "K2,sweep/target=0.9,"), "the same as the baseline: not repeated")
	}
	require.True(t, found, want)
}

type failing struct{ after int }

func (f *failing) Write(p []byte) (int, error) {
	if f.after < len(p) {
		return 0, errors.New("disk full")
	}
	f.after -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	set := small(t)
	for _, after := range []int{0, 5000} {
		require.EqualError(t, set.WriteCSV(&failing{after: after}), "disk full")
		require.ErrorContains(t, set.WriteHTML(&failing{after: after}), "disk full")
	}
}

// The rules of each curve are told in words; a chart with no credit and
// no cap or at-risk share still has an axis.
func TestHTMLRules(t *testing.T) {
	rb := parse(t, one+`kpis:
  - {id: K1, measure: a, direction: lower, target: 10.5, credit: {per_shortfall: {money: 5, per: 2, whole_units: true}}}
  - {id: K2, measure: a / b, target: 0.9, credit: {fixed: {minor: 0}}}
  - {id: K3, measure: a / b, target: 0.9, serious: 0.8, credit: {points: {minor: 3, serious: 4}}, escalation: [1, 2]}
  - {id: K4, measure: a / b, target: 0.9, credit: {percent_of_charge: {minor: 0.5}}}
`)
	html, _ := render(t, compute(t, rb, nil, curves.Options{Charge: d("1000")}))
	for _, want := range []string{
		"lower is better; target 10.5; per shortfall: £5.00 per 2 (whole units)",
		"higher is better; target 90%; fixed: minor £0.00",
		"higher is better; target 90%; serious 80%; points: minor 3, serious 4; escalation x1, x2",
		"percent of charge: minor 0.5%",
		"<td>none</td><td>unknown</td><td>none: grows with the shortfall</td>",
		"<td>£400.00 (40%); x2: £800.00 (80%)</td>",
		`<text x="72" dx="-6" y="36.0" dy="4" text-anchor="end">1%</text>`, // K2's empty chart tops at 1%
	} {
		require.Contains(t, string(html), want)
	}
}
