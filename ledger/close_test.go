package ledger

import (
	"context"
	"errors"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// janFeb closes January, then February with January's data corrected:
// KPI-01 North down, Bolt's credit gone from the computation, a new
// January credit, an invoice lag of 1. It returns what the classifier saw.
func janFeb(t *testing.T, l *Ledger) (feb []Figure, seen []Adjustment) {
	t.Helper()
	jan := []Figure{
		fig("2025-01", "Acme", "North", "KPI-01", "1200.00", "0"),
		fig("2025-01", "Acme", "North", "KPI-02", "0", "-50.00"),
		fig("2025-01", "Bolt", "South", "KPI-01", "300.00", "0"),
	}
	res := mustClose(t, l, closeReq("2025-01", hashes("jan"), jan...))
	assert.Equal(t, CloseResult{Batch: 1, Invoice: month("2025-01"), Credits: 3, Adjustments: 0, Head: res.Head}, *res)
	feb = []Figure{
		fig("2025-01", "Acme", "North", "KPI-01", "1000.00", "0"),
		fig("2025-01", "Acme", "North", "KPI-02", "0", "-50.00"),
		fig("2025-01", "Acme", "North", "KPI-03", "75.50", "0"),
		fig("2025-02", "Acme", "North", "KPI-01", "10.00", "-5.00"),
	}
	r := closeReq("2025-02", hashes("feb"), feb...)
	r.InvoiceLag = 1
	r.Classify = func(a Adjustment) Reason {
		seen = append(seen, a)
		return ReasonDataCorrection
	}
	res = mustClose(t, l, r)
	assert.Equal(t, CloseResult{Batch: 2, Invoice: month("2025-03"), Credits: 1, Adjustments: 3, Head: res.Head}, *res)
	return feb, seen
}

func TestCloseRecordsAdjustments(t *testing.T) {
	l := newLedger(t)
	_, seen := janFeb(t, l)
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	require.Len(t, es, 7)
	want := []struct{ lot, kpi, credit string }{
		{"North", "KPI-01", "-200.00"}, {"North", "KPI-03", "75.50"}, {"South", "KPI-01", "-300.00"},
	}
	for i, w := range want {
		e := es[4+i]
		assert.Equal(t, KindAdjustment, e.Kind, i)
		assert.Equal(t, w.lot, e.Lot[1], i)
		assert.Equal(t, w.kpi, e.KPI, i)
		assert.Equal(t, w.credit, e.Credit.StringFixed(2), i)
		assert.Equal(t, month("2025-01"), e.Service, i)
		assert.Equal(t, month("2025-03"), e.Invoice, i)
		assert.Equal(t, string(ReasonDataCorrection), e.Reason, i)
		assert.Equal(t, hashes("feb"), e.Hashes, i)
		assert.Equal(t, hashes("jan"), e.Prior, i)
	}
	require.Len(t, seen, 3)
	assert.Equal(t, "1200", seen[0].Held.Credit.String())
	assert.Equal(t, "1000", seen[0].Current.Credit.String())
	assert.Equal(t, hashes("jan"), seen[1].HeldHashes, "a new credit's prior hashes are its month's close's")
	assert.True(t, seen[2].Current.Credit.IsZero(), "a credit gone from the computation is now zero")
}

func TestCloseChainsAndSums(t *testing.T) {
	ctx := t.Context()
	l := newLedger(t)
	feb, _ := janFeb(t, l)
	es, err := l.Entries(ctx)
	require.NoError(t, err)
	for i := 1; i < len(es); i++ {
		assert.Equal(t, es[i-1].Hash, es[i].Prev, i)
	}
	head, err := l.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, es[len(es)-1].Hash, head)
	s := sums(t, l)
	assert.Equal(t, "1075.50", s[month("2025-01")].Credit.StringFixed(2))
	assert.Equal(t, "-50.00", s[month("2025-01")].EarnBack.StringFixed(2))

	// March, nothing changed for January and February: no adjustments.
	mar := append(feb, fig("2025-03", "Acme", "North", "KPI-01", "0", "0"))
	res := mustClose(t, l, closeReq("2025-03", hashes("mar"), mar...))
	assert.Equal(t, 0, res.Adjustments)
	assert.Equal(t, "credit credit credit credit adjustment adjustment adjustment credit", kindList(t, l))
	closed, err := l.Closed(ctx)
	require.NoError(t, err)
	assert.Equal(t, "[2025-01 2025-02 2025-03]", monthsText(closed))
	closes, err := l.Closes(ctx)
	require.NoError(t, err)
	assert.Equal(t, []CloseInfo{
		{Batch: 1, Month: month("2025-01"), Invoice: month("2025-01"), Hashes: hashes("jan")},
		{Batch: 2, Month: month("2025-02"), Invoice: month("2025-03"), Hashes: hashes("feb")},
		{Batch: 3, Month: month("2025-03"), Invoice: month("2025-03"), Hashes: hashes("mar")},
	}, closes)
	_, err = l.Verify(ctx)
	require.NoError(t, err)
}

func TestCloseDefaultReasonIsRecomputed(t *testing.T) {
	l := newLedger(t)
	mustClose(t, l, closeReq("2025-01", hashes("a"), fig("2025-01", "A", "N", "K", "10.00", "0")))
	mustClose(t, l, closeReq("2025-02", hashes("b"), fig("2025-01", "A", "N", "K", "12.00", "0"),
		fig("2025-02", "A", "N", "K", "0", "0")))
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	require.Len(t, es, 3)
	assert.Equal(t, "recomputed", es[2].Reason)
	assert.Equal(t, "2.00", es[2].Credit.StringFixed(2))
}

// Every bad close is a typed error and writes nothing.
func TestCloseErrors(t *testing.T) {
	base := []Figure{fig("2025-01", "A", "N", "K1", "10.00", "0"), fig("2025-02", "A", "N", "K1", "5.00", "0")}
	feb := func(extra ...Figure) []Figure { return append(append([]Figure{}, base...), extra...) }
	tests := []struct {
		name string
		req  CloseRequest
		want error
		as   func(error) bool
	}{
		{"already closed", closeReq("2025-02", hashes("x"), feb()...), ErrAlreadyClosed, asMonth},
		{"first closed month again", closeReq("2025-01", hashes("x"), feb()...), ErrAlreadyClosed, asMonth},
		{"before the first", closeReq("2024-12", hashes("x"), fig("2024-12", "A", "N", "K1", "1.00", "0")), ErrOutOfOrder, asMonth},
		{"skips a month", closeReq("2025-04", hashes("x"), feb(fig("2025-04", "A", "N", "K1", "1.00", "0"))...), ErrOutOfOrder, asMonth},
		{"no figures for the month", closeReq("2025-03", hashes("x"), feb()...), ErrNoFigures, asMonth},
		{"no figures at all", closeReq("2025-03", hashes("x")), ErrNoFigures, asMonth},
		{"a closed month missing", closeReq("2025-03", hashes("x"), base[1], fig("2025-03", "A", "N", "K1", "1.00", "0")), ErrMissingMonth, asMonth},
		{"a month neither closed nor closing", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "K1", "1.00", "0"), fig("2024-06", "A", "N", "K1", "1.00", "0"))...), ErrInvalidFigure, asFigure},
		{"too few key values", closeReq("2025-03", hashes("x"), feb(Figure{Month: month("2025-03"), Lot: []string{"A"}, KPI: "K1"})...), ErrInvalidFigure, asFigure},
		{"no KPI", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "", "1.00", "0"))...), ErrInvalidFigure, asFigure},
		{"three decimals", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "K1", "1.005", "0"))...), ErrInvalidFigure, asFigure},
		{"negative credit", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "K1", "-1.00", "0"))...), ErrInvalidFigure, asFigure},
		{"positive earn-back", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "K1", "0", "1.00"))...), ErrInvalidFigure, asFigure},
		{"invalid UTF-8", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A\xff", "N", "K1", "0", "0"))...), ErrInvalidFigure, asFigure},
		{"duplicate figure", closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "K1", "1.00", "0"), fig("2025-03", "A", "N", "K1", "2.00", "0"))...), ErrInvalidFigure, asFigure},
		{"bad hash", closeReq("2025-03", Hashes{Inputs: "abc", Rulebook: hashes("x").Rulebook}, feb(fig("2025-03", "A", "N", "K1", "1.00", "0"))...), ErrInvalid, nil},
		{"upper-case hash", closeReq("2025-03", Hashes{Inputs: "AB" + hashes("x").Inputs[2:], Rulebook: hashes("x").Rulebook}, feb(fig("2025-03", "A", "N", "K1", "1.00", "0"))...), ErrInvalid, nil},
		{"negative lag", func() CloseRequest {
			r := closeReq("2025-03", hashes("x"), feb(fig("2025-03", "A", "N", "K1", "1.00", "0"))...)
			r.InvoiceLag = -1
			return r
		}(), ErrInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLedger(t)
			mustClose(t, l, closeReq("2025-01", hashes("jan"), base[0]))
			mustClose(t, l, closeReq("2025-02", hashes("feb"), base...))
			before := dump(t, l.Path())
			res, err := l.CloseMonth(t.Context(), tt.req)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, tt.want)
			if tt.as != nil {
				assert.True(t, tt.as(err), "error type: %v", err)
			}
			assert.Contains(t, err.Error(), l.Path())
			assert.Equal(t, before, dump(t, l.Path()), "nothing written")
		})
	}
}

// An invoice lag cut so that the invoice month would go back is refused.
func TestCloseInvoiceMonthNeverGoesBack(t *testing.T) {
	l := newLedger(t)
	r := closeReq("2025-01", hashes("a"), fig("2025-01", "A", "N", "K", "1.00", "0"))
	r.InvoiceLag = 2
	mustClose(t, l, r)
	r = closeReq("2025-02", hashes("a"), fig("2025-01", "A", "N", "K", "1.00", "0"), fig("2025-02", "A", "N", "K", "1.00", "0"))
	_, err := l.CloseMonth(t.Context(), r)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "invoice month 2025-02 is before 2025-03")
}

// A cancelled context stops a close; nothing is written.
func TestCloseCancelled(t *testing.T) {
	l := newLedger(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := l.CloseMonth(ctx, closeReq("2025-01", hashes("a"), fig("2025-01", "A", "N", "K", "1.00", "0")))
	assert.ErrorIs(t, err, context.Canceled)
	closed, err := l.Closed(t.Context())
	require.NoError(t, err)
	assert.Empty(t, closed)
}

func asMonth(err error) bool  { var e *MonthError; return errors.As(err, &e) }
func asFigure(err error) bool { var e *FigureError; return errors.As(err, &e) }

func monthsText[T interface{ String() string }](ms []T) string {
	s := "["
	for i, m := range ms {
		if i > 0 {
			s += " "
		}
		s += m.String()
	}
	return s + "]"
}

// A close keeps the texts of its hashes, each once however many closes
// give it; a text that is not of either hash is refused, nothing written.
func TestCloseKeepsDocuments(t *testing.T) {
	ctx := t.Context()
	l := newLedger(t)
	r := closeReq("2025-01", hashes("jan"), fig("2025-01", "Acme", "North", "KPI-01", "1.00", "0"))
	r.Figures.Documents = []string{"inputs jan", "rules jan"}
	mustClose(t, l, r)
	r = closeReq("2025-02", Hashes{Inputs: hashes("feb").Inputs, Rulebook: hashes("jan").Rulebook},
		fig("2025-01", "Acme", "North", "KPI-01", "1.00", "0"), fig("2025-02", "Acme", "North", "KPI-01", "2.00", "0"))
	r.Figures.Documents = []string{"rules jan", "inputs feb"}
	mustClose(t, l, r)
	for _, text := range []string{"inputs jan", "rules jan", "inputs feb"} {
		got, err := l.Document(ctx, sum([]byte(text)))
		require.NoError(t, err)
		assert.Equal(t, text, got)
	}
	assert.Len(t, dumpTables(t, l.Path())["documents"], 3)
	_, err := l.Document(ctx, hashes("mar").Inputs)
	assert.ErrorIs(t, err, ErrNoDocument)

	before := dump(t, l.Path())
	r = closeReq("2025-03", hashes("mar"), fig("2025-01", "Acme", "North", "KPI-01", "1.00", "0"),
		fig("2025-02", "Acme", "North", "KPI-01", "2.00", "0"), fig("2025-03", "Acme", "North", "KPI-01", "3.00", "0"))
	r.Figures.Documents = []string{"inputs mar", "something else"}
	_, err = l.CloseMonth(ctx, r)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "document 2 has the SHA-256 "+sum([]byte("something else"))+", which is neither the inputs' nor the rulebook's")
	assert.Equal(t, before, dump(t, l.Path()))
}

// A classifier learns the held and current levels, and whether the credit
// was disputed since its held figure was recorded.
func TestClassifierSeesLevelsAndDisputes(t *testing.T) {
	ctx := t.Context()
	l := newLedger(t)
	n1 := fig("2025-01", "Acme", "North", "KPI-01", "500.00", "0")
	n2 := fig("2025-01", "Acme", "North", "KPI-02", "500.00", "0")
	mustClose(t, l, closeReq("2025-01", hashes("jan"), n1, n2))
	_, err := l.Dispute(ctx, authority, Dispute{Action: DisputeOpen, Month: month("2025-01"), Lot: n1.Lot,
		KPI: "KPI-01", Reason: "counts", By: "Acme", At: at})
	require.NoError(t, err)
	var seen []Adjustment
	classify := func(a Adjustment) Reason { seen = append(seen, a); return "" }
	e1, e2 := n1, n2
	e1.Credit, e1.Level = dec("0"), "excused"
	e2.Credit = dec("400.00")
	r := closeReq("2025-02", hashes("feb"), e1, e2, fig("2025-02", "Acme", "North", "KPI-01", "0", "0"))
	r.Classify = classify
	mustClose(t, l, r)
	require.Len(t, seen, 2)
	assert.Equal(t, "minor", seen[0].HeldLevel)
	assert.Equal(t, "excused", seen[0].Level)
	assert.True(t, seen[0].Disputed, "disputed after January's credit")
	assert.False(t, seen[1].Disputed)

	seen = nil
	e1.Credit = dec("10.00")
	r = closeReq("2025-03", hashes("mar"), e1, e2, fig("2025-02", "Acme", "North", "KPI-01", "0", "0"),
		fig("2025-03", "Acme", "North", "KPI-01", "0", "0"))
	r.Classify = classify
	mustClose(t, l, r)
	require.Len(t, seen, 1)
	assert.False(t, seen[0].Disputed, "no dispute step since February's adjustment")
	es, err := l.Entries(ctx)
	require.NoError(t, err)
	assert.Equal(t, string(ReasonRecomputed), es[len(es)-1].Reason, "a classifier's empty reason is the default")
}

// CloseWith hands prepare the ledger as it stands, and holds the write
// lock while prepare computes: another close or waiver on the same file
// fails at once with ErrBusy. An error from prepare writes nothing.
func TestCloseWith(t *testing.T) {
	ctx := t.Context()
	l := newLedger(t)
	jan := fig("2025-01", "Acme", "North", "KPI-01", "500.00", "0")
	mustClose(t, l, closeReq("2025-01", hashes("jan"), jan))
	_, err := l.Waive(ctx, authority, waiver("Ann", "100.00"))
	require.NoError(t, err)
	other, err := Open(ctx, l.Path())
	require.NoError(t, err)
	defer other.Close()

	before := dump(t, l.Path())
	_, err = l.CloseWith(ctx, func(context.Context, *Snapshot) (CloseRequest, error) {
		return CloseRequest{}, errors.New("the data has no 2025-02")
	})
	require.EqualError(t, err, l.Path()+": the data has no 2025-02")
	assert.Equal(t, before, dump(t, l.Path()))

	res, err := l.CloseWith(ctx, func(ctx context.Context, s *Snapshot) (CloseRequest, error) {
		assert.Equal(t, []rules.Month{month("2025-01")}, s.Closed)
		require.Len(t, s.Balances, 1)
		assert.Equal(t, "100", s.Balances[0].Waived.String())
		_, err := other.CloseMonth(ctx, closeReq("2025-02", hashes("x"), jan, fig("2025-02", "Acme", "North", "KPI-01", "1.00", "0")))
		assert.ErrorIs(t, err, ErrBusy, "another close")
		_, err = other.Waive(ctx, authority, waiver("Ann", "1.00"))
		assert.ErrorIs(t, err, ErrBusy, "a waiver")
		es, err := other.Entries(ctx)
		assert.NoError(t, err, "readers go on")
		assert.Len(t, es, 2)
		return closeReq("2025-02", hashes("feb"), jan, fig("2025-02", "Acme", "North", "KPI-01", "2.00", "0")), nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Credits)
}

// A prepare that panics ends the close's transaction: nothing is written,
// and the next write is not busy.
func TestCloseWithPanics(t *testing.T) {
	ctx := t.Context()
	l := newLedger(t)
	before := dump(t, l.Path())
	require.Panics(t, func() {
		_, _ = l.CloseWith(ctx, func(context.Context, *Snapshot) (CloseRequest, error) { panic("a bug") })
	})
	assert.Equal(t, before, dump(t, l.Path()))
	mustClose(t, l, closeReq("2025-01", hashes("jan"), fig("2025-01", "Acme", "North", "KPI-01", "1.00", "0")))
}
