package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openingHead is a valid rulebook with terms over time: a trigger, bonus
// points, a KPI added by an amendment in force from January 2025.
const openingHead = `contract: X
currency: GBP
keys: [provider]
charge: charge
start: 2024-09
fields: {charge: money, a: int, b: decimal, note: string}
bonus: {points: 1, expiry_months: 6}
triggers:
  - {id: t1, failures: 2, within: 12}
kpis:
  - {id: K1, measure: a, target: 0.9, credit: {fixed: {minor: 1}}}
amendments:
  - {id: A1, agreed: 2024-12-01, from: 2025-01, add: [{id: K2, measure: b, target: 0.9, credit: {fixed: {minor: 1}}}]}
`

// openingCarried is an opening state with recent months, bonus points and
// triggers holding, appended to openingHead.
const openingCarried = `opening:
  month: 2025-02
  lots:
    - lot: {provider: Acme}
      kpis: {K2: {streak: 1}}
      months:
        - {month: 2024-12, failures: {K1: minor}}
        - month: 2025-02
          charge: 1000.00
          credits: 10.00
          failures: {K1: serious, K2: minor}
          fields: {charge: 1000.00, a: 5, b: 0.5}
          relief: {K1: Storm}
      bonus: [{earned: 2025-01, until: 2025-07, points: 2}]
      triggers: [t1]
`

// An opening state's recent months, bonus points and triggers holding.
func TestOpeningCarried(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(openingHead+openingCarried), nil)
	require.NoError(t, err)
	l, ok := rb.Opening.Lot([]string{"Acme"})
	require.True(t, ok)
	require.Len(t, l.Months, 2)
	m := l.Months[1]
	assert.True(t, m.HasCharge)
	assert.True(t, dd("10.00").Equal(m.Credits))
	assert.Equal(t, rules.Serious, m.Failures[0].Level)
	assert.Equal(t, "K2", m.Failures[1].KPI, "a KPI the amendment in force by the opening month added")
	assert.True(t, dd("0.5").Equal(m.Fields["b"]))
	assert.NotContains(t, m.Fields, "note", "text fields are not kept")
	assert.Equal(t, map[string]string{"K1": "Storm"}, m.Relief)
	assert.False(t, l.Months[0].HasCharge)
	assert.Nil(t, l.Months[0].Fields)
	assert.Equal(t, []rules.OpeningBonus{{Earned: rules.NewMonth(2025, 1), Until: rules.NewMonth(2025, 7), Points: dd("2"),
		Pos: rules.Pos{File: "r.yaml", Line: 27, Column: 15}}}, l.Bonus)
	assert.Equal(t, "t1", l.Triggers[0].ID)
}

// Every problem of an opening state's months, bonus points and triggers.
func TestOpeningCarriedProblems(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"months", `      months:
        - {month: 2025-03}
        - {month: 2014-12}
        - {month: 2025-01, charge: 5}
        - {month: 2025-01, credits: 5, charge: 1.001}
        - {month: 2025-02, failures: {K1: met}}
        - {month: 2024-11, fields: {charge: 1, a: -1, c: 2}}
        - {colour: red}
`, []string{
			"r.yaml:19:19: opening.lots[0].months[0].month: 2025-03 is not one of the 120 months up to the opening month 2025-02",
			"r.yaml:20:19: opening.lots[0].months[1].month: 2014-12 is not one of the 120 months up to the opening month 2025-02",
			"r.yaml:21:36: opening.lots[0].months[2]: give the month's charge and credits together, for the rolling 12-month cap",
			"r.yaml:22:48: opening.lots[0].months[3].charge: 1.001 has more than 2 decimal places",
			`r.yaml:23:43: opening.lots[0].months[4].failures.K1: must be a failure level (minor, serious, severe or critical), not "met"`,
			`r.yaml:24:36: opening.lots[0].months[5].fields: missing field "b": give every numeric field of the month`,
			"r.yaml:24:51: opening.lots[0].months[5].fields.a: must be at least 0, got -1",
			"r.yaml:24:55: opening.lots[0].months[5].fields.c: unknown key (expected one of: charge, a, b)",
			`r.yaml:25:11: opening.lots[0].months[6]: missing required key "month"`,
			"r.yaml:25:12: opening.lots[0].months[6].colour: unknown key (expected one of: month, charge, credits, failures, fields, relief)",
		}},
		{"months out of order", `      months:
        - {month: 2025-01}
        - {month: 2024-12}
        - {month: 2025-02}
        - {month: 2025-02}
`, []string{
			"r.yaml:20:11: opening.lots[0].months[1].month: 2024-12 does not follow 2025-01: list the months in increasing order",
			"r.yaml:22:11: opening.lots[0].months[3].month: 2025-02 does not follow 2025-02: list the months in increasing order",
		}},
		{"bonus", `      bonus:
        - {earned: 2025-03, until: 2025-02, points: 0}
        - {earned: 2025-01}
`, []string{
			"r.yaml:19:20: opening.lots[0].bonus[0].earned: 2025-03 is after the opening month 2025-02",
			"r.yaml:19:36: opening.lots[0].bonus[0].until: the points expired after 2025-02, by the opening month 2025-02: leave them out",
			"r.yaml:19:53: opening.lots[0].bonus[0].points: must be more than 0",
			`r.yaml:20:11: opening.lots[0].bonus[1]: missing required key "until"`,
			`r.yaml:20:11: opening.lots[0].bonus[1]: missing required key "points"`,
		}},
		{"a trigger twice", "      triggers: [t1, t1]\n", []string{
			`r.yaml:18:22: opening.lots[0].triggers[1]: "t1" is listed twice`,
		}},
		// Checked against the terms in force in the opening month, once
		// the amendments apply: K2, which A1 adds, is defined.
		{"names", `      kpis: {K3: {streak: 1}, K2: {streak: 1}}
      months: [{month: 2025-01, failures: {K4: minor, K2: minor}}]
      triggers: [t1, t9]
`, []string{
			`r.yaml:18:14: opening.lots[0].kpis.K3: KPI "K3" is not defined`,
			`r.yaml:19:44: opening.lots[0].months[0].failures.K4: KPI "K4" is not defined`,
			`r.yaml:20:22: opening.lots[0].triggers[1]: trigger "t9" is not defined`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := openingHead + "opening:\n  month: 2025-02\n  lots:\n    - lot: {provider: Acme}\n" + tc.src
			_, err := rules.Parse("r.yaml", strings.NewReader(src), nil)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
