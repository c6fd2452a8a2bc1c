package events

import (
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/internal/csvin"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// Exclusions are events left out of every field, each with an audited
// reason: the rows of an exclusions file (source, event_id, reason).
type Exclusions struct {
	File    string
	Entries []Exclusion // in file order
	idCol   int         // the event_id column's number in the file, from 1
}

// Exclusion is one event left out.
type Exclusion struct {
	Source string // the event source
	ID     string // the event's id in the source
	Reason string
	Line   int64 // the line of the exclusions file
}

// ExcludedEvent is an event an exclusion left out, as the aggregation
// found it.
type ExcludedEvent struct {
	Exclusion
	Lot     []string  // the event's lot
	Start   time.Time // when the event started
	File    string    // the event file
	Row     int64     // the event's line (or row, for Parquet) in it
	Parquet bool
	// Counts lists the fields the event would have counted in, had it
	// not been excluded, and the month of each; a month outside the data
	// is left out.
	Counts []FieldMonth
}

// FieldMonth is a field and a month an excluded event would have counted
// in.
type FieldMonth struct {
	Field string
	Month rules.Month
}

// FieldsIn lists, of the named fields, those the event would have counted
// in in month m, in the order of Counts.
func (x *ExcludedEvent) FieldsIn(m rules.Month, names []string) []string {
	var out []string
	for _, c := range x.Counts {
		if c.Month == m && slices.Contains(names, c.Field) {
			out = append(out, c.Field)
		}
	}
	return out
}

// LoadExclusions reads an exclusions file (CSV).
func (p *Program) LoadExclusions(path string) (*Exclusions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return p.ReadExclusions(path, f)
}

// ReadExclusions reads an exclusions file: CSV with the columns source,
// event_id and reason, in any order. Each names an event source of the
// rulebook, an event's id and why it is left out; an event is excluded at
// most once. Whether the event exists is checked once its source is
// read (Aggregator.Result).
func (p *Program) ReadExclusions(name string, r io.Reader) (*Exclusions, error) {
	ex := &Exclusions{File: name}
	in := &input{file: name, cols: []column{{name: "source", naming: csvin.KeysAndIDs}, {name: "event_id", naming: csvin.KeysAndIDs}, {name: "reason"}}}
	seen := map[[2]string]int64{}
	lim := csvin.Limits{FileBytes: limits.MaxFileBytes, Records: limits.MaxExclusions, RowBytes: limits.MaxRowBytes}
	err := csvin.Read(name, r, lim, func(line int64, cells []string) error {
		if in.idx == nil {
			if err := in.header(line, cells); err != nil {
				return err
			}
			ex.idCol = in.idx[1] + 1
			return nil
		}
		row, err := in.row(line, cells)
		if err != nil {
			return err
		}
		e := Exclusion{Source: row[0], ID: row[1], Reason: row[2], Line: line}
		for i, v := range row {
			if msg := csvin.CellText(v, in.cols[i].naming); msg != "" {
				return in.errorf(line, i, ErrValue, "%s", msg)
			}
			if v == "" {
				return in.errorf(line, i, ErrMissing, "missing value")
			}
		}
		if !p.isSource(e.Source) {
			return in.errorf(line, 0, ErrValue, "%s is not an event source of the rulebook (its sources: %s)",
				limits.Quote(e.Source), strings.Join(p.sourceNames(), ", "))
		}
		k := [2]string{e.Source, e.ID}
		if first, dup := seen[k]; dup {
			return in.errorf(line, 1, ErrDuplicate, "the event %s of %s is excluded twice (first on line %d)", limits.Quote(e.ID), e.Source, first)
		}
		seen[k] = line
		ex.Entries = append(ex.Entries, e)
		return nil
	})
	if ce := (*csvin.Error)(nil); errors.As(err, &ce) {
		return nil, &InputError{File: ce.File, Line: ce.Line, Col: ce.Col, Column: ce.Column, Msg: ce.Msg, Err: ErrValue}
	}
	if err == nil && in.idx == nil {
		return nil, &InputError{File: name, Msg: "the file is empty; it needs a header row (source,event_id,reason)", Err: ErrValue}
	}
	if err != nil {
		return nil, err
	}
	return ex, nil
}

func (p *Program) isSource(name string) bool {
	for _, s := range p.sources {
		if s.spec.Name == name {
			return true
		}
	}
	return false
}

func (p *Program) sourceNames() []string {
	var out []string
	for _, s := range p.sources {
		out = append(out, s.spec.Name)
	}
	return out
}

// exclusionIndex hashes the exclusions' event ids as the aggregation
// hashes events'.
func (a *Aggregator) exclusionIndex() map[[2]uint64]int {
	ex := a.opt.Exclusions
	if ex == nil {
		return nil
	}
	out := make(map[[2]uint64]int, len(ex.Entries))
	for i, e := range ex.Entries {
		for _, s := range a.p.sources {
			if s.spec.Name == e.Source {
				out[a.idHash(s.index, e.ID)] = i
			}
		}
	}
	return out
}

// exclusion returns the index of the exclusion of the event, or -1.
func (a *Aggregator) exclusion(_ *source, h [2]uint64) int {
	if a.exIndex == nil {
		return -1
	}
	i, ok := a.exIndex[h]
	if !ok {
		return -1
	}
	a.exUsed[i] = true
	return i
}

// exclude records an excluded event with the fields and months it would
// have counted in, and gives it to an explanation of one of them.
func (st *state) exclude(i int) error {
	a, s := st.a, st.s
	ev := ExcludedEvent{Exclusion: a.opt.Exclusions.Entries[i], Lot: a.opt.Lots[st.lot],
		Start: st.times[s.start], File: st.in.file, Row: st.line, Parquet: st.in.parquet}
	var fields []*field
	for _, f := range s.fields {
		if f.filter >= 0 {
			ok, err := st.filter(f.filter)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		var o *outcome
		m, counted, err := st.month(f, &o)
		if err != nil {
			return err
		}
		if counted && a.monthIndex(m) >= 0 {
			ev.Counts = append(ev.Counts, FieldMonth{Field: f.spec.Name, Month: m})
			fields = append(fields, f)
		}
	}
	a.excluded = append(a.excluded, ev)
	if x := a.explain; x != nil && st.lot == x.lot {
		for j, f := range fields {
			if ev.Counts[j].Month == x.month {
				x.exclude(f, ev)
			}
		}
	}
	return nil
}

// unusedExclusion reports the first exclusion naming an event its source
// did not have.
func (a *Aggregator) unusedExclusion() error {
	for i, used := range a.exUsed {
		if !used {
			e := a.opt.Exclusions.Entries[i]
			return &InputError{File: a.opt.Exclusions.File, Line: e.Line, Col: a.opt.Exclusions.idCol, Column: "event_id", Err: ErrUnknownEvent,
				Msg: "the source " + e.Source + " has no event " + limits.Quote(e.ID)}
		}
	}
	return nil
}
