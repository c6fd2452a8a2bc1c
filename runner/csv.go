package runner

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"

	"github.com/kpicredit/kpicredit/rules"
)

// ReadCSV reads monthly data with a header row from r; name is used in
// messages. A UTF-8 byte order mark and CRLF line ends are accepted.
func ReadCSV(rb *rules.Rulebook, name string, r io.Reader) (*Dataset, error) {
	t := newTable(rb, name, false)
	err := readCSV(name, r, func(line int, cells []string) error {
		if t.cols == nil {
			return t.header(line, cells)
		}
		return t.row(line, cells)
	})
	if err != nil {
		return nil, err
	}
	if t.cols == nil {
		return nil, &InputError{File: name, Msg: "the file is empty; it needs a header row"}
	}
	return t.finish()
}

// readCSV calls fn with each record of a CSV file and the line it starts on.
func readCSV(name string, r io.Reader, fn func(line int, cells []string) error) error {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
			return &InputError{File: name, Row: pe.StartLine,
				Msg: `a quoted value opened on this line is never closed (a " inside a quoted value is written "")`}
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
			return &InputError{File: name, Row: pe.Line,
				Msg: `a " inside an unquoted value: quote the whole value and double the " ("")`}
		case errors.As(err, &pe):
			return &InputError{File: name, Row: pe.Line, Msg: pe.Err.Error()}
		}
		if err != nil {
			return &InputError{File: name, Msg: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}
