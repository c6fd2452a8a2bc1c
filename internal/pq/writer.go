package pq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

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

// rowGroupRows is MaxRowsPerRowGroup; tests make it smaller.
var rowGroupRows int64 = MaxRowsPerRowGroup

// chunkRows is how many rows a Writer buffers before it encodes them.
var chunkRows = 4096

// Writer writes rows of typed values to a Parquet file: zstd compression for
// every column, PLAIN encoding for strings, columns in the order given to
// NewWriter. The same rows always give the same bytes.
//
// A row is given either whole to Write, or value by value with the Append
// methods, one per column in order, then EndRow. The Writer buffers rows
// and encodes and compresses the columns of each batch on several
// goroutines, while the caller goes on with the next rows; each column
// still takes its values one row at a time, so the pages and the bytes are
// those of a writer that handed parquet-go one row at a time. The
// io.Writer is written to until Close returns. A Writer is not safe for
// concurrent use.
type Writer struct {
	rowBuf  // the batch being filled, and the row being appended to it
	pw      *parquet.GenericWriter[any]
	cws     []*parquet.ColumnWriter
	paged   []int64     // per column: the size of its page so far, as its column writer counts it
	batches [2][]colBuf // the batch being filled (rowBuf.bufs), and the one being encoded
	cur     int         // index in batches of the batch being filled
	rgRows  int64       // rows of the current row group in earlier batches
	workers int         // goroutines that encode a batch; 1: the caller's, in line
	enc     *encoding   // the batch or Block being encoded, or nil
	err     error       // sticky error of the encoding or the underlying writer
	closed  bool
	freeMu  sync.Mutex
	free    []*Block // Blocks written and encoded, empty, for NewBlock
}

// rowBuf holds rows built value by value, column by column: a Writer's
// batch being filled, or a Block.
type rowBuf struct {
	cols   []Column
	bufs   []colBuf
	rows   int      // complete rows in bufs
	n      int64    // rows accepted: the number of the row being built, less one
	col    int      // the next column of the row being built
	rowErr error    // the first problem of the row being built
	valid  []string // per column: the last string found valid UTF-8
}

// colBuf holds one column's values of a batch of rows. Values of strings
// and wide decimals point into arena.
type colBuf struct {
	vals  []parquet.Value
	arena []byte
}

// NewWriter returns a Writer of a file with the given columns, in that order.
// The caller must call Close to complete the file.
func NewWriter(w io.Writer, cols []Column) (*Writer, error) {
	cols, opts, err := writerOptions(cols)
	if err != nil {
		return nil, err
	}
	pw := parquet.NewGenericWriter[any](w, opts...)
	wr := &Writer{rowBuf: newRowBuf(cols), pw: pw, cws: pw.ColumnWriters(), paged: make([]int64, len(cols)),
		workers: runtime.GOMAXPROCS(0)}
	wr.batches = [2][]colBuf{wr.bufs, make([]colBuf, len(cols))}
	return wr, nil
}

// writerOptions checks the columns and returns a copy of them and the
// options of the file they make: its schema, zstd, the row groups' and
// pages' sizes, no bounds for wide decimals.
func writerOptions(cols []Column) ([]Column, []parquet.WriterOption, error) {
	if err := validate(cols); err != nil {
		return nil, nil, err
	}
	cols = append([]Column(nil), cols...)
	opts := []parquet.WriterOption{
		schemaOf(CreatedBy, cols),
		createdBy(CreatedBy),
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.PageBufferSize(pageBufferSize),
	}
	opts = append(opts, skipWideBounds(cols)...)
	if _, err := parquet.NewWriterConfig(opts...); err != nil {
		return nil, nil, err // parquet.NewGenericWriter would panic
	}
	return cols, opts, nil
}

// newRowBuf returns an empty rowBuf of the columns.
func newRowBuf(cols []Column) rowBuf {
	return rowBuf{cols: cols, bufs: make([]colBuf, len(cols)), valid: make([]string, len(cols))}
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
	if err := w.usable(); err != nil {
		return err
	}
	if len(values) != len(w.cols) {
		return fmt.Errorf("row %d: %d values for %d columns", w.n+1, len(values), len(w.cols))
	}
	for _, x := range values {
		w.appendAny(x)
	}
	return w.EndRow()
}

// appendAny appends x to the row as Write takes it.
func (w *rowBuf) appendAny(x any) {
	if p, ok := x.(*decimal.Decimal); ok && p == nil || x == nil {
		w.AppendNull()
		return
	}
	c := w.column()
	if c == nil {
		return
	}
	switch v := x.(type) {
	case *decimal.Decimal:
		if c.Kind == Decimal || c.Kind == WideDecimal {
			w.AppendDecimal(*v)
			return
		}
		x = *v // named as a decimal.Decimal in the error
	case string:
		if c.Kind == String {
			w.AppendString(v)
			return
		}
	case period.Month:
		if c.Kind == Month {
			w.AppendMonth(v)
			return
		}
	case decimal.Decimal:
		if c.Kind == Decimal || c.Kind == WideDecimal {
			w.AppendDecimal(v)
			return
		}
	case int:
		if c.Kind == Int64 {
			w.AppendInt(int64(v))
			return
		}
	case int64:
		if c.Kind == Int64 {
			w.AppendInt(v)
			return
		}
	case time.Time:
		if c.Kind == Timestamp {
			w.AppendTime(v)
			return
		}
	}
	w.skip(fmt.Errorf("got %T, want %s", x, goType(c.Kind)))
}

// goType names the Go types Write takes for a kind.
func goType(k Kind) string {
	switch k {
	case String:
		return "string"
	case Month:
		return "period.Month"
	case Decimal, WideDecimal:
		return "decimal.Decimal"
	case Timestamp:
		return "time.Time"
	}
	return "int or int64"
}

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.n }

// Close encodes the rows still buffered, flushes the last row group and
// writes the file footer. It does not close the underlying io.Writer.
// Closing a closed Writer does nothing.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.discardRow()
	if w.err == nil && w.rows > 0 {
		w.encodeBatch(false)
	}
	w.wait()
	if w.err != nil {
		return w.err
	}
	return w.pw.Close()
}

// usable returns why no row can be written, if so.
func (w *Writer) usable() error {
	if w.closed {
		return errors.New("write to a closed Parquet writer")
	}
	if w.err == nil && w.enc != nil && w.enc.finished() {
		w.wait()
	}
	return w.err
}

// AppendString appends a String value to the row being built.
func (w *rowBuf) AppendString(s string) {
	c := w.column()
	switch {
	case c == nil:
		return
	case c.Kind != String:
		w.skip(fmt.Errorf("got string, want %s", goType(c.Kind)))
	case !w.validUTF8(s):
		w.skip(fmt.Errorf("%q is not valid UTF-8", s))
	default:
		// The value reads the string's own bytes, which are never
		// changed, until its batch is encoded: parquet-go copies them.
		w.put(parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s))))
	}
}

// validUTF8 reports whether s, the current column's, is valid UTF-8,
// remembering the last string found so: a column's repeated values (a
// key, a KPI's id) are most often the very same string, checked once.
func (w *rowBuf) validUTF8(s string) bool {
	last := w.valid[w.col]
	if len(s) == len(last) && unsafe.StringData(s) == unsafe.StringData(last) {
		return true
	}
	if !utf8.ValidString(s) {
		return false
	}
	w.valid[w.col] = s
	return true
}

// AppendMonth appends a Month value to the row being built.
func (w *rowBuf) AppendMonth(m period.Month) {
	c := w.column()
	if c == nil {
		return
	}
	if c.Kind != Month {
		w.skip(fmt.Errorf("got period.Month, want %s", goType(c.Kind)))
		return
	}
	days, err := monthDays(m)
	if err != nil {
		w.skip(err)
		return
	}
	w.put(parquet.Int32Value(days))
}

// AppendDecimal appends a Decimal or WideDecimal value to the row being
// built.
func (w *rowBuf) AppendDecimal(d decimal.Decimal) {
	c := w.column()
	switch {
	case c == nil:
		return
	case c.Kind == Decimal:
		u, err := unscaled(d, c.Scale)
		if err != nil {
			w.skip(err)
			return
		}
		w.put(parquet.Int64Value(u))
	case c.Kind == WideDecimal:
		b := &w.bufs[w.col]
		at := len(b.arena)
		b.arena = append(b.arena, make([]byte, wideSize)...)
		dst := b.arena[at:len(b.arena):len(b.arena)]
		if err := putWide(dst, d, c.Scale); err != nil {
			b.arena = b.arena[:at]
			w.skip(err)
			return
		}
		w.put(parquet.FixedLenByteArrayValue(dst))
	default:
		w.skip(fmt.Errorf("got decimal.Decimal, want %s", goType(c.Kind)))
	}
}

// AppendScaled appends coef × 10^exp to a Decimal or WideDecimal column:
// what AppendDecimal appends for decimal.New(coef, exp), without a
// decimal.Decimal, for a caller that holds its numbers so (package fixed).
func (w *rowBuf) AppendScaled(coef int64, exp int32) {
	c := w.column()
	if c == nil {
		return
	}
	if coef != math.MinInt64 {
		shift := int64(exp) + int64(c.Scale)
		switch c.Kind {
		case Decimal:
			if u, ok := scaled64(coef, shift); ok {
				w.put(parquet.Int64Value(u))
				return
			}
		case WideDecimal:
			if hi, lo, ok := rescale128(coef, shift); ok {
				b := &w.bufs[w.col]
				at := len(b.arena)
				b.arena = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b.arena, hi), lo)
				w.put(parquet.FixedLenByteArrayValue(b.arena[at:len(b.arena):len(b.arena)]))
				return
			}
		}
	}
	w.AppendDecimal(decimal.New(coef, exp)) // the same column: it words the problem
}

// AppendInt appends an Int64 value to the row being built.
func (w *rowBuf) AppendInt(v int64) {
	c := w.column()
	if c == nil {
		return
	}
	if c.Kind != Int64 {
		w.skip(fmt.Errorf("got int64, want %s", goType(c.Kind)))
		return
	}
	w.put(parquet.Int64Value(v))
}

// AppendTime appends a Timestamp value to the row being built.
func (w *rowBuf) AppendTime(t time.Time) {
	c := w.column()
	if c == nil {
		return
	}
	if c.Kind != Timestamp {
		w.skip(fmt.Errorf("got time.Time, want %s", goType(c.Kind)))
		return
	}
	us, err := micros(t)
	if err != nil {
		w.skip(err)
		return
	}
	w.put(parquet.Int64Value(us))
}

// AppendNull appends NULL to the row being built.
func (w *rowBuf) AppendNull() {
	c := w.column()
	if c == nil {
		return
	}
	if !c.Nullable {
		w.skip(errors.New("NULL in a column that is not nullable"))
		return
	}
	w.put(parquet.NullValue())
}

// EndRow completes the row built with the Append methods. A row with an
// invalid value, or with too few or too many values, is an error naming
// the row (1-based) and the column; the row is then not written and the
// Writer remains usable.
func (w *Writer) EndRow() error {
	if err := w.usable(); err != nil {
		w.discardRow()
		return err
	}
	if err := w.endRow(); err != nil {
		return err
	}
	w.batchFull()
	return w.err
}

// batchFull encodes the batch being filled when it is full or ends a row
// group.
func (w *Writer) batchFull() {
	if w.rows == chunkRows || w.rgRows+int64(w.rows) == rowGroupRows {
		w.encodeBatch(true)
	}
}

// endRow completes the row being built, or drops it and returns what is
// wrong with it.
func (w *rowBuf) endRow() error {
	if w.col != len(w.cols) || w.rowErr != nil {
		err := w.rowErr
		if err == nil {
			err = fmt.Errorf("row %d: %d values for %d columns", w.n+1, w.col, len(w.cols))
		}
		w.discardRow()
		return err
	}
	w.col = 0
	w.n++
	w.rows++
	return nil
}

// column returns the column of the next value of the row, or nil when the
// row has all its values already.
func (w *rowBuf) column() *Column {
	if w.col >= len(w.cols) {
		w.col++
		return nil
	}
	return &w.cols[w.col]
}

// put appends the value of the current column. A value made by parquet-go
// has definition and repetition levels of 0, which is right for a NULL
// and for a column that is not nullable: only a nullable column's values
// need their level set. Its column index is left unset: a column writer
// takes values of its own column only, and does not read it.
func (w *rowBuf) put(v parquet.Value) {
	if w.cols[w.col].Nullable && !v.IsNull() {
		v = v.Level(0, 1, w.col)
	}
	b := &w.bufs[w.col]
	b.vals = append(b.vals, v)
	w.col++
}

// skip records a problem with the value of the current column and moves
// on to the next.
func (w *rowBuf) skip(err error) {
	if w.rowErr == nil {
		c := w.cols[w.col]
		if re := (*RangeError)(nil); errors.As(err, &re) {
			re.Column = c.Name
		}
		w.rowErr = &CellError{Row: w.n + 1, Column: c.Name, Err: err}
	}
	w.col++
}

// discardRow drops the values of the row being built.
func (w *rowBuf) discardRow() {
	for i := range w.bufs {
		b := &w.bufs[i]
		b.vals = b.vals[:w.rows]
	}
	w.col, w.rowErr = 0, nil
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

// micros returns t in microseconds since 1970.
func micros(t time.Time) (int64, error) {
	switch {
	case t.Year() < 1 || t.Year() > 9999:
		return 0, fmt.Errorf("time %s out of range of years 1 to 9999", t.Format(time.RFC3339))
	case t.Nanosecond()%1000 != 0:
		return 0, fmt.Errorf("time %s is finer than a microsecond", t.Format(time.RFC3339Nano))
	}
	return t.UnixMicro(), nil
}

// encoding is a batch of rows being encoded on other goroutines.
type encoding struct {
	done  chan struct{}
	err   error
	panic any // a panic of an encoding goroutine, raised again by wait
}

// finished reports whether the encoding is over.
func (e *encoding) finished() bool {
	select {
	case <-e.done:
		return true
	default:
	}
	return false
}

// encodeBatch hands the batch being filled to the column writers: on
// other goroutines when async, while the caller fills the other batch,
// else before it returns.
func (w *Writer) encodeBatch(async bool) {
	w.wait() // the other batch is empty once its encoding is over
	if w.err != nil {
		return
	}
	batch, n := w.bufs, w.rows
	w.cur = 1 - w.cur
	w.bufs, w.rows = w.batches[w.cur], 0
	w.startEncoding(batch, 0, n, async, func() { emptyBatch(batch) })
}

// emptyBatch empties an encoded batch for more rows.
func emptyBatch(batch []colBuf) {
	for i := range batch {
		b := &batch[i]
		clear(b.vals) // drop the pointers into arenas and strings
		b.vals, b.arena = b.vals[:0], b.arena[:0]
	}
}

// startEncoding hands rows [from, to) of a batch or a Block to the column
// writers, as encodeBatch does, and calls after once they are encoded.
// Rows that complete a row group flush it. No encoding may be under way.
func (w *Writer) startEncoding(cols []colBuf, from, to int, async bool, after func()) {
	w.rgRows += int64(to - from)
	flush := w.rgRows == rowGroupRows
	if flush {
		w.rgRows = 0
	}
	run := func(workers int) error {
		err := w.encode(cols, from, to, flush, workers)
		after()
		return err
	}
	if !async || w.workers <= 1 {
		w.err = run(1)
		return
	}
	e := &encoding{done: make(chan struct{})}
	w.enc = e
	go func() {
		defer close(e.done)
		defer func() { e.panic = recover() }()
		e.err = run(w.workers)
	}()
}

// wait waits for the batch being encoded, if any, and takes its outcome.
func (w *Writer) wait() {
	e := w.enc
	if e == nil {
		return
	}
	<-e.done
	w.enc = nil
	if e.panic != nil {
		panic(e.panic) // on the caller's goroutine, where it can be recovered
	}
	if w.err == nil {
		w.err = e.err
	}
}

// encode writes rows [from, to) of each column to its column writer, on
// up to workers goroutines, the largest columns first.
func (w *Writer) encode(cols []colBuf, from, to int, flush bool, workers int) error {
	err := inParallel(workers, byCost(cols), func(i int) error {
		if err := w.encodeColumn(i, cols[i].vals[from:to]); err != nil {
			return fmt.Errorf("column %s: %w", w.cols[i].Name, err)
		}
		if flush {
			w.paged[i] = 0 // the row group's flush ends the page
		}
		return nil
	})
	if err == nil && flush {
		err = w.pw.Flush()
	}
	return err
}

// encodeColumn writes column i's values of a batch to its column writer,
// which ends a page after the write that fills its buffer (pageFull). A
// writer given one row at a time ends it after the row that fills it:
// the values go in runs that end exactly there, so that the pages, and
// the bytes, are that writer's, for a fraction of the calls.
func (w *Writer) encodeColumn(i int, vals []parquet.Value) error {
	cw, c, full := w.cws[i], &w.cols[i], pageFull()
	size, start := w.paged[i], 0
	for k := range vals {
		if size += c.valueSize(&vals[k]); size < full {
			continue
		}
		if _, err := cw.WriteRowValues(vals[start : k+1]); err != nil {
			return err
		}
		size, start = 0, k+1
	}
	w.paged[i] = size
	if start == len(vals) {
		return nil
	}
	_, err := cw.WriteRowValues(vals[start:])
	return err
}

// pageBufferSize is the size of a column writer's page buffer; tests make
// it smaller.
var pageBufferSize = parquet.DefaultPageBufferSize

// pageFull is the size at which a column writer of parquet-go v0.32 ends
// a page: 98% of its page buffer, as (*parquet.ColumnWriter).bufferSize
// is set, reached or passed after a write.
func pageFull() int64 { return int64(int32(float64(pageBufferSize) * 0.98)) }

// valueSize is what a value adds to the size parquet-go v0.32 counts for
// its column's page (its ColumnBuffer's Size): the value's bytes as a page
// holds them (a string's with a 4-byte offset), and for a nullable
// column, a NULL included, a 4-byte row index and a definition level.
// TestWriterMatchesRowByRow fails if the pages come out otherwise.
func (c *Column) valueSize(v *parquet.Value) int64 {
	var n int64
	if c.Nullable {
		n = 5
	}
	if v.IsNull() {
		return n
	}
	switch c.Kind {
	case String:
		return n + 4 + int64(len(v.ByteArray()))
	case Month:
		return n + 4
	case WideDecimal:
		return n + wideSize
	}
	return n + 8 // Decimal, Int64, Timestamp
}

// byCost returns the indexes of a batch's columns, those with the most
// bytes first.
func byCost(batch []colBuf) []int {
	order := make([]int, len(batch))
	for i := range order {
		order[i] = i
	}
	cost := func(i int) int { return len(batch[i].arena) + 8*len(batch[i].vals) }
	slices.SortStableFunc(order, func(a, b int) int { return cost(b) - cost(a) })
	return order
}

// inParallel calls fn for every index of order, on up to workers
// goroutines, and returns the first error. A panic in fn is raised again
// on the calling goroutine.
func inParallel(workers int, order []int, fn func(i int) error) error {
	if workers <= 1 || len(order) <= 1 {
		for _, i := range order {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	errs := make([]error, len(order))
	panics := make([]any, workers)
	var wg sync.WaitGroup
	for g := range min(workers, len(order)) {
		wg.Go(func() {
			defer func() { panics[g] = recover() }()
			for k := int(next.Add(1) - 1); k < len(order); k = int(next.Add(1) - 1) {
				errs[k] = fn(order[k])
			}
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
