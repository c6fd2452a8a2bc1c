package runner

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

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

// matchHeader finds each wanted column in a header row and returns, for
// each wanted name, the index of its cell. It rejects text that is not
// UTF-8, a row that is not comma-separated, and unknown, repeated and
// missing columns; the problem comes back without File and Row, for the
// caller to place.
func matchHeader(cells, want []string) ([]int, *InputError) {
	idx := make([]int, len(want))
	for i := range idx {
		idx[i] = -1
	}
	for c, raw := range cells {
		name := strings.TrimSpace(raw)
		if msg := headerText(raw, len(cells)); msg != "" {
			return nil, &InputError{Col: c + 1, Msg: msg}
		}
		switch w := slices.Index(want, name); {
		case w < 0:
			return nil, &InputError{Col: c + 1, Column: name,
				Msg: fmt.Sprintf("unknown column (expected: %s)", strings.Join(want, ", "))}
		case idx[w] >= 0:
			return nil, &InputError{Col: c + 1, Column: name, Msg: "the column is repeated"}
		default:
			idx[w] = c
		}
	}
	for w, name := range want {
		if idx[w] < 0 {
			return nil, &InputError{Column: name, Msg: "missing column"}
		}
	}
	return idx, nil
}

// cellText says what is wrong with the text of a value cell (trimmed), if
// anything: it is not UTF-8, or it is empty.
func cellText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "the value is not valid UTF-8 text"
	case s == "":
		return "missing value"
	}
	return ""
}

// headerText says what is wrong with the text of a header cell, if
// anything: the usual signs of a file saved in another encoding, with old
// Mac line ends or with another delimiter.
func headerText(raw string, cells int) string {
	switch name := strings.TrimSpace(raw); {
	case !utf8.ValidString(name):
		return "the header is not valid UTF-8 text"
	case strings.Contains(raw, "\r"):
		return "lines end with a bare carriage return; save the file with LF or CRLF line ends"
	case cells == 1 && strings.ContainsAny(name, ";\t|"):
		return fmt.Sprintf("the header %q has one column: columns must be separated by commas", name)
	}
	return ""
}
