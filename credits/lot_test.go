package credits_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// Escalation counts consecutive failures; met resets the count, while
// not_measured, not_applicable and excused months leave it alone.
func TestEscalationStreak(t *testing.T) {
	rb := book(t, `kpis:
  - {id: K, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}, escalation: [1, 1.5, 2]}
`)
	lot := credits.New(rb).NewLot()
	steps := []struct {
		month  string
		o      credits.Observation
		streak int
		want   string
	}{
		{"2025-01", obs(rules.Minor, "0.9"), 1, "100.00"},    // 1st failure x1
		{"2025-02", obs(rules.Minor, "0.9"), 2, "150.00"},    // 2nd x1.5
		{"2025-03", obs(rules.NotMeasured, ""), 0, "0.00"},   // leaves the count at 2
		{"2025-04", obs(rules.Excused, ""), 0, "0.00"},       // leaves it
		{"2025-05", obs(rules.NotApplicable, ""), 0, "0.00"}, // leaves it
		{"2025-06", obs(rules.Minor, "0.9"), 3, "200.00"},    // 3rd x2
		{"2025-07", obs(rules.Minor, "0.9"), 4, "200.00"},    // 4th: the last entry repeats
		{"2025-08", obs(rules.Met, "0.99"), 0, "0.00"},       // met resets
		{"2025-09", obs(rules.Minor, "0.9"), 1, "100.00"},    // 1st again
	}
	for _, s := range steps {
		lm := month(t, lot, s.month, "10000", s.o)
		require.Equal(t, s.streak, lm.KPIs[0].Streak, s.month)
		requireMoney(t, s.want, lm.KPIs[0].Credit, s.month)
	}
}

// The model services contract's published example: target 99%, minor
// 98.0-98.9%, serious 97.0-97.9%, severe 96.0-96.9%, critical below 96%;
// 1/2/3/4 points; a repeat failure doubles the points.
func TestModelServicesFourLevels(t *testing.T) {
	rb := book(t, `kpis:
  - id: K
    measure: done / jobs
    target: 0.99
    serious: 0.98
    severe: 0.97
    critical: 0.96
    credit: {points: {minor: 1, serious: 2, severe: 3, critical: 4}}
    escalation: [1, 2]
service_areas:
  - {id: A, kpis: [K], threshold: 0, point_value: 1.00}
`)
	lot := credits.New(rb).NewLot()
	for _, s := range []struct {
		month, measure string
		level          rules.Status
		points         string
	}{
		{"2025-01", "0.965", rules.Severe, "3"}, // 96.5%: severe, 3 points
		{"2025-02", "0.985", rules.Minor, "2"},  // 98.5%: minor, 1 x 2 = 2 (repeat failure)
		{"2025-03", "0.965", rules.Severe, "6"}, // 96.5%: severe, 3 x 2 = 6
	} {
		lm := month(t, lot, s.month, "10000", obs(s.level, s.measure))
		requireMoney(t, s.points, lm.KPIs[0].Points, s.month)
		requireMoney(t, s.points, lm.KPIs[0].Credit, s.month) // £1.00 a point
	}
}

// The PFI example: threshold 20, tiers x1.0 from 21, x1.2 from 101, x1.5 from
// 201, £3.00 a point: 120 points = 20 nil + 80 x 3.00 + 20 x 3.60 = 312.00,
// spread back over the area's KPIs pro rata to their points.
func TestServiceAreaPFI(t *testing.T) {
	rb := book(t, `kpis:
  - {id: A1, measure: done / jobs, target: 0.98, credit: {points: {minor: 70}}}
  - {id: A2, measure: done / jobs, target: 0.98, credit: {points: {minor: 50}}}
  - {id: B, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 10.00}}}
service_areas:
  - id: property
    kpis: [A1, A2]
    threshold: 20
    point_value: 3.00
    tiers:
      - {from: 21, multiplier: 1.0}
      - {from: 101, multiplier: 1.2}
      - {from: 201, multiplier: 1.5}
`)
	lot := credits.New(rb).NewLot()
	lm := month(t, lot, "2025-01", "100000", obs(rules.Minor, "0.9"), obs(rules.Minor, "0.9"), obs(rules.Minor, "0.9"))
	require.Len(t, lm.Areas, 1)
	requireMoney(t, "120", lm.Areas[0].Points)
	requireMoney(t, "312.00", lm.Areas[0].Credit)
	// 312.00 x 70/120 = 182.00; 312.00 x 50/120 = 130.00
	requireMoney(t, "182.00", lm.KPIs[0].Credit)
	requireMoney(t, "130.00", lm.KPIs[1].Credit)
	require.Equal(t, "property", lm.KPIs[0].Area)
	requireMoney(t, "10.00", lm.KPIs[2].Credit)
	requireMoney(t, "322.00", lm.Credits) // 312.00 + 10.00
	require.Contains(t, lm.KPIs[0].Explanation, "70 points to area property: 120 points = (20 nil + 80 x1 + 20 x1.2) x £3.00 = £312.00; share £182.00")

	// Points within the threshold earn nothing: 70 alone is 50 over it, 50 x 3.00 = 150.00
	lm = month(t, lot, "2025-02", "100000", obs(rules.Minor, "0.9"), obs(rules.Met, "1"), obs(rules.Met, "1"))
	requireMoney(t, "150.00", lm.Areas[0].Credit)
	requireMoney(t, "150.00", lm.KPIs[0].Credit)
}

// An area's credit that does not split evenly still sums exactly: 100.00
// over points 1:1:1 gives 33.34, 33.33, 33.33 (the first remainder wins a tie).
func TestServiceAreaSplitSumsExactly(t *testing.T) {
	rb := book(t, `kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {points: {minor: 1}}}
  - {id: B, measure: done / jobs, target: 0.98, credit: {points: {minor: 1}}}
  - {id: C, measure: done / jobs, target: 0.98, credit: {points: {minor: 1}}}
service_areas:
  - {id: all, kpis: [A, B, C], threshold: 0, point_value: 33.333333}
`)
	lot := credits.New(rb).NewLot()
	lm := month(t, lot, "2025-01", "1000", obs(rules.Minor, "0.9"), obs(rules.Minor, "0.9"), obs(rules.Minor, "0.9"))
	// 3 x 33.333333 = 99.999999 -> 100.00
	requireMoney(t, "100.00", lm.Areas[0].Credit)
	requireMoney(t, "33.34", lm.KPIs[0].Credit)
	requireMoney(t, "33.33", lm.KPIs[1].Credit)
	requireMoney(t, "33.33", lm.KPIs[2].Credit)
}

// The monthly cap is charge x cap% rounded once; the capped total is spread
// back pro rata by largest remainder and sums exactly to the cap.
func TestMonthlyCap(t *testing.T) {
	rb := book(t, `kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 700.00}}}
  - {id: B, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 200.00}}}
  - {id: C, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
caps: {monthly_percent_of_charge: 10}
`)
	lot := credits.New(rb).NewLot()
	// cap: 10% of 3,333.33 = 333.333 -> 333.33; credits before cap 1,000.00.
	// shares: 333.33 x 0.7 = 233.331, x 0.2 = 66.666, x 0.1 = 33.333;
	// floors 233.33 + 66.66 + 33.33 = 333.32; the one cent left goes to the
	// largest remainder (B's 0.006): 233.33, 66.67, 33.33.
	lm := month(t, lot, "2025-01", "3333.33", obs(rules.Minor, "0.9"), obs(rules.Minor, "0.9"), obs(rules.Minor, "0.9"))
	requireMoney(t, "1000.00", lm.BeforeCap)
	requireMoney(t, "333.33", lm.Cap)
	requireMoney(t, "333.33", lm.Credits)
	requireMoney(t, "233.33", lm.KPIs[0].Credit)
	requireMoney(t, "66.67", lm.KPIs[1].Credit)
	requireMoney(t, "33.33", lm.KPIs[2].Credit)
	require.Contains(t, lm.KPIs[0].Explanation, "monthly cap £333.33 on £1,000.00 of credits; share after caps £233.33")

	// Under the cap nothing changes.
	lm = month(t, lot, "2025-02", "100000", obs(rules.Minor, "0.9"), obs(rules.Met, "1"), obs(rules.Met, "1"))
	requireMoney(t, "700.00", lm.Credits)
}

// The annual cap limits a lot's credits in a contract year; contract years
// run from the rulebook's start month.
func TestAnnualCapAmount(t *testing.T) {
	rb := book(t, `start: 2024-04
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 400.00}}}
caps: {annual_amount: 1000.00}
`)
	lot := credits.New(rb).NewLot()
	fail := obs(rules.Minor, "0.9")
	requireMoney(t, "400.00", month(t, lot, "2025-01", "10000", fail).Credits) // 400 of 1,000
	requireMoney(t, "400.00", month(t, lot, "2025-02", "10000", fail).Credits) // 800
	lm := month(t, lot, "2025-03", "10000", fail)                              // 200 left
	requireMoney(t, "200.00", lm.Credits)
	requireMoney(t, "200.00", lm.AnnualCapLeft)
	requireMoney(t, "200.00", lm.KPIs[0].Credit)
	// April 2025 starts contract year 2: the cap is whole again.
	requireMoney(t, "400.00", month(t, lot, "2025-04", "10000", fail).Credits)
}

// A percent annual cap is a share of the contract year's charges, projected
// from the charges so far plus this month's for each month left, so a
// month's figures never depend on later months.
func TestAnnualCapPercent(t *testing.T) {
	rb := book(t, `kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 600.00}}}
  - {id: B, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 300.00}}}
caps: {annual_percent_of_charge: 0.5}
`)
	lot := credits.New(rb).NewLot()
	fail := obs(rules.Minor, "0.9")
	// January (calendar years: no start month): projected charges
	// 10,000.00 + 11 x 10,000.00 = 120,000.00; cap 0.5% = 600.00.
	// 900.00 due -> 600.00 split 2:1 = 400.00 and 200.00.
	lm := month(t, lot, "2024-01", "10000", fail, fail)
	requireMoney(t, "600.00", lm.AnnualCapLeft)
	requireMoney(t, "600.00", lm.Credits)
	requireMoney(t, "400.00", lm.KPIs[0].Credit)
	requireMoney(t, "200.00", lm.KPIs[1].Credit)
	// February: 20,000.00 + 10 x 10,000.00 = 120,000.00: 600.00 - 600.00 = nothing left.
	lm = month(t, lot, "2024-02", "10000", fail, obs(rules.Met, "1"))
	requireMoney(t, "0.00", lm.Credits)
	// March, the charge rises: 42,000.00 + 9 x 22,000.00 = 240,000.00; cap
	// 1,200.00 less 600.00 credited = 600.00 left, split 2:1.
	lm = month(t, lot, "2024-03", "22000", fail, fail)
	requireMoney(t, "600.00", lm.Credits)
	requireMoney(t, "400.00", lm.KPIs[0].Credit)
	// A new year resets the cap: 12 x 100,000.00 x 0.5% = 6,000.00 > 900.00.
	lm = month(t, lot, "2025-01", "100000", fail, fail)
	requireMoney(t, "900.00", lm.Credits)
}

// Data that starts partway through a contract year projects the months
// before it at the current charge too, and a last year cut short by the
// contract's end has only its months.
func TestAnnualCapPercentPartYears(t *testing.T) {
	rb := book(t, `start: 2025-01
end: 2026-04
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 50.00}}}
caps: {annual_percent_of_charge: 1}
`)
	lot := credits.New(rb).NewLot()
	fail := obs(rules.Minor, "0.9")
	// July 2025, the data's first month: 1,000.00 + 11 x 1,000.00 (six
	// months before, five after) = 12,000.00; cap 1% = 120.00.
	lm := month(t, lot, "2025-07", "1000", fail)
	requireMoney(t, "120.00", lm.AnnualCapLeft)
	requireMoney(t, "50.00", lm.Credits)
	requireMoney(t, "50.00", month(t, lot, "2025-08", "1000", fail).Credits) // 100.00 of 120.00
	requireMoney(t, "20.00", month(t, lot, "2025-09", "1000", fail).Credits) // 20.00 left
	requireMoney(t, "0.00", month(t, lot, "2025-10", "1000", fail).Credits)
	// 2026 ends in April: 1,000.00 + 3 x 1,000.00 = 4,000.00; cap 40.00.
	lm = month(t, lot, "2026-01", "1000", fail)
	requireMoney(t, "40.00", lm.AnnualCapLeft)
	requireMoney(t, "40.00", lm.Credits)
	requireMoney(t, "0.00", month(t, lot, "2026-02", "1000", fail).Credits)
}

// Earn-back: after N consecutive met months a share of the KPI's credits
// since its last earn-back is refunded, as a negative entry.
func TestEarnBack(t *testing.T) {
	rb := book(t, `earn_back: {percent: 50, after_met_months: 3}
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 101.00}}, escalation: [1, 2]}
`)
	lot := credits.New(rb).NewLot()
	fail, met := obs(rules.Minor, "0.9"), obs(rules.Met, "1")
	month(t, lot, "2025-01", "10000", fail) // 101.00
	month(t, lot, "2025-02", "10000", fail) // 202.00 (x2): pool 303.00
	month(t, lot, "2025-03", "10000", met)
	month(t, lot, "2025-04", "10000", obs(rules.NotMeasured, "")) // does not break the run
	lm := month(t, lot, "2025-05", "10000", met)
	requireMoney(t, "0", lm.EarnBack)
	lm = month(t, lot, "2025-06", "10000", met) // 3rd met month: 50% of 303.00 = 151.50 back
	requireMoney(t, "-151.50", lm.KPIs[0].EarnBack)
	requireMoney(t, "-151.50", lm.EarnBack)
	requireMoney(t, "-151.50", lm.Net())
	require.Contains(t, lm.KPIs[0].Explanation, "earn-back after 3 met months: 50% of credits since the last = -£151.50")
	lm = month(t, lot, "2025-07", "10000", met) // the pool is empty now
	requireMoney(t, "0", lm.EarnBack)
	month(t, lot, "2025-08", "10000", fail)     // 101.00 into the pool
	month(t, lot, "2025-09", "10000", met)      //
	month(t, lot, "2025-10", "10000", fail)     // a failure restarts the count: pool 202.00 (x1, streak reset by met)
	month(t, lot, "2025-11", "10000", met)      //
	month(t, lot, "2025-12", "10000", met)      //
	lm = month(t, lot, "2026-01", "10000", met) // 50% of 202.00 = 101.00
	requireMoney(t, "-101.00", lm.EarnBack)
}

// Rounding is once per credit, with the rulebook's mode.
func TestRoundingModes(t *testing.T) {
	for _, tc := range []struct {
		mode, charge, want string
	}{
		// 0.5% of 1,001.00 = 5.005: half_up 5.01, half_even 5.00
		{"half_up", "1001", "5.01"},
		{"half_even", "1001", "5.00"},
		// 0.5% of 1,003.00 = 5.015: both 5.02
		{"half_up", "1003", "5.02"},
		{"half_even", "1003", "5.02"},
		// 0.5% of 1,002.00 = 5.01 exactly
		{"half_even", "1002", "5.01"},
	} {
		rb := book(t, "rounding: "+tc.mode+`
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {percent_of_charge: {minor: 0.5}}}
`)
		lm := month(t, credits.New(rb).NewLot(), "2025-01", tc.charge, obs(rules.Minor, "0.9"))
		requireMoney(t, tc.want, lm.Credits, tc.mode, tc.charge)
	}
}

func TestMonthErrors(t *testing.T) {
	rb := book(t, `kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 1.00}}}
`)
	lot := credits.New(rb).NewLot()
	jan, _ := rules.ParseMonth("2025-01")
	_, err := lot.Month(jan, d("1"), nil)
	require.ErrorContains(t, err, "0 observations for 1 KPIs")
	_, err = lot.Month(jan, d("-1"), []credits.Observation{obs(rules.Met, "1")})
	require.ErrorContains(t, err, "negative charge -1")
	// A has no serious bound, so no amount for serious: an observation at
	// that level is an error, not a panic or a credit of nothing.
	_, err = lot.Month(jan, d("1"), []credits.Observation{obs(rules.Serious, "0.5")})
	require.EqualError(t, err, "credits: 2025-01: KPI A is serious, a level it cannot reach")
	_, err = lot.Month(jan, d("1"), []credits.Observation{obs(rules.Met, "1")})
	require.NoError(t, err)
	_, err = lot.Month(jan, d("1"), []credits.Observation{obs(rules.Met, "1")})
	require.ErrorIs(t, err, credits.ErrOrder)
}

// The capped total is spread once, pro rata to the amounts before any cap,
// whichever caps bind. A is priced 100.00 and B 100.01 (200.01 in all) on a
// charge of 1,000.00; in pence the shares of a total T are T x 10000/20001
// and T x 10001/20001, the spare penny to the larger remainder.
func TestCapsSpreadOnce(t *testing.T) {
	for _, tc := range []struct {
		name, caps   string
		total, a, b  string
		annualBinds  bool
		monthlyBinds bool
	}{
		// No cap: the amounts.
		{"none", "{}", "200.01", "100.00", "100.01", false, false},
		// Monthly cap 10% = 100.00: 10000 x 10000/20001 = 4999.75 and
		// 10000 x 10001/20001 = 5000.25; floors 4999 + 5000 = 9999, the
		// spare penny to A's larger remainder (.75): 50.00 and 50.00.
		{"monthly", "{monthly_percent_of_charge: 10}", "100.00", "50.00", "50.00", false, true},
		// Annual cap 66.67: 6667 x 10000/20001 = 3333.33 and 6667 x
		// 10001/20001 = 3333.67; floors 6666, the penny to B: 33.33, 33.34.
		{"annual", "{annual_amount: 66.67}", "66.67", "33.33", "33.34", true, false},
		// Both: min(200.01, 100.00, 66.67) = 66.67, spread over the amounts
		// as above: 33.33, 33.34. Spreading 66.67 over the monthly shares
		// 50.00 and 50.00 instead tied at 33.335 and gave A the penny.
		{"both, annual tighter", "{monthly_percent_of_charge: 10, annual_amount: 66.67}", "66.67", "33.33", "33.34", true, true},
		// Both, the monthly cap tighter: 100.00 as for the monthly cap alone.
		{"both, monthly tighter", "{monthly_percent_of_charge: 10, annual_amount: 150.00}", "100.00", "50.00", "50.00", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb := book(t, `kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
  - {id: B, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.01}}}
caps: `+tc.caps+"\n")
			fail := obs(rules.Minor, "0.9")
			lm := month(t, credits.New(rb).NewLot(), "2025-01", "1000", fail, fail)
			requireMoney(t, "200.01", lm.BeforeCap)
			requireMoney(t, tc.total, lm.Credits)
			requireMoney(t, tc.a, lm.KPIs[0].Credit)
			requireMoney(t, tc.b, lm.KPIs[1].Credit)
			require.Equal(t, tc.monthlyBinds, lm.HasCap && lm.Cap.LessThan(lm.BeforeCap))
			require.Equal(t, tc.annualBinds, lm.HasAnnualCap && lm.Credits.Equal(lm.AnnualCapLeft))
		})
	}
}
