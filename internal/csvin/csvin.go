// Package csvin reads CSV input files within limits: a header row, UTF-8
// text with an optional byte order mark, LF or CRLF line ends, quoted
// values, and every problem placed at its line and column. It is the one
// CSV reading path of kpicredit, for every reader of CSV input: data,
// relief, event, stop and exclusion files.
package csvin

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
)

// Limits bounds what Read reads of a file.
type Limits struct {
	FileBytes int64 // the file's size
	Records   int64 // records after the header
	RowBytes  int   // one record, line breaks in quoted values included
}

// DataLimits are those of a data or relief file.
var DataLimits = Limits{FileBytes: limits.MaxFileBytes, Records: limits.MaxRows, RowBytes: limits.MaxRowBytes}

// Error is a problem placed in a CSV file: Line counts lines from 1 (the
// header is line 1), Col values from 1; either is 0 when unknown. Column
// is the column's name, once the header names it.
type Error struct {
	File   string
	Line   int64
	Col    int
	Column string
	Msg    string
}

// Error formats the problem as file:line:col: column NAME: message.
func (e *Error) Error() string {
	where := e.File
	switch {
	case e.Line > 0 && e.Col > 0:
		where += fmt.Sprintf(":%d:%d", e.Line, e.Col)
	case e.Line > 0:
		where += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		return fmt.Sprintf("%s: column %s: %s", where, limits.Name(e.Column), e.Msg)
	}
	return where + ": " + e.Msg
}

// Read calls fn with each record of a CSV file and the line it starts on,
// the header first, reading at most lim.Records records after the header
// and within lim's other limits. The cells slice is reused between calls;
// the strings in it are not. An error fn returns stops the read and is
// returned as is; any other problem is an *Error, placed in a column named
// by the header once fn has taken it.
func Read(name string, r io.Reader, lim Limits, fn func(line int64, cells []string) error) error {
	var header []string
	g := &guard{r: r, file: name, lim: lim, line: 1, col: 1}
	br := bufio.NewReaderSize(g, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for records := int64(0); ; records++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return placeError(name, err, header)
		}
		line, _ := cr.FieldPos(0)
		if records > lim.Records {
			return &Error{File: name, Line: int64(line), Msg: fmt.Sprintf("more than %d rows after the header", lim.Records)}
		}
		if err := fn(int64(line), rec); err != nil {
			return err
		}
		if header == nil {
			for _, c := range rec {
				header = append(header, strings.TrimSpace(c))
			}
		}
	}
}

// placeError places an error of encoding/csv, or passes on the guard's
// with the name of its column in the header, once there is one.
func placeError(name string, err error, header []string) error {
	var pe *csv.ParseError
	var ce *Error
	switch {
	case errors.As(err, &ce):
		if header != nil && ce.Col <= len(header) {
			ce.Column = header[ce.Col-1]
		}
		return ce
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		return &Error{File: name, Line: int64(pe.StartLine),
			Msg: `a quoted value opened on this line is never closed (a " inside a quoted value is written "")`}
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return &Error{File: name, Line: int64(pe.Line),
			Msg: `a " inside an unquoted value: quote the whole value and double the " ("")`}
	case errors.As(err, &pe):
		return &Error{File: name, Line: int64(pe.Line), Msg: pe.Err.Error()}
	}
	return &Error{File: name, Msg: err.Error()}
}

// guard passes a CSV file's bytes on to encoding/csv, which holds a whole
// record in memory, until the file passes lim.FileBytes, a record passes
// lim.RowBytes (line breaks in quoted values included) or a NUL byte shows
// the file is not text. It follows the quotes to know which line and
// column it is in, so as to place its error, which it returns once it has
// passed on the bytes before it.
type guard struct {
	r      io.Reader
	file   string
	lim    Limits
	total  int64 // bytes read
	row    int   // bytes of the record being read
	line   int64 // the line being read, from 1
	col    int   // the value being read, from 1
	quoted bool  // inside a quoted value
	err    error
}

// Read reads from the file, stopping at the first byte beyond a limit.
func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, b := range p[:n] {
		g.total++
		g.row++
		if b == 0 || g.total > g.lim.FileBytes || g.row > g.lim.RowBytes {
			g.err = &Error{File: g.file, Line: g.line, Col: g.col, Msg: g.limit(b)}
			return i, nil
		}
		switch b {
		case '"':
			g.quoted = !g.quoted
		case ',':
			if !g.quoted {
				g.col++
			}
		case '\n':
			g.line++
			if !g.quoted {
				g.row, g.col = 0, 1
			}
		}
	}
	return n, err
}

// limit says which limit byte b passes.
func (g *guard) limit(b byte) string {
	switch {
	case b == 0:
		return "a NUL byte: the file is not CSV text"
	case g.total > g.lim.FileBytes:
		return fmt.Sprintf("the file is larger than %d bytes (%s)", g.lim.FileBytes, Size(g.lim.FileBytes))
	}
	return fmt.Sprintf("the row is longer than %d bytes (%s) (a value may have at most %d)", g.lim.RowBytes, Size(int64(g.lim.RowBytes)), limits.MaxCellBytes)
}

// Size writes a limit in bytes in binary units: 256 MiB, 16 GiB, 4 KiB.
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// MatchHeader finds each wanted column in a header row and returns, for
// each wanted name, the index of its cell. It rejects text that is not
// UTF-8, a row that is not comma-separated, and unknown, repeated and
// missing columns, but for those optional says may be missing (nil: none
// may), whose index is then -1; the problem comes back without File and
// Line, for the caller to place.
func MatchHeader(cells, want []string, optional func(name string) bool) ([]int, *Error) {
	idx := make([]int, len(want))
	for i := range idx {
		idx[i] = -1
	}
	if len(cells) > limits.MaxColumns {
		return nil, &Error{Col: limits.MaxColumns + 1, Msg: fmt.Sprintf("more than %d columns", limits.MaxColumns)}
	}
	for c, raw := range cells {
		name := strings.TrimSpace(raw)
		if msg := HeaderText(raw, len(cells)); msg != "" {
			return nil, &Error{Col: c + 1, Msg: msg}
		}
		switch w := slices.Index(want, name); {
		case w < 0:
			return nil, &Error{Col: c + 1, Column: name,
				Msg: fmt.Sprintf("unknown column (expected: %s)", strings.Join(want, ", "))}
		case idx[w] >= 0:
			return nil, &Error{Col: c + 1, Column: name, Msg: "the column is repeated"}
		default:
			idx[w] = c
		}
	}
	for w, name := range want {
		if idx[w] < 0 && (optional == nil || !optional(name)) {
			return nil, &Error{Column: name, Msg: "missing column"}
		}
	}
	return idx, nil
}

// CellText says what is wrong with the text of a cell (trimmed), if
// anything: it is too long or not UTF-8, or it holds a byte order mark or
// a control character other than a tab or line break. A cell that names
// something (a key value, an id) is at most limits.MaxNameBytes long and
// on one line: names says what such cells are, for the message ("key
// values and ids are one line"), and is "" for any other cell, which may
// be limits.MaxCellBytes long. An empty cell is not checked here: whether
// a value is required is the caller's to say.
func CellText(s string, names string) string {
	most := limits.MaxCellBytes
	if names != "" {
		most = limits.MaxNameBytes
	}
	if len(s) > most {
		return fmt.Sprintf("the value is longer than %d bytes", most)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return runeText(s, names)
		}
	}
	return "" // printable ASCII, the common case
}

// KeysAndIDs is what the naming cells of event, stop and exclusion files
// are, for CellText.
const KeysAndIDs = "key values and ids"

// runeText is CellText for text that is not all printable ASCII.
func runeText(s string, names string) string {
	if !utf8.ValidString(s) {
		return "the value is not valid UTF-8 text"
	}
	for _, r := range s {
		switch {
		case r == '\ufeff':
			return "a byte order mark (U+FEFF), which may only start the file"
		case names != "" && (r == '\n' || r == '\r'):
			return "the value holds a line break; " + names + " are one line"
		case unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r':
			return fmt.Sprintf("the value holds a control character (U+%04X)", r)
		}
	}
	return ""
}

// HeaderText says what is wrong with the text of a header cell, if
// anything: a name too long, and the usual signs of a file saved in
// another encoding, with old Mac line ends or with another delimiter.
func HeaderText(raw string, cells int) string {
	switch name := strings.TrimSpace(raw); {
	case len(name) > limits.MaxNameBytes:
		return fmt.Sprintf("the column name is longer than %d bytes", limits.MaxNameBytes)
	case !utf8.ValidString(name):
		return "the column name is not valid UTF-8 text"
	case strings.ContainsRune(name, '\ufeff'):
		return "a byte order mark (U+FEFF), which may only start the file"
	case strings.Contains(raw, "\r"):
		return "lines end with a bare carriage return; save the file with LF or CRLF line ends"
	case cells == 1 && strings.ContainsAny(name, ";\t|"):
		return fmt.Sprintf("the header %s has one column: columns must be separated by commas", limits.Quote(name))
	}
	return ""
}
