package events

import (
	"crypto/sha256"
	"time"

	"github.com/kpicredit/kpicredit/internal/csvin"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// rowsParsed is what the reading goroutine makes of a batch's rows, ncols
// values a row for times, has and nums.
type rowsParsed struct {
	times   []time.Time // by row and column; zero when the cell is empty
	has     []bool      // by row and column: the timestamp is given
	nums    []decimal.Decimal
	fixes   []fixed             // the numbers, as int64s where they fit
	started []rules.Month       // by row: the month the event started
	hashes  [][sha256.Size]byte // by row: the QA sample's hash, when hashed
	hashed  bool                // the rows' QA sample hashes are worked out
	errs    []error             // by row: the first problem with a cell
}

// parser checks and reads the cells of a source's rows, on the goroutine
// that reads its file: the text of every cell, the timestamps, the
// numbers filters and aggregates use, the month each event started and
// the hash that orders it for the QA sample.
type parser struct {
	s        *source
	in       *input
	tp       timeParser
	mt       *monthTable
	sampling bool
	contract string
	buf      []byte
}

func (a *Aggregator) newParser(s *source, in *input) *parser {
	return &parser{s: s, in: in, tp: timeParser{loc: a.p.ev.Location}, mt: &a.mt,
		sampling: a.sample != nil, contract: a.p.rb.Contract}
}

// twoParsers returns the prep of a pipe: a parser for each goroutine, since
// each keeps its own state.
func twoParsers(reading, taking *parser) func(*batch, int) {
	return func(b *batch, who int) {
		if who == 0 {
			reading.prepare(b)
		} else {
			taking.prepare(b)
		}
	}
}

// prepare parses a batch's rows, and works out their QA sample hashes.
func (p *parser) prepare(b *batch) {
	n, ncols := len(b.lines), len(p.s.cols)
	r := &b.rowsParsed
	r.times, r.has, r.nums = grow(r.times, n*ncols), grow(r.has, n*ncols), grow(r.nums, n*ncols)
	r.fixes = grow(r.fixes, n*ncols)
	r.started, r.hashes, r.errs = grow(r.started, n), grow(r.hashes, n), grow(r.errs, n)
	r.hashed = p.sampling
	for i := range n {
		at := i * ncols
		times, has := r.times[at:at+ncols], r.has[at:at+ncols]
		r.errs[i] = p.row(b.lines[i], b.cells[at:at+ncols], times, has, r.nums[at:at+ncols], r.fixes[at:at+ncols])
		if r.errs[i] != nil || !has[p.s.start] {
			continue
		}
		r.started[i] = p.mt.at(times[p.s.start])
		if r.hashed {
			r.hashes[i], p.buf = sampleHash(p.buf, p.contract, p.s.spec.Name, r.started[i], b.cells[at+p.s.id])
		}
	}
}

// grow returns s with length n, reusing its array when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// row checks every cell of a row and reads its timestamps and numbers.
func (p *parser) row(line int64, cells []string, times []time.Time, has []bool, nums []decimal.Decimal, fixes []fixed) error {
	for i, c := range p.s.cols {
		v := cells[i]
		if msg := csvin.CellText(v, c.naming); msg != "" {
			return p.in.errorf(line, i, ErrValue, "%s", msg)
		}
		switch c.typ {
		case rules.ColTimestamp:
			has[i], times[i] = v != "", time.Time{}
			if !has[i] {
				continue
			}
			t, err := p.tp.parse(v)
			if err != nil {
				return p.in.errorf(line, i, err, "%v", err)
			}
			times[i] = t
		case rules.ColNumber:
			d, msg := number(v, c.used)
			if msg != "" {
				return p.in.errorf(line, i, ErrValue, "%s", msg)
			}
			nums[i] = d
			if c.used {
				fixes[i] = fixedOf(v)
			}
		}
	}
	return nil
}

// sampleHash returns SHA-256(contract|YYYY-MM|source|id), using buf.
func sampleHash(buf []byte, contract, source string, m rules.Month, id string) ([sha256.Size]byte, []byte) {
	buf = append(buf[:0], contract...)
	buf = append(buf, '|')
	buf = appendMonth(buf, m)
	buf = append(buf, '|')
	buf = append(buf, source...)
	buf = append(buf, '|')
	buf = append(buf, id...)
	return sha256.Sum256(buf), buf
}
