package rules

import (
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/limits"
)

// Pos is a position in a rulebook file. Line and Column count from 1; a zero
// Line means the position is unknown.
type Pos struct {
	File   string
	Line   int
	Column int
	// Rows says that Line counts the data rows of a Parquet file, which
	// has no lines: the position is then written "file: row N".
	Rows bool
}

// String formats the position as file:line:column.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Rows:
		return fmt.Sprintf("%s: row %d", p.File, p.Line)
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Problem is one thing wrong with a rulebook: where, which key, and what.
type Problem struct {
	Pos Pos
	Key string // the key's path, e.g. kpis[2].target or KPI-01.credit
	Msg string
}

// Error formats the problem as "file:line:col: key: message".
func (p *Problem) Error() string {
	if p.Key == "" {
		return p.Pos.String() + ": " + p.Msg
	}
	return p.Pos.String() + ": " + p.Key + ": " + p.Msg
}

// ValidationError lists every problem found in a rulebook, in file order.
// Inspect it with errors.As.
type ValidationError struct {
	Problems []*Problem
}

// Error lists the problems, one a line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// InvalidInput reports true: a problem is the user's input being wrong
// (see runner.IsInvalidInput).
func (p *Problem) InvalidInput() bool { return true }

// InvalidInput reports true, as for a Problem.
func (e *ValidationError) InvalidInput() bool { return true }

// Unwrap returns the problems, so errors.As can reach a *Problem.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

// problems collects problems while a rulebook is read.
type problems struct {
	file string
	list []*Problem
}

func (ps *problems) add(pos Pos, key, format string, args ...any) {
	// A key's path holds names from the file, which may be anything.
	ps.list = append(ps.list, &Problem{Pos: pos, Key: limits.Name(key), Msg: fmt.Sprintf(format, args...)})
}

// err returns a *ValidationError, or nil when there are no problems.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sortProblems(ps.list)
	return &ValidationError{Problems: ps.list}
}
