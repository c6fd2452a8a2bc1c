package pq

// The Writer as it was before it encoded columns in parallel: it hands
// parquet-go one row at a time. Tests require the Writer to give the same
// bytes.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/period"

	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"
)

// Writer writes rows of typed values to a Parquet file: zstd compression for
// every column, PLAIN encoding for strings, columns in the order given to
// NewWriter. The same rows always give the same bytes. A Writer is not safe
// for concurrent use.
type oldWriter struct {
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
func newOldWriter(w io.Writer, cols []Column) (*oldWriter, error) {
	cols, opts, err := writerOptions(cols)
	if err != nil {
		return nil, err
	}
	row := make(parquet.Row, len(cols))
	return &oldWriter{
		cols:    cols,
		pw:      parquet.NewGenericWriter[any](w, opts...),
		row:     row,
		rows:    []parquet.Row{row},
		scratch: make([][]byte, len(cols)),
	}, nil
}

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
func (w *oldWriter) Write(values ...any) error {
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
func (w *oldWriter) Rows() int64 { return w.n }

// Close flushes the last row group and writes the file footer. It does not
// close the underlying io.Writer. Closing a closed Writer does nothing.
func (w *oldWriter) Close() error {
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
func (w *oldWriter) value(i int, x any) (parquet.Value, error) {
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
		return oldMonthValue(x)
	case Decimal:
		return oldDecimalValue(x, c.Scale)
	case WideDecimal:
		return w.wideValue(i, x)
	case Timestamp:
		return oldTimestampValue(x)
	default:
		return oldInt64Value(x)
	}
}

// stringValue converts a string, copying its bytes to the column's scratch
// buffer (WriteRows copies them again before the next row).
func (w *oldWriter) stringValue(i int, x any) (parquet.Value, error) {
	s, ok := x.(string)
	if !ok {
		return parquet.Value{}, oldWrongType(x, "string")
	}
	if !utf8.ValidString(s) {
		return parquet.Value{}, fmt.Errorf("%q is not valid UTF-8", s)
	}
	w.scratch[i] = append(w.scratch[i][:0], s...)
	return parquet.ByteArrayValue(w.scratch[i]), nil
}

// wideValue converts a WideDecimal value into the column's scratch buffer.
func (w *oldWriter) wideValue(i int, x any) (parquet.Value, error) {
	d, err := oldToDecimal(x)
	if err != nil {
		return parquet.Value{}, err
	}
	b := append(w.scratch[i][:0], make([]byte, wideSize)...)
	w.scratch[i] = b
	if err := oldPutUnscaledWide(b, d, w.cols[i].Scale); err != nil {
		return parquet.Value{}, err
	}
	return parquet.FixedLenByteArrayValue(b), nil
}

// oldPutUnscaledWide is putUnscaledWide as it was: through unscaled, then
// math/big.
func oldPutUnscaledWide(dst []byte, d decimal.Decimal, scale int32) error {
	if scale <= Precision {
		if u, err := unscaled(d, scale); err == nil {
			binary.BigEndian.PutUint64(dst[8:], uint64(u))
			binary.BigEndian.PutUint64(dst[:8], uint64(u>>63)) // sign extension
			return nil
		}
	}
	u, err := unscaledInt(d, WidePrecision, scale)
	if err != nil {
		return err
	}
	if u.CmpAbs(wideLimit) >= 0 {
		return errOverflow(d, WidePrecision, scale)
	}
	if u.Sign() < 0 {
		u.Add(u, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	u.FillBytes(dst[:16])
	return nil
}

func oldMonthValue(x any) (parquet.Value, error) {
	m, ok := x.(period.Month)
	if !ok {
		return parquet.Value{}, oldWrongType(x, "period.Month")
	}
	days, err := monthDays(m)
	if err != nil {
		return parquet.Value{}, err
	}
	return parquet.Int32Value(days), nil
}

// timestampValue converts a time.Time to microseconds since 1970.
func oldTimestampValue(x any) (parquet.Value, error) {
	t, ok := x.(time.Time)
	if !ok {
		return parquet.Value{}, oldWrongType(x, "time.Time")
	}
	switch {
	case t.Year() < 1 || t.Year() > 9999:
		return parquet.Value{}, fmt.Errorf("time %s out of range of years 1 to 9999", t.Format(time.RFC3339))
	case t.Nanosecond()%1000 != 0:
		return parquet.Value{}, fmt.Errorf("time %s is finer than a microsecond", t.Format(time.RFC3339Nano))
	}
	return parquet.Int64Value(t.UnixMicro()), nil
}

func oldDecimalValue(x any, scale int32) (parquet.Value, error) {
	d, err := oldToDecimal(x)
	if err != nil {
		return parquet.Value{}, err
	}
	u, err := unscaled(d, scale)
	if err != nil {
		return parquet.Value{}, err
	}
	return parquet.Int64Value(u), nil
}

func oldToDecimal(x any) (decimal.Decimal, error) {
	switch v := x.(type) {
	case decimal.Decimal:
		return v, nil
	case *decimal.Decimal:
		return *v, nil // not nil: value handles nil
	}
	return decimal.Decimal{}, oldWrongType(x, "decimal.Decimal")
}

func oldInt64Value(x any) (parquet.Value, error) {
	switch v := x.(type) {
	case int64:
		return parquet.Int64Value(v), nil
	case int:
		return parquet.Int64Value(int64(v)), nil
	}
	return parquet.Value{}, oldWrongType(x, "int or int64")
}

func oldWrongType(x any, want string) error {
	return fmt.Errorf("got %T, want %s", x, want)
}
