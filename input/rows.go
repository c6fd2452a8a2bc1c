package input

import (
	"strings"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// chunkRows is how many rows a chunk holds; tests make it smaller.
var chunkRows = 512

// maxPending is how many chunks may be parsed ahead of the one being
// filed, bounding what a file with a problem late in it costs first.
const maxPending = 4

// A chunk is rows of a file as read, then as parsed.
type chunk struct {
	rows  []parsedRow
	cells []string // every row's cells, one after the other
	done  chan struct{}
	panic any // a panic of the parsing, raised again where the chunk is filed
}

// parsedRow is a row's cells read into a kpi.Row, or the first problem
// with them.
type parsedRow struct {
	n      int // its line (CSV) or row (Parquet)
	at, of int // its cells: chunk.cells[at : at+of]
	keys   []string
	row    kpi.Row // Month and Values, prepared; Keys are set when filed
	err    error   // the first problem with a cell, in column order
}

// parser reads chunks' cells, one chunk at a time; each chunk being
// parsed has its own. It reads its table's columns and rulebook only.
type parser struct {
	t    *table
	rb   *rules.Rulebook
	nums numbers // see numbers: per parser, as it is not safe to share
	slab []any   // where the next rows' Values come from
	keys []string
}

// row takes a row's cells, which the caller may reuse once it returns,
// for parsing with the rows around it, and files the rows parsed before
// it whose turn has come; it returns the first problem with those.
func (t *table) row(n int, cells []string) error {
	if t.cur == nil {
		t.cur = &chunk{rows: make([]parsedRow, 0, chunkRows)}
	}
	c := t.cur
	c.rows = append(c.rows, parsedRow{n: n, at: len(c.cells), of: len(cells)})
	c.cells = append(c.cells, cells...)
	if len(c.rows) < chunkRows {
		return nil
	}
	t.parse()
	if len(t.pending) > maxPending {
		return t.fileNext()
	}
	return nil
}

// end files every row read, in order, and returns the first problem with
// one, else err, the reader's: a problem with an earlier row comes first,
// as it would had each row been filed as soon as it was read.
func (t *table) end(err error) error {
	if t.failed != nil {
		return t.failed
	}
	if t.cur != nil {
		t.parse()
	}
	for len(t.pending) > 0 {
		if ferr := t.fileNext(); ferr != nil {
			return ferr
		}
	}
	return err
}

// parse starts parsing the chunk being filled, on a goroutine of its own.
func (t *table) parse() {
	c := t.cur
	t.cur, c.done = nil, make(chan struct{})
	var p *parser
	select {
	case p = <-t.parsers:
	default:
		p = &parser{t: t, rb: t.rb}
	}
	t.pending = append(t.pending, c)
	go func() {
		defer close(c.done)
		defer func() { c.panic = recover() }()
		p.parse(c)
		select {
		case t.parsers <- p:
		default:
		}
	}()
}

// fileNext waits for the oldest chunk being parsed and files its rows.
func (t *table) fileNext() error {
	c := t.pending[0]
	t.pending = t.pending[1:]
	<-c.done
	if c.panic != nil {
		panic(c.panic)
	}
	for i := range c.rows {
		if err := t.fileRow(&c.rows[i]); err != nil {
			t.failed = err
			return err
		}
	}
	return nil
}

// fileRow files a parsed row under its lot, or returns the problem with it.
func (t *table) fileRow(r *parsedRow) error {
	if r.of != len(t.cols) {
		return t.errorf(r.n, 0, "", "the row has %d values; the header has %d columns", r.of, len(t.cols))
	}
	if t.rows++; t.rows*len(t.cols) > limits.MaxCells {
		return t.errorf(r.n, 0, "", "the data has more than %d values (rows times columns)", limits.MaxCells)
	}
	if r.err != nil {
		return r.err
	}
	lot := t.lot(r.keys)
	r.row.Keys = lot.Keys
	if first, dup := t.seen[lotMonth{lot, r.row.Month}]; dup {
		unit := "line"
		if t.parquet {
			unit = "row"
		}
		return t.errorf(r.n, 0, "", "a second row for %s in %s (the first is %s %d)", limits.Name(lot.Name()), r.row.Month, unit, first)
	}
	t.seen[lotMonth{lot, r.row.Month}] = r.n
	lot.Rows = append(lot.Rows, r.row)
	return nil
}

// parse parses every row of a chunk that has a cell for each column.
func (p *parser) parse(c *chunk) {
	for i := range c.rows {
		if r := &c.rows[i]; r.of == len(p.t.cols) {
			r.err = p.row(r, c.cells[r.at:r.at+r.of])
		}
	}
}

// row checks one row's cells and reads them into r, its numbers prepared
// (kpi.Row.Prepare) once, for every evaluator that loads them.
func (p *parser) row(r *parsedRow, cells []string) error {
	t := p.t
	r.row.Values, r.keys = p.values(), p.keyValues()
	for i, c := range t.cols {
		v, err := p.cell(c, strings.TrimSpace(cells[i]))
		if err != nil {
			return t.errorf(r.n, i+1, c.name, "%v", err)
		}
		switch {
		case c.month:
			r.row.Month = v.(rules.Month)
			if err := t.rb.InTerm(r.row.Month); err != nil {
				return t.errorf(r.n, i+1, c.name, "%v", err)
			}
			if err := t.rb.AfterOpening(r.row.Month); err != nil {
				return t.errorf(r.n, i+1, c.name, "%v", err)
			}
		case c.key >= 0:
			r.keys[c.key] = v.(string)
		default:
			r.row.Values[c.field] = v
		}
	}
	r.row.Prepare()
	return nil
}

// slabRows is how many rows' Values (and key values) a parser allocates
// at once.
const slabRows = 256

// values returns a row's Values, cut from an array shared by slabRows
// rows: one allocation for them all.
func (p *parser) values() []any {
	n := len(p.rb.Fields)
	if len(p.slab) < n {
		p.slab = make([]any, n*slabRows)
	}
	v := p.slab[:n:n]
	p.slab = p.slab[n:]
	return v
}

// keyValues returns room for a row's key values, cut likewise.
func (p *parser) keyValues() []string {
	n := len(p.rb.Keys)
	if len(p.keys) < n {
		p.keys = make([]string, n*slabRows)
	}
	k := p.keys[:n:n]
	p.keys = p.keys[n:]
	return k
}
