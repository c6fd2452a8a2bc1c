package closing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

// Result is what a close recorded.
type Result struct {
	Month       rules.Month // the service month closed
	Invoice     rules.Month // the invoice month its entries went to
	Created     bool        // the close created the ledger
	Credits     int         // credit entries: one per lot and KPI of the month
	Adjustments int         // adjustment entries for earlier months
	Credit      decimal.Decimal
	EarnBack    decimal.Decimal // the month's credits and earn-back (<= 0)
	Adjusted    decimal.Decimal // the adjustments' net
	Hashes      ledger.Hashes   // of the inputs and rulebook priced
	Head        string          // the chain head after the close
}

// Close closes service month m of the job's contract into the ledger at
// path, creating it at the first close. Inside one transaction of the
// ledger it prices the job (the baseline, with what the ledger records as
// waived) and hands the ledger the figures of every closed month and of
// m: the ledger records m's and posts the differences for the earlier
// months as adjustments, each with the reason the package documentation
// describes. src is what the job was loaded from (see Load).
//
// m must follow the last closed month (any month of the term for the
// first close) and be in the data; the data must start by the first
// closed month, and at the contract's start unless the rulebook has an
// opening state; every lot the ledger holds must be in the data. Those are
// *InputError, as are a ledger for another contract and a file that is not
// a ledger; another close at once is ErrBusy. On any error nothing is
// written (a ledger file created for a close that then fails stays, empty).
func Close(ctx context.Context, job runner.Job, src Sources, path string, m rules.Month) (*Result, error) {
	rb := job.Rules
	if rb == nil || job.Data == nil {
		return nil, errors.New("closing: the job has no rulebook or no data")
	}
	if err := rb.InTerm(m); err != nil {
		return nil, invalidf("cannot close %s: %v", m, err)
	}
	if m < job.Data.First || m > job.Data.Last {
		return nil, invalidf("cannot close %s: the data (%s) has no month %s; it runs from %s to %s",
			m, job.Data.File, m, job.Data.First, job.Data.Last)
	}
	l, created, err := openOrCreate(ctx, path, rb)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	res := &Result{Month: m, Created: created}
	cr, err := l.CloseWith(ctx, func(ctx context.Context, s *ledger.Snapshot) (ledger.CloseRequest, error) {
		return prepare(ctx, job, src, s, m, res)
	})
	if err != nil {
		return nil, userError(err)
	}
	res.Invoice, res.Credits, res.Adjustments, res.Head = cr.Invoice, cr.Credits, cr.Adjustments, cr.Head
	return res, nil
}

// sum adds up what the close records: m's credits and earn-back, and the
// adjustments, which are the computation of the earlier months less what
// the ledger held for them.
func (r *Result) sum(figs []ledger.Figure, held []ledger.Balance, m rules.Month) {
	r.Credit, r.EarnBack, r.Adjusted = decimal.Zero, decimal.Zero, decimal.Zero
	for _, f := range figs {
		if f.Month == m {
			r.Credit, r.EarnBack = r.Credit.Add(f.Credit), r.EarnBack.Add(f.EarnBack)
		} else {
			r.Adjusted = r.Adjusted.Add(f.Credit).Add(f.EarnBack)
		}
	}
	for _, b := range held {
		r.Adjusted = r.Adjusted.Sub(b.Credit).Sub(b.EarnBack)
	}
}

// prepare works out the close of m from the ledger as it stands.
func prepare(ctx context.Context, job runner.Job, src Sources, s *ledger.Snapshot, m rules.Month, res *Result) (ledger.CloseRequest, error) {
	if err := checkMonth(s.Closed, m); err != nil {
		return ledger.CloseRequest{}, err
	}
	if err := checkData(job, s, m); err != nil {
		return ledger.CloseRequest{}, err
	}
	job.Waived = waived(s.Balances)
	job.Scenarios = noScenarios
	months := append(slices.Clone(s.Closed), m)
	figs, err := Figures(ctx, job, months)
	if err != nil {
		return ledger.CloseRequest{}, err
	}
	res.sum(figs, s.Balances, m)
	man := manifest(src, s.Balances)
	res.Hashes = ledger.Hashes{Inputs: hashText([]byte(man)), Rulebook: hashText(src.Rulebook)}
	c := newClassifier(s, man)
	return ledger.CloseRequest{Month: m, InvoiceLag: job.Rules.InvoiceLag, Classify: c.reason,
		Figures: ledger.Figures{Hashes: res.Hashes, Lines: figs, Documents: []string{man, string(src.Rulebook)}}}, nil
}

// checkMonth checks that m follows the closed months, as the ledger will,
// before anything is priced.
func checkMonth(closed []rules.Month, m rules.Month) error {
	if len(closed) == 0 {
		return nil
	}
	first, last := closed[0], closed[len(closed)-1]
	switch {
	case m >= first && m <= last:
		return &InputError{Err: &ledger.MonthError{Month: m, Last: last, Err: ledger.ErrAlreadyClosed}}
	case m != last+1:
		return &InputError{Err: &ledger.MonthError{Month: m, Last: last, Err: ledger.ErrOutOfOrder}}
	}
	return nil
}

// checkData checks that the data holds what the close needs: every closed
// month and every lot the ledger has, and the contract's history before
// them (from its start, or an opening state).
func checkData(job runner.Job, s *ledger.Snapshot, m rules.Month) error {
	rb, ds := job.Rules, job.Data
	first := m
	if len(s.Closed) > 0 {
		first = s.Closed[0]
	}
	if ds.First > first {
		return invalidf("the data (%s) starts at %s, after %s, the first month closed in the ledger: it must hold every closed month",
			ds.File, ds.First, first)
	}
	if rb.Opening == nil && rb.Start != nil && ds.First > *rb.Start {
		return invalidf("the data (%s) starts at %s, after the contract's start %s: the credits of %s depend on the months before; "+
			"give the data from %s, or each lot's state at the end of %s as opening: in the rulebook",
			ds.File, ds.First, *rb.Start, m, *rb.Start, ds.First.Add(-1))
	}
	for _, b := range s.Balances {
		if _, ok := ds.Lot(b.Lot...); !ok {
			return invalidf("the ledger has credits for lot %s, which is not in the data (%s)", lotText(rb.Keys, b.Lot), ds.File)
		}
	}
	return nil
}

// waived lists what the ledger records as waived of each credit.
func waived(bs []ledger.Balance) []runner.Waived {
	var out []runner.Waived
	for _, b := range bs {
		if b.Waived.IsPositive() {
			out = append(out, runner.Waived{Lot: b.Lot, Month: b.Month, KPI: b.KPI, Amount: b.Waived})
		}
	}
	return out
}

// Figures prices a job's baseline and returns, for each of the months
// given (which the data must hold), every lot's and KPI's credit after the
// caps and its earn-back: the computation a close hands the ledger.
func Figures(ctx context.Context, job runner.Job, months []rules.Month) ([]ledger.Figure, error) {
	job.Scenarios = noScenarios
	res, err := runner.Run(ctx, job)
	if err != nil {
		return nil, err
	}
	run := res.Baseline()
	var out []ledger.Figure
	for _, m := range months {
		for li, lot := range job.Data.Lots {
			lm, ok := res.Month(run, lot.Keys, m)
			if !ok {
				return nil, fmt.Errorf("closing: lot %s has no month %s", lot.Name(), m)
			}
			for _, kc := range lm.Credits.KPIs {
				out = append(out, ledger.Figure{Month: m, Lot: job.Data.Lots[li].Keys, KPI: kc.KPI.ID,
					Level: kc.Status.String(), Credit: kc.Credit, EarnBack: kc.EarnBack})
			}
		}
	}
	return out, nil
}

// openOrCreate opens the ledger at path, checking that it is the
// rulebook's contract's, or creates it when there is no file.
func openOrCreate(ctx context.Context, path string, rb *rules.Rulebook) (*ledger.Ledger, bool, error) {
	meta := ledger.Meta{Contract: rb.Contract, Currency: rb.Currency, MinorUnits: rb.MinorUnits, Keys: rb.Keys}
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		l, err := ledger.Create(ctx, path, meta)
		if errors.Is(err, ledger.ErrExists) { // another close created it just now
			return nil, false, fmt.Errorf("%s: %w: another close is creating it", path, ErrBusy)
		}
		return l, err == nil, userError(err)
	}
	l, err := Open(ctx, path)
	if err != nil {
		return nil, false, err
	}
	if have := l.Meta(); have.Contract != meta.Contract || have.Currency != meta.Currency ||
		have.MinorUnits != meta.MinorUnits || !slices.Equal(have.Keys, meta.Keys) {
		l.Close()
		return nil, false, invalidf("%s is the ledger of %q (%s, %d decimal places, keys %s), not of the rulebook's %q (%s, %d, keys %s)",
			path, have.Contract, have.Currency, have.MinorUnits, strings.Join(have.Keys, ", "),
			meta.Contract, meta.Currency, meta.MinorUnits, strings.Join(meta.Keys, ", "))
	}
	return l, false, nil
}

// Open opens an existing ledger: a missing file or one that is not a
// kpicredit ledger is an *InputError; one of a newer schema a
// *ledger.VersionError (a newer kpicredit wrote it).
func Open(ctx context.Context, path string) (*ledger.Ledger, error) {
	l, err := ledger.Open(ctx, path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, invalidf("%s: no such ledger (the first close creates it)", path)
	}
	return l, userError(err)
}

// jsonLot is a lot's key values as a JSON array.
func jsonLot(lot []string) string {
	b, _ := json.Marshal(lot) // a []string always marshals
	return string(b)
}

// lotText names a lot as --lot takes it: key=value, comma-separated.
func lotText(keys, lot []string) string {
	parts := make([]string, len(lot))
	for i, v := range lot {
		k := "?"
		if i < len(keys) {
			k = keys[i]
		}
		parts[i] = k + "=" + v
	}
	return strings.Join(parts, ",")
}
