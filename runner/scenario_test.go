package runner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/report"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// Removing and adding KPIs, worked by hand on the small contract
// (charges 10,000.00 North and 8,000.00 Wales; cap 5%).
func TestScenarioRemoveAdd(t *testing.T) {
	job := smallJob(t)
	require.NoError(t, job.Rules.ReadScenarios("s.yaml", strings.NewReader(`id: swap
remove: [K2]
add:
  - {id: K3, measure: fixed / jobs, target: 0.80, credit: {fixed: {minor: 100.00}}}
`)))
	job.Scenarios = job.Rules.Scenarios[1:]
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	got := map[string][2]string{}
	for _, c := range res.Comparisons() {
		got[c.Lot[1]+" "+c.KPI] = [2]string{c.Baseline.StringFixed(2), c.Credit.StringFixed(2)}
	}
	require.Equal(t, map[string][2]string{
		// North: K1 fails Feb (500.00, alone under the 500.00 cap now that K2 is
		// gone) and Mar (1,000.00 capped to 500.00); K3 only fails Apr, 0/3 =
		// 0 < 0.80: 100.00.
		"North K1": {"962.96", "1000.00"},
		"North K2": {"37.04", "0.00"},
		"North K3": {"0.00", "100.00"},
		// Wales Feb: K1 serious 1,250.00 and K3 0.70 < 0.80 100.00 share the
		// 400.00 cap: 40000 x 1250/1350 = 37037.04 pence, 40000 x 100/1350 =
		// 2962.96; the spare penny to K3's larger remainder: 370.37 and 29.63.
		// Apr: K1 1,000.00 capped to 400.00; K3 0.90 met.
		"Wales K1": {"800.00", "770.37"},
		"Wales K2": {"0.00", "0.00"},
		"Wales K3": {"0.00", "29.63"},
	}, got)
}

// A sweep runs one scenario per value; the value equal to the baseline's
// gives the baseline's total.
func TestSweepRun(t *testing.T) {
	job := smallJob(t)
	require.NoError(t, job.Rules.ReadScenarios("s.yaml", strings.NewReader(`id: k1-target
sweep: {kpi: K1, field: target, values: [0.85, 0.95]}
`)))
	job.Scenarios = job.Rules.Scenarios[1:]
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	s := report.Summarize(res)
	require.Len(t, s.Sweeps, 1)
	sw := s.Sweeps[0]
	require.Equal(t, "k1-target", sw.ID)
	require.Len(t, sw.Points, 2)
	// Target 0.85: North's 0.85 and 0.90 are met, leaving K2's Feb 40.00;
	// Wales's 0.70 is still serious (capped at 400.00) and 0.90 met: 440.00.
	require.Equal(t, "0.85", sw.Points[0].Value.String())
	require.Equal(t, "440.00", sw.Points[0].Credits.StringFixed(2))
	require.Equal(t, "1800.00", sw.Points[1].Credits.StringFixed(2))
	require.True(t, sw.Points[1].Credits.Equal(s.Baseline.Credits))
}

// A scenario identical to the baseline differs from it nowhere.
func TestIdenticalScenarioIsZero(t *testing.T) {
	job, _ := exampleJob(t)
	require.NoError(t, job.Rules.ReadScenarios("same.yaml", strings.NewReader("id: same\nfrom: 2025-06\n")))
	job.Scenarios = job.Rules.Scenarios[len(job.Rules.Scenarios)-1:]
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	for _, c := range res.Comparisons() {
		require.Truef(t, c.Difference.IsZero(), "%v %s", c.Lot, c.KPI)
		require.Equal(t, c.BaselineFailures, c.Failures)
	}
}

// A sweep's members keep only totals unless the job asks for their detail;
// their totals are the same either way.
func TestSweepDetail(t *testing.T) {
	job := smallJob(t)
	require.NoError(t, job.Rules.ReadScenarios("s.yaml", strings.NewReader("id: k1\nsweep: {kpi: K1, field: target, values: [0.85, 0.9]}\n")))
	job.Scenarios = job.Rules.Scenarios[1:]
	slim, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	job.SweepDetail = true
	full, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	for i := range slim.Runs[1:] {
		s, f := slim.Runs[i+1], full.Runs[i+1]
		require.False(t, s.Detailed())
		require.True(t, f.Detailed())
		require.True(t, s.Total.Credits.Equal(f.Total.Credits))
		require.Equal(t, s.KPIs, f.KPIs)
	}
	require.Equal(t, slim.Comparisons(), full.Comparisons())
}

// A scenario that lowers after_met_months during a run of met months
// refunds at its first met month, the run being already past the new
// threshold. One lot, K priced 100.00 a miss (done < 1), earn-back 50%
// after 3 met months; the scenario lowers it to 1 from April:
//
//	Jan miss: pool 100.00. Feb, Mar met: runs 1, 2, short of 3.
//	Apr met, run 3: the baseline refunds 50% x 100.00 = 50.00 (run 3 = 3);
//	  so does the scenario (run 3 >= 1), and its pool is then empty.
//	May met, run 4: nothing left to refund in either.
//	Jun miss: pool 100.00 in both.
//	Jul met, run 1: the scenario refunds 50.00 (1 >= 1); the baseline waits.
//	Aug, Sep met: runs 2, 3: the baseline refunds 50.00 in September.
func TestScenarioLowersEarnBackMidRun(t *testing.T) {
	rb, err := rules.Parse("eb.yaml", strings.NewReader(`contract: Earn-back
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, done: int}
earn_back: {percent: 50, after_met_months: 3}
kpis:
  - {id: K, measure: done, target: 1, credit: {fixed: {minor: 100.00}}}
scenarios:
  - {id: quicker, from: 2025-04, earn_back: {percent: 50, after_met_months: 1}}
`), nil)
	require.NoError(t, err)
	ds, err := input.ReadCSV(rb, "eb.csv", strings.NewReader(`provider,region,month,charge,done
P,R,2025-01,1000.00,0
P,R,2025-02,1000.00,1
P,R,2025-03,1000.00,1
P,R,2025-04,1000.00,1
P,R,2025-05,1000.00,1
P,R,2025-06,1000.00,0
P,R,2025-07,1000.00,1
P,R,2025-08,1000.00,1
P,R,2025-09,1000.00,1
`))
	require.NoError(t, err)
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds, Scenarios: rb.Scenarios})
	require.NoError(t, err)
	earnBack := func(run int) []string {
		var out []string
		for _, m := range res.Runs[run].Lots[0] {
			out = append(out, m.Credits.EarnBack.StringFixed(2))
		}
		return out
	}
	//                          Jan     Feb     Mar     Apr       May     Jun     Jul       Aug     Sep
	require.Equal(t, []string{"0.00", "0.00", "0.00", "-50.00", "0.00", "0.00", "0.00", "0.00", "-50.00"}, earnBack(0))
	require.Equal(t, []string{"0.00", "0.00", "0.00", "-50.00", "0.00", "0.00", "-50.00", "0.00", "0.00"}, earnBack(1))
}
