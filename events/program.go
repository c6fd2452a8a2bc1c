package events

import (
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/internal/csvin"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
)

// Program is a rulebook's event sources compiled: filters type-checked,
// calendars built. It is safe for concurrent use; each aggregation has
// its own Aggregator.
type Program struct {
	rb        *rules.Rulebook
	ev        *rules.Events
	sources   []*source
	stopFiles []*stopFile
	// calendars by nation; calendars[0] is England and Wales's, for lots
	// when the rulebook declares no calendar (only day boundaries matter).
	calendars [4]*sla.Calendar
	fields    []*field // every event field, sources in order, fields in order
}

// source is an event source compiled.
type source struct {
	spec      *rules.EventSource
	index     int
	cols      []column
	id, start int // column indexes
	end       int // -1 when the source declares none
	keys      []int
	stops     [][2]int
	stopFiles []*stopFile
	clocks    []*clock
	filters   []*filter
	// filterCols are the columns the filters read, each once.
	filterCols []int
	fields     []*field
}

// column is a declared column of a file.
type column struct {
	name   string
	typ    rules.ColumnType
	naming string // an id or key value: csvin.KeysAndIDs, one line of at most limits.MaxNameBytes; "" for others
	used   bool   // a number column a filter or an aggregate reads
}

// clock is an event clock compiled.
type clock struct {
	spec               *rules.EventClock
	index              int
	from, to, deadline int // column indexes; deadline -1 for a counted clock
	// sla holds the clock on each nation's calendar, by nation.
	sla [4]sla.Clock
}

// filter is a where expression compiled, with the columns it reads.
type filter struct {
	expr rules.Expr
	cond *kpi.Condition
	cols []int // the columns it reads, by index, in the order of cond.Names
}

// field is an event field compiled.
type field struct {
	spec    *rules.EventField
	index   int // among the program's fields
	rbIndex int // among the rulebook's fields
	src     *source
	filter  int // index into src.filters, -1 for none
	clock   int // index into src.clocks, -1 for none
	column  int // the number column of sum, mean and max, -1 for none
}

// stopFile is a stop file compiled.
type stopFile struct {
	spec            *rules.StopFile
	src             *source
	cols            []column
	event, from, to int
}

// Compile compiles the rulebook's event sources: each filter is
// type-checked against its source's columns (text for string columns,
// numbers for number columns; timestamps are not values a filter reads),
// and the calendars are built. Problems come back as a
// *rules.ValidationError placing each in the rulebook. A rulebook without
// events gives a Program with no sources.
func Compile(rb *rules.Rulebook) (*Program, error) {
	p := &Program{rb: rb, ev: rb.Events}
	if p.ev == nil {
		return p, nil
	}
	if err := p.buildCalendars(); err != nil {
		return nil, err
	}
	var problems []*rules.Problem
	for i, spec := range p.ev.Sources {
		s, ps := p.compileSource(i, spec)
		problems = append(problems, ps...)
		p.sources = append(p.sources, s)
		p.stopFiles = append(p.stopFiles, s.stopFiles...)
		p.fields = append(p.fields, s.fields...)
	}
	if problems != nil {
		return nil, &rules.ValidationError{Problems: problems}
	}
	for i, f := range p.fields {
		f.index = i
	}
	return p, nil
}

// buildCalendars builds a calendar for each nation.
func (p *Program) buildCalendars() error {
	c := &p.ev.Calendar
	for n := sla.EnglandAndWales; n <= sla.NorthernIreland; n++ {
		cal, err := sla.NewCalendar(sla.Config{Nation: n, Location: p.ev.Location,
			WorkStart: c.WorkStart, WorkEnd: c.WorkEnd, NonWorkingDays: c.NonWorkingDays})
		if err != nil {
			return &rules.ValidationError{Problems: []*rules.Problem{{Pos: c.Pos, Key: "events.calendar", Msg: err.Error()}}}
		}
		p.calendars[n] = cal
	}
	p.calendars[0] = p.calendars[sla.EnglandAndWales]
	return nil
}

// compileSource compiles one source: its columns, clocks, filters and
// fields.
func (p *Program) compileSource(i int, spec *rules.EventSource) (*source, []*rules.Problem) {
	s := &source{spec: spec, index: i, end: -1}
	s.cols = columnsOf(spec.Columns)
	s.id, s.start = s.col(spec.ID), s.col(spec.Start)
	s.cols[s.id].naming = csvin.KeysAndIDs
	if spec.End != "" {
		s.end = s.col(spec.End)
	}
	for _, k := range spec.Keys {
		s.keys = append(s.keys, s.col(k))
		s.cols[s.col(k)].naming = csvin.KeysAndIDs
	}
	for _, sp := range spec.Stops {
		s.stops = append(s.stops, [2]int{s.col(sp.From), s.col(sp.To)})
	}
	for _, sf := range spec.StopFiles {
		f := &stopFile{spec: sf, src: s, cols: columnsOf(sf.Columns)}
		f.event, f.from, f.to = f.col(sf.Event), f.col(sf.From), f.col(sf.To)
		f.cols[f.event].naming = csvin.KeysAndIDs
		s.stopFiles = append(s.stopFiles, f)
	}
	for j, cs := range spec.Clocks {
		s.clocks = append(s.clocks, p.compileClock(s, j, cs))
	}
	var problems []*rules.Problem
	for _, fs := range spec.Fields {
		f, problem := s.compileField(p.rb, fs)
		if problem != nil {
			problems = append(problems, problem)
		}
		s.fields = append(s.fields, f)
	}
	return s, problems
}

func columnsOf(spec []rules.EventColumn) []column {
	out := make([]column, len(spec))
	for i, c := range spec {
		out[i] = column{name: c.Name, typ: c.Type}
	}
	return out
}

// col returns the index of a declared column.
func (s *source) col(name string) int {
	return slices.IndexFunc(s.cols, func(c column) bool { return c.name == name })
}

func (f *stopFile) col(name string) int {
	return slices.IndexFunc(f.cols, func(c column) bool { return c.name == name })
}

// compileClock builds a clock on every nation's calendar.
func (p *Program) compileClock(s *source, i int, spec *rules.EventClock) *clock {
	c := &clock{spec: spec, index: i, from: s.col(spec.From), to: s.col(spec.To), deadline: -1}
	if spec.Deadline != "" {
		c.deadline = s.col(spec.Deadline)
		return c
	}
	for n := range c.sla {
		c.sla[n] = sla.Clock{Kind: spec.Kind, Limit: spec.Limit, Calendar: p.calendars[n]}
	}
	return c
}

// compileField compiles a field's filter, sharing it with an earlier field
// of the source that has the same one.
func (s *source) compileField(rb *rules.Rulebook, spec *rules.EventField) (*field, *rules.Problem) {
	f := &field{spec: spec, src: s, filter: -1, clock: -1, column: -1}
	f.rbIndex = slices.IndexFunc(rb.Fields, func(d rules.Field) bool { return d.Name == spec.Name })
	if spec.Clock != nil {
		f.clock = slices.Index(s.spec.Clocks, spec.Clock)
	}
	if spec.Column != "" {
		f.column = s.col(spec.Column)
		s.cols[f.column].used = true
	}
	if spec.Where.IsZero() {
		return f, nil
	}
	f.filter = slices.IndexFunc(s.filters, func(x *filter) bool { return x.expr.Source == spec.Where.Source })
	if f.filter >= 0 {
		return f, nil
	}
	key := "events.sources." + s.spec.Name + ".fields." + spec.Name + ".where"
	cond, problem := kpi.CompileCondition(spec.Where, key, s.env())
	if problem != nil {
		s.timestampHint(problem)
		return f, problem
	}
	x := &filter{expr: spec.Where, cond: cond}
	for _, name := range cond.Names() {
		if i := s.col(name); i >= 0 {
			x.cols = append(x.cols, i)
			s.cols[i].used = true
			if !slices.Contains(s.filterCols, i) {
				s.filterCols = append(s.filterCols, i)
			}
		}
	}
	f.filter = len(s.filters)
	s.filters = append(s.filters, x)
	return f, nil
}

// env declares the columns a filter may read: text and numbers.
func (s *source) env() map[string]any {
	env := map[string]any{}
	for _, c := range s.cols {
		switch c.typ {
		case rules.ColString:
			env[c.name] = ""
		case rules.ColNumber:
			env[c.name] = decimal.Decimal{}
		}
	}
	return env
}

// timestampHint says why a timestamp column is an unknown name.
func (s *source) timestampHint(p *rules.Problem) {
	for _, c := range s.cols {
		if c.typ == rules.ColTimestamp && strings.HasPrefix(p.Msg, "unknown name "+c.name+" ") {
			p.Msg = "column " + limits.Quote(c.name) + " is a timestamp; a filter reads text and number columns (use a clock for times)" +
				p.Msg[strings.Index(p.Msg, " in "):]
		}
	}
}

// Rules returns the rulebook the program was compiled from.
func (p *Program) Rules() *rules.Rulebook { return p.rb }

// Files lists the names --events gives files for, in the order an
// Aggregator reads them: each source's stop files before the source.
func (p *Program) Files() []string {
	var out []string
	for _, s := range p.sources {
		for _, f := range s.stopFiles {
			out = append(out, f.spec.Name)
		}
		out = append(out, s.spec.Name)
	}
	return out
}

// Fields lists the rulebook fields the events fill, in source and field
// order.
func (p *Program) Fields() []string {
	out := make([]string, len(p.fields))
	for i, f := range p.fields {
		out[i] = f.spec.Name
	}
	return out
}
