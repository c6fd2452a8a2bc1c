package ledger

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// model is what a history of closes, waivers and disputes should leave in
// the ledger.
type model struct {
	r       *rand.Rand
	closed  []rules.Month
	next    rules.Month
	comp    map[creditKey]Figure // the current computation of every closed month
	waived  map[creditKey]decimal.Decimal
	dispute map[creditKey]DisputeState
}

var (
	propLots = [][]string{{"Acme", "North"}, {"Acme", "South"}, {"Bolt", "East"}}
	propKPIs = []string{"KPI-01", "KPI-02", "KPI-03"}
)

// money returns a random amount: zero a third of the time.
func (m *model) money(most int) decimal.Decimal {
	if m.r.IntN(3) == 0 {
		return decimal.Zero
	}
	return decimal.New(int64(m.r.IntN(most*100)), -2)
}

// recompute changes the computation at random: each credit of a month may
// change, appear or vanish.
func (m *model) recompute(mm rules.Month, fresh bool) {
	for _, lot := range propLots {
		for _, kpi := range propKPIs {
			k := creditKey{mm, lotText(lot), kpi}
			switch p := m.r.IntN(10); {
			case !fresh && p < 7: // unchanged
			case p == 9:
				delete(m.comp, k)
			default:
				m.comp[k] = Figure{Month: mm, Lot: lot, KPI: kpi, Level: "minor",
					Credit: m.money(2000), EarnBack: m.money(300).Neg()}
			}
		}
	}
}

// figures returns the computation, at least one figure a month.
func (m *model) figures() []Figure {
	var out []Figure
	for _, mm := range append(m.closed, m.next) {
		n := 0
		for _, lot := range propLots {
			for _, kpi := range propKPIs {
				if f, ok := m.comp[creditKey{mm, lotText(lot), kpi}]; ok {
					out = append(out, f)
					n++
				}
			}
		}
		if n == 0 {
			f := Figure{Month: mm, Lot: propLots[0], KPI: propKPIs[0]}
			m.comp[creditKey{mm, lotText(f.Lot), f.KPI}] = f
			out = append(out, f)
		}
	}
	return out
}

// step does one random operation and returns its name and error.
func (m *model) step(t *testing.T, l *Ledger, i int) (string, error) {
	switch p := m.r.IntN(10); {
	case p < 4 || len(m.closed) == 0:
		for _, mm := range m.closed {
			if m.r.IntN(3) == 0 {
				m.recompute(mm, false)
			}
		}
		m.recompute(m.next, true)
		req := CloseRequest{Month: m.next, Figures: Figures{Hashes: hashes(fmt.Sprint(i)), Lines: m.figures()},
			InvoiceLag: len(m.closed) % 2, At: at}
		if m.r.IntN(2) == 0 {
			req.Classify = func(Adjustment) Reason { return ReasonRelief }
		}
		_, err := l.CloseMonth(t.Context(), req)
		if err == nil {
			m.closed = append(m.closed, m.next)
			m.next++
		}
		return "close " + req.Month.String(), err
	case p == 4:
		bad := m.closed[m.r.IntN(len(m.closed))] // already closed
		_, err := l.CloseMonth(t.Context(), closeReq(bad.String(), hashes("x"), Figure{Month: bad, Lot: propLots[0], KPI: "K"}))
		return "close again " + bad.String(), err
	case p < 8:
		k, lot := m.pick()
		approver := authority.Approvers[m.r.IntN(len(authority.Approvers))].Name
		w := Waiver{Month: k.month, Lot: lot, KPI: k.kpi, Amount: m.money(1500).Add(decimal.New(1, -2)),
			Reason: "r", Approver: approver, At: at}
		_, err := l.Waive(t.Context(), authority, w)
		if err == nil {
			m.waived[k] = m.waived[k].Add(w.Amount)
		}
		return fmt.Sprintf("waive %s %v", w.Amount, k), err
	default:
		return m.disputeStep(t, l)
	}
}

// pick returns a random credit the ledger holds (or held).
func (m *model) pick() (creditKey, []string) {
	mm := m.closed[m.r.IntN(len(m.closed))]
	lot := propLots[m.r.IntN(len(propLots))]
	return creditKey{mm, lotText(lot), propKPIs[m.r.IntN(len(propKPIs))]}, lot
}

func (m *model) disputeStep(t *testing.T, l *Ledger) (string, error) {
	k, lot := m.pick()
	var open []creditKey // mostly take a step in an open dispute
	for ok, st := range m.dispute {
		if st == DisputeOpened {
			open = append(open, ok)
		}
	}
	if len(open) > 0 && m.r.IntN(3) > 0 {
		slices.SortFunc(open, func(a, b creditKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		k = open[m.r.IntN(len(open))]
		lot = propLots[slices.IndexFunc(propLots, func(l []string) bool { return lotText(l) == k.lot })]
	}
	actions := []DisputeAction{DisputeOpen, DisputeAgree, DisputeWaive}
	d := Dispute{Action: actions[m.r.IntN(3)], Month: k.month, Lot: lot, KPI: k.kpi, Reason: "r", By: "Dee", At: at}
	if m.r.IntN(2) == 0 {
		d.Amount = m.money(500)
	}
	e, err := l.Dispute(t.Context(), authority, d)
	if err == nil {
		m.waived[k] = m.waived[k].Sub(e.Credit)
		m.dispute[k] = map[DisputeAction]DisputeState{DisputeOpen: DisputeOpened, DisputeAgree: DisputeAgreed,
			DisputeWaive: DisputeSettled}[d.Action]
	}
	return fmt.Sprintf("dispute %s %v", d.Action, k), err
}

// check compares the ledger with the model: per service month, the entries
// sum to the computation less the waivers and settlements; per credit, the
// balance is the computation, the waived total and the dispute state.
func (m *model) check(t *testing.T, l *Ledger, what string) {
	t.Helper()
	want := map[rules.Month]Amounts{}
	for k, f := range m.comp {
		if k.month == m.next {
			continue
		}
		a := want[k.month]
		a.Credit, a.EarnBack = a.Credit.Add(f.Credit), a.EarnBack.Add(f.EarnBack)
		want[k.month] = a
	}
	for k, w := range m.waived {
		a := want[k.month]
		a.Credit = a.Credit.Sub(w)
		want[k.month] = a
	}
	got := sums(t, l)
	require.Len(t, got, len(m.closed), what)
	for mm, g := range got {
		require.True(t, g.Credit.Equal(want[mm].Credit) && g.EarnBack.Equal(want[mm].EarnBack),
			"%s: %s: entries sum to %v, want %v", what, mm, g, want[mm])
	}
	bs, err := l.Balances(t.Context())
	require.NoError(t, err)
	for _, b := range bs {
		k := creditKey{b.Month, lotText(b.Lot), b.KPI}
		f := m.comp[k]
		require.True(t, b.Credit.Equal(f.Credit) && b.EarnBack.Equal(f.EarnBack), "%s: %v held", what, k)
		require.True(t, b.Waived.Equal(m.waived[k]), "%s: %v waived %s, want %s", what, k, b.Waived, m.waived[k])
		require.Equal(t, m.dispute[k], b.Dispute, "%s: %v", what, k)
	}
}

// After any history of closes, waivers and disputes with changing
// figures, the entries of each service month sum to the current
// computation less the waivers and settlements recorded for it, and
// nothing written before has changed; a failed step writes nothing.
func TestPropertyHistory(t *testing.T) {
	histories, steps := 12, 30
	if testing.Short() {
		histories = 3
	}
	done := map[string]int{} // successful steps by kind, over all histories
	for seed := range histories {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(seed), 7))
			start := rules.NewMonth(2024+r.IntN(3), 1+r.IntN(12))
			m := &model{r: r, next: start, comp: map[creditKey]Figure{},
				waived: map[creditKey]decimal.Decimal{}, dispute: map[creditKey]DisputeState{}}
			l := newLedger(t)
			failed := 0
			for i := range steps {
				before := dumpTables(t, l.Path())
				what, err := m.step(t, l, i)
				after := dumpTables(t, l.Path())
				if err == nil {
					done[stepKind(what)]++
				}
				if err != nil {
					failed++
					require.True(t, expected(err), "%s: %v", what, err)
					require.Equal(t, before, after, "%s failed and wrote", what)
				}
				for _, table := range tables {
					require.GreaterOrEqual(t, len(after[table]), len(before[table]), what)
					require.True(t, slices.Equal(before[table], after[table][:len(before[table])]), "%s changed %s", what, table)
				}
				m.check(t, l, what)
			}
			_, err := l.Verify(t.Context())
			require.NoError(t, err)
			t.Logf("%d months closed, %d of %d steps refused", len(m.closed), failed, steps)
		})
	}
	t.Logf("steps done: %v", done)
	if testing.Short() {
		return // too few histories to reach every kind of step
	}
	for _, kind := range []string{"waive", "dispute open", "dispute agree", "dispute waive"} {
		require.Positive(t, done[kind], "no %s succeeded: the histories test too little", kind)
	}
}

// stepKind is the kind of a step: its first word, two for a dispute.
func stepKind(what string) string {
	f := strings.Fields(what)
	if f[0] == "dispute" {
		return f[0] + " " + f[1]
	}
	return f[0]
}

// expected reports whether a step's error is one a random history makes.
func expected(err error) bool {
	for _, e := range []error{ErrAlreadyClosed, ErrBeyondAuthority, ErrExceedsCredit, ErrDisputeState, ErrUnknownCredit, ErrInvalid} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
