package runner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
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
		return fmt.Sprintf("%s: column %s: %s", where, limits.Name(e.Column), e.Msg)
	}
	return where + ": " + e.Msg
}

// RangeError is a value the inputs lead to that an output column cannot
// hold: a charge, measure or credit beyond the column's DECIMAL type. It
// names the file, the column and the row by its scenario, lot, month and
// KPI; the cause is a mistyped number in the data or an amount in the
// rulebook.
type RangeError struct {
	File   string // the output file, e.g. kpi_results.parquet
	Column string
	Row    []string // the row's identifying values: scenario, lot keys, month, KPI
	Value  decimal.Decimal
	Type   string // the column's type, e.g. DECIMAL(18,2)
}

// Error names the value, its place and the limit.
func (e *RangeError) Error() string {
	return fmt.Sprintf("%s: column %s: %s is too large for the output's %s (at %s); check the data and the rulebook for a mistyped number",
		e.File, e.Column, kpi.ShortString(e.Value), e.Type, strings.Join(e.Row, ", "))
}

// InternalError is a panic recovered from a run: a bug in kpicredit,
// never a fault of the input. The CLI exits with code 1 for it and asks
// for a bug report.
type InternalError struct {
	Value any    // what the code panicked with
	Stack []byte // the stack of the goroutine that panicked
}

// Error names the panic and asks for a bug report.
func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: %v; please report this as a bug", e.Value)
}

// IsInvalidInput reports whether err is the user's input being wrong — a
// rulebook, scenario, data or relief file, or an expression that fails on
// the data — rather than a failure of the run; the CLI exits with code 2
// for these.
func IsInvalidInput(err error) bool {
	var ie *InputError
	var ve *rules.ValidationError
	var re *RangeError
	var ee *kpi.EvalError
	return errors.As(err, &ie) || errors.As(err, &ve) || errors.As(err, &re) || errors.As(err, &ee)
}
