package closing_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openingAt writes each lot's state at the end of month m, priced under
// the terms in force month by month from the contract's start, relief
// applied, as the rulebook's opening: key.
func openingAt(t *testing.T, c *contract, m rules.Month) string {
	t.Helper()
	job, _, err := closing.Load(context.Background(), c.files)
	require.NoError(t, err)
	terms, err := engine.Terms(job.Rules)
	require.NoError(t, err)
	var lots [][]string
	var states []engine.State
	for _, lot := range job.Data.Lots {
		l := terms.NewLot()
		for i := range lot.Rows {
			if row := &lot.Rows[i]; row.Month <= m {
				_, err := l.MonthIn(terms, row, engine.Relief(job.Relief.Lookup(lot.Keys, row.Month)))
				require.NoError(t, err)
			}
		}
		s, _ := l.State()
		lots, states = append(lots, lot.Keys), append(states, s)
	}
	return randbook.Opening(job.Rules, m, lots, states)
}

// keepFrom keeps a CSV file's header and its rows of month m on (the
// month in the third column).
func keepFrom(t *testing.T, path string, m rules.Month) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	out := lines[:1]
	for _, l := range lines[1:] {
		if mm, err := rules.ParseMonth(strings.Split(l, ",")[2]); err == nil && mm >= m {
			out = append(out, l)
		}
	}
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644))
}

// The first close may be of any month of the term: from data that starts
// at the contract's start, or from an opening state and the data after
// it. Both record the same credits, closing one month or two. Opened in
// April 2025 the state carries more than streaks and pools: KPI-04 is
// judged on the quarter March to May, so the opening gives March's and
// April's fields and relief; the material-failure trigger holds, and the
// failures of the months before count toward it.
func TestFirstCloseFromAnOpeningState(t *testing.T) {
	for _, tc := range []struct {
		opening string
		closes  []string
		holds   []string
	}{
		{"2025-02", []string{"2025-03"}, []string{"KPI-01: {streak: 4, met_run: 0}", "KPI-06: {streak: 0, met_run: 1, earn_back_pool: 10000}"}},
		{"2025-04", []string{"2025-05", "2025-06"}, []string{"fields: {monthly_charge: ", "failures: {", `triggers: ["material-kpi-failure"]`,
			"- month: 2025-03\n          charge: "}},
	} {
		t.Run(tc.opening, func(t *testing.T) {
			full, opened := example(t), example(t)
			opening := openingAt(t, opened, month(tc.opening))
			b, err := os.ReadFile(opened.files.Rules)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(opened.files.Rules, append(b, opening...), 0o644))
			keepFrom(t, opened.files.Data, month(tc.opening)+1)
			keepFrom(t, opened.files.Relief, month(tc.opening)+1)
			for _, m := range tc.closes {
				want, got := full.mustClose(t, m), opened.mustClose(t, m)
				assert.True(t, want.Credit.Equal(got.Credit) && want.EarnBack.Equal(got.EarnBack),
					"%s: %s %s, want %s %s", m, got.Credit, got.EarnBack, want.Credit, want.EarnBack)
			}
			assert.Equal(t, strip(full.entries(t)), strip(opened.entries(t)))
			for _, h := range tc.holds {
				assert.Contains(t, opening, h)
			}
		})
	}
}

// strip keeps what a close records of each entry's figures.
func strip(es []ledger.Entry) []ledger.Entry {
	for i := range es {
		es[i] = ledger.Entry{Service: es[i].Service, Lot: es[i].Lot, KPI: es[i].KPI, Level: es[i].Level,
			Credit: es[i].Credit, EarnBack: es[i].EarnBack}
	}
	return es
}

// invoice_lag posts a service month's credits, and the adjustments of its
// close, to a later invoice.
func TestInvoiceLag(t *testing.T) {
	c := example(t)
	edit(t, c.files.Rules, "authority:\n", "invoice_lag: 1\nauthority:\n")
	res := c.mustClose(t, "2025-01")
	assert.Equal(t, month("2025-02"), res.Invoice)
	for _, e := range c.entries(t) {
		assert.Equal(t, month("2025-02"), e.Invoice)
	}
	_, err := closing.Statement(context.Background(), c.ledger, "Meridian Support", month("2025-01"))
	assert.ErrorContains(t, err, "nothing is invoiced in 2025-01 (invoice months: 2025-02)")
}
