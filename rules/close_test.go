package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeHead is a valid rulebook with a term from September 2024, an
// annual cap and earn-back on K1 only; cases append the close's keys.
const closeHead = `contract: X
currency: GBP
keys: [provider, region]
charge: charge
start: 2024-09
end: 2026-08
fields: {charge: money, a: int}
kpis:
  - {id: K1, measure: a, target: 0.9, credit: {fixed: {minor: 1}}, earn_back: {percent: 50, after_met_months: 2}}
  - {id: K2, measure: a, target: 0.9, credit: {fixed: {minor: 1}}}
caps: {annual_amount: 1000}
scenarios:
  - {id: without-k1, remove: [K1]}
`

func dd(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestClosingDefaults(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(closeHead), nil)
	require.NoError(t, err)
	assert.Equal(t, rules.Closing{InvoiceParty: "provider"}, rb.Closing)
	_, _, ok := rb.Authority.Approver("Ann")
	assert.False(t, ok, "without authority nobody may waive")
	assert.NoError(t, rb.AfterOpening(rules.NewMonth(2024, 9)))
}

// closeSample gives every key of the close, appended to closeHead.
const closeSample = `invoice_lag: 1
invoice_party: region
authority:
  roles: {manager: 5000.00, director: 50000}
  approvers: {Jane Smith: manager, Raj Patel: director}
opening:
  month: 2025-02
  lots:
    - lot: {region: North, provider: Acme}
      year: {charges: 600000.00, credits: 950.50}
      kpis:
        K1: {met_run: 1, earn_back_pool: 120.00}
        K2: {streak: 2}
    - lot: {provider: Bolt, region: South}
      year: {charges: 1000, months: 2}
`

func TestClosingParsed(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(closeHead+closeSample), nil)
	require.NoError(t, err)
	c := rb.Closing
	assert.Equal(t, 1, c.InvoiceLag)
	assert.Equal(t, "region", c.InvoiceParty)
	ap, role, ok := c.Authority.Approver("Raj Patel")
	require.True(t, ok)
	assert.Equal(t, "director", ap.Role)
	assert.True(t, dd("50000").Equal(role.Limit))
	assert.Equal(t, rules.Pos{File: "r.yaml", Line: 18, Column: 36}, ap.Pos)
	_, _, ok = c.Authority.Approver("Nobody")
	assert.False(t, ok)

	o := c.Opening
	require.NotNil(t, o)
	assert.Equal(t, rules.NewMonth(2025, 2), o.Month)
	acme, ok := o.Lot([]string{"Acme", "North"})
	require.True(t, ok, "key values in the rulebook's key order")
	assert.Equal(t, 6, acme.Year.Months, "September to February by default")
	assert.True(t, dd("950.50").Equal(acme.Year.Credits))
	assert.Equal(t, []rules.OpeningKPI{
		{KPI: "K1", MetRun: 1, Pool: dd("120.00"), Pos: rules.Pos{File: "r.yaml", Line: 25, Column: 9}},
		{KPI: "K2", Streak: 2, Pos: rules.Pos{File: "r.yaml", Line: 26, Column: 9}},
	}, acme.KPIs)
	bolt, ok := o.Lot([]string{"Bolt", "South"})
	require.True(t, ok)
	assert.Equal(t, 2, bolt.Year.Months)
	_, ok = o.Lot([]string{"Acme", "South"})
	assert.False(t, ok)

	assert.EqualError(t, rb.AfterOpening(rules.NewMonth(2025, 2)),
		"2025-02 is not after the opening month 2025-02 (opening.month at r.yaml:20:10); the data starts at 2025-03")
	assert.NoError(t, rb.AfterOpening(rules.NewMonth(2025, 3)))
	sc := rb.Scenarios[0]
	assert.Same(t, rb.Opening, sc.Rules().Opening, "a scenario keeps the baseline's close, KPIs removed or not")
	assert.Equal(t, rb.Closing, sc.Rules().Closing)
}

// Every problem of the close's keys, in file order, in full.
func TestClosingProblems(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"lag and party", "invoice_lag: 13\ninvoice_party: colour\n", []string{
			"r.yaml:14:14: invoice_lag: must be at most 12 months, got 13",
			`r.yaml:15:16: invoice_party: "colour" is not a key column (provider, region)`,
		}},
		{"negative lag", "invoice_lag: -1\n", []string{"r.yaml:14:14: invoice_lag: must be at least 0, got -1"}},
		{"authority", `authority:
  roles: {manager: 10.001, boss: -5}
  approvers: {Ann: clerk, Bob: manager, "": boss, Cy: }
`, []string{
			"r.yaml:15:20: authority.roles.manager: 10.001 has more than 2 decimal places",
			"r.yaml:15:34: authority.roles.boss: must not be negative, got -5",
			`r.yaml:16:20: authority.approvers.Ann: role "clerk" is not one of authority.roles (manager, boss)`,
			"r.yaml:16:41: authority.approvers.: must not be empty",
			"r.yaml:16:55: authority.approvers.Cy: must be text, not empty",
		}},
		{"authority incomplete", "authority: {roles: {manager: 10}, colour: red}\n", []string{
			`r.yaml:14:12: authority: missing required key "approvers"`,
			"r.yaml:14:35: authority.colour: unknown key (expected one of: roles, approvers)",
		}},
		{"approver repeated", "authority: {roles: {m: 1}, approvers: {Ann: m, Ann: m}}\n", []string{
			"r.yaml:14:48: authority.approvers.Ann: key is repeated",
		}},
		{"opening month", "opening: {month: 2026-08, lots: []}\n", []string{
			"r.yaml:14:18: opening.month: the data would start at 2026-09, but 2026-09 is after the contract ends (2026-08)",
		}},
		{"opening before the start", "opening: {month: 2024-07, lots: []}\n", []string{
			"r.yaml:14:18: opening.month: the data would start at 2024-08, but 2024-08 is before the contract starts (2024-09)",
		}},
		{"opening lots", `opening:
  month: 2025-02
  lots:
    - lot: {provider: Acme}
      year: {charges: 1}
    - lot: {provider: Acme, region: North, colour: red}
      year: {charges: 1}
    - lot: {provider: Acme, region: North}
      year: {credits: 5, months: 7}
    - lot: {provider: Acme, region: North}
      year: {charges: 1}
    - lot: {provider: Bolt, region: North}
      kpis:
        K9: {streak: 1}
        K1: {streak: 1, met_run: 2}
        K2: {earn_back_pool: 5, streak: -1}
`, []string{
			`r.yaml:17:12: opening.lots[0].lot: missing key column "region": name every one of provider, region`,
			"r.yaml:19:44: opening.lots[1].lot.colour: unknown key (expected one of: provider, region)",
			`r.yaml:22:13: opening.lots[2].year: missing required key "charges"`,
			"r.yaml:22:34: opening.lots[2].year.months: 7 months of the contract year by 2025-02, which has had 6",
			"r.yaml:23:7: opening.lots[3]: lot Acme / North is given twice",
			"r.yaml:25:7: opening.lots[4]: missing year: the annual cap needs the contract year's charges and credits up to 2025-02",
			`r.yaml:27:9: opening.lots[4].kpis.K9: KPI "K9" is not defined`,
			"r.yaml:28:34: opening.lots[4].kpis.K1: a streak of failures and a run of met months cannot both end in 2025-02; give one",
			"r.yaml:29:30: opening.lots[4].kpis.K2.earn_back_pool: KPI K2 has no earn_back, so nothing is earned back from a pool",
			"r.yaml:29:41: opening.lots[4].kpis.K2.streak: must be at least 0, got -1",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(closeHead+tc.src), nil)
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
