package output

import (
	"errors"
	"fmt"
	"github.com/kpicredit/kpicredit/rules"
	"io"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/shopspring/decimal"
)

// writeParquet writes a table as Parquet and returns its row count: money
// as DECIMAL at the currency's places, measures as DECIMAL(38, 16), months
// as DATE, text as plain UTF-8, all zstd-compressed.
func writeParquet(w io.Writer, t outTable, moneyPlaces int32) (int, error) {
	pt, err := newParquetTable(w, t, moneyPlaces)
	if err != nil {
		return 0, err
	}
	if err := t.rows(pt.add); err != nil {
		return 0, pt.wrap(err)
	}
	return pt.close()
}

// parquetTable writes a table's rows as Parquet, one at a time.
type parquetTable struct {
	t  outTable
	pw *pq.Writer
	n  int // rows added
}

// newParquetTable starts a Parquet file of table t in w.
func newParquetTable(w io.Writer, t outTable, moneyPlaces int32) (*parquetTable, error) {
	cols := make([]pq.Column, len(t.cols))
	for i, c := range t.cols {
		cols[i] = pq.Column{Name: c.name, Nullable: c.nullable}
		switch c.kind {
		case kString:
			cols[i].Kind = pq.String
		case kMonth:
			cols[i].Kind = pq.Month
		case kMoney:
			cols[i].Kind, cols[i].Scale = pq.Decimal, moneyPlaces
		case kMeasure:
			cols[i].Kind, cols[i].Scale = pq.WideDecimal, MeasurePlaces
		case kInt:
			cols[i].Kind = pq.Int64
		}
	}
	pw, err := pq.NewWriter(w, cols)
	if err != nil {
		return nil, fmt.Errorf("%s.parquet: %w", t.name, err)
	}
	return &parquetTable{t: t, pw: pw}, nil
}

// add writes a row; a value too large for its column is a *RangeError
// naming the row.
func (pt *parquetTable) add(row []cell) error {
	pt.n++
	return pt.rowError(writeRow(pt.pw, pt.t.cols, row), row)
}

// rowError is the error of writing a row: a value too large for its
// column a *RangeError naming the row by its identity, others as they
// are.
func (pt *parquetTable) rowError(err error, row []cell) error {
	if re := (*pq.RangeError)(nil); errors.As(err, &re) {
		return &RangeError{File: pt.t.name + ".parquet", Column: re.Column, Row: identity(pt.t, row),
			Value: re.Value, Type: re.Type()}
	}
	return err
}

// writeBlock writes a block of the table's rows (see Stream).
func (pt *parquetTable) writeBlock(b *pq.Block) error {
	pt.n += b.Rows()
	return pt.wrap(pt.pw.WriteBlock(b))
}

// wrap names the file in an error of adding rows, but a *RangeError,
// which names it already.
func (pt *parquetTable) wrap(err error) error {
	if re := (*RangeError)(nil); err == nil || errors.As(err, &re) {
		return err
	}
	return fmt.Errorf("%s.parquet: %w", pt.t.name, err)
}

// close completes the file and returns its row count.
func (pt *parquetTable) close() (int, error) {
	if err := pt.pw.Close(); err != nil {
		return 0, fmt.Errorf("%s.parquet: %w", pt.t.name, err)
	}
	return pt.n, nil
}

// rowAppender takes a row value by value: a pq.Writer, or a pq.Block.
type rowAppender interface {
	AppendNull()
	AppendString(string)
	AppendMonth(rules.Month)
	AppendScaled(coef int64, exp int32)
	AppendDecimal(decimal.Decimal)
	AppendInt(int64)
	EndRow() error
}

// writeRow appends a row's cells to pw by their columns' kinds, measures
// rounded to MeasurePlaces.
func writeRow(pw rowAppender, cols []outColumn, row []cell) error {
	for i, c := range row {
		switch {
		case c.null:
			pw.AppendNull()
		case cols[i].kind == kString:
			pw.AppendString(c.s)
		case cols[i].kind == kMonth:
			pw.AppendMonth(c.m)
		case c.fx && (cols[i].kind == kMoney || c.f.Scale() <= MeasurePlaces): // a measure rounded, as roundMeasure would, is itself
			pw.AppendScaled(c.f.Coef(), -int32(c.f.Scale()))
		case cols[i].kind == kMoney:
			pw.AppendDecimal(c.d)
		case cols[i].kind == kMeasure:
			pw.AppendDecimal(roundMeasure(c.d))
		default:
			pw.AppendInt(int64(c.i))
		}
	}
	return pw.EndRow()
}

// roundMeasure rounds d to MeasurePlaces. A measure with no more places is
// returned as it is: rounding would only rescale its coefficient, which
// allocates, and the written value is the same.
func roundMeasure(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() >= -MeasurePlaces {
		return d
	}
	return d.Round(MeasurePlaces)
}

// identity returns name=value for the columns that identify a row: the text and
// month columns that lead every table (scenario, lot keys, month, KPI).
func identity(t outTable, row []cell) []string {
	var out []string
	for i, c := range t.cols {
		if c.kind != kString && c.kind != kMonth {
			break
		}
		if c.name == "terms" && i > 0 && t.cols[i-1].kind == kMonth {
			continue // the terms in force do not identify the row
		}
		v := row[i].s
		if c.kind == kMonth {
			v = row[i].m.String()
		}
		out = append(out, c.name+"="+v)
	}
	return out
}
