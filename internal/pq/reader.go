package pq

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// ReadTable reads every row of a Parquet file as text cells, so that CSV and
// Parquet inputs share one validation path. The file must be flat: one leaf
// column per top-level field, none repeated.
//
// header, unless nil, is called once with the column names in file order,
// then row for every row with its 1-based number and one cell per column.
// The cells slice is reused between calls; the strings in it are not. An
// error returned by header or row stops the read and is returned as is.
//
// Cells are text:
//   - strings (STRING, ENUM, JSON, unannotated BYTE_ARRAY) as they are;
//   - DATE as YYYY-MM when it is the first of a month, else YYYY-MM-DD;
//   - TIMESTAMP as YYYY-MM at midnight UTC on the first of a month, else
//     YYYY-MM-DDTHH:MM:SS[.fraction];
//   - DECIMAL exactly, with Scale decimal places (12.30 in a DECIMAL(9,2));
//   - integers in decimal, floating point in the shortest form that reads
//     back to the same float64, BOOLEAN as true or false;
//   - NULL as the empty string.
//
// Other types, nested and repeated columns are errors naming the column; a
// malformed file is an error. A file beyond a limit of package limits — in
// its size, rows, columns, metadata, pages decompressed and decoded, or
// one value's length — is a *LimitError, found before parquet-go reads
// what is beyond the limit.
func ReadTable(r io.ReaderAt, size int64, header func(header []string) error, row func(n int64, cells []string) error) error {
	return ReadTableWith(r, size, DataOptions, header, row)
}

// Options says how ReadTableWith reads a file.
type Options struct {
	// FileBytes, Rows, Cells (rows times columns) and DecodedBytes (all
	// pages decompressed) bound the file; beyond one, it is a *LimitError.
	FileBytes, Rows, Cells, DecodedBytes int64
	// ExactTimes writes every DATE as YYYY-MM-DD and every TIMESTAMP as
	// the instant it is: RFC 3339 in UTC (2025-03-01T00:00:00Z) when the
	// column is adjusted to UTC, else the wall-clock time it holds,
	// YYYY-MM-DD HH:MM:SS[.fraction], to be read in a time zone the
	// caller knows. Without it, a first of the month at midnight reads as
	// a month (YYYY-MM), as a data file's month column wants.
	ExactTimes bool
}

// DataOptions are ReadTable's: the limits of a data file.
var DataOptions = Options{FileBytes: limits.MaxFileBytes, Rows: limits.MaxRows,
	Cells: limits.MaxCells, DecodedBytes: limits.MaxParquetBytes}

// ReadTableWith is ReadTable within the limits, and with the reading of
// times, that opt gives.
func ReadTableWith(r io.ReaderAt, size int64, opt Options, header func(header []string) error, row func(n int64, cells []string) error) error {
	var le *LimitError
	if err := checkFile(r, size, opt); errors.Is(err, errNested) || errors.As(err, &le) {
		return err // a valid file, with a column the reader does not take, or beyond a limit
	} else if err != nil {
		return fmt.Errorf("not a valid Parquet file: %w", err)
	}
	// Rows are read in order: the page index and bloom filters are not used.
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("not a valid Parquet file: %w", err)
	}
	names, formats, err := columns(f.Schema(), opt.ExactTimes)
	if err != nil {
		return err
	}
	if header != nil {
		if err := header(names); err != nil {
			return err
		}
	}
	return readRows(f, names, formats, row)
}

// formatFunc formats one non-NULL value of a column.
type formatFunc func(parquet.Value) string

// columns returns the names of the file's columns and their formatters.
func columns(schema *parquet.Schema, exact bool) ([]string, []formatFunc, error) {
	fields := schema.Fields()
	if len(fields) == 0 {
		return nil, nil, errors.New("the file has no columns")
	}
	names := make([]string, len(fields))
	formats := make([]formatFunc, len(fields))
	for i, fld := range fields {
		names[i] = fld.Name()
		if !fld.Leaf() || fld.Repeated() {
			return nil, nil, fmt.Errorf("column %s: nested and repeated columns are not supported", limits.Name(fld.Name()))
		}
		fn, err := formatter(fld.Type(), exact)
		if err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", limits.Name(fld.Name()), err)
		}
		formats[i] = fn
	}
	return names, formats, nil
}

// formatter returns the formatter of a leaf column type.
func formatter(t parquet.Type, exact bool) (formatFunc, error) {
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch v := lt.Value.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			return newStringFormatter(), nil
		case *format.DateType:
			if exact {
				return formatDay, nil
			}
			return formatDate, nil
		case *format.DecimalType:
			return decimalFormatter(t.Kind(), v)
		case *format.IntType:
			return intFormatter(t.Kind(), v.IsSigned)
		case *format.TimestampType:
			return timestampFormatter(t.Kind(), v, exact)
		}
		return nil, fmt.Errorf("type %s is not supported", lt)
	}
	switch t.Kind() {
	case parquet.ByteArray:
		return newStringFormatter(), nil
	case parquet.Int32, parquet.Int64:
		return intFormatter(t.Kind(), true)
	case parquet.Float:
		return formatFloat, nil
	case parquet.Double:
		return formatDouble, nil
	case parquet.Boolean:
		return formatBool, nil
	}
	return nil, fmt.Errorf("type %s is not supported", t.Kind())
}

// readRows reads the rows of f, whose columns have the given names, and
// calls fn with them as text, in order. The rows are read and formatted
// on a goroutine of their own, a batch ahead of fn, which sees each row's
// cells only until it returns, as before. The first error, reading's or
// fn's, in row order, is the one returned, once the goroutine has ended:
// the file is not read after readRows returns. A panic of the goroutine
// is raised again here.
func readRows(f *parquet.File, names []string, formats []formatFunc, fn func(int64, []string) error) error {
	batches, free, stop := make(chan *rowBatch, 1), make(chan *rowBatch, 2), make(chan struct{})
	free <- newRowBatch(len(formats))
	free <- newRowBatch(len(formats))
	var panicked any
	go func() {
		defer close(batches)
		defer func() { panicked = recover() }()
		readBatches(f, names, formats, batches, free, stop)
	}()
	defer func() {
		close(stop)
		for range batches { // until the goroutine ends
		}
		if panicked != nil {
			panic(panicked)
		}
	}()
	for b := range batches {
		for i := range b.rows {
			if err := fn(b.first+int64(i), b.cells[i*len(formats):(i+1)*len(formats)]); err != nil {
				return err
			}
		}
		if b.err != nil || b.last {
			return b.err
		}
		free <- b
	}
	return nil
}

// rowBatch is a batch of rows as text: rows rows of cells, the first
// numbered first; last when the file ends after them, and the error that
// ended the reading after them, if any.
type rowBatch struct {
	first int64
	rows  int
	cells []string
	buf   []parquet.Row
	last  bool
	err   error
}

// batchRows is how many rows a rowBatch holds.
const batchRows = 256

func newRowBatch(cols int) *rowBatch {
	return &rowBatch{cells: make([]string, batchRows*cols), buf: make([]parquet.Row, batchRows)}
}

// readBatches reads f's rows into the batches free gives and sends each
// on batches, the last with the error that ended the reading, if any. It
// stops early when stop is closed.
func readBatches(f *parquet.File, names []string, formats []formatFunc, batches, free chan *rowBatch, stop chan struct{}) {
	rd := parquet.NewReader(f)
	defer rd.Close()
	var n int64
	for {
		var b *rowBatch
		select {
		case b = <-free:
		case <-stop:
			return
		}
		b.first, b.rows, b.last, b.err = n+1, 0, false, nil
		k, err := rd.ReadRows(b.buf)
		for _, r := range b.buf[:k] {
			cells := b.cells[b.rows*len(formats) : (b.rows+1)*len(formats)]
			if b.err = rowError(n+1, r, names, formats, cells); b.err != nil {
				break
			}
			n++
			b.rows++
		}
		switch {
		case b.err != nil:
		case errors.Is(err, io.EOF):
			b.last = true
		case err != nil:
			b.err = fmt.Errorf("not a valid Parquet file: row %d cannot be read: %w", n+1, err)
		}
		select {
		case batches <- b:
		case <-stop:
			return
		}
		if b.err != nil || b.last {
			return
		}
	}
}

// rowError formats row n's values into cells, and returns what is wrong
// with them, if anything.
func rowError(n int64, r parquet.Row, names []string, formats []formatFunc, cells []string) error {
	if c, err := rowCells(r, formats, cells); c >= 0 {
		return &LimitError{Row: n, Column: names[c], Msg: fmt.Sprintf("the value is longer than %d bytes", limits.MaxCellBytes)}
	} else if err != nil {
		return fmt.Errorf("row %d %w", n, err)
	}
	return nil
}

// rowCells formats the values of one row into cells. It returns the
// column of a value longer than limits.MaxCellBytes, which it does not
// copy, or -1.
func rowCells(r parquet.Row, formats []formatFunc, cells []string) (int, error) {
	if len(r) != len(cells) {
		return -1, fmt.Errorf("has %d values for %d columns", len(r), len(cells))
	}
	for i, v := range r {
		c := v.Column()
		if c != i {
			return -1, fmt.Errorf("value %d belongs to column %d", i, c)
		}
		switch {
		case v.IsNull():
			cells[i] = ""
		case v.Kind() == parquet.ByteArray && len(v.ByteArray()) > limits.MaxCellBytes:
			return i, nil
		default:
			cells[i] = formats[i](v)
		}
	}
	return -1, nil
}

// newStringFormatter returns a formatter of a text column that keeps the
// last strings it made in a small table, by their length and end bytes: a
// column of a few values (a region, a priority) then costs no allocation a
// row, and one of distinct values (an id) little more than without it.
func newStringFormatter() formatFunc {
	var recent [64]string
	return func(v parquet.Value) string {
		b := v.ByteArray()
		if len(b) == 0 {
			return ""
		}
		i := (len(b)*31 + int(b[0])*7 + int(b[len(b)-1])) & (len(recent) - 1)
		if s := recent[i]; s == string(b) { // compares without copying
			return s
		}
		s := string(b) // copies: the bytes are reused
		recent[i] = s
		return s
	}
}

func formatDate(v parquet.Value) string {
	t := time.Unix(int64(v.Int32())*secondsPerDay, 0).UTC()
	if t.Day() == 1 {
		return t.Format("2006-01")
	}
	return t.Format(time.DateOnly)
}

func formatDay(v parquet.Value) string {
	return time.Unix(int64(v.Int32())*secondsPerDay, 0).UTC().Format(time.DateOnly)
}

func formatFloat(v parquet.Value) string {
	return strconv.FormatFloat(float64(v.Float()), 'f', -1, 32)
}

func formatDouble(v parquet.Value) string {
	return strconv.FormatFloat(v.Double(), 'f', -1, 64)
}

func formatBool(v parquet.Value) string {
	return strconv.FormatBool(v.Boolean())
}

// intFormatter formats INT32 and INT64 columns, signed or not.
func intFormatter(k parquet.Kind, signed bool) (formatFunc, error) {
	switch {
	case k == parquet.Int32 && signed:
		return func(v parquet.Value) string { return strconv.FormatInt(int64(v.Int32()), 10) }, nil
	case k == parquet.Int32:
		return func(v parquet.Value) string { return strconv.FormatUint(uint64(v.Uint32()), 10) }, nil
	case k == parquet.Int64 && signed:
		return newInt64Formatter(), nil
	case k == parquet.Int64:
		return func(v parquet.Value) string { return strconv.FormatUint(v.Uint64(), 10) }, nil
	}
	return nil, fmt.Errorf("integer stored as %s is not supported", k)
}

// newInt64Formatter returns a formatter of a signed INT64 column that
// keeps the last texts it made in a small table, by value, as
// newStringFormatter does: a column of counts that repeat costs no
// allocation a row.
func newInt64Formatter() formatFunc {
	type entry struct {
		n int64
		s string
	}
	var recent [256]entry
	return func(v parquet.Value) string {
		n := v.Int64()
		e := &recent[uint8(n)]
		if e.s == "" || e.n != n {
			*e = entry{n, strconv.FormatInt(n, 10)}
		}
		return e.s
	}
}

// maxScale bounds the scale of decimals read, so that a corrupt schema cannot
// make each cell huge.
const maxScale = 100

// decimalFormatter formats DECIMAL columns of every physical type.
func decimalFormatter(k parquet.Kind, d *format.DecimalType) (formatFunc, error) {
	scale := int(d.Scale)
	if scale < 0 || scale > maxScale {
		return nil, fmt.Errorf("%s: scale out of range 0..%d", d, maxScale)
	}
	switch k {
	case parquet.Int32:
		return func(v parquet.Value) string { return scaled(int64(v.Int32()), scale) }, nil
	case parquet.Int64:
		return func(v parquet.Value) string { return scaled(v.Int64(), scale) }, nil
	case parquet.FixedLenByteArray, parquet.ByteArray:
		return func(v parquet.Value) string { return scaledBig(v.ByteArray(), scale) }, nil
	}
	return nil, fmt.Errorf("%s stored as %s is not supported", d, k)
}

// scaled formats u × 10^-scale exactly, with scale decimal places.
func scaled(u int64, scale int) string {
	if u < 0 {
		// -u overflows for math.MinInt64: format the magnitude as unsigned.
		return "-" + point(strconv.FormatUint(-uint64(u), 10), scale)
	}
	return point(strconv.FormatInt(u, 10), scale)
}

// scaledBig formats a big-endian two's complement unscaled value.
func scaledBig(b []byte, scale int) string {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if n.Sign() < 0 {
		return "-" + point(new(big.Int).Neg(n).String(), scale)
	}
	return point(n.String(), scale)
}

// point inserts a decimal point scale digits from the right of the digits of
// a non-negative integer.
func point(digits string, scale int) string {
	if scale == 0 {
		return digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}

// timestampFormatter formats INT64 timestamps; a month column written as a
// timestamp (as pandas does) reads as YYYY-MM, unless exact.
func timestampFormatter(k parquet.Kind, ts *format.TimestampType, exact bool) (formatFunc, error) {
	if k != parquet.Int64 || ts.Unit.Value == nil {
		return nil, fmt.Errorf("%s stored as %s is not supported", ts, k)
	}
	var toTime func(int64) time.Time
	switch ts.Unit.Value.Duration() {
	case time.Millisecond:
		toTime = time.UnixMilli
	case time.Microsecond:
		toTime = time.UnixMicro
	case time.Nanosecond:
		toTime = func(n int64) time.Time { return time.Unix(0, n) }
	default:
		return nil, fmt.Errorf("%s is not supported", ts)
	}
	switch {
	case exact && ts.IsAdjustedToUTC:
		return func(v parquet.Value) string { return formatUTC(toTime(v.Int64()).UTC()) }, nil
	case exact:
		return func(v parquet.Value) string {
			return toTime(v.Int64()).UTC().Format("2006-01-02 15:04:05.999999999")
		}, nil
	}
	return func(v parquet.Value) string {
		t := toTime(v.Int64()).UTC()
		if t.Day() == 1 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			return t.Format("2006-01")
		}
		return t.Format("2006-01-02T15:04:05.999999999")
	}, nil
}

// formatUTC writes a UTC time as RFC 3339 (time.RFC3339Nano), by hand for
// whole seconds of years 1000 to 9999, which is most of what files hold.
func formatUTC(t time.Time) string {
	y, mo, d := t.Date()
	if t.Nanosecond() != 0 || y < 1000 || y > 9999 {
		return t.Format(time.RFC3339Nano)
	}
	h, mi, sec := t.Clock()
	b := [20]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(mo)/10), byte('0' + int(mo)%10), '-', byte('0' + d/10), byte('0' + d%10), 'T',
		byte('0' + h/10), byte('0' + h%10), ':', byte('0' + mi/10), byte('0' + mi%10), ':',
		byte('0' + sec/10), byte('0' + sec%10), 'Z'}
	return string(b[:])
}
