package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// head is a valid rulebook's start; cases append KPIs and more.
const head = `contract: X
currency: GBP
keys: [provider, region]
charge: charge
point_value: 10
fields: {charge: money, a: int}
`

// Each case lists every problem expected, in file order, in full.
var validationCases = []struct {
	name string
	src  string
	want []string
}{
	{"everything wrong with KPIs at once", `contract: X
currency: GBP
keys: [provider, region]
charge: charge
point_value: 10
bogus: 1
fields: {charge: money, a: int, b: widget}
kpis:
  - {id: K1, measure: a, target: 0.9, serious: 0.95, credit: {points: {minor: 1, serious: 2}}}
  - {id: K1, measure: a, target: 0.9, credit: {}}
  - {id: K2, measure: a, target: 0.9, credit: {fixed: {minor: 1}, points: {minor: 1}}, colour: red}
  - {id: K3, measure: a, direction: lower, target: 5, serious: 4, credit: {percent_of_charge: {minor: -1, serious: 2}}}
  - {id: K4, measure: a, target: 0.9, credit: {fixed: {minor: 1}}, escalation: []}
  - {id: K5, measure: a, target: 0.9, credit: {fixed: {minor: 1}}, escalation: [1, 2, 1.5]}
  - {id: K6, measure: a, target: 0.9, serious: 0.8, credit: {fixed: {minor: 1}}}
  - {id: K7, measure: a, target: 0.9, credit: {fixed: {minor: 5, serious: 1}}}
  - {id: K8, measure: a, target: 0.9, credit: {sliding: {max_percent_of_charge: 2, floor: 0.95}}}
  - {id: K9, measure: a, target: 0.9, credit: {per_shortfall: {percent_of_charge: 1, money: 2, per: 0}}}
  - {id: K10, target: x, credit: {fixed: {minor: 1}}, direction: up}
caps: {monthly_percent_of_charge: 120}
`, []string{
		"r.yaml:6:1: bogus: unknown key (expected one of: contract, currency, minor_units, rounding, keys, charge, point_value, start, end, fields, kpis, caps, earn_back, service_areas, triggers, bonus, escalation_across_relief, amendments, scenarios, invoice_lag, invoice_party, authority, opening, events)",
		`r.yaml:7:36: fields.b: unknown field type "widget" (expected money, int, decimal or string)`,
		"r.yaml:9:48: K1.serious: 0.95 is above target 0.9: for a higher-is-better KPI each bound must be at or beyond the one before",
		`r.yaml:10:5: K1: duplicate KPI id "K1"`,
		"r.yaml:10:47: K1.credit: needs one credit scheme (one of: fixed, percent_of_charge, points, sliding, per_shortfall)",
		"r.yaml:11:47: K2.credit: has 2 credit schemes (fixed, points); a KPI has exactly one",
		"r.yaml:11:88: K2.colour: unknown key (expected one of: id, name, description, measure, unit, range, volume, min_volume, direction, period, target, serious, severe, critical, bonus, applies, credit, escalation, earn_back, at_risk_percent)",
		"r.yaml:12:64: K3.serious: 4 is below target 5: for a lower-is-better KPI each bound must be at or beyond the one before",
		"r.yaml:12:103: K3.credit.percent_of_charge.minor: must not be negative, got -1",
		"r.yaml:13:80: K4.escalation: must list from 1 to 120 multipliers, not 0",
		"r.yaml:14:87: K5.escalation[2]: multipliers must not decrease: 1.5 follows 2",
		"r.yaml:15:69: K6.credit.fixed: no amount for level serious, which the KPI can reach",
		"r.yaml:16:66: K7.credit.fixed.serious: the KPI has no serious bound, so it never reaches this level",
		"r.yaml:17:91: K8.credit.sliding.floor: floor 0.95 must be below the target 0.9",
		"r.yaml:18:86: K9.credit.per_shortfall: give percent_of_charge or money, not both",
		"r.yaml:18:101: K9.credit.per_shortfall.per: must be positive, got 0",
		`r.yaml:19:5: K10: missing required key "measure"`,
		`r.yaml:19:23: K10.target: must be a number, not "x"`,
		`r.yaml:19:66: K10.direction: must be higher or lower, not "up"`,
		"r.yaml:20:35: caps.monthly_percent_of_charge: must be at most 100, got 120",
	}},
	{"top level", `contract: X
currency: XYZ
rounding: bankers
keys: []
charge: a
fields: {a: int}
kpis: []
`, []string{
		`r.yaml:2:11: currency: unknown currency "XYZ": give its minor_units (decimal places)`,
		`r.yaml:3:11: rounding: unknown rounding "bankers" (expected half_up or half_even)`,
		"r.yaml:4:7: keys: must list at least one column",
		`r.yaml:5:9: charge: field "a" must have type money, not int`,
		"r.yaml:7:7: kpis: must list at least one KPI",
	}},
	{"missing keys", "contract: X\n", []string{
		`r.yaml:1:1: missing required key "currency"`,
		`r.yaml:1:1: missing required key "keys"`,
		`r.yaml:1:1: missing required key "charge"`,
		`r.yaml:1:1: missing required key "fields"`,
		`r.yaml:1:1: missing required key "kpis"`,
	}},
	{"service areas", `contract: X
currency: GBP
keys: [p]
charge: c
fields: {c: money, a: int}
kpis:
  - {id: K1, measure: a, target: 1, credit: {points: {minor: 1}}}
  - {id: K2, measure: a, target: 1, credit: {fixed: {minor: 1}}}
service_areas:
  - {id: A, kpis: [K1, K2, K9], threshold: 20, tiers: [{from: 50, multiplier: 2}, {from: 30, multiplier: 1}]}
`, []string{
		"r.yaml:10:5: service_areas.A: needs point_value, percent_of_charge_per_point or bands",
		"r.yaml:10:24: service_areas.A: KPI K2 uses fixed; only points KPIs can join a service area",
		`r.yaml:10:28: service_areas.A: KPI "K9" is not defined`,
		"r.yaml:10:90: service_areas.A.tiers[1].from: tiers must start at increasing points: 30 follows 50",
		"r.yaml:10:106: service_areas.A.tiers[1].multiplier: multipliers must not decrease: 1 follows 2",
	}},
	{"points without a point value", `contract: X
currency: GBP
keys: [p]
charge: c
fields: {c: money, a: int}
kpis:
  - {id: K1, measure: a, target: 1, credit: {points: {minor: 1}}}
`, []string{"r.yaml:1:1: point_value: missing: KPI K1 uses a points scheme outside a service area"}},
	{"fields", head[:strings.Index(head, "fields")] + `fields: {charge: money, provider: int, month: int, "bad name": int, a: [1]}
kpis:
  - {id: K1, measure: charge, target: 1, credit: {fixed: {minor: 1}}}
`, []string{
		`r.yaml:6:25: fields.provider: "provider" is a key column; key columns are text and need no declaration`,
		"r.yaml:6:40: fields.month: month is always present and needs no declaration",
		"r.yaml:6:52: fields.bad name: column name must be letters, digits and _, starting with a letter",
		"r.yaml:6:72: fields.a: must be text, not a list",
	}},
	{"scenarios", head + `kpis:
  - {id: K1, measure: a, target: 1, credit: {points: {minor: 1}}}
  - {id: K2, measure: a, target: 1, credit: {fixed: {minor: 1}}}
scenarios:
  - id: s1
    kpis: {K1: {target: 2, serious: 3}, K7: {target: 1}}
    remove: [K8]
  - id: s2
    sweep: {kpi: K2, field: targte, values: [1, 2]}
  - id: s3
    kpis: {K2: {credit: {sliding: {max_percent_of_charge: 2, floor: 0.5}}}}
  - id: s3
  - id: s4
    from: 2025-13
  - id: s5
    sweep: {kpi: K2, field: target, from: 1, to: 0.5, step: 0.1}
`, []string{
		"r.yaml:8:54: scenarios.s1.K1.credit.points: no amount for level serious, which the KPI can reach",
		"r.yaml:12:37: scenarios.s1.K1.serious: 3 is above target 2: for a higher-is-better KPI each bound must be at or beyond the one before",
		`r.yaml:12:41: scenarios.s1.kpis.K7: KPI "K7" is not defined in the baseline`,
		`r.yaml:13:14: scenarios.s1.remove: KPI "K8" is not defined`,
		"r.yaml:15:29: scenarios.s2.K2.targte: unknown key (expected one of: id, name, description, measure, unit, range, volume, min_volume, direction, period, target, serious, severe, critical, bonus, applies, credit, escalation, earn_back, at_risk_percent)",
		`r.yaml:18:5: scenarios.s3: duplicate scenario id "s3"`,
		`r.yaml:20:11: scenarios.s4.from: month "2025-13" is not YYYY-MM`,
		"r.yaml:22:61: scenarios.s5.sweep: from 1 to 0.5 by 0.1 is not an increasing range",
	}},
	// K1 both overridden and removed is told so at the override (not that
	// K1 is undefined); so is K2 both swept and removed, at the sweep. K3,
	// removed and then added again under the same id, is not overridden.
	{"scenario that overrides or sweeps a KPI it removes", head + `kpis:
  - {id: K1, measure: a, target: 1, credit: {fixed: {minor: 1}}}
  - {id: K2, measure: a, target: 1, credit: {fixed: {minor: 1}}}
  - {id: K3, measure: a, target: 1, credit: {fixed: {minor: 1}}}
scenarios:
  - id: s1
    kpis:
      K1: {target: 0.9}
    remove: [K1]
  - {id: s2, remove: [K2], sweep: {kpi: K2, field: target, values: [0.9]}}
  - {id: s3, remove: [K3], add: [{id: K3, measure: a, target: 2, credit: {fixed: {minor: 1}}}]}
`, []string{
		"r.yaml:14:7: scenarios.s1.kpis.K1: K1 is both changed and removed by the scenario; do one or the other",
		"r.yaml:16:35: scenarios.s2.kpis.K2: K2 is both swept and removed by the scenario; do one or the other",
	}},
	{"scenario override that is not a mapping", head + `kpis:
  - {id: K1, measure: a, target: 1, credit: {points: {minor: 1}}}
scenarios:
  - {id: s1, kpis: {K1: K2}}
`, []string{
		"r.yaml:10:25: scenarios.s1.kpis.K1: an override must be a mapping of KPI fields, not \"K2\"",
	}},
	{"names and scenarios", `contract: X
currency: GBP
keys: [provider, month, "bad x", min]
charge: charge
point_value: 10
fields: {charge: money, a: int, add: int}
kpis:
  - {id: "*", measure: a, target: 1, credit: {fixed: {minor: 1}}}
scenarios:
  - {id: baseline}
  - {id: e, sweep: {kpi: K1, field: target, values: []}}
  - {id: m, sweep: {kpi: K1, field: measure, values: [1]}}
  - {id: h, sweep: {kpi: K1, field: min_volume, from: 0, to: 18446744073709551615, step: 1}}
`, []string{
		"r.yaml:3:18: keys[1]: month is always present and is not a key",
		"r.yaml:3:25: keys[2]: column name must be letters, digits and _, starting with a letter",
		`r.yaml:3:34: keys[3]: "min" is a word expressions use; name the column otherwise`,
		`r.yaml:6:33: fields.add: "add" is a word expressions use; name the column otherwise`,
		"r.yaml:8:10: *.id: a KPI id must be some text other than * (which relief files use for every KPI)",
		`r.yaml:10:10: scenarios.baseline: "baseline" names the rulebook's own results; give the scenario another id`,
		"r.yaml:11:53: scenarios.e.sweep.values: must list at least one value",
		"r.yaml:12:37: scenarios.m.sweep.field: measure is not a number; a sweep sets a numeric field such as target",
		// 2^64 values: the count is not cut down to 64 bits before the check.
		"r.yaml:13:90: scenarios.h.sweep: expands to 18446744073709551616 values; at most 10000",
	}},
	{"scenario from outside the term", head + `start: 2025-01
end: 2026-12
kpis:
  - {id: K1, measure: a, target: 1, credit: {fixed: {minor: 1}}}
scenarios:
  - {id: f, from: 2024-12}
  - {id: g, from: 2027-01}
  - {id: ok, from: 2026-12}
  - {id: s1, sweep: {kpi: K1, field: target, from: 1, to: 5000, step: 1}}
  - {id: s2, sweep: {kpi: K1, field: target, from: 1, to: 5000, step: 1}}
`, []string{
		"r.yaml:12:19: scenarios.f.from: 2024-12 is before the contract starts (2025-01)",
		"r.yaml:13:19: scenarios.g.from: 2027-01 is after the contract ends (2026-12)",
		// 3 + 5,000 + 5,000
		"r.yaml:16:5: scenarios.s2: brings the scenarios to 10003, sweeps expanded; at most 10000",
	}},
	{"wrong types", head + `kpis:
  - {id: K1, measure: [a], target: 1, min_volume: 5, credit: {fixed: {minor: 1}}, escalation: 2}
earn_back: {percent: 150, after_met_months: 0}
caps: {annual_percent_of_charge: 5, annual_amount: 10}
`, []string{
		"r.yaml:8:23: K1.measure: must be text, not a list",
		"r.yaml:8:39: K1.min_volume: needs a volume expression to compare with",
		"r.yaml:8:95: K1.escalation: must be a list, not \"2\"",
		"r.yaml:9:22: earn_back.percent: must be at most 100, got 150",
		"r.yaml:9:45: earn_back.after_met_months: must be at least 1, got 0",
		"r.yaml:10:37: caps: give annual_percent_of_charge or annual_amount, not both",
	}},
	{"at_risk_percent", head + `kpis:
  - {id: K1, measure: a, target: 1, credit: {fixed: {minor: 1}}, at_risk_percent: -1}
  - {id: K2, measure: a, target: 1, credit: {fixed: {minor: 1}}, at_risk_percent: 100.5}
  - {id: K3, measure: a, target: 1, credit: {fixed: {minor: 1}}, at_risk_percent: half}
  - {id: K4, measure: a, target: 1, credit: {fixed: {minor: 1}}, at_risk_percent: 100}
`, []string{
		"r.yaml:8:83: K1.at_risk_percent: must not be negative, got -1",
		"r.yaml:9:83: K2.at_risk_percent: must be at most 100, got 100.5",
		`r.yaml:10:83: K3.at_risk_percent: must be a number, not "half"`,
	}},
	{"at_risk_percent in a scenario", head + `kpis:
  - {id: K1, measure: a, target: 1, credit: {fixed: {minor: 1}}, at_risk_percent: 100}
scenarios:
  - {id: s1, kpis: {K1: {at_risk_percent: 101}}}
`, []string{
		"r.yaml:10:43: scenarios.s1.K1.at_risk_percent: must be at most 100, got 101",
	}},
	{"not YAML", "contract: [unclosed\n", []string{"r.yaml:2: invalid YAML: did not find expected ',' or ']'"}},
	{"empty", "", []string{"r.yaml:1: the file is empty"}},
	{"a list", "- a\n- b\n", []string{"r.yaml:1:1: must be a mapping, not a list"}},
	{"a CSV file", "provider,region,month,monthly_charge,emergency_jobs,emergency_fixed\nAcme,North,2025-01,1.00,1,1\n",
		[]string{`r.yaml:1:1: must be a mapping, not "provider,region,month,monthly_"…"ed Acme,North,2025-01,1.00,1,1"`}},
	{"two documents", "contract: X\n---\ncontract: Y\n", []string{"r.yaml:2:1: holds more than one YAML document"}},
	{"term", head + "start: 2025-04\nend: 2024-04\nkpis:\n  - {id: K, measure: a, target: 1, credit: {fixed: {minor: 1}}}\n",
		[]string{"r.yaml:8:6: end: 2024-04 is before start 2025-04"}},
}

func TestValidationProblems(t *testing.T) {
	for _, tc := range validationCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(tc.src), nil)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			require.Equal(t, tc.want, got)
			require.Equal(t, strings.Join(tc.want, "\n"), err.Error())
		})
	}
}

// A caller can reach one problem's position and key with errors.As.
func TestProblemIsReachable(t *testing.T) {
	_, err := rules.Parse("r.yaml", strings.NewReader(head+"kpis:\n  - {id: K, measure: a, target: x, credit: {fixed: {minor: 1}}}\n"), nil)
	var p *rules.Problem
	require.ErrorAs(t, err, &p)
	require.Equal(t, rules.Pos{File: "r.yaml", Line: 8, Column: 33}, p.Pos)
	require.Equal(t, "K.target", p.Key)
	require.Equal(t, `must be a number, not "x"`, p.Msg)
}
