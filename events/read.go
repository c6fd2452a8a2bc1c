package events

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"syscall"

	"github.com/kpicredit/kpicredit/internal/csvin"
	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/limits"
)

// csvLimits and parquetOptions bound an event or stop file. Events are
// read as a stream, so neither bounds the values a file holds (rows times
// columns) beyond the number of events.
var (
	csvLimits = csvin.Limits{FileBytes: limits.MaxEventFileBytes, Records: limits.MaxEvents, RowBytes: limits.MaxRowBytes}

	parquetOptions = pq.Options{FileBytes: limits.MaxEventFileBytes, Rows: limits.MaxEvents,
		Cells: math.MaxInt64, DecodedBytes: limits.MaxEventBytes, ExactTimes: true}
)

// input is a file being read: its name, form and declared columns.
type input struct {
	file    string
	parquet bool
	cols    []column
	idx     []int    // for each declared column, its cell in the file's rows
	cells   []string // a row's cells in declared order, trimmed
}

// errorf places a problem at a line (or row) and declared column (-1
// for none).
func (in *input) errorf(line int64, col int, kind error, format string, args ...any) *InputError {
	e := &InputError{File: in.file, Line: line, Msg: fmt.Sprintf(format, args...), Parquet: in.parquet, Err: kind}
	if col >= 0 {
		e.Column = in.cols[col].name
		if in.idx != nil && !in.parquet {
			e.Col = in.idx[col] + 1
		}
	}
	return e
}

// duplicate reports an event whose id an earlier event has.
func (in *input) duplicate(line int64, col int, id string) *InputError {
	return in.errorf(line, col, ErrDuplicate, "a second event with the id %s: an earlier row of the source has it", limits.Quote(id))
}

// header maps the file's columns onto the declared ones: every declared
// column must be there, once, and no other.
func (in *input) header(line int64, names []string) error {
	want := make([]string, len(in.cols))
	for i, c := range in.cols {
		want[i] = c.name
	}
	idx, e := csvin.MatchHeader(names, want, nil)
	if e != nil {
		return &InputError{File: in.file, Line: line, Col: e.Col, Column: e.Column, Msg: e.Msg, Parquet: in.parquet, Err: ErrValue}
	}
	in.idx = idx
	in.cells = make([]string, len(in.cols))
	return nil
}

// row puts a row's cells in declared order, trimmed of spaces.
func (in *input) row(line int64, cells []string) ([]string, error) {
	if len(cells) != len(in.idx) {
		return nil, in.errorf(line, -1, ErrValue, "the row has %d values; the header has %d columns", len(cells), len(in.idx))
	}
	for i, j := range in.idx {
		in.cells[i] = strings.TrimSpace(cells[j])
	}
	return in.cells, nil
}

// readCSV reads a CSV file's rows, calling fn with each in declared
// column order.
func (in *input) readCSV(r io.Reader, fn func(line int64, cells []string) error) error {
	err := csvin.Read(in.file, r, csvLimits, func(line int64, cells []string) error {
		if in.idx == nil {
			return in.header(line, cells)
		}
		row, err := in.row(line, cells)
		if err != nil {
			return err
		}
		return fn(line, row)
	})
	var ce *csvin.Error
	if errors.As(err, &ce) {
		return &InputError{File: ce.File, Line: ce.Line, Col: ce.Col, Column: ce.Column, Msg: ce.Msg, Err: ErrValue}
	}
	if err == nil && in.idx == nil {
		return &InputError{File: in.file, Msg: "the file is empty; it needs a header row", Err: ErrValue}
	}
	return err
}

// readParquet reads a Parquet file's rows, calling fn with each in
// declared column order.
func (in *input) readParquet(r io.ReaderAt, size int64, fn func(line int64, cells []string) error) error {
	err := pq.ReadTableWith(r, size, parquetOptions, func(h []string) error {
		return in.header(0, h)
	}, func(n int64, cells []string) error {
		row, err := in.row(n, cells)
		if err != nil {
			return err
		}
		return fn(n, row)
	})
	var le *pq.LimitError
	var ie *InputError
	switch {
	case err == nil, errors.As(err, &ie):
		return err
	case errors.As(err, &le):
		return &InputError{File: in.file, Line: le.Row, Column: le.Column, Msg: le.Msg, Parquet: true, Err: ErrLimit}
	}
	return &InputError{File: in.file, Msg: err.Error(), Parquet: true, Err: ErrValue}
}

// openFile opens a file to read, rejecting a directory and a file larger
// than limits.MaxEventFileBytes.
func openFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, &os.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	if st.Size() > limits.MaxEventFileBytes {
		f.Close()
		return nil, 0, &InputError{File: path, Err: ErrLimit,
			Msg: fmt.Sprintf("the file is larger than %d bytes (%s)", int64(limits.MaxEventFileBytes), csvin.Size(limits.MaxEventFileBytes))}
	}
	return f, st.Size(), nil
}

// isParquet reports whether a file's name says it is Parquet: it ends in
// .parquet, in any case.
func isParquet(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".parquet")
}
