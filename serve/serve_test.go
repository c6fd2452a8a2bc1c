package serve_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/kpicredit/kpicredit/serve"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The page is one document: its style and script inline, allowed by a
// nonce that the Content-Security-Policy names, nothing fetched.
func TestPage(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	resp := s.request("GET", "/", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	page := body(t, resp)
	csp := resp.Header.Get("Content-Security-Policy")
	nonce := regexp.MustCompile(`script-src 'nonce-([^']+)'`).FindStringSubmatch(csp)
	require.NotNil(t, nonce, csp)
	require.Contains(t, csp, "default-src 'none'")
	require.Contains(t, csp, "connect-src 'self'")
	require.Contains(t, page, `<script nonce="`+nonce[1]+`">`)
	require.Contains(t, page, `<style nonce="`+nonce[1]+`">`)
	require.Contains(t, page, `"token":"`+s.srv.Token()+`"`)
	for _, bad := range []string{"src=", "<link", "@import", "url(", "https:"} {
		require.NotContains(t, page, bad)
	}
	require.Equal(t, 1, strings.Count(page, "http://"), "the SVG namespace is the page's only address")
	require.Contains(t, page, "http://www.w3.org/2000/svg")
	require.Contains(t, page, "Asylum Accommodation and Support Contract (example)")
	require.Contains(t, page, "rules.yaml · data.csv · relief.csv", "file names, not their directories")
	require.NotContains(t, page, "examples/aasc")

	second := s.request("GET", "/", "", nil)
	require.NotEqual(t, csp, second.Header.Get("Content-Security-Policy"), "a fresh nonce each time")
}

// An evaluation gives the change's figures against the baseline's; the
// KPI-07 targets match the example's sweep of the same values.
func TestEvaluate(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	for _, tc := range []struct {
		name, change, exact, diff, rules, caps, moved string
	}{
		{"no change", `{}`, "4094511.83", "£0.00", "£0.00", "£0.00", "none"},
		{"KPI-07 target 93%", `{"kpis":{"KPI-07":{"target":"0.93"}}}`, "3938827.71", "-£155,684.12", "-£165,948.98", "+£10,264.86", "rules and caps"},
		{"KPI-07 target 99%", `{"kpis":{"KPI-07":{"target":" 0.99 "}}}`, "4780443.78", "+£685,931.95", "", "", "rules and caps"},
		{"blank values change nothing", `{"kpis":{"KPI-07":{"target":""}},"caps":{"monthly_percent_of_charge":"  "}}`,
			"4094511.83", "£0.00", "£0.00", "£0.00", "none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := s.evaluate(tc.change)
			require.Equal(t, http.StatusOK, code, r.Text)
			require.True(t, r.OK, r.Problems)
			require.Empty(t, r.Problems)
			require.Equal(t, tc.exact, r.Total.Exact)
			require.Equal(t, "£4,094,511.83", r.Total.Baseline)
			require.Equal(t, tc.diff, r.Total.Diff)
			if tc.rules != "" {
				require.Equal(t, tc.rules, r.Total.Rules)
				require.Equal(t, tc.caps, r.Total.Caps)
			}
			require.Equal(t, tc.moved, r.Total.Moved)
			require.Len(t, r.Groups, 3)
			require.Len(t, r.KPIs, 15)
			require.Len(t, r.Months, 24)
			require.Equal(t, "whatif.yaml", r.File)
			require.Contains(t, r.YAML, "id: whatif\n")
		})
	}
}

// A scenario file the page makes reproduces its figures to the penny when
// run as kpicredit run --scenario does: in all, by provider and by KPI.
func TestDownloadReproduces(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	for _, change := range []string{
		`{"kpis":{"KPI-07":{"target":"0.93"}}}`,
		`{"from":"2025-09","kpis":{"KPI-06":{"credit.sliding.max_percent_of_charge":"1","serious":"0.85"},"KPI-12":{"credit.per_shortfall.whole_units":"true"}},"caps":{"monthly_percent_of_charge":"5"}}`,
		`{"kpis":{"KPI-01":{"credit.points.critical":"12","target":"0.985"},"KPI-15":{"credit.sliding.floor":"0.6"}},"caps":{"annual_percent_of_charge":"3"}}`,
		// No from: the whole of CCN-007's sliding scheme, in every month,
		// also before CCN-007 made KPI-06's credit sliding.
		`{"kpis":{"KPI-06":{"credit.sliding.floor":"0.7"}}}`,
	} {
		code, r := s.evaluate(change)
		require.Equal(t, http.StatusOK, code, r.Text)
		require.True(t, r.OK, r.Problems)
		resp := s.download(change, s.srv.Token())
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, `attachment; filename="whatif.yaml"`, resp.Header.Get("Content-Disposition"))
		require.Equal(t, "application/yaml; charset=utf-8", resp.Header.Get("Content-Type"))
		doc := body(t, resp)
		require.Equal(t, r.YAML, doc, "the file downloaded is the one evaluated")

		file := filepath.Join(t.TempDir(), "whatif.yaml")
		require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
		files := exampleFiles
		files.Scenarios = []string{file}
		job, err := runner.Load(context.Background(), files)
		require.NoError(t, err)
		res, err := runner.Run(context.Background(), job)
		require.NoError(t, err)
		run, ok := res.Run("whatif")
		require.True(t, ok)
		require.Equal(t, r.Total.Exact, run.Total.Credits.StringFixed(2), change)
		kpis := map[string]decimal.Decimal{}
		for _, lot := range run.KPIs {
			for _, k := range lot {
				kpis[k.KPI] = kpis[k.KPI].Add(k.Credits)
			}
		}
		for _, k := range r.KPIs {
			require.Equal(t, k.Exact, kpis[k.ID].StringFixed(2), k.ID)
		}
	}
}

// The page offers the contract as it stands: the KPIs, fields and caps
// of the terms in force in the data's last month, every amendment
// applied. A change of a scheme's amount states the whole scheme, the
// other amounts as those terms have them, since it applies over every
// amendment in every month.
func TestThePageOffersTheTermsInForce(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	code, r := s.evaluate(`{"kpis":{"KPI-06":{"credit.fixed.minor":"1"}}}`)
	require.Equal(t, http.StatusBadRequest, code, "KPI-06's credit is sliding under CCN-007")
	require.Contains(t, r.Text, `KPI-06: "credit.fixed.minor" cannot be changed here`)

	code, r = s.evaluate(`{"kpis":{"KPI-06":{"credit.sliding.floor":"0.7"}}}`)
	require.Equal(t, http.StatusOK, code, r.Text)
	require.True(t, r.OK, r.Problems)
	require.Contains(t, r.YAML, "KPI-06:\n    credit:\n      sliding:\n        max_percent_of_charge: 0.5\n        floor: 0.7\n")

	page := body(t, s.request("GET", "/", "", nil))
	require.Contains(t, page, `{"path":"monthly_percent_of_charge","label":"Monthly cap, % of charge","value":"5"`, "CCN-007's cap")
}

// A change the loader refuses comes back with its problems at their
// positions, each tied to the page's field; no figures.
func TestProblems(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	type want struct{ pos, field, msg string }
	for _, tc := range []struct {
		name, change string
		want         []want
	}{
		{"not a number", `{"kpis":{"KPI-04":{"target":"high"}}}`, []want{
			{"whatif.yaml:8:13", "KPI-04|target", `must be a number, not "high"`}}},
		{"a share over 100%", `{"kpis":{"KPI-07":{"target":"95"}}}`, []want{
			{"whatif.yaml:8:13", "KPI-07|target", "95 can never be met: the measure (unit share) is never above 1"}}},
		{"a bound on the wrong side", `{"kpis":{"KPI-02":{"serious":"0.97"}}}`, []want{
			{"whatif.yaml:8:14", "KPI-02|serious", "0.97 is above target 0.95"}}},
		{"a cap over 100%", `{"caps":{"monthly_percent_of_charge":"120"}}`, []want{
			{"whatif.yaml:7:30", "caps|monthly_percent_of_charge", "must be at most 100, got 120"}}},
		{"a month outside the contract", `{"from":"2040-01"}`, []want{
			{"whatif.yaml:6:7", "from", "2040-01"}}},
		{"not a month", `{"from":"soon"}`, []want{{"whatif.yaml:6:7", "from", `"soon"`}}},
		{"text cannot add keys", `{"kpis":{"KPI-04":{"target":"0.9\nremove: [KPI-01]"}}}`, []want{
			{"whatif.yaml:8:13", "KPI-04|target", "must be a number"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := s.evaluate(tc.change)
			require.Equal(t, http.StatusOK, code, r.Text)
			require.False(t, r.OK)
			require.Nil(t, r.Total)
			require.Len(t, r.Problems, len(tc.want), r.Problems)
			for i, w := range tc.want {
				p := r.Problems[i]
				require.Equal(t, w.pos, p.Pos, p)
				require.Equal(t, w.field, p.Field, p)
				require.Contains(t, p.Msg, w.msg)
				require.True(t, strings.HasPrefix(p.Key, "scenarios.whatif."), p.Key)
			}
			resp := s.download(tc.change, s.srv.Token())
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			require.Contains(t, body(t, resp), tc.want[0].pos)
		})
	}
}
