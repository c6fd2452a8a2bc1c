package input

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// ReadCSV reads monthly data with a header row from r; name is used in
// messages. A UTF-8 byte order mark and CRLF line ends are accepted. The
// file is read within the limits of package limits.
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
		return nil, place(name, 0, 0, "", false, "the file is empty; it needs a header row")
	}
	return t.finish()
}

// readCSV calls fn with each record of a CSV file and the line it starts
// on, reading at most limits.MaxRows records after the header, and within
// the limits csvGuard keeps; once fn has taken the header, a problem
// placed in a column names it.
func readCSV(name string, r io.Reader, fn func(line int, cells []string) error) error {
	var header []string
	g := &csvGuard{r: r, file: name, line: 1, col: 1}
	br := bufio.NewReader(g)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for records := 0; ; records++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(name, err, header)
		}
		line, _ := cr.FieldPos(0)
		if records > limits.MaxRows {
			return place(name, line, 0, "", false, fmt.Sprintf("more than %d rows after the header", limits.MaxRows))
		}
		if err := fn(line, rec); err != nil {
			return err
		}
		if header == nil {
			for _, c := range rec {
				header = append(header, strings.TrimSpace(c))
			}
		}
	}
}

// csvError places an error of encoding/csv, or passes on csvGuard's with
// the name of its column in the header, once there is one.
func csvError(name string, err error, header []string) error {
	var pe *csv.ParseError
	var ie *rules.Problem
	switch {
	case errors.As(err, &ie):
		if header != nil && ie.Pos.Column <= len(header) {
			ie.Key = columnKey(header[ie.Pos.Column-1])
		}
		return ie
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		return place(name, pe.StartLine, 0, "", false, `a quoted value opened on this line is never closed (a " inside a quoted value is written "")`)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return place(name, pe.Line, 0, "", false, `a " inside an unquoted value: quote the whole value and double the " ("")`)
	case errors.As(err, &pe):
		return place(name, pe.Line, 0, "", false, pe.Err.Error())
	}
	return place(name, 0, 0, "", false, err.Error())
}

// csvGuard passes a CSV file's bytes on to encoding/csv, which holds a
// whole record in memory, until the file passes limits.MaxFileBytes, a
// record passes limits.MaxRowBytes (line breaks in quoted values
// included) or a NUL byte shows the file is not text. It follows the
// quotes to know which line and column it is in, so as to place its
// error, which it returns once it has passed on the bytes before it.
type csvGuard struct {
	r         io.Reader
	file      string
	total     int  // bytes read
	row       int  // bytes of the record being read
	line, col int  // the line (from 1) and value (from 1) being read
	quoted    bool // inside a quoted value
	err       error
}

// Read reads from the file, stopping at the first byte beyond a limit.
func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, b := range p[:n] {
		g.total++
		g.row++
		if msg := g.limit(b); msg != "" {
			g.err = place(g.file, g.line, g.col, "", false, msg)
			return i, nil
		}
		switch {
		case b == '"':
			g.quoted = !g.quoted
		case b == ',' && !g.quoted:
			g.col++
		case b == '\n':
			g.line++
			if !g.quoted {
				g.row, g.col = 0, 1
			}
		}
	}
	return n, err
}

// limit says which limit byte b passes, if any.
func (g *csvGuard) limit(b byte) string {
	switch {
	case b == 0:
		return "a NUL byte: the file is not CSV text"
	case g.total > limits.MaxFileBytes:
		return fmt.Sprintf("the file is larger than %d bytes (256 MiB)", limits.MaxFileBytes)
	case g.row > limits.MaxRowBytes:
		return fmt.Sprintf("the row is longer than %d bytes (1 MiB) (a value may have at most %d)", limits.MaxRowBytes, limits.MaxCellBytes)
	}
	return ""
}

// headerError is a problem with a header row, for the caller to place in
// its file: the column's number (0 when it is missing) and name.
type headerError struct {
	col    int
	column string
	msg    string
}

// matchHeader finds each wanted column in a header row and returns, for
// each wanted name, the index of its cell. It rejects text that is not
// UTF-8, a row that is not comma-separated, and unknown, repeated and
// missing columns; the problem comes back without File and Row, for the
// caller to place.
func matchHeader(cells, want []string) ([]int, *headerError) {
	idx := make([]int, len(want))
	for i := range idx {
		idx[i] = -1
	}
	if len(cells) > limits.MaxColumns {
		return nil, &headerError{col: limits.MaxColumns + 1, column: "", msg: fmt.Sprintf("more than %d columns", limits.MaxColumns)}
	}
	for c, raw := range cells {
		name := strings.TrimSpace(raw)
		if msg := headerText(raw, len(cells)); msg != "" {
			return nil, &headerError{col: c + 1, column: "", msg: msg}
		}
		switch w := slices.Index(want, name); {
		case w < 0:
			return nil, &headerError{col: c + 1, column: name, msg: fmt.Sprintf("unknown column (expected: %s)", strings.Join(want, ", "))}
		case idx[w] >= 0:
			return nil, &headerError{col: c + 1, column: name, msg: "the column is repeated"}
		default:
			idx[w] = c
		}
	}
	for w, name := range want {
		if idx[w] < 0 {
			return nil, &headerError{col: 0, column: name, msg: "missing column"}
		}
	}
	return idx, nil
}

// cellText says what is wrong with the text of a cell (trimmed), if
// anything: it is too long, not UTF-8 or empty, or it holds a byte order
// mark or a control character other than a tab or line break. A cell
// that names something — a key value, a month, a KPI id — is at most
// limits.MaxNameBytes long and on one line; any other, at most
// limits.MaxCellBytes.
func cellText(s string, naming bool) string {
	most := limits.MaxCellBytes
	if naming {
		most = limits.MaxNameBytes
	}
	switch {
	case len(s) > most:
		return fmt.Sprintf("the value is longer than %d bytes", most)
	case !utf8.ValidString(s):
		return "the value is not valid UTF-8 text"
	case s == "":
		return "missing value"
	}
	for _, r := range s {
		switch {
		case r == '\ufeff':
			return "a byte order mark (U+FEFF), which may only start the file"
		case naming && (r == '\n' || r == '\r'):
			return "the value holds a line break; key values, months and KPI ids are one line"
		case unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r':
			return fmt.Sprintf("the value holds a control character (U+%04X)", r)
		}
	}
	return ""
}

// headerText says what is wrong with the text of a header cell, if
// anything: a name too long, and the usual signs of a file saved in
// another encoding, with old Mac line ends or with another delimiter.
func headerText(raw string, cells int) string {
	switch name := strings.TrimSpace(raw); {
	case len(name) > limits.MaxNameBytes:
		return fmt.Sprintf("the column name is longer than %d bytes", limits.MaxNameBytes)
	case !utf8.ValidString(name):
		return "the header is not valid UTF-8 text"
	case strings.ContainsRune(name, '\ufeff'):
		return "a byte order mark (U+FEFF), which may only start the file"
	case strings.Contains(raw, "\r"):
		return "lines end with a bare carriage return; save the file with LF or CRLF line ends"
	case cells == 1 && strings.ContainsAny(name, ";\t|"):
		return fmt.Sprintf("the header %s has one column: columns must be separated by commas", limits.Quote(name))
	}
	return ""
}
