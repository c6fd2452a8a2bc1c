package events

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
)

// Options says what an aggregation covers and what it keeps besides the
// monthly fields.
type Options struct {
	// Lots are the lots of the monthly data, each as its key values in
	// the rulebook's key order. An event of another lot is an error.
	Lots [][]string
	// First and Last are the data's months. Events count in the months
	// between; the data ends, and open events are judged, at the end of
	// Last (the "as of" instant).
	First, Last rules.Month
	// Exclusions are events to leave out, with their reasons; nil for none.
	Exclusions *Exclusions
	// Sample draws the QA sample (see Result.Sample).
	Sample bool
	// Explain keeps the events behind one lot-month's fields (see
	// Result.Explanation); nil keeps no event.
	Explain *ExplainRequest
}

// ExplainRequest asks for the events behind one lot-month's fields.
type ExplainRequest struct {
	Lot   []string    // the lot's key values, in the rulebook's key order
	Month rules.Month // the month
	Limit int         // the most events that missed a clock to keep per field; 0 means 20
}

// Aggregator reads a rulebook's event files and computes its event fields
// for every lot and month, as a stream: besides a state per lot-month and
// field, memory holds only a hash of each event id of the source being
// read (to find duplicates), the stops of stop files, the exclusions and,
// when asked, the QA sample and one lot-month's explanation. Make one with
// NewAggregator, read every file with ReadFiles (or ReadFile, ReadCSV,
// ReadParquet, each source's stop files first), then call Result. An
// Aggregator is not safe for concurrent use.
type Aggregator struct {
	p         *Program
	opt       Options
	months    int
	asOf      time.Time
	lotIndex  map[string]int
	lots      *lotFinder
	lotNation []sla.Nation
	acc       []accum // by (lot*months + month)*fields + field
	seeds     [2]maphash.Seed
	stops     []*stopIndex // by source: stops read from stop files
	nstops    int
	read      map[string]bool
	summary   []SourceSummary
	open      map[openKey]int64
	exIndex   map[[2]uint64]int
	exUsed    []bool
	excluded  []ExcludedEvent
	sample    *sampler
	explain   *explainer
	events    int64
	mt        monthTable
}

// accum is a field's state for a lot-month.
type accum struct {
	n          int64 // events counted
	isum, imax fixed // the sum and maximum while they fit int64s
	slow       bool  // they did not: sum and max hold them
	sum, max   decimal.Decimal
}

// openKey places open events: a source, a lot and the month they started.
type openKey struct {
	source, lot int
	month       rules.Month
}

// SourceSummary counts what became of a source's events.
type SourceSummary struct {
	Source   string
	Events   int64 // read
	Excluded int64 // left out by an exclusion
	// Open counts events left out of a field because they were open and
	// not yet due at the end of the data.
	Open int64
	// Late counts events still open past a deadline: each failed once, in
	// its deadline month.
	Late int64
	// Outside counts events that a field counted in a month outside the
	// data (before its first month, or after its last, such as those due
	// after it).
	Outside int64
}

// NewAggregator starts an aggregation. It rejects a lot whose nation the
// rulebook's calendar cannot find, as a *rules.ValidationError.
func (p *Program) NewAggregator(opt Options) (*Aggregator, error) {
	if opt.Last < opt.First {
		return nil, fmt.Errorf("events: last month %s is before the first %s", opt.Last, opt.First)
	}
	a := &Aggregator{p: p, opt: opt, months: int(opt.Last-opt.First) + 1,
		lotIndex: map[string]int{},
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		read:     map[string]bool{}, open: map[openKey]int64{}}
	next := opt.Last + 1
	a.asOf = p.calendars[0].DayStart(sla.Date{Year: next.Year(), Month: time.Month(next.Number()), Day: 1})
	a.mt = newMonthTable(p.calendars[0].Location(), opt.First, opt.Last)
	if err := a.placeLots(); err != nil {
		return nil, err
	}
	a.lots = newLotFinder(opt.Lots, len(p.rb.Keys))
	a.acc = make([]accum, len(opt.Lots)*a.months*len(p.fields))
	a.stops = make([]*stopIndex, len(p.sources))
	for _, s := range p.sources {
		a.summary = append(a.summary, SourceSummary{Source: s.spec.Name})
	}
	if opt.Exclusions != nil {
		a.exIndex = a.exclusionIndex()
		a.exUsed = make([]bool, len(opt.Exclusions.Entries))
	}
	if opt.Sample {
		a.sample = newSampler(p, len(opt.Lots), a.months)
	}
	if opt.Explain != nil {
		x, err := newExplainer(p, a, opt.Explain)
		if err != nil {
			return nil, err
		}
		a.explain = x
	}
	return a, nil
}

// placeLots indexes the lots and finds each one's nation.
func (a *Aggregator) placeLots() error {
	cal := a.p.ev
	var problems []*rules.Problem
	for i, keys := range a.opt.Lots {
		if len(keys) != len(a.p.rb.Keys) {
			return fmt.Errorf("events: lot %q has %d key values; the rulebook has %d keys", keys, len(keys), len(a.p.rb.Keys))
		}
		a.lotIndex[strings.Join(keys, "\x00")] = i
		nation := sla.EnglandAndWales
		if cal != nil && cal.Calendar.Declared() {
			n, ok := cal.Calendar.NationOf(keys, a.p.rb.Keys)
			if !ok {
				problems = append(problems, &rules.Problem{Pos: cal.Calendar.Pos, Key: "events.calendar.nation",
					Msg: fmt.Sprintf("lot %s: no nation for %s %s (add it to map, or give a default)",
						limits.Name(strings.Join(keys, " / ")), cal.Calendar.By, limits.Quote(keys[indexOf(a.p.rb.Keys, cal.Calendar.By)]))})
			}
			nation = n
		}
		a.lotNation = append(a.lotNation, nation)
	}
	if problems != nil {
		return &rules.ValidationError{Problems: problems}
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}

// ReadFiles reads every file the rulebook's sources need, in the order
// Program.Files gives, from paths (name -> path, as --events NAME=FILE
// gives them). A name the rulebook does not declare, or a declared one
// without a file, is a *UsageError.
func (a *Aggregator) ReadFiles(paths map[string]string) error {
	names := a.p.Files()
	for name := range paths {
		if !slices.Contains(names, name) {
			return &UsageError{Msg: fmt.Sprintf("--events %s: the rulebook declares no event source or stop file %s (it declares: %s)",
				limits.Name(name), limits.Quote(name), strings.Join(names, ", "))}
		}
	}
	for _, name := range names {
		path, ok := paths[name]
		if !ok {
			return &UsageError{Msg: fmt.Sprintf("no file for the event source %s: give --events %s=FILE", name, name)}
		}
		if err := a.ReadFile(name, path); err != nil {
			return err
		}
	}
	return nil
}

// ReadFile reads the file at path for the source or stop file name:
// Parquet when the path ends in .parquet (any case), CSV otherwise.
func (a *Aggregator) ReadFile(name, path string) error {
	f, size, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if isParquet(path) {
		return a.ReadParquet(name, path, f, size)
	}
	return a.ReadCSV(name, path, f)
}

// ReadCSV reads a CSV file for the source or stop file name; file names
// it in messages.
func (a *Aggregator) ReadCSV(name, file string, r io.Reader) error {
	return a.readInput(name, file, false, func(in *input, fn func(int64, []string) error) error {
		return in.readCSV(r, fn)
	})
}

// ReadParquet reads a Parquet file for the source or stop file name; file
// names it in messages.
func (a *Aggregator) ReadParquet(name, file string, r io.ReaderAt, size int64) error {
	return a.readInput(name, file, true, func(in *input, fn func(int64, []string) error) error {
		return in.readParquet(r, size, fn)
	})
}

// readInput finds what name is and reads its file's rows into the
// aggregation.
func (a *Aggregator) readInput(name, file string, parquet bool, read func(*input, func(int64, []string) error) error) error {
	if a.read[name] {
		return &UsageError{Msg: fmt.Sprintf("the event file %s is given twice", name)}
	}
	for _, sf := range a.p.stopFiles {
		if sf.spec.Name == name {
			if a.read[sf.src.spec.Name] {
				return &UsageError{Msg: fmt.Sprintf("the stop file %s must be read before its source %s", name, sf.src.spec.Name)}
			}
			a.read[name] = true
			in := &input{file: file, parquet: parquet, cols: sf.cols}
			return read(in, func(line int64, cells []string) error { return a.stop(sf, in, line, cells) })
		}
	}
	for _, s := range a.p.sources {
		if s.spec.Name == name {
			for _, sf := range s.stopFiles {
				if !a.read[sf.spec.Name] {
					return &UsageError{Msg: fmt.Sprintf("the stop file %s must be read before its source %s", sf.spec.Name, name)}
				}
			}
			a.read[name] = true
			a.stops[s.index].seal()
			st := a.newState(s, &input{file: file, parquet: parquet, cols: s.cols})
			defer st.ids.free() // a source's ids are its own: the next source's cannot repeat them
			err := pipe(len(s.cols), func(emit func(int64, []string) error) error {
				return read(st.in, emit)
			}, twoParsers(a.newParser(s, st.in), a.newParser(s, st.in)), st.event)
			if err := st.firstError(err); err != nil {
				return err
			}
			return a.unmatchedStops(s)
		}
	}
	return &UsageError{Msg: fmt.Sprintf("the rulebook declares no event source or stop file %s (it declares: %s)",
		limits.Quote(name), strings.Join(a.p.Files(), ", "))}
}

// firstError returns the first problem of a source's file, in its order:
// err, from reading it, or a duplicate id read before it but still waiting
// to be found (see idSet).
func (st *state) firstError(err error) error {
	line, id := st.ids.flush()
	if line == 0 {
		return err
	}
	var ie *InputError
	if err == nil || errors.As(err, &ie) && ie.File == st.in.file && (ie.Line == 0 || ie.Line > line) {
		return st.in.duplicate(line, st.s.id, id)
	}
	return err
}

// idHash returns the 128-bit hash of a source's event id.
func (a *Aggregator) idHash(source int, id string) [2]uint64 {
	var h [2]uint64
	for i, seed := range a.seeds {
		var m maphash.Hash
		m.SetSeed(seed)
		m.WriteByte(byte(source))
		m.WriteByte(byte(source >> 8))
		m.WriteString(id)
		h[i] = m.Sum64()
	}
	return h
}

// monthIndex returns a month's index in the data, or -1 outside it.
func (a *Aggregator) monthIndex(m rules.Month) int {
	if m < a.opt.First || m > a.opt.Last {
		return -1
	}
	return int(m - a.opt.First)
}

// monthOf returns the month of an instant in the contract's zone.
func monthOf(t time.Time) rules.Month {
	y, m, _ := t.Date()
	return rules.NewMonth(y, int(m))
}

// monthTable holds the first instant (Unix seconds) of each month from
// three years before the data to three years after, to find an instant's
// month with a few comparisons.
type monthTable struct {
	first  rules.Month
	starts []int64
}

func newMonthTable(loc *time.Location, first, last rules.Month) monthTable {
	mt := monthTable{first: first - 36}
	for m := mt.first; m <= last+37; m++ {
		mt.starts = append(mt.starts, time.Date(m.Year(), time.Month(m.Number()), 1, 0, 0, 0, 0, loc).Unix())
	}
	return mt
}

// at returns the month of instant t (in the table's zone).
func (mt *monthTable) at(t time.Time) rules.Month {
	u := t.Unix()
	i, found := slices.BinarySearch(mt.starts, u)
	if !found {
		i--
	}
	if i < 0 || i >= len(mt.starts)-1 {
		return monthOf(t)
	}
	return mt.first + rules.Month(i)
}

// ending returns the month of the instant just before t: the month a
// deadline at t belongs to, so that one at 24:00 belongs to the day, and
// the month, that ends there.
func (mt *monthTable) ending(t time.Time) rules.Month {
	if t.Nanosecond() == 0 {
		return mt.at(t.Add(-time.Second))
	}
	return mt.at(t)
}

// never stands for a deadline stops hold past the calendar's last year.
var never = time.Unix(0, math.MaxInt64)
