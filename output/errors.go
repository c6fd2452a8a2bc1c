package output

import (
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/shopspring/decimal"
)

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

// InvalidInput reports true: the inputs, together, are wrong (see
// runner.IsInvalidInput).
func (e *RangeError) InvalidInput() bool { return true }
