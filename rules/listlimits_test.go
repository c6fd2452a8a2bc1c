package rules_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// A rulebook's lists that every scenario and sweep member holds, or that
// the curves price in time growing with their square, are bounded: a KPI's
// escalation multipliers, the KPIs, and the KPIs a scenario adds.
func TestListLimits(t *testing.T) {
	src, err := os.ReadFile("../testdata/small/small.yaml")
	require.NoError(t, err)
	base := string(src)
	kpi := func(id string) string {
		return fmt.Sprintf("  - {id: %s, measure: fixed / jobs, target: 0.9, credit: {fixed: {minor: 1}}}\n", id)
	}
	many := func(n int, prefix string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(kpi(fmt.Sprintf("%s%d", prefix, i)))
		}
		return b.String()
	}
	ones := func(n int) string { return "[" + strings.TrimSuffix(strings.Repeat("1, ", n), ", ") + "]" }
	for _, tc := range []struct {
		name, yaml, problem string
	}{
		{"escalation at the limit", strings.Replace(base, "kpis:\n", "kpis:\n  - {id: E, measure: fixed / jobs, target: 0.9, credit: {fixed: {minor: 1}}, escalation: "+ones(limits.MaxEscalation)+"}\n", 1), ""},
		{"escalation beyond", strings.Replace(base, "kpis:\n", "kpis:\n  - {id: E, measure: fixed / jobs, target: 0.9, credit: {fixed: {minor: 1}}, escalation: "+ones(limits.MaxEscalation+1)+"}\n", 1),
			"E.escalation: must list from 1 to 120 multipliers, not 121"},
		{"KPIs beyond", strings.Replace(base, "kpis:\n", "kpis:\n"+many(limits.MaxKPIs, "X"), 1), "kpis: lists 502 KPIs; at most 500"},
		{"a scenario adding KPIs beyond", strings.Replace(base, "scenarios:\n", "scenarios:\n  - id: s\n    add:\n"+strings.ReplaceAll(many(limits.MaxKPIs+1, "A"), "  - ", "      - "), 1),
			"s.add: lists 501 KPIs; at most 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(tc.yaml), nil)
			if tc.problem == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.problem)
		})
	}
}
