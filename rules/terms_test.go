package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// termHead is a valid rulebook's start with a contract term; cases append
// KPIs, amendments and more.
const termHead = `contract: X
currency: GBP
keys: [provider]
charge: charge
point_value: 10
start: 2025-01
end: 2026-12
fields: {charge: money, a: int, b: int}
kpis:
  - {id: K1, measure: a / b, target: 0.9, credit: {fixed: {minor: 1}}}
  - {id: K2, measure: a / b, target: 0.9, credit: {points: {minor: 1}}}
`

// Each case lists every problem expected, in file order, in full.
var termCases = []struct {
	name string
	src  string
	want []string
}{
	{"amendments", termHead + `amendments:
  - {id: A1, agreed: 2025-01-01, from: 2024-12}
  - {id: A1, agreed: 2025-13-01, from: 2025-02}
  - {id: A2, from: 2027-01, kpis: {K9: {target: 1}}}
  - {id: A3, agreed: 2025-01-01, from: 2025-03, keys: [x], fields: {c: int}}
  - {id: A4, agreed: 2025-01-01, from: 2025-04, sweep: {kpi: K1, field: target, values: [1]}}
  - {id: A5, agreed: 2025-01-01, from: 2025-05, authority: {roles: {m: 1}, approvers: {Ann: m}}, invoice_lag: 1}
  - {id: A6, agreed: 2025-01-01, from: 2025-06, invoice_party: provider, opening: {month: 2025-05, lots: []}}
`, []string{
		"r.yaml:13:40: amendments.A1.from: 2024-12 is before the contract starts (2025-01)",
		`r.yaml:14:5: amendments.A1: duplicate amendment id "A1"`,
		`r.yaml:14:22: amendments.A1.agreed: must be a date written YYYY-MM-DD, not "2025-13-01"`,
		`r.yaml:15:5: amendments.A2: missing required key "agreed"`,
		"r.yaml:15:20: amendments.A2.from: 2027-01 is after the contract ends (2026-12)",
		"r.yaml:16:49: amendments.A3.keys: keys cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus",
		"r.yaml:16:60: amendments.A3.fields: fields cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus",
		"r.yaml:17:49: amendments.A4.sweep: unknown key (expected one of: id, description, agreed, from, kpis, remove, add, caps, point_value, service_areas, earn_back, triggers, bonus, contract, currency, minor_units, rounding, keys, charge, start, end, fields, escalation_across_relief, authority, invoice_lag, invoice_party, opening, events, amendments, scenarios)",
		"r.yaml:18:49: amendments.A5.authority: authority cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus",
		"r.yaml:18:98: amendments.A5.invoice_lag: invoice_lag cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus",
		"r.yaml:19:49: amendments.A6.invoice_party: invoice_party cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus",
		"r.yaml:19:74: amendments.A6.opening: opening cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus",
	}},
	{"amendment terms", termHead + `amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-02, remove: [K1]}
  - {id: A2, agreed: 2025-01-01, from: 2025-03, kpis: {K1: {target: 0.8}, K2: {serious: 0.95}}, remove: [K1]}
  - {id: A3, agreed: 2025-01-01, from: 2025-03, remove: [K2]}
`, []string{
		"r.yaml:11:60: amendments.A2.K2.credit.points: no amount for level serious, which the KPI can reach",
		`r.yaml:14:56: amendments.A2.kpis.K1: KPI "K1" is removed by amendment "A1" (from 2025-02)`,
		"r.yaml:14:89: amendments.A2.K2.serious: 0.95 is above target 0.9: for a higher-is-better KPI each bound must be at or beyond the one before",
		`r.yaml:14:106: amendments.A2.remove: KPI "K1" is already removed by amendment "A1" (from 2025-02)`,
		"r.yaml:15:49: amendments.A3.kpis: must list at least one KPI",
	}},
	{"scenario revokes", termHead + `amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-02, kpis: {K1: {target: 0.8}}}
scenarios:
  - {id: s1, revoke: [A1, A9]}
  - {id: s2, from: 2025-04, revoke: [A1, A1]}
`, []string{
		`r.yaml:15:27: scenarios.s1.revoke[1]: no amendment "A9" to revoke`,
		`r.yaml:16:42: scenarios.s2.revoke[1]: "A1" is listed twice`,
	}},
	{"a scenario changes a KPI an amendment removes", termHead + `amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-05, remove: [K1]}
scenarios:
  - {id: s1, from: 2025-02, kpis: {K1: {target: 0.8}}}
`, []string{
		`r.yaml:15:36: scenarios.s1.kpis.K1: KPI "K1" is removed by amendment "A1" (from 2025-05)`,
	}},
	{"triggers", termHead + `triggers:
  - {id: t1, failures: 3, within: 12, kpi: K1}
  - {id: t1, failures: 1, within: 1}
  - {id: t2, failures: 0, within: 121, level: bad}
  - {id: t3, failures: 5, within: 3, kpi: K1}
  - {id: t4, failures: 1, within: 1, colour: red, kpi: K9}
`, []string{
		`r.yaml:14:5: triggers.t1: duplicate trigger id "t1"`,
		"r.yaml:15:24: triggers.t2.failures: must be at least 1, got 0",
		"r.yaml:15:35: triggers.t2.within: at most 120 months, got 121",
		`r.yaml:15:47: triggers.t2.level: must be a failure level (minor, serious, severe or critical), not "bad"`,
		"r.yaml:16:24: triggers.t3.failures: 5 failures of one KPI cannot fall within 3 months",
		"r.yaml:17:38: triggers.t4.colour: unknown key (expected one of: id, description, failures, within, kpi, level)",
		`r.yaml:17:56: triggers.t4.kpi: KPI "K9" is not defined (name a KPI, or any)`,
	}},
	{"an amendment removes a KPI a trigger names", termHead + `triggers:
  - {id: t1, failures: 1, within: 1, kpi: K2}
amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-05, remove: [K2]}
`, []string{
		`r.yaml:13:43: amendments.A1.triggers.t1.kpi: KPI "K2" is not defined (name a KPI, or any)`,
	}},
	{"periods", `contract: X
currency: GBP
keys: [provider]
charge: charge
start: 2025-01
fields:
  charge: money
  a: {type: int, aggregate: median}
  b: {type: int, aggregate: last, colour: red}
  c: {aggregate: max}
  d: {type: string, aggregate: max}
  e: {type: decimal, aggregate: mean}
kpis:
  - {id: K1, measure: e, target: 0.9, period: {rolling: 0}, credit: {fixed: {minor: 1}}}
  - {id: K2, measure: e, target: 0.9, period: {rolling: 37}, credit: {fixed: {minor: 1}}}
  - {id: K3, measure: e, target: 0.9, period: year, credit: {fixed: {minor: 1}}}
  - {id: K4, measure: e, target: 0.9, period: {months: 3}, credit: {fixed: {minor: 1}}}
  - {id: K5, measure: e, target: 0.9, period: {rolling: 36}, credit: {fixed: {minor: 1}}}
`, []string{
		`r.yaml:8:29: fields.a.aggregate: unknown aggregation "median" (expected sum, last, mean or max)`,
		"r.yaml:9:35: fields.b.colour: unknown key (expected one of: type, aggregate)",
		`r.yaml:10:6: fields.c: missing required key "type"`,
		"r.yaml:11:13: fields.d: a string field is not aggregated: a period uses the month it is judged in",
		"r.yaml:14:57: K1.period.rolling: a rolling window is 1 to 36 months, not 0",
		"r.yaml:15:57: K2.period.rolling: a rolling window is 1 to 36 months, not 37",
		`r.yaml:16:47: K3.period: unknown period "year" (expected month, quarter or {rolling: N})`,
		`r.yaml:17:47: K4.period: missing required key "rolling"`,
		"r.yaml:17:48: K4.period.months: unknown key (expected one of: rolling)",
	}},
	{"a quarterly KPI mid-quarter", termHead + `amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-02, kpis: {K1: {period: quarter}}}
  - {id: A2, agreed: 2025-01-01, from: 2025-04, kpis: {K2: {period: quarter}}}
  - {id: A3, agreed: 2025-01-01, from: 2025-05, kpis: {K2: {period: {rolling: 3}}}}
`, []string{
		"r.yaml:13:40: amendments.A1.from: K1 is measured by quarter from 2025-02, by month before, in the middle of the quarter 2025-01 to 2025-03: a KPI's period can change to or from quarter, and a quarterly KPI start, only at the start of a quarter",
		"r.yaml:15:40: amendments.A3.from: K2 is measured by rolling 3 from 2025-05, by quarter before, in the middle of the quarter 2025-04 to 2025-06: a KPI's period can change to or from quarter, and a quarterly KPI start, only at the start of a quarter",
	}},
	{"a scenario's quarterly KPI mid-quarter", termHead + `amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-04, kpis: {K1: {period: quarter}}}
scenarios:
  - {id: s1, from: 2025-06, kpis: {K1: {period: month}}}
  - {id: s2, from: 2025-02, revoke: [A1], add: [{id: K3, measure: a / b, period: quarter, target: 0.9, credit: {fixed: {minor: 1}}}]}
`, []string{
		"r.yaml:15:20: scenarios.s1.from: K1 is measured by month from 2025-06, by quarter before, in the middle of the quarter 2025-04 to 2025-06: a KPI's period can change to or from quarter, and a quarterly KPI start, only at the start of a quarter",
		"r.yaml:16:20: scenarios.s2.from: K3 is a quarterly KPI from 2025-02, in the middle of the quarter 2025-01 to 2025-03: a KPI's period can change to or from quarter, and a quarterly KPI start, only at the start of a quarter",
	}},
	{"bands, bonus and relief", `contract: X
currency: GBP
keys: [provider]
charge: charge
escalation_across_relief: forget
fields: {charge: money, a: int, b: int}
kpis:
  - {id: K1, measure: a / b, target: 0.9, bonus: 0.8, credit: {points: {minor: 1}}}
  - {id: K2, measure: a / b, target: 0.9, bonus: 0.95, credit: {points: {minor: 1}}}
service_areas:
  - {id: A, kpis: [K1], threshold: 2, bands: [{from: 0, percent_of_charge: 1}, {from: 5, percent_of_charge: 0.5}, {from: 5, percent_of_charge: 101}]}
  - {id: B, kpis: [K2], bands: []}
bonus: {points: 0, expiry_months: 0}
caps: {rolling_12_percent_of_charge: 101}
`, []string{
		`r.yaml:5:27: escalation_across_relief: must be keep or reset, not "forget"`,
		"r.yaml:8:50: K1.bonus: bonus 0.8 must be at or above the target 0.9: a bonus is earned by doing better than the target",
		"r.yaml:11:25: service_areas.A.threshold: an area priced by bands has no threshold: the bands price its points",
		"r.yaml:11:54: service_areas.A.bands[0].from: must be positive, got 0",
		"r.yaml:11:122: service_areas.A.bands[2].from: bands must start at increasing points: 5 follows 5",
		"r.yaml:11:144: service_areas.A.bands[2].percent_of_charge: a percentage must be at most 100, got 101",
		"r.yaml:12:32: service_areas.B.bands: must list at least one band",
		"r.yaml:13:17: bonus.points: must be positive, got 0",
		"r.yaml:13:35: bonus.expiry_months: must be at least 1, got 0",
		"r.yaml:14:38: caps.rolling_12_percent_of_charge: must be at most 100, got 101",
	}},
	{"a bonus bound needs bonus", termHead + `  - {id: K3, measure: a / b, target: 0.9, bonus: 0.95, credit: {points: {minor: 1}}}
`, []string{
		"r.yaml:12:50: K3.bonus: a KPI's bonus bound needs the rulebook's bonus: {points, expiry_months}",
	}},
}

func TestTermProblems(t *testing.T) {
	for _, tc := range termCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(tc.src), nil)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			require.Equal(t, tc.want, got)
		})
	}
}

// The terms of a month are the original with every amendment in force
// applied in order of from, in listed order for equal months: of two
// amendments setting one key from one month, the one listed later wins.
// The timeline has one epoch for amendments from the same month, named
// after the last of them.
func TestTimeline(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(termHead+`amendments:
  - {id: A3, agreed: 2025-03-01, from: 2025-06, kpis: {K1: {target: 0.5}}}
  - {id: A1, agreed: 2025-01-01, from: 2025-03, kpis: {K1: {target: 0.8}}}
  - {id: A2, agreed: 2025-01-02, from: 2025-03, kpis: {K1: {target: 0.7}}, caps: {monthly_percent_of_charge: 5}}
`), nil)
	require.NoError(t, err)
	var got []string
	for _, e := range rb.Timeline() {
		var ids []string
		for _, a := range e.InForce {
			ids = append(ids, a.ID)
		}
		got = append(got, fmt.Sprintf("%s %q [%s] target %s", e.From, e.Terms, strings.Join(ids, " "), e.Rules.KPI("K1").Target))
	}
	require.Equal(t, []string{
		`0000-01 "" [] target 0.9`,
		`2025-03 "A2" [A1 A2] target 0.7`,
		`2025-06 "A3" [A1 A2 A3] target 0.5`,
	}, got)
	require.Equal(t, []string{"A3", "A1", "A2"}, []string{rb.Amendments[0].ID, rb.Amendments[1].ID, rb.Amendments[2].ID}, "file order")
	require.Equal(t, "0.8", rb.Amendments[1].Rules().KPI("K1").Target.String(), "A1's own terms")
	require.Equal(t, "A2", rules.EpochAt(rb.Timeline(), rules.NewMonth(2025, 5)).Terms)
	require.Equal(t, "", rules.EpochAt(rb.Timeline(), rules.NewMonth(2025, 2)).Terms)
	require.Equal(t, "5", rb.Amendments[0].Rules().Caps.MonthlyPercent.String(), "A3's terms keep A2's cap")
}

// A scenario's timeline: the baseline's terms before its from month, then
// the amendments in force less those it revokes, its overlay last.
func TestScenarioTimeline(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(termHead+`amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-03, kpis: {K1: {target: 0.8}}}
  - {id: A2, agreed: 2025-01-01, from: 2025-06, kpis: {K1: {target: 0.5}, K2: {target: 0.6}}}
scenarios:
  - {id: s, from: 2025-04, revoke: [A1], kpis: {K1: {target: 0.95}}}
`), nil)
	require.NoError(t, err)
	var got []string
	for _, e := range rb.Scenarios[0].Timeline() {
		got = append(got, fmt.Sprintf("%s %q K1 %s K2 %s", e.From, e.Terms, e.Rules.KPI("K1").Target, e.Rules.KPI("K2").Target))
	}
	require.Equal(t, []string{
		`0000-01 "" K1 0.9 K2 0.9`,
		`2025-03 "A1" K1 0.8 K2 0.9`,
		`2025-04 "" K1 0.95 K2 0.9`,
		`2025-06 "A2" K1 0.95 K2 0.6`,
	}, got)
	require.Same(t, rules.EpochAt(rb.Scenarios[0].Timeline(), rules.NewMonth(2025, 4)).Rules, rb.Scenarios[0].Rules())
}

// CheckSpan places what the data's months make impossible at the rulebook's
// keys: a period longer than the data, and, without a start, an amendment
// in force before the data's first month.
func TestCheckSpan(t *testing.T) {
	src := strings.Replace(termHead, "start: 2025-01\nend: 2026-12\n", "", 1) + `  - {id: K3, measure: a / b, period: {rolling: 6}, target: 0.9, credit: {fixed: {minor: 1}}}
  - {id: K4, measure: a / b, period: quarter, target: 0.9, credit: {fixed: {minor: 1}}}
amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-01, kpis: {K3: {period: {rolling: 3}}}}
`
	rb, err := rules.Parse("r.yaml", strings.NewReader(src), nil)
	require.NoError(t, err)
	err = rb.CheckSpan(rules.NewMonth(2025, 2), rules.NewMonth(2025, 4))
	require.EqualError(t, err, strings.Join([]string{
		"r.yaml:10:48: K3.period: a rolling window of 6 months is longer than the data (3 months, 2025-02 to 2025-04): the KPI would never be judged",
		"r.yaml:11:38: K4.period: the data (2025-02 to 2025-04) holds no whole quarter of the contract year: the KPI would never be judged",
		"r.yaml:13:40: amendments.A1.from: 2025-01 is before the data's first month 2025-02, and the rulebook has no start: give the contract's start, or an amendment in force within the data",
	}, "\n"))
	require.NoError(t, rb.CheckSpan(rules.NewMonth(2025, 1), rules.NewMonth(2025, 6)))
}

// Changes lists what a set of terms changes for a KPI, for explain.
func TestChanges(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(termHead+`caps: {monthly_percent_of_charge: 5}
amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-03, kpis: {K1: {target: 0.8, credit: {sliding: {max_percent_of_charge: 1, floor: 0.5}}}}, caps: {annual_amount: 100}}
  - {id: A2, agreed: 2025-01-01, from: 2025-04, remove: [K2]}
`), nil)
	require.NoError(t, err)
	a1, a2 := rb.Amendments[0].Rules(), rb.Amendments[1].Rules()
	require.Equal(t, []rules.Change{
		{Key: "target", Before: "0.9", After: "0.8"},
		{Key: "credit", Before: "{fixed: {minor: 1}}", After: "{sliding: {max_percent_of_charge: 1, floor: 0.5}}"},
		{Key: "caps.annual_amount", After: "100"},
	}, rules.Changes(rb, a1, "K1"))
	require.Equal(t, []rules.Change{{Key: "kpi K2", Before: "{id: K2, measure: a / b, target: 0.9, credit: {points: {minor: 1}}}"}},
		rules.Changes(a1, a2, "K2"))
	require.Empty(t, rules.Changes(a1, a2, "K1"))
}

// An overlay built in code may revoke an amendment, as a scenario file may.
func TestOverlayRevokes(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(termHead+`amendments:
  - {id: A1, agreed: 2025-01-01, from: 2025-03, kpis: {K1: {target: 0.8}}}
`), nil)
	require.NoError(t, err)
	sc, err := rb.AddOverlay(rules.Overlay{ID: "o", Revoke: []string{"A1"}})
	require.NoError(t, err)
	require.Equal(t, "0.9", rules.EpochAt(sc.Timeline(), rules.NewMonth(2025, 6)).Rules.KPI("K1").Target.String())
	_, err = rb.AddOverlay(rules.Overlay{ID: "p", Revoke: []string{"A7"}})
	require.EqualError(t, err, `overlay p: scenarios.p.revoke[0]: no amendment "A7" to revoke`)
}
