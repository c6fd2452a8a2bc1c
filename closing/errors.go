package closing

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/statement"
)

// InputError is a request that cannot be done as asked, for a reason the
// user can fix: a month closed out of order or already closed, a month
// without data, a waiver beyond the credit or the approver's authority, an
// unknown lot, KPI or approver, a file that is not a kpicredit ledger. Its
// message names what is wrong; nothing was written. The kpicredit command
// exits 2 for it (runner.IsInvalidInput).
type InputError struct{ Err error }

// Error returns the message.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the error wrapped, a ledger sentinel among them.
func (e *InputError) Unwrap() error { return e.Err }

// InvalidInput reports true.
func (e *InputError) InvalidInput() bool { return true }

func invalidf(format string, args ...any) error {
	return &InputError{Err: fmt.Errorf(format, args...)}
}

// ErrBusy is another close, waiver or dispute writing the ledger: the
// request failed at once, without waiting; try again when it has ended.
var ErrBusy = ledger.ErrBusy

// userErrors are the errors of the packages below that are the user's to
// fix.
var userErrors = []error{
	ledger.ErrAlreadyClosed, ledger.ErrOutOfOrder, ledger.ErrNoFigures, ledger.ErrMissingMonth,
	ledger.ErrUnknownCredit, ledger.ErrNotApprover, ledger.ErrBeyondAuthority, ledger.ErrExceedsCredit,
	ledger.ErrDisputeState, ledger.ErrInvalid, ledger.ErrNotLedger, ledger.ErrExists,
	statement.ErrNoEntries, statement.ErrUnknownKey, fs.ErrNotExist,
}

// userError marks an error of the packages below as an *InputError when
// it is the user's to fix.
func userError(err error) error {
	if err == nil || errors.Is(err, ErrBusy) {
		return err
	}
	for _, u := range userErrors {
		if errors.Is(err, u) {
			return &InputError{Err: err}
		}
	}
	return err
}
