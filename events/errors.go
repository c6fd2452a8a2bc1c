package events

import (
	"errors"
	"fmt"

	"github.com/kpicredit/kpicredit/limits"
)

// Errors an *InputError may wrap, for errors.Is; a timestamp that cannot
// be read wraps an *sla.TimeError instead (sla.ErrSyntax, sla.ErrRange,
// sla.ErrNonexistent, sla.ErrAmbiguous).
var (
	// ErrDuplicate: a second event with an id the source already has, or
	// a second exclusion of one event.
	ErrDuplicate = errors.New("duplicate event id")
	// ErrUnknownLot: an event of a lot the monthly data does not have.
	ErrUnknownLot = errors.New("unknown lot")
	// ErrEndBeforeStart: an event, a clock or a stop that ends before it
	// starts, or a deadline before its clock's start.
	ErrEndBeforeStart = errors.New("ends before it starts")
	// ErrMissing: a value an event needs is empty.
	ErrMissing = errors.New("missing value")
	// ErrValue: a value that is not of its column's type, or not text.
	ErrValue = errors.New("invalid value")
	// ErrUnknownEvent: a stop or an exclusion naming an event its source
	// does not have.
	ErrUnknownEvent = errors.New("unknown event")
	// ErrLimit: a file beyond a limit of package limits.
	ErrLimit = errors.New("beyond a limit")
)

// InputError is a problem with an event, stop or exclusions file, placed
// at its line (CSV, the header being line 1) or row (Parquet, from 1) and
// column. It is invalid input: the command exits with status 2.
type InputError struct {
	File    string
	Line    int64 // 0 for a problem with the whole file
	Col     int   // 1-based, 0 when unknown
	Column  string
	Msg     string
	Parquet bool  // Line counts Parquet rows
	Err     error // what kind of problem: one of the Err values, or an *sla.TimeError
}

// Error formats the problem as file:line:column: column NAME: message
// (file: row N: ... for Parquet).
func (e *InputError) Error() string {
	where := e.File
	switch {
	case e.Line > 0 && e.Parquet:
		where += fmt.Sprintf(": row %d", e.Line)
	case e.Line > 0 && e.Col > 0:
		where += fmt.Sprintf(":%d:%d", e.Line, e.Col)
	case e.Line > 0:
		where += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		return fmt.Sprintf("%s: column %s: %s", where, limits.Name(e.Column), e.Msg)
	}
	return where + ": " + e.Msg
}

// Unwrap returns the kind of problem.
func (e *InputError) Unwrap() error { return e.Err }

// InvalidInput reports true: the file is the user's to fix (see
// runner.IsInvalidInput).
func (e *InputError) InvalidInput() bool { return true }

// UsageError is a mistake in what the caller asked for rather than in a
// file: an --events name the rulebook does not declare, a source without
// a file, a file read twice. It is bad usage: the command exits with
// status 2.
type UsageError struct{ Msg string }

// Error returns the message.
func (e *UsageError) Error() string { return e.Msg }

// InvalidInput reports true: what was asked for is the user's to fix
// (see runner.IsInvalidInput).
func (e *UsageError) InvalidInput() bool { return true }

// IsInvalidInput reports whether err is bad input or usage (an
// *InputError or a *UsageError), for which the command exits with
// status 2.
func IsInvalidInput(err error) bool {
	var ie *InputError
	var ue *UsageError
	return errors.As(err, &ie) || errors.As(err, &ue)
}

// where names a line or row of a file, as messages write it.
func where(parquet bool, line int64) string {
	if parquet {
		return fmt.Sprintf("row %d", line)
	}
	return fmt.Sprintf("line %d", line)
}
