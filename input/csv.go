package input

import (
	"io"

	"github.com/kpicredit/kpicredit/internal/csvin"
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
// on, reading it with package csvin within the limits of a data file; a
// problem csvin finds comes back as a *rules.Problem, once fn has taken
// the header naming its column.
func readCSV(name string, r io.Reader, fn func(line int, cells []string) error) error {
	err := csvin.Read(name, r, csvin.DataLimits, func(line int64, cells []string) error {
		return fn(int(line), cells)
	})
	if ce, ok := err.(*csvin.Error); ok {
		return problem(ce)
	}
	return err
}

// problem makes a *rules.Problem of a problem csvin found, placed as
// csvin placed it.
func problem(e *csvin.Error) *rules.Problem {
	return place(e.File, int(e.Line), e.Col, e.Column, false, e.Msg)
}

// matchHeader finds each wanted column in a header row (see
// csvin.MatchHeader), placing a problem at the header's line (CSV) or
// row 0 (Parquet) of file.
func matchHeader(file string, line int, parquet bool, cells, want []string, optional func(string) bool) ([]int, error) {
	idx, e := csvin.MatchHeader(cells, want, optional)
	if e != nil {
		return nil, place(file, line, e.Col, e.Column, parquet, e.Msg)
	}
	return idx, nil
}

// keysMonthsAndIDs is what the naming cells of data and relief files are:
// key values, months and KPI ids, one line each.
const keysMonthsAndIDs = "key values, months and KPI ids"

// cellText says what is wrong with the text of a cell (trimmed), if
// anything: it is empty, or csvin.CellText finds it too long, not UTF-8,
// or holding a byte order mark or a control character other than a tab
// or line break. A cell that names something — a key value, a month, a
// KPI id — is at most limits.MaxNameBytes long and on one line; any
// other, at most limits.MaxCellBytes.
func cellText(s string, naming bool) string {
	names := ""
	if naming {
		names = keysMonthsAndIDs
	}
	if s == "" {
		return "missing value"
	}
	return csvin.CellText(s, names)
}
