package credits_test

import (
	"fmt"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// earnBackBook is one KPI priced 100.00 a failure, earning back 50% of its
// pool after n consecutive met months.
func earnBackBook(t *testing.T, n int) *credits.Calculator {
	t.Helper()
	return credits.New(book(t, fmt.Sprintf(`earn_back: {percent: 50, after_met_months: %d}
kpis:
  - {id: A, measure: done / jobs, target: 0.98, credit: {fixed: {minor: 100.00}}}
`, n)))
}

// A scenario that changes after_met_months during a run of met months pays
// the refund at the first met month whose run is at least the new
// threshold: at once when the run is already there, later when it is not.
// The pool is refunded once, and credits that pool afterwards are refunded
// when the next run reaches the threshold.
//
// Every row: January fails (100.00 into the pool); then `before` met months
// under the baseline's threshold, too few to earn it back; then the
// scenario's rules from the next month on, under which the months are
// `after`: m met, n not measured, f failed (100.00 into the pool again,
// the run back to 0). A refund is 50% of 100.00 = 50.00.
func TestEarnBackThresholdChangedMidRun(t *testing.T) {
	for _, tc := range []struct {
		name         string
		base, scen   int // after_met_months of the baseline and the scenario
		before       int // met months under the baseline
		after        string
		refundMonths []int // indexes into after of the months that refund 50.00
	}{
		// The case found: runs 1, 2 under the baseline's 3; the scenario's 1
		// is already passed when its first month brings the run to 3.
		{"lowered 3 to 1", 3, 1, 2, "mmmmfmmm", []int{0, 5}},
		// Run 3 at the switch month already exceeds 2: refund there. After the
		// failure at index 4, runs 1, 2: refund at the 2nd (index 6).
		{"lowered 3 to 2", 3, 2, 2, "mmmmfmmm", []int{0, 6}},
		// The baseline's 5 not reached by a run of 4; the scenario's 1 is
		// passed four times over: refund at the first met month after the
		// switch, run 5, and nothing more from the emptied pool.
		{"lowered 5 to 1, run beyond", 5, 1, 4, "mmmfm", []int{0, 4}},
		// A not-measured month neither refunds nor breaks the run: the refund
		// waits for the next met month (run 3).
		{"lowered, first month not measured", 3, 1, 2, "nmm", []int{1}},
		// Unchanged threshold: run 3 at index 0, as the baseline would.
		{"unchanged", 3, 3, 2, "mmmfmmm", []int{0, 6}},
		// Raised to 4: runs 3 (index 0, no longer enough) and 4 (index 1,
		// refund); after the failure at index 2, runs 1..4 end at index 6.
		{"raised 3 to 4", 3, 4, 2, "mmfmmmm", []int{1, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lot := earnBackBook(t, tc.base).NewLot()
			m := rules.NewMonth(2025, 1)
			charge := d("10000")
			next := func(o credits.Observation) *credits.Month {
				t.Helper()
				lm, err := lot.Month(m, charge, []credits.Observation{o})
				require.NoError(t, err)
				m = m.Add(1)
				return lm
			}
			requireMoney(t, "100.00", next(obs(rules.Minor, "0.9")).Credits)
			for range tc.before {
				requireMoney(t, "0", next(obs(rules.Met, "1")).EarnBack)
			}
			lot.Use(earnBackBook(t, tc.scen))
			for i, c := range tc.after {
				o := map[rune]credits.Observation{'m': obs(rules.Met, "1"), 'n': obs(rules.NotMeasured, ""),
					'f': obs(rules.Minor, "0.9")}[c]
				lm := next(o)
				want := "0"
				for _, r := range tc.refundMonths {
					if r == i {
						want = "-50.00"
					}
				}
				requireMoney(t, want, lm.EarnBack, "after[", i, "]")
			}
		})
	}
}

// The explanation of a refund paid on a run longer than the threshold says
// so: after the baseline's met months 2 (January failed), the scenario's
// threshold 1 is met by the run of 3.
func TestEarnBackRunBeyondExplained(t *testing.T) {
	lot := earnBackBook(t, 3).NewLot()
	month(t, lot, "2025-01", "10000", obs(rules.Minor, "0.9"))
	month(t, lot, "2025-02", "10000", obs(rules.Met, "1"))
	month(t, lot, "2025-03", "10000", obs(rules.Met, "1"))
	lot.Use(earnBackBook(t, 1))
	lm := month(t, lot, "2025-04", "10000", obs(rules.Met, "1"))
	require.Equal(t, "A met: 1 >= target 0.98; earn-back after 1 met month (3 met months running): 50% of credits since the last = -£50.00",
		lm.KPIs[0].Explanation)
}
