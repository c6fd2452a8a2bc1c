package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/shopspring/decimal"
)

// Waive records a waiver of part or all of one closed credit, in the
// invoice month after the last close's. The approver must be named in a,
// and the total waived on the credit (earlier waivers and settlements, by
// anyone, and this one) may exceed neither the credit nor the approver's
// role limit, so splitting a waiver does not get round the limit. Waivers
// apply after caps; the ledger only records them (the caller takes the
// waived amount out of the earn-back pool). On any error nothing is written.
func (l *Ledger) Waive(ctx context.Context, a Authority, w Waiver) (Entry, error) {
	e, err := l.waive(ctx, a, w)
	if err != nil {
		return Entry{}, fmt.Errorf("%s: waive %s %s %s: %w", l.path, w.Month, lotText(w.Lot), w.KPI, err)
	}
	return e, nil
}

func (l *Ledger) waive(ctx context.Context, a Authority, w Waiver) (Entry, error) {
	if err := l.checkCredit(w.Lot, w.KPI, w.Reason); err != nil {
		return Entry{}, err
	}
	if !w.Amount.IsPositive() || !places(w.Amount, l.meta.MinorUnits) {
		return Entry{}, invalid("amount %s is not positive with at most %d decimal places", w.Amount, l.meta.MinorUnits)
	}
	role, err := a.role(w.Approver)
	if err != nil {
		return Entry{}, err
	}
	k := creditKey{w.Month, lotText(w.Lot), w.KPI}
	return l.post(ctx, batchWaiver, k, w.At, func(st *state, b *Balance) (entryIn, error) {
		if err := allowed(b, w.Amount, w.Approver, role); err != nil {
			return entryIn{}, err
		}
		return entryIn{kind: KindWaiver, credit: w.Amount.Neg(), reason: w.Reason,
			actor: w.Approver, role: role.Name}, nil
	})
}

// Dispute records one step of a dispute about one closed credit: open it,
// then agree (the credit stands) or waive (settled: d.Amount, or the rest of
// the credit when zero, is waived as by Waive, d.By being the approver).
// Each step is an entry in the invoice month after the last close's. On
// any error nothing is written.
func (l *Ledger) Dispute(ctx context.Context, a Authority, d Dispute) (Entry, error) {
	e, err := l.dispute(ctx, a, d)
	if err != nil {
		return Entry{}, fmt.Errorf("%s: dispute %s %s %s %s: %w", l.path, d.Action, d.Month, lotText(d.Lot), d.KPI, err)
	}
	return e, nil
}

func (l *Ledger) dispute(ctx context.Context, a Authority, d Dispute) (Entry, error) {
	if err := l.checkCredit(d.Lot, d.KPI, d.Reason); err != nil {
		return Entry{}, err
	}
	if d.By == "" {
		return Entry{}, invalid("no one named for the dispute step")
	}
	if err := checkText("the name", d.By, limits.MaxNameBytes); err != nil {
		return Entry{}, err
	}
	var role Role
	switch d.Action {
	case DisputeOpen, DisputeAgree:
	case DisputeWaive:
		r, err := a.role(d.By)
		if err != nil {
			return Entry{}, err
		}
		role = r
		if d.Amount.IsNegative() || !places(d.Amount, l.meta.MinorUnits) {
			return Entry{}, invalid("amount %s is negative or has more than %d decimal places", d.Amount, l.meta.MinorUnits)
		}
	default:
		return Entry{}, invalid("dispute action %q is not open, agree or waive", d.Action)
	}
	k := creditKey{d.Month, lotText(d.Lot), d.KPI}
	return l.post(ctx, batchDispute, k, d.At, func(st *state, b *Balance) (entryIn, error) {
		return disputeStep(b, d, role)
	})
}

// disputeStep checks a dispute step against the credit's state and returns
// its entry.
func disputeStep(b *Balance, d Dispute, role Role) (entryIn, error) {
	in := entryIn{reason: d.Reason, actor: d.By}
	open := b.Dispute == DisputeOpened
	switch d.Action {
	case DisputeOpen:
		if open {
			return in, fmt.Errorf("%w: a dispute is already open", ErrDisputeState)
		}
		in.kind = KindDisputeOpen
		return in, nil
	case DisputeAgree:
		in.kind = KindDisputeAgree
	default:
		in.kind, in.role = KindDisputeWaive, role.Name
		amount := d.Amount
		if amount.IsZero() {
			amount = b.Credit.Sub(b.Waived)
			if !amount.IsPositive() {
				return in, invalid("nothing of the credit is left to waive")
			}
		}
		if err := allowed(b, amount, d.By, role); err != nil {
			return in, err
		}
		in.credit = amount.Neg()
	}
	if !open {
		return in, fmt.Errorf("%w: no dispute is open (state %q)", ErrDisputeState, b.Dispute)
	}
	return in, nil
}

// allowed checks that waiving amount more of a credit stays within the
// credit and the role's limit.
func allowed(b *Balance, amount decimal.Decimal, approver string, role Role) error {
	total := b.Waived.Add(amount)
	if total.GreaterThan(b.Credit) {
		return &AuthorityError{Approver: approver, Role: role.Name, Limit: b.Credit, Total: total, Err: ErrExceedsCredit}
	}
	if total.GreaterThan(role.Limit) {
		return &AuthorityError{Approver: approver, Role: role.Name, Limit: role.Limit, Total: total, Err: ErrBeyondAuthority}
	}
	return nil
}

// checkCredit checks the parts of a request that name a credit and why.
func (l *Ledger) checkCredit(lot []string, kpi, reason string) error {
	if len(lot) != len(l.meta.Keys) {
		return invalid("%d lot key values for %d key columns %q", len(lot), len(l.meta.Keys), l.meta.Keys)
	}
	if kpi == "" || reason == "" {
		return invalid("a KPI and a reason are required")
	}
	return checkText("the reason", reason, limits.MaxCellBytes)
}

// checkText checks text a request records: one line of printable UTF-8,
// at most most bytes. A line break or an escape sequence would forge or
// garble the lines that list the ledger, for good: it is append-only.
func checkText(what, s string, most int) error {
	switch {
	case len(s) > most:
		return invalid("%s is longer than %d bytes", what, most)
	case !utf8.ValidString(s):
		return invalid("%s is not valid UTF-8 text", what)
	}
	for _, r := range s {
		if Garbles(r) {
			return invalid("%s holds a control character (%U): it must be one line of printable text", what, r)
		}
	}
	return nil
}

// Garbles reports whether r, in text listed one entry a line, could
// garble the listing or forge a line: a control character (an escape, a
// line break), a line or paragraph separator, a byte order mark, or a
// bidirectional override or isolate, which reorders what follows.
func Garbles(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// post writes one entry about credit k in a batch of its own: step checks
// the credit's balance and returns the entry.
func (l *Ledger) post(ctx context.Context, kind string, k creditKey, at time.Time,
	step func(*state, *Balance) (entryIn, error)) (Entry, error) {
	var e Entry
	err := l.write(ctx, func(c *sql.Conn) error {
		st, err := l.loadState(ctx, c)
		if err != nil {
			return err
		}
		b := st.credits[k]
		if b == nil {
			return fmt.Errorf("%w: no credit for %s %s %s", ErrUnknownCredit, k.month, k.lot, k.kpi)
		}
		in, err := step(st, b)
		if err != nil {
			return err
		}
		in.service, in.lot, in.kpi, in.level, in.hashes = k.month, k.lot, k.kpi, b.Level, b.Hashes
		bt := l.newBatch(st, kind, k.month, st.lastInvoice.Add(1), Hashes{}, at)
		bt.add(st.head, in)
		if e, err = l.entry(bt.Rows[0]); err != nil {
			return err
		}
		return bt.insert(ctx, c)
	})
	return e, err
}

// role returns the role of a named approver, checking the authority.
func (a Authority) role(approver string) (Role, error) {
	roles := map[string]Role{}
	for _, r := range a.Roles {
		if _, dup := roles[r.Name]; dup || r.Name == "" || r.Limit.IsNegative() {
			return Role{}, invalid("authority: role %q is unnamed, repeated or has a negative limit", r.Name)
		}
		roles[r.Name] = r
	}
	found := false
	var role Role
	for _, ap := range a.Approvers {
		r, ok := roles[ap.Role]
		if !ok {
			return Role{}, invalid("authority: approver %q has role %q, which is not defined", ap.Name, ap.Role)
		}
		if ap.Name == approver {
			if found {
				return Role{}, invalid("authority: approver %q is named twice", ap.Name)
			}
			found, role = true, r
		}
	}
	if !found {
		return Role{}, fmt.Errorf("%w: %q is not named in the authority", ErrNotApprover, approver)
	}
	return role, nil
}
