package pq

import (
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/period"
	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"
)

// CreatedBy is the created_by field of every file written by a Writer. It
// carries no library version, so that the bytes of a file do not change when
// the Parquet library is upgraded.
const CreatedBy = "kpicredit"

// MaxRowsPerRowGroup is the most rows a Writer puts in one row group.
const MaxRowsPerRowGroup = 1 << 20

// Writer writes rows of typed values to a Parquet file: zstd compression for
// every column, PLAIN encoding for strings, columns in the order given to
// NewWriter. The same rows always give the same bytes. A Writer is not safe
// for concurrent use.
type Writer struct {
	cols    []Column
	pw      *parquet.GenericWriter[any]
	row     parquet.Row
	rows    []parquet.Row // row, as WriteRows takes it
	scratch [][]byte      // per column: the bytes of the current string
	n       int64         // rows written
	err     error         // sticky error of the underlying writer
	closed  bool
}

// NewWriter returns a Writer of a file with the given columns, in that order.
// The caller must call Close to complete the file.
func NewWriter(w io.Writer, cols []Column) (*Writer, error) {
	if err := validate(cols); err != nil {
		return nil, err
	}
	cols = append([]Column(nil), cols...)
	opts := []parquet.WriterOption{
		schemaOf(CreatedBy, cols),
		createdBy(CreatedBy),
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(MaxRowsPerRowGroup),
	}
	opts = append(opts, skipWideBounds(cols)...)
	if _, err := parquet.NewWriterConfig(opts...); err != nil {
		return nil, err // parquet.NewGenericWriter would panic
	}
	row := make(parquet.Row, len(cols))
	return &Writer{
		cols:    cols,
		pw:      parquet.NewGenericWriter[any](w, opts...),
		row:     row,
		rows:    []parquet.Row{row},
		scratch: make([][]byte, len(cols)),
	}, nil
}

// skipWideBounds leaves the minimum and maximum out of the statistics of
// every WideDecimal column, in the footer and in the page headers. The
// Parquet library finds them with an AVX-512 routine on CPUs that have it,
// and that routine returns wrong values (a minimum above the maximum), so
// the bytes of a file would depend on the CPU; and it compares the 16 bytes
// unsigned, where a DECIMAL's order is signed, so a negative value would be
// recorded as the largest. Without bounds a reader scans the column instead
// of trusting a wrong range. Decimal (INT64) columns keep their statistics:
// they are compared as signed integers by the same code on every CPU.
func skipWideBounds(cols []Column) []parquet.WriterOption {
	var opts []parquet.WriterOption
	for _, c := range cols {
		if c.Kind == WideDecimal {
			opts = append(opts, parquet.SkipPageBounds(c.Name), parquet.SkipPageStatistics(c.Name))
		}
	}
	return opts
}

// createdBy is a writer option setting created_by verbatim (parquet.CreatedBy
// adds " version ...").
type createdBy string

// ConfigureWriter implements parquet.WriterOption.
func (c createdBy) ConfigureWriter(cfg *parquet.WriterConfig) { cfg.CreatedBy = string(c) }

// Write writes one row. values are in the order of the columns given to
// NewWriter, one per column:
//   - String: a string (valid UTF-8);
//   - Month: a period.Month of a year from 1 to 9999;
//   - Decimal, WideDecimal: a decimal.Decimal or *decimal.Decimal with at
//     most Scale decimal places (round first) and at most 18 (38) digits;
//   - Int64: an int or an int64;
//   - Timestamp: a time.Time of a year from 1 to 9999, to the microsecond;
//   - nil, or a nil *decimal.Decimal, for NULL in a Nullable column.
//
// An invalid value is an error naming the row (1-based) and column; the row
// is then not written and the Writer remains usable.
func (w *Writer) Write(values ...any) error {
	if w.closed {
		return errors.New("write to a closed Parquet writer")
	}
	if w.err != nil {
		return w.err
	}
	n := w.n + 1
	if len(values) != len(w.cols) {
		return fmt.Errorf("row %d: %d values for %d columns", n, len(values), len(w.cols))
	}
	for i, x := range values {
		v, err := w.value(i, x)
		if err != nil {
			if re := (*RangeError)(nil); errors.As(err, &re) {
				re.Column = w.cols[i].Name
			}
			return fmt.Errorf("row %d column %s: %w", n, w.cols[i].Name, err)
		}
		def := 0
		if w.cols[i].Nullable && !v.IsNull() {
			def = 1
		}
		w.row[i] = v.Level(0, def, i)
	}
	if _, err := w.pw.WriteRows(w.rows); err != nil {
		w.err = fmt.Errorf("row %d: %w", n, err)
		return w.err
	}
	w.n = n
	return nil
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.n }

// Close flushes the last row group and writes the file footer. It does not
// close the underlying io.Writer. Closing a closed Writer does nothing.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	return w.pw.Close()
}

// value converts the value of column i.
func (w *Writer) value(i int, x any) (parquet.Value, error) {
	c := w.cols[i]
	if p, ok := x.(*decimal.Decimal); ok && p == nil {
		x = nil
	}
	if x == nil {
		if !c.Nullable {
			return parquet.Value{}, errors.New("NULL in a column that is not nullable")
		}
		return parquet.NullValue(), nil
	}
	switch c.Kind {
	case String:
		return w.stringValue(i, x)
	case Month:
		return monthValue(x)
	case Decimal:
		return decimalValue(x, c.Scale)
	case WideDecimal:
		return w.wideValue(i, x)
	case Timestamp:
		return timestampValue(x)
	default:
		return int64Value(x)
	}
}

// stringValue converts a string, copying its bytes to the column's scratch
// buffer (WriteRows copies them again before the next row).
func (w *Writer) stringValue(i int, x any) (parquet.Value, error) {
	s, ok := x.(string)
	if !ok {
		return parquet.Value{}, wrongType(x, "string")
	}
	if !utf8.ValidString(s) {
		return parquet.Value{}, fmt.Errorf("%q is not valid UTF-8", s)
	}
	w.scratch[i] = append(w.scratch[i][:0], s...)
	return parquet.ByteArrayValue(w.scratch[i]), nil
}

func monthValue(x any) (parquet.Value, error) {
	m, ok := x.(period.Month)
	if !ok {
		return parquet.Value{}, wrongType(x, "period.Month")
	}
	days, err := monthDays(m)
	if err != nil {
		return parquet.Value{}, err
	}
	return parquet.Int32Value(days), nil
}

// monthDays returns the first day of m as a Parquet DATE: days since
// 1970-01-01.
func monthDays(m period.Month) (int32, error) {
	if m < period.New(1, 1) || m > period.New(9999, 12) {
		return 0, fmt.Errorf("month %d out of range 0001-01..9999-12", int32(m))
	}
	t := time.Date(m.Year(), time.Month(m.Number()), 1, 0, 0, 0, 0, time.UTC)
	return int32(t.Unix() / secondsPerDay), nil
}

const secondsPerDay = 24 * 60 * 60

// timestampValue converts a time.Time to microseconds since 1970.
func timestampValue(x any) (parquet.Value, error) {
	t, ok := x.(time.Time)
	if !ok {
		return parquet.Value{}, wrongType(x, "time.Time")
	}
	switch {
	case t.Year() < 1 || t.Year() > 9999:
		return parquet.Value{}, fmt.Errorf("time %s out of range of years 1 to 9999", t.Format(time.RFC3339))
	case t.Nanosecond()%1000 != 0:
		return parquet.Value{}, fmt.Errorf("time %s is finer than a microsecond", t.Format(time.RFC3339Nano))
	}
	return parquet.Int64Value(t.UnixMicro()), nil
}

func decimalValue(x any, scale int32) (parquet.Value, error) {
	d, err := toDecimal(x)
	if err != nil {
		return parquet.Value{}, err
	}
	u, err := unscaled(d, scale)
	if err != nil {
		return parquet.Value{}, err
	}
	return parquet.Int64Value(u), nil
}

// wideValue converts a WideDecimal value into the column's scratch buffer.
func (w *Writer) wideValue(i int, x any) (parquet.Value, error) {
	d, err := toDecimal(x)
	if err != nil {
		return parquet.Value{}, err
	}
	b := append(w.scratch[i][:0], make([]byte, wideSize)...)
	w.scratch[i] = b
	if err := putUnscaledWide(b, d, w.cols[i].Scale); err != nil {
		return parquet.Value{}, err
	}
	return parquet.FixedLenByteArrayValue(b), nil
}

func toDecimal(x any) (decimal.Decimal, error) {
	switch v := x.(type) {
	case decimal.Decimal:
		return v, nil
	case *decimal.Decimal:
		return *v, nil // not nil: value handles nil
	}
	return decimal.Decimal{}, wrongType(x, "decimal.Decimal")
}

func int64Value(x any) (parquet.Value, error) {
	switch v := x.(type) {
	case int64:
		return parquet.Int64Value(v), nil
	case int:
		return parquet.Int64Value(int64(v)), nil
	}
	return parquet.Value{}, wrongType(x, "int or int64")
}

func wrongType(x any, want string) error {
	return fmt.Errorf("got %T, want %s", x, want)
}
