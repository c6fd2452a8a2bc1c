package closing_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openingAt writes each lot's state at the end of month m, priced from the
// contract's start, as the rulebook's opening: key.
func openingAt(t *testing.T, c *contract, m rules.Month) string {
	t.Helper()
	job, _, err := closing.Load(context.Background(), c.files)
	require.NoError(t, err)
	eng, err := engine.Compile(job.Rules)
	require.NoError(t, err)
	var b strings.Builder
	fmt.Fprintf(&b, "opening:\n  month: %s\n  lots:\n", m)
	for _, lot := range job.Data.Lots {
		l := eng.NewLot()
		for i := range lot.Rows {
			if row := &lot.Rows[i]; row.Month <= m {
				_, err := l.Month(row, engine.Relief(job.Relief.Lookup(lot.Keys, row.Month)))
				require.NoError(t, err)
			}
		}
		s, _ := l.State()
		fmt.Fprintf(&b, "    - lot: {provider: %s, region: %s}\n", lot.Keys[0], lot.Keys[1])
		fmt.Fprintf(&b, "      year: {charges: %s, credits: %s, months: %d}\n      kpis:\n", s.Year.Charges, s.Year.Credits, s.Year.Months)
		b.WriteString(kpiStates(s))
	}
	return b.String()
}

func kpiStates(s credits.State) string {
	var b strings.Builder
	for _, id := range slices.Sorted(maps.Keys(s.KPIs)) {
		k := s.KPIs[id]
		fmt.Fprintf(&b, "        %s: {streak: %d, met_run: %d", id, k.Streak, k.MetRun)
		if !k.Pool.IsZero() {
			fmt.Fprintf(&b, ", earn_back_pool: %s", k.Pool)
		}
		b.WriteString("}\n")
	}
	if b.Len() == 0 {
		return "        {}\n"
	}
	return b.String()
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
// it. Both record the same credits.
func TestFirstCloseFromAnOpeningState(t *testing.T) {
	full := example(t)
	want := full.mustClose(t, "2025-03")

	opened := example(t)
	opening := openingAt(t, opened, month("2025-02"))
	b, err := os.ReadFile(opened.files.Rules)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(opened.files.Rules, append(b, opening...), 0o644))
	keepFrom(t, opened.files.Data, month("2025-03"))
	keepFrom(t, opened.files.Relief, month("2025-03"))
	got := opened.mustClose(t, "2025-03")

	assert.True(t, want.Credit.Equal(got.Credit) && want.EarnBack.Equal(got.EarnBack),
		"%s %s, want %s %s", got.Credit, got.EarnBack, want.Credit, want.EarnBack)
	strip := func(es []ledger.Entry) []ledger.Entry {
		for i := range es {
			es[i] = ledger.Entry{Service: es[i].Service, Lot: es[i].Lot, KPI: es[i].KPI, Level: es[i].Level,
				Credit: es[i].Credit, EarnBack: es[i].EarnBack}
		}
		return es
	}
	assert.Equal(t, strip(full.entries(t)), strip(opened.entries(t)))
	assert.Contains(t, opening, "KPI-01: {streak: 4, met_run: 0}", "history to carry: a streak")
	assert.Contains(t, opening, "KPI-06: {streak: 0, met_run: 1, earn_back_pool: 10000}", "and a pool")
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
