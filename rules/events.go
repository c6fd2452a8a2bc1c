package rules

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Events is a rulebook's events section: the providers' job records it
// measures (event sources), the SLA clocks their events run on and the
// monthly fields they yield. Package events reads the files and computes
// the fields; every field it fills is also declared in the rulebook's
// fields, so KPI expressions use it like any other.
type Events struct {
	TimeZone string         // the IANA name of the contract's time zone
	Location *time.Location // the zone local timestamps are read in
	Calendar EventCalendar
	// QAPercent is the share of each lot-month's events drawn for the QA
	// sample, in percent (3.5 unless declared); a source may declare its own.
	QAPercent Decimal
	Sources   []*EventSource // in file order
	Pos       Pos
}

// DefaultQAPercent is the share of a lot-month's events in the QA sample
// when the rulebook declares none.
var DefaultQAPercent = decimal.RequireFromString("3.5")

// EventCalendar says which days are working days for a lot: its nation's
// bank holidays, the contract's own non-working days and working hours.
type EventCalendar struct {
	Nation sla.Nation // every lot's nation, when By is ""; 0 when not declared
	// By is a key column whose value picks a lot's nation from Nations,
	// or Default for a value not there (0: such a lot is an error).
	By      string
	Nations map[string]sla.Nation
	Default sla.Nation
	// NonWorkingDays are the contract's own, besides weekends and bank
	// holidays.
	NonWorkingDays     []sla.Date
	WorkStart, WorkEnd time.Duration // 09:00 to 17:00 unless declared
	Pos                Pos

	given bool // the rulebook has a calendar key, valid or not
}

// Declared reports whether the rulebook gives a calendar.
func (c *EventCalendar) Declared() bool { return c.Nation != 0 || c.By != "" }

// NationOf returns the nation of a lot with the given key values (in the
// rulebook's key order), or false if the calendar places none.
func (c *EventCalendar) NationOf(keys []string, keyNames []string) (sla.Nation, bool) {
	if c.By == "" {
		return c.Nation, c.Nation != 0
	}
	i := slices.Index(keyNames, c.By)
	if i < 0 || i >= len(keys) {
		return 0, false
	}
	if n, ok := c.Nations[keys[i]]; ok {
		return n, true
	}
	return c.Default, c.Default != 0
}

// ColumnType is the type of an event file's column.
type ColumnType uint8

// The column types.
const (
	ColString    ColumnType = iota + 1 // text; may be empty
	ColNumber                          // an exact decimal number
	ColTimestamp                       // an instant: RFC 3339, or local time in the contract's zone
)

var columnTypeNames = [...]string{ColString: "string", ColNumber: "number", ColTimestamp: "timestamp"}

// String returns the type's name as a rulebook writes it.
func (t ColumnType) String() string {
	if t >= ColString && t <= ColTimestamp {
		return columnTypeNames[t]
	}
	return "unknown"
}

// EventColumn is a declared column of an event or stop file.
type EventColumn struct {
	Name string
	Type ColumnType
	Pos  Pos
}

// EventSource is one kind of event record (repairs, moves, transport
// requests), read from the file given for its Name.
type EventSource struct {
	Name string
	// File is the source's file when --events gives none, as the rulebook
	// writes it (relative to the rulebook's directory unless absolute;
	// see Rulebook.EventFiles); "" for none.
	File    string
	Columns []EventColumn // every column of the file, in declared order
	ID      string        // the column that identifies an event within the source
	// Keys are the columns holding the lot's key values, in the order of
	// the rulebook's keys.
	Keys []string
	// Start and End are the timestamp columns of when an event began and
	// ended; End is "" when the source declares none, and an event whose
	// end is empty is open.
	Start, End string
	Stops      []StopPair  // pairs of this source's columns
	StopFiles  []*StopFile // stops read from files of their own
	Clocks     []*EventClock
	Fields     []*EventField
	QAPercent  Decimal // the QA sample's share, in percent
	Pos        Pos
}

// Column returns the declared column with the given name.
func (s *EventSource) Column(name string) (EventColumn, bool) {
	for _, c := range s.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return EventColumn{}, false
}

// Clock returns the clock with the given name, or nil.
func (s *EventSource) Clock(name string) *EventClock {
	for _, c := range s.Clocks {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// StopPair names two timestamp columns of an event source between which
// the event's clocks are stopped. Both empty means no stop; an empty To,
// a stop not yet over.
type StopPair struct {
	From, To string
	Pos      Pos
}

// StopFile is a file of clock stops, any number per event, read from the
// file given for its Name: each row names its event by id.
type StopFile struct {
	Name     string
	File     string // the stop file's file when --events gives none, as for a source
	Columns  []EventColumn
	Event    string // the column holding the event's id
	From, To string // timestamp columns; an empty To is a stop not yet over
	Pos      Pos

	nameNode *yaml.Node
}

// EventClock is an SLA clock of a source's events, from a timestamp
// column to another. Its deadline is either counted (Kind and Limit, on
// the lot's calendar, less the event's stops) or read from a column
// (Deadline).
type EventClock struct {
	Name     string
	From, To string // timestamp columns: the source's start and end unless declared
	Kind     sla.Kind
	Limit    time.Duration // as package sla counts it: sla.Day per day
	Deadline string        // a timestamp column holding each event's deadline, instead of a limit
	// Minimum makes the limit a minimum, as a period of notice is: an
	// event meets the clock when it ends at or after the deadline.
	Minimum bool
	Pos     Pos
}

// Counts reports whether the clock counts time on a calendar (its kind is
// working days, working hours or days), rather than reading its deadline
// or counting real hours.
func (c *EventClock) Counts() bool {
	return c.Deadline == "" && c.Kind != sla.Hours
}

// EventAggregate is how an event field turns a month's events into a
// value.
type EventAggregate uint8

// The aggregates.
const (
	CountEvents EventAggregate = iota + 1 // the events
	CountMet                              // the events that met the field's clock
	CountMissed                           // the events that missed it
	SumOf                                 // the sum of a number column
	MeanOf                                // its mean (0 for no events)
	MaxOf                                 // its largest value (0 for no events)
)

var eventAggregateNames = [...]string{CountEvents: "count: events", CountMet: "count: met",
	CountMissed: "count: missed", SumOf: "sum", MeanOf: "mean", MaxOf: "max"}

// String returns the aggregate as a rulebook writes it.
func (a EventAggregate) String() string {
	if a >= CountEvents && a <= MaxOf {
		return eventAggregateNames[a]
	}
	return "unknown"
}

// MonthBy says which month an event counts in for a field.
type MonthBy uint8

// The month assignments.
const (
	ByDeadline MonthBy = iota + 1 // the month of the clock's deadline
	ByStart                       // the month the clock (or the event) started
	ByEnd                         // the month it ended
)

var monthByNames = [...]string{ByDeadline: "deadline", ByStart: "start", ByEnd: "end"}

// String returns the assignment as a rulebook writes it.
func (m MonthBy) String() string {
	if m >= ByDeadline && m <= ByEnd {
		return monthByNames[m]
	}
	return "unknown"
}

// EventField is a monthly field computed from a source's events.
type EventField struct {
	Name      string // the rulebook field it fills
	Source    *EventSource
	Aggregate EventAggregate
	Column    string // the number column of Sum, Mean and Max
	Where     Expr   // a boolean filter over the event's columns; zero for every event
	Clock     *EventClock
	Month     MonthBy
	Type      FieldType // the field's declared type
	Pos       Pos

	node *yaml.Node
}

// EventField returns the event field that fills the named rulebook field,
// or nil when the field is read from the data file.
func (b *Rulebook) EventField(name string) *EventField {
	if b.Events == nil {
		return nil
	}
	for _, s := range b.Events.Sources {
		for _, f := range s.Fields {
			if f.Name == name {
				return f
			}
		}
	}
	return nil
}

// EventFiles returns, by name, the file of each event source and stop
// file that names one (its file key): a relative path is taken from the
// directory of the rulebook's file. nil when none does. A file given on
// the command line (--events NAME=FILE) replaces the rulebook's.
func (b *Rulebook) EventFiles() map[string]string {
	if b.Events == nil {
		return nil
	}
	var out map[string]string
	add := func(name, path string) {
		if path == "" {
			return
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(b.File), path)
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = path
	}
	for _, s := range b.Events.Sources {
		add(s.Name, s.File)
		for _, sf := range s.StopFiles {
			add(sf.Name, sf.File)
		}
	}
	return out
}

var eventsKeys = []string{"time_zone", "calendar", "qa_sample_percent", "sources"}

// events reads the events section; the fields must have been read.
func (r *reader) events(rb *Rulebook, n *yaml.Node) *Events {
	m := r.mapping(n, "events", eventsKeys...)
	if m == nil {
		return nil
	}
	ev := &Events{TimeZone: "Europe/London", Location: sla.London(), QAPercent: DefaultQAPercent, Pos: r.pos(n)}
	r.required(m, n, "events", "sources")
	if e, ok := m["time_zone"]; ok {
		r.timeZone(ev, e.value)
	}
	if e, ok := m["calendar"]; ok {
		ev.Calendar = r.eventCalendar(rb, e.value)
	}
	if e, ok := m["qa_sample_percent"]; ok {
		ev.QAPercent = r.qaPercent(e.value, "events.qa_sample_percent", ev.QAPercent)
	}
	if e, ok := m["sources"]; ok {
		r.sources(rb, ev, e.value)
	}
	return ev
}

var zones sync.Map // name -> *time.Location, so that scenarios reread fast

func (r *reader) timeZone(ev *Events, n *yaml.Node) {
	s, ok := r.str(n, "events.time_zone")
	if !ok {
		return
	}
	if loc, ok := zones.Load(s); ok {
		ev.TimeZone, ev.Location = s, loc.(*time.Location)
		return
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "Local" || s == "" {
		r.errorf(n, "events.time_zone", "unknown time zone %s (give an IANA name such as Europe/London)", limits.Quote(s))
		return
	}
	zones.Store(s, loc)
	ev.TimeZone, ev.Location = s, loc
}

// qaPercent reads a QA sample share: a percent above 0 and at most 100.
func (r *reader) qaPercent(n *yaml.Node, key string, def Decimal) Decimal {
	p := r.percent(n, key)
	if p == nil {
		return def
	}
	if !p.IsPositive() {
		r.errorf(n, key, "must be above 0")
		return def
	}
	return *p
}

// eventCalendar reads {nation, non_working_days, working_hours}.
func (r *reader) eventCalendar(rb *Rulebook, n *yaml.Node) EventCalendar {
	c := EventCalendar{Pos: r.pos(n), given: true}
	m := r.mapping(n, "events.calendar", "nation", "non_working_days", "working_hours")
	if m == nil {
		return c
	}
	r.required(m, n, "events.calendar", "nation")
	if e, ok := m["nation"]; ok {
		r.calendarNation(rb, &c, e.value)
	}
	if e, ok := m["non_working_days"]; ok {
		for i, item := range r.seq(e.value, "events.calendar.non_working_days") {
			key := fmt.Sprintf("events.calendar.non_working_days[%d]", i)
			if s, ok := r.str(item, key); ok {
				d, err := sla.ParseDate(s)
				if err != nil {
					r.errorf(item, key, "%v", err)
					continue
				}
				c.NonWorkingDays = append(c.NonWorkingDays, d)
			}
		}
	}
	if e, ok := m["working_hours"]; ok {
		c.WorkStart, c.WorkEnd = r.workingHours(e.value)
	}
	return c
}

// calendarNation reads a nation's name, or {by, map, default}.
func (r *reader) calendarNation(rb *Rulebook, c *EventCalendar, n *yaml.Node) {
	const key = "events.calendar.nation"
	if deref(n).Kind == yaml.ScalarNode {
		c.Nation = r.nation(n, key)
		return
	}
	m := r.mapping(n, key, "by", "map", "default")
	if m == nil {
		return
	}
	r.required(m, n, key, "by", "map")
	if e, ok := m["by"]; ok {
		if by, ok := r.str(e.value, key+".by"); ok {
			if !slices.Contains(rb.Keys, by) {
				r.errorf(e.value, key+".by", "%s is not a key column (keys: %s)", limits.Quote(by), strings.Join(rb.Keys, ", "))
			} else {
				c.By = by
			}
		}
	}
	if e, ok := m["map"]; ok {
		c.Nations = map[string]sla.Nation{}
		for _, p := range r.pairs(e.value, key+".map") {
			if nat := r.nation(p.value, key+".map."+p.key.Value); nat != 0 {
				c.Nations[p.key.Value] = nat
			}
		}
	}
	if e, ok := m["default"]; ok {
		c.Default = r.nation(e.value, key+".default")
	}
}

func (r *reader) nation(n *yaml.Node, key string) sla.Nation {
	s, ok := r.str(n, key)
	if !ok {
		return 0
	}
	nat, err := sla.ParseNation(s)
	if err != nil {
		r.errorf(n, key, "%v", err)
	}
	return nat
}

// workingHours reads {from: "09:00", to: "17:00"}.
func (r *reader) workingHours(n *yaml.Node) (from, to time.Duration) {
	const key = "events.calendar.working_hours"
	m := r.mapping(n, key, "from", "to")
	if m == nil {
		return 0, 0
	}
	r.required(m, n, key, "from", "to")
	clock := func(name string) (time.Duration, bool) {
		e, ok := m[name]
		if !ok {
			return 0, false
		}
		s, ok := r.str(e.value, key+"."+name)
		if !ok {
			return 0, false
		}
		d, ok := wallClock(s)
		if !ok {
			r.errorf(e.value, key+"."+name, "%s is not a time of day (write HH:MM, from 00:00 to 24:00)", limits.Quote(s))
		}
		return d, ok
	}
	from, ok1 := clock("from")
	to, ok2 := clock("to")
	if ok1 && ok2 && from >= to {
		r.errorf(n, key, "from must be before to")
		return 0, 0
	}
	return from, to
}

// wallClock reads HH:MM, from 00:00 to 24:00.
func wallClock(s string) (time.Duration, bool) {
	if len(s) != 5 || s[2] != ':' || !digitsOnly(s[:2]) || !digitsOnly(s[3:]) {
		return 0, false
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if m > 59 || h > 24 || h == 24 && m > 0 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// pairs reads a mapping's entries in file order, reporting keys that are
// not plain or are repeated.
func (r *reader) pairs(n *yaml.Node, key string) []entry {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		r.errorf(n, key, "must be a mapping, not %s", describe(n))
		return nil
	}
	var out []entry
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode:
			r.errorf(k, key, "keys must be plain names")
		case seen[k.Value]:
			r.errorf(k, join(key, k.Value), "key is repeated")
		default:
			seen[k.Value] = true
			out = append(out, entry{k, v})
		}
	}
	return out
}

// digitsOnly reports whether s is made of the digits 0-9 only.
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
