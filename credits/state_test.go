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
// runs, earn-back pools, the annual cap's year so far, the rolling cap's
// months, the failures triggers count, the triggers holding and the bonus
// points banked are all the history there is (half the rulebooks have the
// last four, randbook.WithTerms). Its state after each month is the
// other's too, and the triggers fire and the bonus points move alike.
func TestPropertyStateResumes(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	for i := range 80 {
		c := randbook.New(r)
		if i%2 == 1 {
			c = randbook.WithTerms(r, c)
		}
		src := c.Rules
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
			require.Equal(t, want[m].Triggers, lm.Triggers, "case %d month %d", i, m)
			require.Equal(t, want[m].Bonus, lm.Bonus, "case %d month %d", i, m)
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
		{"a recent month after the state's", credits.State{Month: m, Recent: []credits.MonthState{{Month: m + 1}}},
			"recent month 2025-03 is after 2025-02"},
		{"recent months out of order", credits.State{Month: m, Recent: []credits.MonthState{{Month: m}, {Month: m - 1}}},
			"recent month 2025-01 does not follow 2025-02"},
		{"a negative recent charge", credits.State{Month: m, Recent: []credits.MonthState{{Month: m, HasCharge: true, Charge: d("-1"), Credits: d("0")}}},
			"recent month 2025-02: negative charge -1 or credits 0"},
		{"a failure that is not one", credits.State{Month: m, Recent: []credits.MonthState{{Month: m, Failures: []credits.Failure{{KPI: "A", Level: rules.Met}}}}},
			"recent month 2025-02: KPI A at met, which is not a failure level"},
		{"no bonus points", credits.State{Month: m, Bonus: []credits.BankedBonus{{Earned: m, Last: m + 3, Points: d("0")}}},
			"bonus points 0 earned in 2025-02: they must be more than 0"},
		{"bonus points from the future", credits.State{Month: m, Bonus: []credits.BankedBonus{{Earned: m + 1, Last: m + 3, Points: d("1")}}},
			"bonus points earned in 2025-03, after 2025-02"},
		{"bonus points expired", credits.State{Month: m, Bonus: []credits.BankedBonus{{Earned: m - 3, Last: m, Points: d("1")}}},
			"bonus points earned in 2024-11 expired after 2025-02, by 2025-02"},
		{"a trigger twice", credits.State{Month: m, Holding: []string{"t", "t"}},
			`trigger "t" is listed twice or has no id`},
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

// A state's recent months count toward the rolling cap and the triggers,
// its bonus points offset the next failure's points, and a trigger it
// lists as holding does not fire again.
func TestSetStateCarriesTermsState(t *testing.T) {
	rb := book(t, `start: 2024-09
bonus: {points: 2, expiry_months: 6}
triggers:
  - {id: t, failures: 2, within: 3}
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {points: {minor: 3}}}
caps: {rolling_12_percent_of_charge: 1}
`)
	feb := rules.NewMonth(2025, 2)
	state := credits.State{Month: feb, KPIs: map[string]credits.KPIState{"A": {Streak: 1}},
		Recent: []credits.MonthState{
			{Month: feb - 1, HasCharge: true, Charge: d("10000"), Credits: d("1000.00"),
				Failures: []credits.Failure{{KPI: "A", Level: rules.Minor}}},
			{Month: feb, HasCharge: true, Charge: d("10000"), Credits: d("0")},
		},
		Bonus: []credits.BankedBonus{{Earned: feb, Last: feb + 6, Points: d("2")}}}
	for _, tc := range []struct {
		name    string
		holding []string
		fires   int
	}{{"not holding", nil, 1}, {"holding", []string{"t"}, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			s := state
			s.Holding = tc.holding
			lot := credits.New(rb).NewLot()
			require.NoError(t, lot.SetState(s))
			lm := month(t, lot, "2025-03", "10000", obs(rules.Minor, "0.9"))
			// 3 points less the 2 banked: 1 x £250. The rolling cap: 1% of
			// 3 x £10,000 known and 9 x £10,000 projected is £1,200, less
			// January's £1,000: £200 left.
			requireMoney(t, "250.00", lm.KPIs[0].Amount)
			requireMoney(t, "2", lm.KPIs[0].Bonus.Used)
			requireMoney(t, "200.00", lm.RollingCapLeft)
			requireMoney(t, "200.00", lm.Credits)
			require.Len(t, lm.Triggers, tc.fires, "January's failure and March's: 2 within 3 months")
			require.Equal(t, 2, lm.KPIs[0].Streak)
		})
	}
}
