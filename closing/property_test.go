package closing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// history is a random contract whose files change between closes,
// waivers and disputes, and what the ledger should hold.
type history struct {
	t        *testing.T
	r        *rand.Rand
	c        *contract
	rb       *rules.Rulebook
	data     []string // the data file's lines, header first
	relief   []string // relief rows, without the header
	next     rules.Month
	last     rules.Month // the data's last month
	computed map[rules.Month]decimal.Decimal
	closes   int // successful closes
	log      []string
}

// newHistory writes a random contract with an authority: Ann may waive
// 500.00 on one credit, Bob 1,000,000.00.
func newHistory(t *testing.T, r *rand.Rand) *history {
	rc := randbook.New(r)
	dir := t.TempDir()
	h := &history{t: t, r: r, c: &contract{ledger: filepath.Join(dir, "ledger.db"), files: runner.Files{
		Rules: filepath.Join(dir, "rules.yaml"), Data: filepath.Join(dir, "data.csv"), Relief: filepath.Join(dir, "relief.csv")}},
		data: strings.Split(strings.TrimSuffix(rc.Data, "\n"), "\n"), computed: map[rules.Month]decimal.Decimal{}}
	src := rc.Rules + "authority:\n  roles: {manager: 500.00, director: 1000000.00}\n  approvers: {Ann: manager, Bob: director}\n"
	require.NoError(t, os.WriteFile(h.c.files.Rules, []byte(src), 0o644))
	var err error
	h.rb, err = rules.Parse("r.yaml", strings.NewReader(src), nil)
	require.NoError(t, err)
	h.next = month("2024-01").Add(r.IntN(3)) // the first close: any month, the data from the start
	h.last = month(strings.Split(h.data[len(h.data)-1], ",")[2])
	h.write()
	return h
}

// write writes the data and relief files as they are now.
func (h *history) write() {
	require.NoError(h.t, os.WriteFile(h.c.files.Data, []byte(strings.Join(h.data, "\n")+"\n"), 0o644))
	require.NoError(h.t, os.WriteFile(h.c.files.Relief, []byte("provider,region,month,kpi,reason\n"+strings.Join(h.relief, "")), 0o644))
}

// line picks a data line, mostly of a closed month.
func (h *history) line() int {
	for range 20 {
		i := 1 + h.r.IntN(len(h.data)-1)
		if month(strings.Split(h.data[i], ",")[2]) < h.next || h.r.IntN(4) == 0 {
			return i
		}
	}
	return 1
}

// editData changes one count of a random lot-month, or its charge.
func (h *history) editData() {
	i := h.line()
	cells := strings.Split(h.data[i], ",")
	k := 3 + h.r.IntN(len(cells)-3)
	if k == 3 {
		cells[3] = fmt.Sprintf("%d.%02d", 1000+h.r.IntN(100000), h.r.IntN(100))
	} else {
		k = 4 + (k-4)/2*2 // a done count: at most its events
		n := 0
		fmt.Sscan(cells[k+1], &n)
		cells[k] = fmt.Sprint(h.r.IntN(n + 1))
	}
	h.data[i] = strings.Join(cells, ",")
	h.log = append(h.log, "data: line "+fmt.Sprint(i+1))
	h.write()
}

// editRules changes the monthly cap: a retrospective amendment.
func (h *history) editRules() {
	b, err := os.ReadFile(h.c.files.Rules)
	require.NoError(h.t, err)
	src := string(b)
	i := strings.Index(src, "caps: {monthly_percent_of_charge: ")
	j := i + len("caps: {monthly_percent_of_charge: ")
	k := j + strings.Index(src[j:], ",")
	src = src[:j] + fmt.Sprint(1+h.r.IntN(15)) + src[k:]
	require.NoError(h.t, os.WriteFile(h.c.files.Rules, []byte(src), 0o644))
	h.log = append(h.log, "rules: monthly cap")
}

// editRelief adds relief for a random lot-month and KPI, or takes a row away.
func (h *history) editRelief() {
	if len(h.relief) > 0 && h.r.IntN(3) == 0 {
		i := h.r.IntN(len(h.relief))
		h.relief = append(h.relief[:i], h.relief[i+1:]...)
	} else {
		cells := strings.Split(h.data[h.line()], ",")
		row := fmt.Sprintf("%s,%s,%s,%s,storm\n", cells[0], cells[1], cells[2], h.rb.KPIs[h.r.IntN(len(h.rb.KPIs))].ID)
		if !containsString(h.relief, row) {
			h.relief = append(h.relief, row)
		}
	}
	h.log = append(h.log, "relief")
	h.write()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// balances returns the ledger's credits.
func (h *history) balances() []ledger.Balance {
	l, err := closing.Open(context.Background(), h.c.ledger)
	require.NoError(h.t, err)
	defer l.Close()
	bs, err := l.Balances(context.Background())
	require.NoError(h.t, err)
	return bs
}

// closeNext closes the next month, and the month after the data's last
// now and then, which must fail.
func (h *history) closeNext() error {
	m := h.next
	if h.r.IntN(8) == 0 {
		m = h.last + 1
	}
	h.log = append(h.log, "close "+m.String())
	_, err := h.c.close(h.t, m.String())
	if m > h.last {
		require.True(h.t, runner.IsInvalidInput(err), "closing %s after the data's end: %v", m, err)
		return err
	}
	if err == nil {
		h.next++
		h.closes++
		h.recompute()
	}
	return err
}

// recompute records the computation the last close recorded: every
// closed month's net, with the waivers recorded by then.
func (h *history) recompute() {
	ctx := context.Background()
	job, _, err := closing.Load(ctx, h.c.files)
	require.NoError(h.t, err)
	var months []rules.Month
	for _, b := range h.balances() {
		if b.Waived.IsPositive() {
			job.Waived = append(job.Waived, runner.Waived{Lot: b.Lot, Month: b.Month, KPI: b.KPI, Amount: b.Waived})
		}
		if !containsMonth(months, b.Month) {
			months = append(months, b.Month)
		}
	}
	figs, err := closing.Figures(ctx, job, months)
	require.NoError(h.t, err)
	h.computed = map[rules.Month]decimal.Decimal{}
	for _, f := range figs {
		h.computed[f.Month] = h.computed[f.Month].Add(f.Credit).Add(f.EarnBack)
	}
}

func containsMonth(ms []rules.Month, m rules.Month) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// waiveOrDispute waives part of a random credit, or takes a dispute step,
// by Ann or Bob: some beyond Ann's authority or the credit, some steps out
// of order, which must fail.
func (h *history) waiveOrDispute() error {
	var open []ledger.Balance
	for _, b := range h.balances() {
		if b.Credit.IsPositive() {
			open = append(open, b)
		}
	}
	if len(open) == 0 {
		return nil
	}
	b := open[h.r.IntN(len(open))]
	left := b.Credit.Sub(b.Waived)
	amount := decimal.New(int64(h.r.IntN(int(left.Shift(2).IntPart())+50)+1), -2)
	who := []string{"Ann", "Bob", "Cy"}[h.r.IntN(3)]
	ctx := context.Background()
	var err error
	switch p := h.r.IntN(4); p {
	case 0, 1:
		h.log = append(h.log, fmt.Sprintf("waive %s %v %s %s by %s", b.Month, b.Lot, b.KPI, amount, who))
		_, err = closing.Waive(ctx, h.c.ledger, ledger.Waiver{Month: b.Month, Lot: b.Lot, KPI: b.KPI, Amount: amount, Reason: "agreed", Approver: who})
	default:
		action := []ledger.DisputeAction{ledger.DisputeOpen, ledger.DisputeAgree, ledger.DisputeWaive}[h.r.IntN(3)]
		h.log = append(h.log, fmt.Sprintf("dispute %s %s %v %s %s by %s", action, b.Month, b.Lot, b.KPI, amount, who))
		_, err = closing.Dispute(ctx, h.c.ledger, ledger.Dispute{Action: action, Month: b.Month, Lot: b.Lot, KPI: b.KPI,
			Reason: "counts", By: who, Amount: amount})
	}
	if err != nil {
		require.True(h.t, runner.IsInvalidInput(err), "%v", err)
	}
	return err
}

// check checks the invariant: for every closed service month, the entries
// sum to the computation the last close recorded less what is waived and
// settled; and the ledger verifies.
func (h *history) check(step int) {
	sums, waived := map[rules.Month]decimal.Decimal{}, map[rules.Month]decimal.Decimal{}
	for _, e := range h.c.entries(h.t) {
		sums[e.Service] = sums[e.Service].Add(e.Net())
	}
	for _, b := range h.balances() {
		waived[b.Month] = waived[b.Month].Add(b.Waived)
	}
	for m, want := range h.computed {
		require.Truef(h.t, sums[m].Equal(want.Sub(waived[m])), "step %d, %s: the entries sum to %s, the computation %s less %s waived\n%s",
			step, m, sums[m], want, waived[m], strings.Join(h.log, "\n"))
	}
	_, err := closing.Verify(context.Background(), h.c.ledger)
	require.NoError(h.t, err)
}

// The invariant on random histories of closes, waivers and disputes, with
// the data, relief and rules changing between them: after every step the
// entries of each closed service month sum to the current computation less
// the waivers and settlements recorded for it, nothing written before has
// changed, and a step that fails writes nothing.
func TestPropertyHistories(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 14))
	n := 10
	if testing.Short() || raceEnabled {
		n = 3
	}
	for i := range n {
		h := newHistory(t, r)
		before := []ledger.Entry{}
		for step := range 40 {
			var err error
			switch p := r.IntN(10); {
			case p < 4 || step == 0:
				err = h.closeNext()
			case p < 6:
				h.editData()
			case p < 7 && r.IntN(4) == 0:
				h.editRules()
			case p < 7:
				h.editRelief()
			default:
				if h.closes > 0 {
					err = h.waiveOrDispute()
				}
			}
			if _, statErr := os.Stat(h.c.ledger); errors.Is(statErr, os.ErrNotExist) {
				continue
			}
			after := h.c.entries(t)
			require.GreaterOrEqual(t, len(after), len(before))
			require.Equalf(t, before, after[:len(before):len(before)], "history %d step %d: nothing written changes\n%s", i, step, strings.Join(h.log, "\n"))
			if err != nil {
				require.Len(t, after, len(before), "history %d step %d: a failed step writes nothing: %v", i, step, err)
			}
			before = after
			h.check(step)
		}
	}
}
