package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// CloseMonth closes service month r.Month in one transaction: it records
// r.Month's figures as credit entries in invoice month r.Month+r.InvoiceLag,
// and for every earlier closed month posts the difference between r.Figures
// and what the ledger holds as adjustment entries in the same invoice month.
// r.Month must follow the last closed month (the first close may be of any
// month), and r.Figures must hold figures for every closed month and for
// r.Month, and no other. On any error nothing is written.
func (l *Ledger) CloseMonth(ctx context.Context, r CloseRequest) (*CloseResult, error) {
	return l.CloseWith(ctx, func(context.Context, *Snapshot) (CloseRequest, error) { return r, nil })
}

// Snapshot is the ledger as a close finds it, inside the close's write
// transaction: no other write can change it until the close ends.
type Snapshot struct {
	Meta     Meta
	Closed   []rules.Month // the closed service months, in order
	Balances []Balance     // every credit held, in the order first recorded

	ctx context.Context
	q   querier
	l   *Ledger
}

// Document returns a document stored by an earlier close (see
// Ledger.Document), read in the close's transaction.
func (s *Snapshot) Document(sha256 string) (string, error) {
	return s.l.document(s.ctx, s.q, sha256)
}

// Prepare works out the close to record from the ledger as it stands.
type Prepare func(ctx context.Context, s *Snapshot) (CloseRequest, error)

// CloseWith closes a month as CloseMonth does, prepare computing the close
// inside the transaction that records it: from the ledger as it stands,
// which no other write can change meanwhile, so that reading the ledger,
// computing and recording are one step. Another write at once fails with
// ErrBusy without waiting, however long prepare takes; readers are not
// held up. On any error, prepare's included, nothing is written.
func (l *Ledger) CloseWith(ctx context.Context, prepare Prepare) (*CloseResult, error) {
	var res *CloseResult
	var month rules.Month
	prepared := false
	err := l.write(ctx, func(c *sql.Conn) error {
		st, err := l.loadState(ctx, c)
		if err != nil {
			return err
		}
		snap := &Snapshot{Meta: l.Meta(), Closed: slices.Clone(st.closed), ctx: ctx, q: c, l: l}
		for _, k := range st.order {
			b := *st.credits[k]
			b.Lot = slices.Clone(b.Lot)
			snap.Balances = append(snap.Balances, b)
		}
		r, err := prepare(ctx, snap)
		if err != nil {
			return err
		}
		month, prepared = r.Month, true
		if err := l.checkClose(r); err != nil {
			return err
		}
		b, res1, err := l.planClose(ctx, st, r)
		if err != nil {
			return err
		}
		res = res1
		return b.insert(ctx, c)
	})
	if errors.Is(err, ErrBusy) || (err != nil && !prepared) {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: close %s: %w", l.path, month, err)
	}
	return res, nil
}

// checkClose checks what it can without the ledger's state.
func (l *Ledger) checkClose(r CloseRequest) error {
	if r.InvoiceLag < 0 {
		return invalid("invoice lag %d is negative", r.InvoiceLag)
	}
	if err := checkHashes(r.Figures.Hashes); err != nil {
		return err
	}
	for i, doc := range r.Figures.Documents {
		if h := sum([]byte(doc)); h != r.Figures.Hashes.Inputs && h != r.Figures.Hashes.Rulebook {
			return invalid("document %d has the SHA-256 %s, which is neither the inputs' nor the rulebook's", i+1, h)
		}
		if !utf8.ValidString(doc) {
			return invalid("document %d is not UTF-8 text", i+1)
		}
	}
	seen := make(map[creditKey]bool, len(r.Figures.Lines))
	for i, f := range r.Figures.Lines {
		if msg := l.checkFigure(f); msg != "" {
			return &FigureError{Index: i, Figure: f, Err: ErrInvalidFigure, Reason: msg}
		}
		k := creditKey{f.Month, lotText(f.Lot), f.KPI}
		if seen[k] {
			return &FigureError{Index: i, Figure: f, Err: ErrInvalidFigure, Reason: "a second figure for the same month, lot and KPI"}
		}
		seen[k] = true
	}
	return nil
}

// checkFigure returns what is wrong with a figure, or "".
func (l *Ledger) checkFigure(f Figure) string {
	m := l.meta
	switch {
	case len(f.Lot) != len(m.Keys):
		return fmt.Sprintf("%d lot key values for %d key columns %q", len(f.Lot), len(m.Keys), m.Keys)
	case !utf8.ValidString(f.KPI) || !utf8.ValidString(f.Level) || slices.ContainsFunc(f.Lot, notUTF8):
		return "text is not valid UTF-8"
	case f.KPI == "":
		return "no KPI"
	case !places(f.Credit, m.MinorUnits) || !places(f.EarnBack, m.MinorUnits):
		return fmt.Sprintf("credit %s or earn-back %s has more than %d decimal places", f.Credit, f.EarnBack, m.MinorUnits)
	case f.Credit.IsNegative():
		return fmt.Sprintf("credit %s is negative", f.Credit)
	case f.EarnBack.IsPositive():
		return fmt.Sprintf("earn-back %s is positive (a refund is negative)", f.EarnBack)
	}
	return ""
}

func notUTF8(s string) bool { return !utf8.ValidString(s) }

// checkHashes checks that both hashes are SHA-256 digests in lower-case hex.
func checkHashes(h Hashes) error {
	for _, s := range []string{h.Inputs, h.Rulebook} {
		if !isHash(s) {
			return invalid("hash %q is not a SHA-256 digest in lower-case hex", s)
		}
	}
	return nil
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkMonth checks that r.Month may be closed after st's closes.
func checkMonth(st *state, r CloseRequest) error {
	if len(st.closed) == 0 {
		return nil
	}
	first, last := st.closed[0], st.closed[len(st.closed)-1]
	switch {
	case r.Month >= first && r.Month <= last:
		return &MonthError{Month: r.Month, Last: last, Err: ErrAlreadyClosed}
	case r.Month != last+1:
		return &MonthError{Month: r.Month, Last: last, Err: ErrOutOfOrder}
	case r.Month.Add(r.InvoiceLag) < st.lastInvoice:
		return invalid("invoice month %s is before %s, the last close's", r.Month.Add(r.InvoiceLag), st.lastInvoice)
	}
	return nil
}

// byMonth groups the figures by service month, checking that they cover
// exactly the closed months and r.Month.
func byMonth(st *state, r CloseRequest) (map[rules.Month][]Figure, error) {
	out := map[rules.Month][]Figure{}
	for i, f := range r.Figures.Lines {
		if f.Month != r.Month && !slices.Contains(st.closed, f.Month) {
			return nil, &FigureError{Index: i, Figure: f, Err: ErrInvalidFigure,
				Reason: fmt.Sprintf("service month %s is neither closed nor the month to close", f.Month)}
		}
		out[f.Month] = append(out[f.Month], f)
	}
	if len(out[r.Month]) == 0 {
		return nil, &MonthError{Month: r.Month, Err: ErrNoFigures}
	}
	for _, m := range st.closed {
		if len(out[m]) == 0 {
			return nil, &MonthError{Month: m, Err: ErrMissingMonth}
		}
	}
	return out, nil
}

// planClose builds the close's batch.
func (l *Ledger) planClose(ctx context.Context, st *state, r CloseRequest) (*batch, *CloseResult, error) {
	if err := checkMonth(st, r); err != nil {
		return nil, nil, err
	}
	months, err := byMonth(st, r)
	if err != nil {
		return nil, nil, err
	}
	h := r.Figures.Hashes
	b := l.newBatch(st, batchClose, r.Month, r.Month.Add(r.InvoiceLag), h, r.At)
	b.Documents = r.Figures.Documents
	head := st.head
	for _, f := range months[r.Month] {
		head = b.add(head, entryIn{kind: KindCredit, service: f.Month, lot: lotText(f.Lot), kpi: f.KPI,
			level: f.Level, credit: f.Credit, earnBack: f.EarnBack, hashes: h})
	}
	res := &CloseResult{Batch: b.ID, Invoice: b.Invoice, Credits: len(b.Rows)}
	for _, m := range st.closed {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		for _, in := range adjustments(st, m, months[m], h, r.Classify) {
			head = b.add(head, in)
		}
	}
	res.Adjustments = len(b.Rows) - res.Credits
	res.Head = head
	return b, res, nil
}

// adjustments returns the adjustment entries of closed month m: one per
// credit whose current figure differs from what st holds, in the order of
// the figures, then credits the computation no longer has, in ledger order.
func adjustments(st *state, m rules.Month, figs []Figure, h Hashes, classify Classifier) []entryIn {
	var out []entryIn
	current := make(map[creditKey]bool, len(figs))
	diff := func(k creditKey, lot []string, level string, now Amounts) {
		held, heldLevel := Amounts{}, ""
		priors := st.closeHashes[m]
		if b := st.credits[k]; b != nil {
			held, priors, heldLevel = Amounts{b.Credit, b.EarnBack}, b.Hashes, b.Level
		}
		if held.Credit.Equal(now.Credit) && held.EarnBack.Equal(now.EarnBack) {
			return
		}
		reason := ReasonRecomputed
		if classify != nil {
			a := Adjustment{Month: m, Lot: slices.Clone(lot), KPI: k.kpi, Held: held, Current: now,
				HeldHashes: priors, Hashes: h, HeldLevel: heldLevel, Level: level, Disputed: st.disputed[k]}
			if r := classify(a); r != "" {
				reason = r
			}
		}
		out = append(out, entryIn{kind: KindAdjustment, service: m, lot: k.lot, kpi: k.kpi, level: level,
			credit: now.Credit.Sub(held.Credit), earnBack: now.EarnBack.Sub(held.EarnBack),
			reason: string(reason), hashes: h, prior: priors})
	}
	for _, f := range figs {
		k := creditKey{m, lotText(f.Lot), f.KPI}
		current[k] = true
		diff(k, f.Lot, f.Level, Amounts{f.Credit, f.EarnBack})
	}
	for _, k := range st.order {
		if k.month == m && !current[k] {
			diff(k, st.credits[k].Lot, "", Amounts{decimal.Zero, decimal.Zero})
		}
	}
	return out
}
