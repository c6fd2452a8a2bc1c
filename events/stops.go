package events

import (
	"strings"

	"github.com/kpicredit/kpicredit/internal/csvin"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
)

// stopIndex holds a source's stops from stop files by event, and a bit
// per hash of the events' ids (a Bloom filter of one hash, 16 bits an
// event, so that it stays in the processor's cache), so that most events,
// which have none, need not look in the map.
type stopIndex struct {
	lists map[[2]uint64]*stopList
	bits  []uint64
	mask  uint64
}

// seal builds the filter, once every stop file of the source is read.
func (x *stopIndex) seal() {
	if x == nil {
		return
	}
	n := uint64(1 << 12)
	for n < 16*uint64(len(x.lists)) {
		n *= 2
	}
	x.bits, x.mask = make([]uint64, n/64), n-1
	for h := range x.lists {
		x.bits[h[1]&x.mask/64] |= 1 << (h[1] % 64)
	}
}

// of returns the event's stops, marking them used.
func (x *stopIndex) of(h [2]uint64) []stopRec {
	if x == nil || x.bits[h[1]&x.mask/64]&(1<<(h[1]%64)) == 0 {
		return nil
	}
	l := x.lists[h]
	if l == nil {
		return nil
	}
	l.used = true
	return l.recs
}

// stopList is the stops a stop file gives one event, and where the first
// is, to report them if the source has no such event.
type stopList struct {
	recs    []stopRec
	id      string
	file    string
	line    int64
	parquet bool
	used    bool // the source has the event
}

// stop reads one row of a stop file.
func (a *Aggregator) stop(sf *stopFile, in *input, line int64, cells []string) error {
	rec, err := a.stopRow(sf, in, line, cells)
	if err != nil {
		return err
	}
	if a.nstops++; a.nstops > limits.MaxStops {
		return in.errorf(line, -1, ErrLimit, "more than %d stops in all the stop files", limits.MaxStops)
	}
	src, id := sf.src.index, cells[sf.event]
	if a.stops[src] == nil {
		a.stops[src] = &stopIndex{lists: map[[2]uint64]*stopList{}}
	}
	h := a.idHash(src, id)
	x := a.stops[src]
	l := x.lists[h]
	if l == nil {
		l = &stopList{id: strings.Clone(id), file: in.file, line: line, parquet: in.parquet}
		x.lists[h] = l
	}
	l.recs = append(l.recs, rec)
	return nil
}

// stopRow checks a stop file's row and reads its stop.
func (a *Aggregator) stopRow(sf *stopFile, in *input, line int64, cells []string) (stopRec, error) {
	fail := func(col int, kind error, format string, args ...any) (stopRec, error) {
		return stopRec{}, in.errorf(line, col, kind, format, args...)
	}
	var rec stopRec
	for i, c := range sf.cols {
		v := cells[i]
		if msg := csvin.CellText(v, c.naming); msg != "" {
			return fail(i, ErrValue, "%s", msg)
		}
		switch {
		case c.typ == rules.ColNumber:
			if _, msg := number(v, false); msg != "" {
				return fail(i, ErrValue, "%s", msg)
			}
		case c.typ == rules.ColTimestamp && v != "" && (i == sf.from || i == sf.to):
			t, err := sla.ParseTime(v, a.p.ev.Location)
			if err != nil {
				return fail(i, err, "%v", err)
			}
			if i == sf.from {
				rec.from = t
			} else {
				rec.to = t
			}
		case c.typ == rules.ColTimestamp && v != "":
			if _, err := sla.ParseTime(v, a.p.ev.Location); err != nil {
				return fail(i, err, "%v", err)
			}
		}
	}
	rec.open = cells[sf.to] == ""
	switch {
	case cells[sf.event] == "":
		return fail(sf.event, ErrMissing, "missing value: every stop names its event")
	case cells[sf.from] == "":
		return fail(sf.from, ErrMissing, "missing value: every stop needs its start")
	case !rec.open && rec.to.Before(rec.from):
		return fail(sf.to, ErrEndBeforeStart, "the stop ends (%s) before it starts (%s)", stamp(rec.to), stamp(rec.from))
	}
	return rec, nil
}

// unmatchedStops reports the first stop (in file order) of an event the
// source's file did not have.
func (a *Aggregator) unmatchedStops(s *source) error {
	var first *stopList
	x := a.stops[s.index]
	if x == nil {
		return nil
	}
	for _, l := range x.lists {
		if !l.used && (first == nil || l.file < first.file || l.file == first.file && l.line < first.line) {
			first = l
		}
	}
	if first == nil {
		return nil
	}
	return &InputError{File: first.file, Line: first.line, Parquet: first.parquet, Err: ErrUnknownEvent,
		Msg: "a stop of the event " + limits.Quote(first.id) + ", which the source " + s.spec.Name + " does not have"}
}
