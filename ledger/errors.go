package ledger

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The errors of this package. Each is returned wrapped, with what went
// wrong named; test for them with errors.Is. Every one of them means that
// nothing was written.
var (
	// ErrBusy: another close, waiver or dispute is writing to the ledger.
	ErrBusy = errors.New("ledger busy")
	// ErrNotLedger: the file is not a kpicredit ledger.
	ErrNotLedger = errors.New("not a kpicredit ledger")
	// ErrNewerSchema: the ledger was written by a newer version; see
	// VersionError.
	ErrNewerSchema = errors.New("ledger schema is newer than this program")
	// ErrExists: Create was given a file that already exists.
	ErrExists = errors.New("ledger already exists")
	// ErrInvalid: a request, meta or authority is malformed.
	ErrInvalid = errors.New("invalid request")
	// ErrAlreadyClosed: the month to close is closed.
	ErrAlreadyClosed = errors.New("month already closed")
	// ErrOutOfOrder: the month to close does not follow the last closed
	// month.
	ErrOutOfOrder = errors.New("month out of order")
	// ErrNoFigures: the computation has no figure for the month to close.
	ErrNoFigures = errors.New("no figures for the month")
	// ErrMissingMonth: the computation has no figure for a closed month.
	ErrMissingMonth = errors.New("no figures for a closed month")
	// ErrInvalidFigure: a figure is malformed; see FigureError.
	ErrInvalidFigure = errors.New("invalid figure")
	// ErrUnknownCredit: no credit is held for the month, lot and KPI.
	ErrUnknownCredit = errors.New("no such credit in the ledger")
	// ErrNotApprover: the approver is not named in the authority.
	ErrNotApprover = errors.New("not an approver")
	// ErrBeyondAuthority: the waivers on one credit would exceed the
	// approver's role limit; see AuthorityError.
	ErrBeyondAuthority = errors.New("beyond delegated authority")
	// ErrExceedsCredit: the waivers on one credit would exceed the credit.
	ErrExceedsCredit = errors.New("waiver exceeds the credit")
	// ErrDisputeState: the dispute step does not follow from the credit's
	// dispute state (agree or waive without an open dispute, a second open).
	ErrDisputeState = errors.New("dispute step out of order")
	// ErrNoDocument: the ledger keeps no text under the hash asked for.
	ErrNoDocument = errors.New("no such document in the ledger")
	// ErrTampered: Verify found the ledger inconsistent; see VerifyError.
	ErrTampered = errors.New("ledger fails verification")
)

// VersionError is a ledger whose schema version this program does not know.
type VersionError struct {
	Path      string
	Version   int // the file's user_version
	Supported int // SchemaVersion
}

// Error says which version the file has and which this program reads.
func (e *VersionError) Error() string {
	return fmt.Sprintf("%s: ledger schema version %d is newer than %d, the newest this program reads",
		e.Path, e.Version, e.Supported)
}

// Unwrap returns ErrNewerSchema.
func (e *VersionError) Unwrap() error { return ErrNewerSchema }

// FigureError is a figure of a computation that cannot be recorded.
type FigureError struct {
	Index  int // the figure's place in Figures.Lines, from 0
	Figure Figure
	Err    error // ErrInvalidFigure, or another sentinel for the problem
	Reason string
}

// Error names the figure and the problem.
func (e *FigureError) Error() string {
	f := e.Figure
	return fmt.Sprintf("figure %d (%s %s %s): %s", e.Index+1, f.Month, lotText(f.Lot), f.KPI, e.Reason)
}

// Unwrap returns the sentinel.
func (e *FigureError) Unwrap() error { return e.Err }

// MonthError is a close of a month that cannot be closed now.
type MonthError struct {
	Month rules.Month
	Last  rules.Month // the last closed month
	Err   error       // ErrAlreadyClosed, ErrOutOfOrder, ErrNoFigures or ErrMissingMonth
}

// Error names the month and the last closed month.
func (e *MonthError) Error() string {
	switch e.Err {
	case ErrAlreadyClosed:
		return fmt.Sprintf("%s: %v (the last closed month is %s)", e.Month, e.Err, e.Last)
	case ErrOutOfOrder:
		return fmt.Sprintf("cannot close %s: %v (the next month to close is %s)", e.Month, e.Err, e.Last.Add(1))
	}
	return fmt.Sprintf("%s: %v", e.Month, e.Err)
}

// Unwrap returns the sentinel.
func (e *MonthError) Unwrap() error { return e.Err }

// AuthorityError is a waiver that would take the total waived on one credit
// beyond what the approver's role may waive, or beyond the credit.
type AuthorityError struct {
	Approver, Role string
	Limit          decimal.Decimal // the role's limit, or the credit for ErrExceedsCredit
	Total          decimal.Decimal // waived on the credit with this waiver
	Err            error           // ErrBeyondAuthority or ErrExceedsCredit
}

// Error says how far the total goes beyond the limit.
func (e *AuthorityError) Error() string {
	if e.Err == ErrExceedsCredit {
		return fmt.Sprintf("%v: %s waived in total, the credit is %s", e.Err, e.Total, e.Limit)
	}
	return fmt.Sprintf("%v: %s (%s) may waive %s in total on one credit; this would make %s",
		e.Err, e.Approver, e.Role, e.Limit, e.Total)
}

// Unwrap returns the sentinel.
func (e *AuthorityError) Unwrap() error { return e.Err }

// Problem is one inconsistency Verify found.
type Problem struct {
	Seq     int64 // the entry, or 0
	Batch   int64 // the batch, or 0
	Message string
}

// String names the entry or batch and the problem.
func (p Problem) String() string {
	switch {
	case p.Seq != 0:
		return fmt.Sprintf("entry %d: %s", p.Seq, p.Message)
	case p.Batch != 0:
		return fmt.Sprintf("batch %d: %s", p.Batch, p.Message)
	}
	return p.Message
}

// VerifyError lists every problem Verify found.
type VerifyError struct {
	Path     string
	Problems []Problem
}

// Error lists the first problems.
func (e *VerifyError) Error() string {
	const most = 10
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v: %d problem(s)", e.Path, ErrTampered, len(e.Problems))
	for i, p := range e.Problems {
		if i == most {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-most)
			break
		}
		b.WriteString("; " + p.String())
	}
	return b.String()
}

// Unwrap returns ErrTampered.
func (e *VerifyError) Unwrap() error { return ErrTampered }

// invalid returns an ErrInvalid error with a message.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
