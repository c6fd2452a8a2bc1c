package runner

import (
	"errors"
	"fmt"

	"github.com/kpicredit/kpicredit/rules"
)

// InputError is a problem with an input data file, placed at its row and
// column. Row counts lines in a CSV file (the header is line 1) and data
// rows in a Parquet file; it is 0 for a problem with the whole file.
type InputError struct {
	File    string
	Row     int
	Col     int    // 1-based column number, 0 when unknown
	Column  string // the column's name, "" when the problem is not one column's
	Msg     string
	parquet bool
}

// Error formats the problem as file:line:column: column NAME: message
// (file: row N: ... for Parquet).
func (e *InputError) Error() string {
	where := e.File
	switch {
	case e.Row > 0 && e.parquet:
		where += fmt.Sprintf(": row %d", e.Row)
	case e.Row > 0 && e.Col > 0:
		where += fmt.Sprintf(":%d:%d", e.Row, e.Col)
	case e.Row > 0:
		where += fmt.Sprintf(":%d", e.Row)
	}
	if e.Column != "" {
		return fmt.Sprintf("%s: column %s: %s", where, e.Column, e.Msg)
	}
	return where + ": " + e.Msg
}

// IsInvalidInput reports whether err is the user's input being wrong — a
// rulebook, scenario, data or relief file — rather than a failure of the
// run; the CLI exits with code 2 for these.
func IsInvalidInput(err error) bool {
	var ie *InputError
	var ve *rules.ValidationError
	return errors.As(err, &ie) || errors.As(err, &ve)
}
