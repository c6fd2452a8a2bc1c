package credits_test

import (
	"fmt"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// A banded area: the highest band the pooled points reach gives a percent
// of the charge, spread back over the KPIs pro rata to their points; below
// the first band, nothing.
//
//	pool 11 (6 + 5)  band from 10: 2% x 10,000.00 = 200.00; 6/11 -> 109.09, 5/11 -> 90.91
//	pool 9  (4 + 5)  below the first band: 0.00
//	pool 16 (6 + 10) band from 15: 4% x 10,000.00 = 400.00; 6/16 -> 150.00, 10/16 -> 250.00
func TestBands(t *testing.T) {
	rb := book(t, `kpis:
  - {id: P1, measure: done / jobs, target: 0.98, serious: 0.9, credit: {points: {minor: 4, serious: 6}}}
  - {id: P2, measure: done / jobs, target: 0.98, serious: 0.9, credit: {points: {minor: 5, serious: 10}}}
service_areas:
  - {id: A, kpis: [P1, P2], bands: [{from: 10, percent_of_charge: 2}, {from: 15, percent_of_charge: 4}]}
`)
	lot := credits.New(rb).NewLot()
	for _, c := range []struct {
		month  string
		p1, p2 rules.Status
		shares [2]string
		area   string
	}{
		{"2025-01", rules.Serious, rules.Minor, [2]string{"109.09", "90.91"}, "area A: 11 points = band from 10: 2% of £10,000.00 = £200.00"},
		{"2025-02", rules.Minor, rules.Minor, [2]string{"0.00", "0.00"}, "area A: 9 points = below the first band (10) = £0.00"},
		{"2025-03", rules.Serious, rules.Serious, [2]string{"150.00", "250.00"}, "area A: 16 points = band from 15: 4% of £10,000.00 = £400.00"},
	} {
		lm := month(t, lot, c.month, "10000", obs(c.p1, "0.85"), obs(c.p2, "0.85"))
		requireMoney(t, c.shares[0], lm.KPIs[0].Credit, c.month)
		requireMoney(t, c.shares[1], lm.KPIs[1].Credit, c.month)
		require.Equal(t, c.area, lm.Areas[0].How)
	}
}

// The rolling 12-month cap: 1% of the window's charges, the months before
// the lot's first counted at this month's charge. £100.00 a month of
// failures against 1% x 12 x £1,000.00 = £120.00: the first month gets
// 100.00, the second the 20.00 left, then nothing until the first month
// leaves the window in the 13th.
func TestRollingCap(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
caps: {rolling_12_percent_of_charge: 1}
`)
	lot := credits.New(rb).NewLot()
	var got []string
	for i := range 14 {
		lm := month(t, lot, rules.NewMonth(2025, 1).Add(i).String(), "1000", obs(rules.Minor, "0.9"))
		got = append(got, lm.RollingCapLeft.StringFixed(2)+" "+lm.Credits.StringFixed(2))
	}
	require.Equal(t, []string{"120.00 100.00", "20.00 20.00", "0.00 0.00", "0.00 0.00", "0.00 0.00", "0.00 0.00",
		"0.00 0.00", "0.00 0.00", "0.00 0.00", "0.00 0.00", "0.00 0.00", "0.00 0.00", "100.00 100.00", "20.00 20.00"}, got)
}

// escalation_across_relief: keep carries a streak over an excused month;
// reset ends it there.
func TestEscalationAcrossRelief(t *testing.T) {
	for _, c := range []struct {
		policy string
		third  string
		streak int
	}{{"keep", "200.00", 2}, {"reset", "100.00", 1}} {
		rb := book(t, "escalation_across_relief: "+c.policy+`
kpis:
  - {id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}, escalation: [1, 2]}
`)
		lot := credits.New(rb).NewLot()
		month(t, lot, "2025-01", "1000", obs(rules.Minor, "0.9"))
		month(t, lot, "2025-02", "1000", obs(rules.Excused, ""))
		lm := month(t, lot, "2025-03", "1000", obs(rules.Minor, "0.9"))
		requireMoney(t, c.third, lm.KPIs[0].Credit, c.policy)
		require.Equal(t, c.streak, lm.KPIs[0].Streak, c.policy)
	}
}

// A trigger on any KPI counts every KPI's failures together and names
// them, oldest failure first; one on a KPI counts its failures only, at
// its level or worse.
func TestTriggerCounts(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K1, measure: done / jobs, target: 0.98, serious: 0.9, credit: {fixed: {minor: 1.00, serious: 2.00}}}
  - {id: K2, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1.00}}}
triggers:
  - {id: any3, failures: 3, within: 2}
  - {id: k1-serious, failures: 1, within: 1, kpi: K1, level: serious}
`)
	lot := credits.New(rb).NewLot()
	var got []string
	for _, m := range []struct {
		month  string
		k1, k2 rules.Status
	}{
		{"2025-01", rules.Met, rules.Minor},
		{"2025-02", rules.Minor, rules.Minor}, // any3: 3 in Jan-Feb
		{"2025-03", rules.Serious, rules.Met}, // any3 holds (2 + 1); k1-serious fires
		{"2025-04", rules.Serious, rules.Met}, // k1-serious holds; any3: 2, stops
		{"2025-05", rules.Minor, rules.Minor}, // any3: 3 again; k1-serious stops
		{"2025-06", rules.Serious, rules.Met}, // k1-serious again; any3 holds
	} {
		lm := month(t, lot, m.month, "1000", obs(m.k1, "0.85"), obs(m.k2, "0.85"))
		for _, f := range lm.Triggers {
			got = append(got, fmt.Sprintf("%s %s %d %s", m.month, f.Trigger.ID, f.Count, f.KPIs))
		}
	}
	require.Equal(t, []string{
		"2025-02 any3 3 K2, K1",
		"2025-03 k1-serious 1 K1",
		"2025-05 any3 3 K1, K2",
		"2025-06 k1-serious 1 K1",
	}, got)
}

// Keep makes a lot log failures before its rules have triggers, so that a
// trigger a later set of rules brings counts the months before.
func TestKeepFailuresForLaterTriggers(t *testing.T) {
	plain := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1.00}}}
`)
	withTrigger := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1.00}}}
triggers:
  - {id: t, failures: 2, within: 3}
`)
	lot := credits.New(plain).NewLot()
	lot.Keep(3)
	month(t, lot, "2025-01", "1000", obs(rules.Minor, "0.9"))
	month(t, lot, "2025-02", "1000", obs(rules.Minor, "0.9"))
	lot.Use(credits.New(withTrigger))
	lm := month(t, lot, "2025-03", "1000", obs(rules.Met, "0.99"))
	require.Len(t, lm.Triggers, 1)
	require.Equal(t, 2, lm.Triggers[0].Count)
}

// Banked bonus points offset a service area's points above its threshold
// (before the areas, then points KPIs outside them), oldest first.
func TestBonusOffsetsAreaPoints(t *testing.T) {
	rb := book(t, `bonus: {points: 2, expiry_months: 12}
kpis:
  - {id: P, measure: done / jobs, target: 0.9, bonus: 0.99, credit: {points: {minor: 5}}}
  - {id: Q, measure: done / jobs, target: 0.9, credit: {points: {minor: 3}}}
service_areas:
  - {id: A, kpis: [P], threshold: 1, point_value: 10.00}
`)
	lot := credits.New(rb).NewLot()
	month(t, lot, "2025-01", "1000", obs(rules.Met, "1"), obs(rules.Met, "1"))     // earns 2
	month(t, lot, "2025-02", "1000", obs(rules.Met, "0.995"), obs(rules.Met, "1")) // earns 2 more: bank 4
	lm := month(t, lot, "2025-03", "1000", obs(rules.Minor, "0.8"), obs(rules.Minor, "0.8"))
	// Area A: 5 points, 4 above the threshold; all 4 banked points offset them.
	require.Equal(t, "4", lm.Areas[0].BonusUsed.String())
	require.Equal(t, "area A: 5 points less 4 bonus points banked = 1 point = 1 nil = £0.00", lm.Areas[0].How)
	requireMoney(t, "0", lm.KPIs[0].Credit)
	requireMoney(t, "750.00", lm.KPIs[1].Credit, "Q: 3 points x £250.00, the bank being empty")
	b := lm.Bonus
	require.Equal(t, "0 4 0 0", fmt.Sprint(b.Earned, b.Used, b.Expired, b.Bank))
}
