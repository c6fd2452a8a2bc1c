package closing

import (
	"context"
	"fmt"
	"github.com/kpicredit/kpicredit/period"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
)

// Recorded is what a ledger records of its contract's rulebook: the
// rulebook of its last close, and that close.
type Recorded struct {
	Rules *rules.Rulebook
	Close ledger.CloseInfo
}

// RecordedRules reads the rulebook the ledger's last close recorded: its
// authority is the one in force for waivers and disputes, its
// invoice_party names whose statements are made. A ledger with no close is
// an *InputError.
func RecordedRules(ctx context.Context, l *ledger.Ledger) (*Recorded, error) {
	closes, err := l.Closes(ctx)
	if err != nil {
		return nil, err
	}
	if len(closes) == 0 {
		return nil, invalidf("%s: no month is closed yet", l.Path())
	}
	last := closes[len(closes)-1]
	text, err := l.Document(ctx, last.Hashes.Rulebook)
	if err != nil {
		return nil, fmt.Errorf("the rulebook of the close of %s: %w", last.Month, err)
	}
	name := fmt.Sprintf("%s (the rulebook of the close of %s)", l.Path(), last.Month)
	rb, err := rules.Parse(name, strings.NewReader(text), nil)
	if err != nil {
		return nil, fmt.Errorf("the rulebook of the close of %s no longer loads: %w", last.Month, err)
	}
	return &Recorded{Rules: rb, Close: last}, nil
}

// authority returns the recorded rulebook's authority in the ledger's
// terms, checking that approver is named in it.
func (r *Recorded) authority(approver string) (ledger.Authority, error) {
	a := r.Rules.Authority
	var out ledger.Authority
	if a == nil {
		return out, &InputError{Err: fmt.Errorf("%w: the rulebook recorded by the close of %s has no authority: nobody may waive credits",
			ledger.ErrNotApprover, r.Close.Month)}
	}
	if _, _, ok := a.Approver(approver); !ok {
		var names []string
		for _, ap := range a.Approvers {
			names = append(names, ap.Name+" ("+ap.Role+")")
		}
		return out, &InputError{Err: fmt.Errorf("%w: %q has no role in the authority of the rulebook recorded by the close of %s (approvers: %s)",
			ledger.ErrNotApprover, approver, r.Close.Month, strings.Join(names, ", "))}
	}
	for _, role := range a.Roles {
		out.Roles = append(out.Roles, ledger.Role{Name: role.Name, Limit: role.Limit})
	}
	for _, ap := range a.Approvers {
		out.Approvers = append(out.Approvers, ledger.Approver{Name: ap.Name, Role: ap.Role})
	}
	return out, nil
}

// Waive records a waiver of part or all of a closed credit in the ledger
// at path, under the authority of the rulebook its last close recorded:
// the approver must have a role, and the total waived on the credit may
// exceed neither the credit nor the role's limit. An unknown month, lot
// or KPI, an approver without a role and a waiver too large are
// *InputError, and nothing is written.
func Waive(ctx context.Context, path string, w ledger.Waiver) (ledger.Entry, error) {
	l, rec, err := openRecorded(ctx, path)
	if err != nil {
		return ledger.Entry{}, err
	}
	defer l.Close()
	if err := checkCredit(ctx, l, w.Month, w.Lot, w.KPI); err != nil {
		return ledger.Entry{}, err
	}
	a, err := rec.authority(w.Approver)
	if err != nil {
		return ledger.Entry{}, err
	}
	e, err := l.Waive(ctx, a, w)
	return e, userError(err)
}

// Dispute records a step of a dispute about a closed credit in the ledger
// at path: open, agree (the credit stands) or waive (settled, by d.By, who
// must have a role in the authority as for Waive). Errors are as Waive's.
func Dispute(ctx context.Context, path string, d ledger.Dispute) (ledger.Entry, error) {
	l, rec, err := openRecorded(ctx, path)
	if err != nil {
		return ledger.Entry{}, err
	}
	defer l.Close()
	if err := checkCredit(ctx, l, d.Month, d.Lot, d.KPI); err != nil {
		return ledger.Entry{}, err
	}
	var a ledger.Authority
	if d.Action == ledger.DisputeWaive {
		if a, err = rec.authority(d.By); err != nil {
			return ledger.Entry{}, err
		}
	}
	e, err := l.Dispute(ctx, a, d)
	return e, userError(err)
}

// openRecorded opens a ledger and reads its recorded rulebook.
func openRecorded(ctx context.Context, path string) (*ledger.Ledger, *Recorded, error) {
	l, err := Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	rec, err := RecordedRules(ctx, l)
	if err != nil {
		l.Close()
		return nil, nil, userError(err)
	}
	return l, rec, nil
}

// checkCredit names what the ledger lacks of a credit asked for: the
// month closed, the lot, the KPI.
func checkCredit(ctx context.Context, l *ledger.Ledger, m rules.Month, lot []string, kpi string) error {
	keys := l.Meta().Keys
	closed, err := l.Closed(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(closed, m) {
		return &InputError{Err: fmt.Errorf("%w: %s is not a closed month (closed: %s)", ledger.ErrUnknownCredit, m, period.Span(closed))}
	}
	bs, err := l.Balances(ctx)
	if err != nil {
		return err
	}
	var lots, kpis []string
	for _, b := range bs {
		if b.Month != m {
			continue
		}
		if t := lotText(keys, b.Lot); !slices.Contains(lots, t) {
			lots = append(lots, t)
		}
		if slices.Equal(b.Lot, lot) && !slices.Contains(kpis, b.KPI) {
			kpis = append(kpis, b.KPI)
		}
	}
	switch {
	case len(kpis) == 0:
		return &InputError{Err: fmt.Errorf("%w: no lot %s in %s (lots: %s)", ledger.ErrUnknownCredit, lotText(keys, lot), m, strings.Join(lots, "; "))}
	case !slices.Contains(kpis, kpi):
		return &InputError{Err: fmt.Errorf("%w: no KPI %q for lot %s in %s (KPIs: %s)", ledger.ErrUnknownCredit, kpi, lotText(keys, lot), m, strings.Join(kpis, ", "))}
	}
	return nil
}

// ParseLot reads a lot written key=value,key=value (as --lot takes it)
// into key values in the order of keys, naming what is wrong.
func ParseLot(keys []string, text string) ([]string, error) {
	vals := map[string]string{}
	for _, kv := range strings.Split(text, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		switch {
		case !ok:
			return nil, invalidf("lot: %q is not key=value", kv)
		case !slices.Contains(keys, k):
			return nil, invalidf("lot names %q, which is not a key column (%s)", k, strings.Join(keys, ", "))
		}
		if _, dup := vals[k]; dup {
			return nil, invalidf("lot: %s is given twice", k)
		}
		vals[k] = strings.TrimSpace(v)
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		v, ok := vals[k]
		if !ok {
			return nil, invalidf("lot must name every key column (%s); %s missing", strings.Join(keys, ", "), k)
		}
		out[i] = v
	}
	return out, nil
}
