package credits_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randomMonths draws months of observations for a rulebook's KPIs: a
// random measure classified by the KPI, or not measured, or excused.
func randomMonths(r *rand.Rand, rb *rules.Rulebook, n int) ([]decimal.Decimal, [][]credits.Observation) {
	charges := make([]decimal.Decimal, n)
	obs := make([][]credits.Observation, n)
	for m := range n {
		charges[m] = decimal.New(int64(100_000+r.IntN(10_000_000)), -2)
		for _, k := range rb.KPIs {
			o := credits.Observation{Status: rules.NotMeasured}
			switch p := r.IntN(10); {
			case p == 0:
				o.Status = rules.Excused
			case p > 1:
				o.Measure = randomMeasure(r)
				o.Status = k.Classify(o.Measure)
			}
			obs[m] = append(obs[m], o)
		}
	}
	return charges, obs
}

// A lot started from the state another had after month k prices months
// k+1 on exactly as the other does, whatever the rulebook: streaks, met
// runs, earn-back pools and the annual cap's year so far are all the
// history there is. Its state after each month is the other's too.
func TestPropertyStateResumes(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	for i := range 60 {
		src := randbook.New(r).Rules
		src = strings.Replace(src, "start: 2024-01", "start: 2023-0"+string(rune('1'+r.IntN(9))), 1) // contract years from any month
		rb, err := rules.Parse("random.yaml", strings.NewReader(src), nil)
		require.NoError(t, err, src)
		calc := credits.New(rb)
		n := 8 + r.IntN(20)
		charges, obs := randomMonths(r, rb, n)
		first := rules.NewMonth(2024, 1)
		whole := calc.NewLot()
		var want []*credits.Month
		var states []credits.State
		for m := range n {
			lm, err := whole.Month(first.Add(m), charges[m], obs[m])
			require.NoError(t, err)
			want = append(want, lm)
			s, ok := whole.State()
			require.True(t, ok)
			states = append(states, s)
		}
		k := r.IntN(n - 1)
		resumed := calc.NewLot()
		require.NoError(t, resumed.SetState(states[k]), "case %d", i)
		for m := k + 1; m < n; m++ {
			lm, err := resumed.Month(first.Add(m), charges[m], obs[m])
			require.NoError(t, err)
			require.Truef(t, want[m].Credits.Equal(lm.Credits) && want[m].EarnBack.Equal(lm.EarnBack),
				"case %d, resumed after month %d: month %d: %s %s, want %s %s\n%s", i, k, m,
				lm.Credits, lm.EarnBack, want[m].Credits, want[m].EarnBack, src)
			for j := range lm.KPIs {
				require.True(t, want[m].KPIs[j].Credit.Equal(lm.KPIs[j].Credit), "case %d month %d KPI %d", i, m, j)
				require.Equal(t, want[m].KPIs[j].Streak, lm.KPIs[j].Streak)
			}
			s, _ := resumed.State()
			require.Equal(t, states[m], s, "case %d month %d", i, m)
		}
	}
}

// SetState refuses a state no lot can be in, naming what is wrong, and
// the lot's next month must follow the state's.
func TestSetState(t *testing.T) {
	rb := book(t, `start: 2024-09
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
`)
	m := rules.NewMonth(2025, 2) // the 6th month of the contract year from September
	for _, tc := range []struct {
		name string
		s    credits.State
		err  string
	}{
		{"negative streak", credits.State{Month: m, KPIs: map[string]credits.KPIState{"A": {Streak: -1}}},
			"KPI A: negative streak -1, met run 0 or pool 0"},
		{"negative pool", credits.State{Month: m, KPIs: map[string]credits.KPIState{"A": {Pool: d("-1")}}},
			"KPI A: negative streak 0, met run 0 or pool -1"},
		{"streak and met run", credits.State{Month: m, KPIs: map[string]credits.KPIState{"A": {Streak: 2, MetRun: 1}}},
			"KPI A: a streak of 2 failures and a run of 1 met months cannot both end in 2025-02"},
		{"too many months", credits.State{Month: m, Year: credits.YearState{Months: 7, Charges: d("1")}},
			"7 months of the contract year by 2025-02, which has had 6"},
		{"negative charges", credits.State{Month: m, Year: credits.YearState{Months: 6, Charges: d("-1")}},
			"negative year charges -1 or credits 0"},
		{"totals without months", credits.State{Month: m, Year: credits.YearState{Credits: d("5")}},
			"year charges 0 and credits 5 with no months"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := credits.New(rb).NewLot().SetState(tc.s)
			require.ErrorIs(t, err, credits.ErrState)
			require.EqualError(t, err, "credits: impossible lot state: "+tc.err)
		})
	}
	lot := credits.New(rb).NewLot()
	_, ok := lot.State()
	require.False(t, ok, "a new lot has no state")
	require.NoError(t, lot.SetState(credits.State{Month: m, Year: credits.YearState{Months: 6, Charges: d("6000")}}))
	_, err := lot.Month(m, d("1000"), []credits.Observation{obs(rules.Met, "1")})
	require.ErrorIs(t, err, credits.ErrOrder, "the month after the state's comes next")
	s, ok := lot.State()
	require.True(t, ok)
	require.Equal(t, credits.State{Month: m, KPIs: map[string]credits.KPIState{},
		Year: credits.YearState{Months: 6, Charges: d("6000"), Credits: decimal.Zero}}, s)
}

// An opening state's streak escalates the next failure, its met run
// counts towards earn-back, its pool is what is earned back, and its
// year's credits count against the annual cap.
func TestSetStateCarriesHistory(t *testing.T) {
	rb := book(t, `start: 2024-09
earn_back: {percent: 50, after_met_months: 3}
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}, escalation: [1, 2, 3]}
  - {id: B, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
caps: {annual_amount: 1000.00}
`)
	lot := credits.New(rb).NewLot()
	require.NoError(t, lot.SetState(credits.State{Month: rules.NewMonth(2025, 2),
		KPIs: map[string]credits.KPIState{"A": {Streak: 2, Pool: d("300.00")}, "B": {MetRun: 2, Pool: d("80.00")}},
		Year: credits.YearState{Months: 6, Charges: d("60000"), Credits: d("950.00")}}))
	lm := month(t, lot, "2025-03", "10000", obs(rules.Minor, "0.9"), obs(rules.Met, "1"))
	requireMoney(t, "3", lm.KPIs[0].Multiplier, "the third failure in a row")
	requireMoney(t, "300.00", lm.KPIs[0].Amount)
	requireMoney(t, "50.00", lm.Credits, "1,000.00 less the 950.00 of the year so far")
	requireMoney(t, "-40.00", lm.KPIs[1].EarnBack, "the third met month earns back half of 80.00")
	require.Equal(t, 3, lm.KPIs[0].Streak)
}

// Waive takes a waived amount out of the KPI's earn-back pool, never below
// zero, and leaves streaks and the year's totals alone.
func TestWaive(t *testing.T) {
	rb := book(t, `earn_back: {percent: 100, after_met_months: 1}
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
`)
	for _, tc := range []struct {
		name, waive, refund string
	}{
		{"part", "30.00", "-70.00"},
		{"all", "100.00", "0"},
		{"more than the pool", "150.00", "0"},
		{"nothing", "0", "-100.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lot := credits.New(rb).NewLot()
			month(t, lot, "2025-01", "10000", obs(rules.Minor, "0.9"))
			before, _ := lot.State()
			lot.Waive("A", d(tc.waive))
			lot.Waive("no such KPI", d("5"))
			after, _ := lot.State()
			require.Equal(t, before.KPIs["A"].Streak, after.KPIs["A"].Streak)
			require.Equal(t, before.Year, after.Year)
			lm := month(t, lot, "2025-02", "10000", obs(rules.Met, "1"))
			requireMoney(t, tc.refund, lm.EarnBack)
		})
	}
}
