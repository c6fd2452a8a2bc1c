package events

import (
	"time"

	"github.com/kpicredit/kpicredit/internal/csvin"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
)

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
	fail := func(col int, kind error, format string, args ...any) error {
		return in.errorf(line, col, kind, format, args...)
	}
	var from, to time.Time
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
		case c.typ == rules.ColTimestamp && v != "":
			t, err := sla.ParseTime(v, a.p.ev.Location)
			if err != nil {
				return fail(i, err, "%v", err)
			}
			if i == sf.from {
				from = t
			} else if i == sf.to {
				to = t
			}
		}
	}
	id := cells[sf.event]
	rec := stopRec{from: from, to: to, open: cells[sf.to] == ""}
	switch {
	case id == "":
		return fail(sf.event, ErrMissing, "missing value: every stop names its event")
	case cells[sf.from] == "":
		return fail(sf.from, ErrMissing, "missing value: every stop needs its start")
	case !rec.open && rec.to.Before(rec.from):
		return fail(sf.to, ErrEndBeforeStart, "the stop ends (%s) before it starts (%s)", stamp(rec.to), stamp(rec.from))
	}
	if a.nstops++; a.nstops > limits.MaxStops {
		return fail(-1, ErrLimit, "more than %d stops in all the stop files", limits.MaxStops)
	}
	src := sf.src.index
	if a.stops[src] == nil {
		a.stops[src] = map[[2]uint64]*stopList{}
	}
	h := a.idHash(src, id)
	l := a.stops[src][h]
	if l == nil {
		l = &stopList{id: id, file: in.file, line: line, parquet: in.parquet}
		a.stops[src][h] = l
	}
	l.recs = append(l.recs, rec)
	return nil
}

// unmatchedStops reports the first stop (in file order) of an event the
// source's file did not have.
func (a *Aggregator) unmatchedStops(s *source) error {
	var first *stopList
	for _, l := range a.stops[s.index] {
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
