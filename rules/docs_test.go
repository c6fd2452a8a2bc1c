package rules_test

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// docBook has every kind of mapping a rulebook holds; each case of
// TestRulebookDocListsEveryKey puts an unknown key into one of them.
const docBook = `contract: C
currency: GBP
keys: [provider]
charge: charge
point_value: 10
fields:
  charge: money
  a: int
  b: {type: int, aggregate: sum}
earn_back: {percent: 50, after_met_months: 2}
bonus: {points: 1, expiry_months: 3}
triggers:
  - {id: t, failures: 1, within: 1}
kpis:
  - id: K1
    measure: a / b
    target: 0.9
    serious: 0.8
    credit: {fixed: {minor: 1, serious: 2}}
  - id: K2
    measure: a / b
    target: 0.9
    credit: {sliding: {max_percent_of_charge: 1, floor: 0.5}}
  - id: K3
    measure: a / b
    target: 0.9
    credit: {per_shortfall: {percent_of_charge: 1, per: 0.01}}
  - id: K4
    measure: a / b
    target: 0.9
    bonus: 0.95
    credit: {points: {minor: 1}}
  - id: K5
    measure: a / b
    target: 0.9
    period: {rolling: 3}
    credit: {points: {minor: 1}}
service_areas:
  - id: area
    kpis: [K4]
    point_value: 5
    tiers:
      - {from: 2, multiplier: 2}
  - id: banded
    kpis: [K5]
    bands: [{from: 2, percent_of_charge: 1}]
caps: {monthly_percent_of_charge: 5}
invoice_lag: 1
authority: {roles: {manager: 100}, approvers: {Ann: manager}}
opening:
  month: 2025-01
  lots:
    - lot: {provider: P}
      year: {charges: 10}
      kpis: {K1: {streak: 1}}
      months: [{month: 2025-01, charge: 10, credits: 0}]
      bonus: [{earned: 2025-01, until: 2025-03, points: 1}]
amendments:
  - {id: A, agreed: 2025-01-01, from: 2025-02}
scenarios:
  - id: s
    sweep: {kpi: K1, field: target, values: [0.9]}
`

// Every key a rulebook accepts is documented in docs/rulebook.md: the
// loader's own list of the keys it expects, in its message about an
// unknown key, is checked against the document.
func TestRulebookDocListsEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/rulebook.md")
	require.NoError(t, err)
	cases := []struct{ name, old, new string }{
		{"top level", "contract: C", "contract: C\nzz: 1"},
		{"KPI", "  - id: K1", "  - id: K1\n    zz: 1"},
		{"credit", "credit: {fixed:", "credit: {zz: 1, fixed:"},
		{"level amounts", "{minor: 1, serious: 2}", "{minor: 1, serious: 2, zz: 1}"},
		{"sliding", "floor: 0.5}", "floor: 0.5, zz: 1}"},
		{"per_shortfall", "per: 0.01}", "per: 0.01, zz: 1}"},
		{"earn_back", "after_met_months: 2}", "after_met_months: 2, zz: 1}"},
		{"service area", "    kpis: [K4]", "    kpis: [K4]\n    zz: 1"},
		{"tier", "multiplier: 2}", "multiplier: 2, zz: 1}"},
		{"caps", "{monthly_percent_of_charge: 5}", "{monthly_percent_of_charge: 5, zz: 1}"},
		{"scenario", "  - id: s", "  - id: s\n    zz: 1"},
		{"sweep", "values: [0.9]}", "values: [0.9], zz: 1}"},
		{"field", "type: int, aggregate: sum}", "type: int, aggregate: sum, zz: 1}"},
		{"period", "{rolling: 3}", "{rolling: 3, zz: 1}"},
		{"band", "percent_of_charge: 1}]", "percent_of_charge: 1, zz: 1}]"},
		{"bonus", "expiry_months: 3}", "expiry_months: 3, zz: 1}"},
		{"trigger", "within: 1}", "within: 1, zz: 1}"},
		{"amendment", "from: 2025-02}", "from: 2025-02, zz: 1}"},
		{"authority", "authority: {roles:", "authority: {zz: 1, roles:"},
		{"opening", "  month: 2025-01", "  month: 2025-01\n  zz: 1"},
		{"opening lot", "      year: {", "      zz: 1\n      year: {"},
		{"opening year", "{charges: 10}", "{charges: 10, zz: 1}"},
		{"opening KPI", "{streak: 1}", "{streak: 1, zz: 1}"},
		{"opening month", "credits: 0}]", "credits: 0, zz: 1}]"},
		{"opening bonus", "points: 1}]", "points: 1, zz: 1}]"},
	}
	expected := regexp.MustCompile(`unknown key \(expected one of: ([^)]*)\)`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(docBook, c.old), "the case's anchor is unique")
			_, err := rules.Parse("doc.yaml", strings.NewReader(strings.Replace(docBook, c.old, c.new, 1)), nil)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "the unknown key is reported: %v", err)
			require.Len(t, ve.Problems, 1, "%v", err)
			m := expected.FindStringSubmatch(ve.Problems[0].Msg)
			require.NotNil(t, m, "%v", err)
			for _, key := range strings.Split(m[1], ", ") {
				require.True(t, strings.Contains(string(doc), "`"+key+"`"), "docs/rulebook.md documents the %s key %s", c.name, key)
			}
		})
	}
	_, err = rules.Parse("doc.yaml", strings.NewReader(docBook), nil)
	require.NoError(t, err, "the base rulebook is valid")
}
