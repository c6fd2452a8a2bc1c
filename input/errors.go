package input

import (
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// place makes a problem of a data or relief file, placed as every input
// problem is (see rules.Problem): at a line of a CSV file (the header is
// line 1) or a data row of a Parquet file (rows), and a 1-based column
// number, each 0 when unknown; column names the column, "" when the
// problem is not one column's.
func place(file string, line, col int, column string, rows bool, msg string) *rules.Problem {
	return &rules.Problem{Pos: rules.Pos{File: file, Line: line, Column: col, Rows: rows}, Key: columnKey(column), Msg: msg}
}

// columnKey is how a problem names its column: "column jobs".
func columnKey(column string) string {
	if column == "" {
		return ""
	}
	return "column " + limits.Name(column)
}
