package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/report"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// termsHeader starts the rulebooks of the hand-worked cases: one lot key,
// contract years from January 2025.
const termsHeader = `contract: Hand-worked
currency: GBP
keys: [lot]
charge: charge
start: 2025-01
end: 2029-12
point_value: 100.00
fields:
  charge: money
  done: int
  jobs: int
`

// termsRun runs a rulebook (termsHeader, then body) over CSV rows
// "lot,month,charge,done,jobs" and relief rows "lot,month,kpi,reason".
func termsRun(t *testing.T, body, data, relief string) *runner.Result {
	t.Helper()
	rb, err := rules.Parse("t.yaml", strings.NewReader(termsHeader+body), kpi.Check)
	require.NoError(t, err)
	ds, err := input.ReadCSV(rb, "t.csv", strings.NewReader("lot,month,charge,done,jobs\n"+data))
	require.NoError(t, err)
	require.NoError(t, rb.CheckSpan(ds.First, ds.Last))
	job := runner.Job{Rules: rb, Data: ds}
	if relief != "" {
		job.Relief, err = input.ReadRelief(ds, runner.KPIIDs(rb), "r.csv", strings.NewReader("lot,month,kpi,reason\n"+relief))
		require.NoError(t, err)
	}
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	return res
}

// kpiRows writes a run's rows of one KPI of lot A, a line a month:
// "month terms status streak credit reason".
func kpiRows(t *testing.T, res *runner.Result, runID, kpiID string) []string {
	t.Helper()
	run, ok := res.Run(runID)
	require.True(t, ok)
	var out []string
	for _, lm := range run.Lots[0] {
		r, c, ok := lm.KPI(kpiID)
		if !ok {
			out = append(out, lm.Row.Month.String()+" -")
			continue
		}
		line := fmt.Sprintf("%s %q %s %d %s", lm.Row.Month, lm.Terms, c.Status, c.Streak, c.Credit.StringFixed(2))
		if r.Reason != "" {
			line += " " + r.Reason
		}
		out = append(out, line)
	}
	return out
}

// monthRows writes a run's credits of lot A, a line a month: "month terms
// before-cap cap credits".
func monthRows(res *runner.Result, runID string) []string {
	run, _ := res.Run(runID)
	var out []string
	for _, m := range run.Months[0] {
		out = append(out, fmt.Sprintf("%s %q %s %s %s", m.Month, m.Terms, m.BeforeCap.StringFixed(2), m.Cap.StringFixed(2), m.Credits.StringFixed(2)))
	}
	return out
}

// Hand-worked (docs/rulebook.md, Amendments): CCN-1, in force from April
// 2025, lowers K's target from 0.95 to 0.90 and the monthly cap from 3% to
// 2.5%. The failure streak runs on across it: March is the 2nd failure in
// a row (x1.5), April the 3rd (x2) under the new terms.
//
//	2025-02  46/50 = 0.92 < 0.95  minor, 1st: 2% x 10,000.00 x 1   = 200.00 (cap 300.00)
//	2025-03  45/50 = 0.90 < 0.95  minor, 2nd: 2% x 10,000.00 x 1.5 = 300.00 (cap 300.00)
//	2025-04  44/50 = 0.88 < 0.90  minor, 3rd: 2% x 10,000.00 x 2   = 400.00, capped at 2.5% = 250.00
//	2025-05  46/50 = 0.92 >= 0.90 met (a failure under the original target)
func TestAmendmentMidYearCarriesStreak(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.95, credit: {percent_of_charge: {minor: 2}}, escalation: [1, 1.5, 2]}
caps: {monthly_percent_of_charge: 3}
amendments:
  - id: CCN-1
    description: Lower target, lower cap
    agreed: 2025-03-20
    from: 2025-04
    kpis: {K: {target: 0.90}}
    caps: {monthly_percent_of_charge: 2.5}
scenarios:
  - {id: never, revoke: [CCN-1]}
`, `A,2025-01,10000.00,48,50
A,2025-02,10000.00,46,50
A,2025-03,10000.00,45,50
A,2025-04,10000.00,44,50
A,2025-05,10000.00,46,50
`, "")
	require.Equal(t, []string{
		`2025-01 "" met 0 0.00`,
		`2025-02 "" minor 1 200.00`,
		`2025-03 "" minor 2 300.00`,
		`2025-04 "CCN-1" minor 3 250.00`,
		`2025-05 "CCN-1" met 0 0.00`,
	}, kpiRows(t, res, "baseline", "K"))
	require.Equal(t, []string{
		`2025-01 "" 0.00 300.00 0.00`,
		`2025-02 "" 200.00 300.00 200.00`,
		`2025-03 "" 300.00 300.00 300.00`,
		`2025-04 "CCN-1" 400.00 250.00 250.00`,
		`2025-05 "CCN-1" 0.00 250.00 0.00`,
	}, monthRows(res, "baseline"))
	// Without CCN-1, April is capped at 3% and May fails a 4th time.
	require.Equal(t, []string{
		`2025-01 "" met 0 0.00`,
		`2025-02 "" minor 1 200.00`,
		`2025-03 "" minor 2 300.00`,
		`2025-04 "" minor 3 300.00`,
		`2025-05 "" minor 4 300.00`,
	}, kpiRows(t, res, "never", "K"))
}

// Hand-worked (docs/rulebook.md, Measurement periods): Q is judged once a
// quarter on the quarter's sums, as a percent of the quarter's charges;
// caps stay on the month's own charge. Relief for May excuses the second
// quarter's judgement in June.
//
//	Q1 (Jan-Mar)  (30 + 20 + 28) / (30 + 25 + 30) = 78 / 85 = 0.9176... < 0.95: minor
//	              1% x (10,000.00 + 10,000.00 + 12,000.00) = 320.00, capped at
//	              2.5% of March's 12,000.00 = 300.00
//	Q2 (Apr-Jun)  relief in May: excused in June, no credit, streak kept at 1
func TestQuarterlyKPIWithExcusedMonth(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: Q, measure: done / jobs, period: quarter, target: 0.95, credit: {percent_of_charge: {minor: 1}}}
caps: {monthly_percent_of_charge: 2.5}
`, `A,2025-01,10000.00,30,30
A,2025-02,10000.00,20,25
A,2025-03,12000.00,28,30
A,2025-04,10000.00,10,30
A,2025-05,10000.00,10,30
A,2025-06,10000.00,10,30
`, "A,2025-05,Q,Flood at the depot\n")
	require.Equal(t, []string{
		`2025-01 "" in_period 0 0.00 quarter 2025-01 to 2025-03, judged in 2025-03`,
		`2025-02 "" in_period 0 0.00 quarter 2025-01 to 2025-03, judged in 2025-03`,
		`2025-03 "" minor 1 300.00`,
		`2025-04 "" in_period 0 0.00 quarter 2025-04 to 2025-06, judged in 2025-06`,
		`2025-05 "" in_period 0 0.00 quarter 2025-04 to 2025-06, judged in 2025-06`,
		`2025-06 "" excused 0 0.00 relief in 2025-05: Flood at the depot`,
	}, kpiRows(t, res, "baseline", "Q"))
	lm := res.Baseline().Lots[0][2]
	r, c, _ := lm.KPI("Q")
	require.Equal(t, "0.9176470588235294", r.Measure.String())
	require.Equal(t, "320.00", c.Amount.StringFixed(2), "1% of the quarter's charges")
	require.Equal(t, "300.00", lm.Credits.Cap.StringFixed(2), "the cap is on March's charge")
	require.Equal(t, []rules.Month{rules.NewMonth(2025, 1), rules.NewMonth(2025, 2), rules.NewMonth(2025, 3)}, lm.Periods[0].Months)
}

// Hand-worked (docs/rulebook.md, Measurement periods): R is judged every
// month on the trailing 3 months, and is not measured until 3 months of
// data exist; its credit is a percent of the month's own charge.
//
//	2025-01  window incomplete: 1 of 3 months
//	2025-02  window incomplete: 2 of 3 months
//	2025-03  (8 + 9 + 10) / 30 = 0.9 >= 0.9: met
//	2025-04  (9 + 10 + 7) / 30 = 0.8666... < 0.9: minor, 1% x 10,000.00 = 100.00
//	2025-05  relief: excused; June's window leaves May out
//	2025-06  (7 + 10) / 20 = 0.85 (April and June): minor, 2nd failure
func TestRollingKPIAtStartOfData(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: R, measure: done / jobs, period: {rolling: 3}, target: 0.9, credit: {percent_of_charge: {minor: 1}}}
`, `A,2025-01,10000.00,8,10
A,2025-02,10000.00,9,10
A,2025-03,10000.00,10,10
A,2025-04,10000.00,7,10
A,2025-05,10000.00,0,10
A,2025-06,10000.00,10,10
`, "A,2025-05,R,Strike\n")
	require.Equal(t, []string{
		`2025-01 "" not_measured 0 0.00 window incomplete: 1 of 3 months of data`,
		`2025-02 "" not_measured 0 0.00 window incomplete: 2 of 3 months of data`,
		`2025-03 "" met 0 0.00`,
		`2025-04 "" minor 1 100.00`,
		`2025-05 "" excused 0 0.00 Strike`,
		`2025-06 "" minor 2 100.00`,
	}, kpiRows(t, res, "baseline", "R"))
	_, c, _ := res.Baseline().Lots[0][5].KPI("R")
	require.Equal(t, "0.85", c.Measure.String())
}

// Hand-worked (docs/rulebook.md, Triggers): two failures within three
// months fire the trigger; it holds while they are in the window, stops
// holding in April, and fires again in June.
//
//	month    Jan  Feb  Mar  Apr  May  Jun
//	K        fail fail met  met  fail fail
//	window   1    2    2    1    1    2      failures in the trailing 3 months
//	fires         x                   x
func TestTriggerFiresClearsFiresAgain(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 50.00}}}
triggers:
  - {id: rectification, failures: 2, within: 3, kpi: any, level: minor}
`, `A,2025-01,10000.00,8,10
A,2025-02,10000.00,8,10
A,2025-03,10000.00,10,10
A,2025-04,10000.00,10,10
A,2025-05,10000.00,8,10
A,2025-06,10000.00,8,10
`, "")
	var got []string
	for _, f := range res.Baseline().Triggers {
		got = append(got, fmt.Sprintf("%s %s %d %s", f.Month, f.Trigger.ID, f.Count, f.KPIs))
	}
	require.Equal(t, []string{"2025-02 rectification 2 K", "2025-06 rectification 2 K"}, got)
	require.Equal(t, 1, res.Baseline().Months[0][1].Triggers)
	require.Equal(t, 0, res.Baseline().Months[0][2].Triggers, "still holding in March: no new fire")
}

// Hand-worked (docs/rulebook.md, Bonus points): a month at or above the
// bonus bound 0.99 banks a bonus point for 2 months. January's point is
// unused and expires at the end of March; June's offsets one of July's 3
// penalty points.
//
//	Jan  1.00 >= 0.99  met, earns 1 (usable Feb-Mar)        bank 1
//	Feb  0.96          met                                  bank 1
//	Mar  0.97          met; January's point expires unused  bank 0, expired 1
//	Apr  0.90 < 0.95   minor: 3 points x 100.00 = 300.00    (nothing banked)
//	Jun  0.99          met, earns 1 (usable Jul-Aug)        bank 1
//	Jul  0.90          minor: 3 points less 1 banked = 2 x 100.00 = 200.00
func TestBonusPointsExpireUnused(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: B, measure: done / jobs, target: 0.95, bonus: 0.99, credit: {points: {minor: 3}}}
bonus: {points: 1, expiry_months: 2}
`, `A,2025-01,10000.00,50,50
A,2025-02,10000.00,48,50
A,2025-03,10000.00,97,100
A,2025-04,10000.00,90,100
A,2025-05,10000.00,96,100
A,2025-06,10000.00,99,100
A,2025-07,10000.00,90,100
`, "")
	var got []string
	for _, m := range res.Baseline().Months[0] {
		b := m.Bonus
		got = append(got, fmt.Sprintf("%s earned %s used %s expired %s bank %s credits %s", m.Month, b.Earned, b.Used, b.Expired, b.Bank,
			m.Credits.StringFixed(2)))
	}
	require.Equal(t, []string{
		"2025-01 earned 1 used 0 expired 0 bank 1 credits 0.00",
		"2025-02 earned 0 used 0 expired 0 bank 1 credits 0.00",
		"2025-03 earned 0 used 0 expired 1 bank 0 credits 0.00",
		"2025-04 earned 0 used 0 expired 0 bank 0 credits 300.00",
		"2025-05 earned 0 used 0 expired 0 bank 0 credits 0.00",
		"2025-06 earned 1 used 0 expired 0 bank 1 credits 0.00",
		"2025-07 earned 0 used 1 expired 0 bank 0 credits 200.00",
	}, got)
}

// A scenario's keys win over every amendment, earlier or later, from its
// from month on; keys it does not set follow the amendments; a KPI it
// removes stays removed. Two amendments from the same month setting the
// same key apply in the order listed: the later wins.
func TestScenarioOverAmendments(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.95, credit: {fixed: {minor: 100.00}}}
  - {id: L, measure: done / jobs, target: 0.95, credit: {fixed: {minor: 10.00}}}
amendments:
  - {id: A1, agreed: 2025-01-10, from: 2025-02, kpis: {K: {target: 0.90}}}
  - {id: A2, agreed: 2025-02-10, from: 2025-04, kpis: {K: {target: 0.70, credit: {fixed: {minor: 200.00}}}, L: {target: 0.5}}}
  - {id: A3, agreed: 2025-02-11, from: 2025-04, kpis: {K: {target: 0.80}}}
scenarios:
  - {id: s, from: 2025-03, kpis: {K: {target: 0.85}}, remove: [L]}
`, `A,2025-01,10000.00,84,100
A,2025-02,10000.00,84,100
A,2025-03,10000.00,84,100
A,2025-04,10000.00,84,100
A,2025-05,10000.00,79,100
`, "")
	// Baseline: 0.84 fails 0.95 and 0.90; from April A2 then A3 apply, so
	// the target is A3's 0.80 (met) and the amount A2's 200.00.
	require.Equal(t, []string{
		`2025-01 "" minor 1 100.00`,
		`2025-02 "A1" minor 2 100.00`,
		`2025-03 "A1" minor 3 100.00`,
		`2025-04 "A3" met 0 0.00`,
		`2025-05 "A3" minor 1 200.00`,
	}, kpiRows(t, res, "baseline", "K"))
	// The scenario's 0.85 holds from March on, over A1 and the later A3;
	// A2's amount, which it does not set, applies from April.
	require.Equal(t, []string{
		`2025-01 "" minor 1 100.00`,
		`2025-02 "A1" minor 2 100.00`,
		`2025-03 "A1" minor 3 100.00`,
		`2025-04 "A3" minor 4 200.00`,
		`2025-05 "A3" minor 5 200.00`,
	}, kpiRows(t, res, "s", "K"))
	require.Equal(t, []string{
		`2025-01 "" minor 1 10.00`, `2025-02 "A1" minor 2 10.00`, "2025-03 -", "2025-04 -", "2025-05 -",
	}, kpiRows(t, res, "s", "L"), "L stays removed although A2 changes it")
}

// A quarterly KPI whose target an amendment changes in the middle of a
// quarter is judged under the terms in force in the quarter's last month,
// on the whole quarter's data.
func TestAmendmentMidQuarterGovernsTheQuarter(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: Q, measure: done / jobs, period: quarter, target: 0.95, credit: {fixed: {minor: 100.00}}}
amendments:
  - {id: A1, agreed: 2025-01-20, from: 2025-02, kpis: {Q: {target: 0.80}}}
`, `A,2025-01,10000.00,8,10
A,2025-02,10000.00,9,10
A,2025-03,10000.00,8,10
`, "")
	require.Equal(t, []string{
		`2025-01 "" in_period 0 0.00 quarter 2025-01 to 2025-03, judged in 2025-03`,
		`2025-02 "A1" in_period 0 0.00 quarter 2025-01 to 2025-03, judged in 2025-03`,
		`2025-03 "A1" met 0 0.00`,
	}, kpiRows(t, res, "baseline", "Q"), "25 / 30 = 0.8333 meets A1's 0.80, though January was under 0.95")
}

// A scenario from a rulebook with amendments runs each of its months under
// the same terms the rulebook gets once the scenario is adopted: adopting
// it gives the scenario's figures as the new baseline, to the penny.
func TestAdoptGivesTheScenarioFigures(t *testing.T) {
	body := `kpis:
  - {id: K, measure: done / jobs, target: 0.95, credit: {percent_of_charge: {minor: 2}}, escalation: [1, 1.5]}
  - {id: L, measure: done / jobs, target: 0.90, credit: {fixed: {minor: 75.00}}}
caps: {monthly_percent_of_charge: 3}
amendments:
  - {id: A1, agreed: 2025-01-10, from: 2025-02, kpis: {K: {target: 0.92}}}
  - {id: A3, agreed: 2025-04-01, from: 2025-05, kpis: {L: {target: 0.85}}}
scenarios:
  - id: ccn-2
    description: Softer escalation, lower cap
    from: 2025-03
    kpis:
      K: {escalation: [1]}
    caps: {monthly_percent_of_charge: 2.5}
`
	data := `A,2025-01,10000.00,84,100
A,2025-02,10000.00,91,100
A,2025-03,10000.00,90,100
A,2025-04,10000.00,88,100
A,2025-05,12000.00,86,100
A,2025-06,12000.00,93,100
`
	before := termsRun(t, body, data, "")
	out, err := rules.Adopt(rules.Adoption{Name: "t.yaml", Source: []byte(termsHeader + body), ScenarioID: "ccn-2",
		Agreed: "2025-02-20", Check: kpi.Check})
	require.NoError(t, err)
	after := termsRun(t, strings.TrimPrefix(string(out), termsHeader), data, "")
	want, _ := before.Run("ccn-2")
	got := after.Baseline()
	require.Equal(t, len(want.Lots[0]), len(got.Lots[0]))
	for mi := range want.Lots[0] {
		w, g := want.Lots[0][mi], got.Lots[0][mi]
		require.Equal(t, w.Terms == "", g.Terms == "", w.Row.Month)
		require.Equal(t, w.Credits.Credits.StringFixed(2), g.Credits.Credits.StringFixed(2), w.Row.Month)
		for i := range w.Credits.KPIs {
			_, gc, ok := g.KPI(w.Credits.KPIs[i].KPI.ID)
			require.True(t, ok)
			require.Equal(t, w.Credits.KPIs[i].Status, gc.Status)
			require.Equal(t, w.Credits.KPIs[i].Credit.StringFixed(2), gc.Credit.StringFixed(2), "%s %s", w.Row.Month, gc.KPI.ID)
		}
	}
	require.Equal(t, want.Total.Credits.StringFixed(2), got.Total.Credits.StringFixed(2))
	require.NotEqual(t, before.Baseline().Total.Credits.StringFixed(2), got.Total.Credits.StringFixed(2), "the scenario changes the figures")
	require.Contains(t, string(out), "  - id: ccn-2\n    description: Softer escalation, lower cap\n    from: 2025-03\n    agreed: 2025-02-20\n")
}

// The example's draft change notice, adopted, makes the new baseline give
// the scenario's figures in every lot, month and KPI, to the penny, with
// the example's own amendments and relief.
func TestAdoptExampleScenario(t *testing.T) {
	job, _ := exampleJob(t)
	src, err := os.ReadFile("../examples/aasc/rules.yaml")
	require.NoError(t, err)
	out, err := rules.Adopt(rules.Adoption{Name: "rules.yaml", Source: src, ScenarioID: "draft-ccn-012", Agreed: "2026-02-20", Check: kpi.Check})
	require.NoError(t, err)
	adopted, err := rules.Parse("rules.yaml", bytes.NewReader(out), kpi.Check)
	require.NoError(t, err)
	require.Len(t, adopted.Amendments, 3)

	job.Scenarios = nil
	before, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	job.Rules, job.Scenarios = adopted, []*rules.Scenario{}
	after, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	want, _ := before.Run("draft-ccn-012")
	got := after.Baseline()
	for li := range want.Lots {
		for mi, w := range want.Lots[li] {
			g := got.Lots[li][mi]
			require.Equal(t, w.Credits.Credits.StringFixed(2), g.Credits.Credits.StringFixed(2), "lot %d, %s", li, w.Row.Month)
			require.Equal(t, len(w.Credits.KPIs), len(g.Credits.KPIs))
			for i, wk := range w.Credits.KPIs {
				gk := g.Credits.KPIs[i]
				require.Equal(t, wk.KPI.ID, gk.KPI.ID)
				require.Equal(t, wk.Status, gk.Status, "%s %s", w.Row.Month, wk.KPI.ID)
				require.Equal(t, wk.Credit.StringFixed(2), gk.Credit.StringFixed(2), "%s %s", w.Row.Month, wk.KPI.ID)
			}
		}
	}
	require.Equal(t, want.Total.Credits.StringFixed(2), got.Total.Credits.StringFixed(2))
	require.Equal(t, len(want.Triggers), len(got.Triggers))
	require.Equal(t, "draft-ccn-012", got.Lots[0][len(got.Lots[0])-1].Terms, "the adopted notice governs its months")
}

// The summary counts a KPI an amendment adds, and lists the terms with
// the months each governed and the triggers fired.
func TestSummaryOfTerms(t *testing.T) {
	res := termsRun(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 10.00}}}
triggers:
  - {id: twice, failures: 2, within: 2}
amendments:
  - id: A1
    description: A second KPI
    agreed: 2025-02-10
    from: 2025-03
    add: [{id: L, measure: done / jobs, target: 0.95, credit: {fixed: {minor: 5.00}}}]
`, `A,2025-01,1000.00,8,10
A,2025-02,1000.00,10,10
A,2025-03,1000.00,9,10
A,2025-04,1000.00,9,10
`, "")
	s := report.Summarize(res)
	require.Equal(t, 2, s.KPIs)
	var kpis []string
	for _, k := range s.ByKPI {
		kpis = append(kpis, fmt.Sprintf("%s %s %d", k.ID, k.Credits.StringFixed(2), k.Failures))
	}
	require.Equal(t, []string{"K 10.00 1", "L 10.00 2"}, kpis)
	require.Equal(t, []report.Terms{
		{Description: "The contract as first agreed", First: "2025-01", Last: "2025-02"},
		{ID: "A1", Description: "A second KPI", Agreed: "2025-02-10", From: "2025-03", First: "2025-03", Last: "2025-04"},
	}, s.Terms)
	require.True(t, s.HasTriggers)
	require.Len(t, s.Triggers, 1)
	require.Equal(t, report.Fired{Trigger: "twice", Level: "minor", Lot: "A", Month: "2025-04", KPIs: "L", Count: 2, Within: 2}, s.Triggers[0])
}
