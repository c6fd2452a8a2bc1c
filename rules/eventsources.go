package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/sla"
	"go.yaml.in/yaml/v3"
)

var sourceKeys = []string{"file", "columns", "id", "keys", "start", "end", "stops", "clocks", "fields", "qa_sample_percent"}

// sources reads events.sources: a mapping of source name to source.
func (r *reader) sources(rb *Rulebook, ev *Events, n *yaml.Node) {
	names := map[string]bool{}  // sources and stop files: each names a file
	filled := map[string]bool{} // the rulebook fields a source fills
	entries := r.pairs(n, "events.sources")
	if len(entries) == 0 && deref(n).Kind == yaml.MappingNode {
		r.errorf(n, "events.sources", "must declare at least one source")
	}
	for _, p := range entries {
		name, key := p.key.Value, "events.sources."+p.key.Value
		if !r.fileName(p.key, key, name, names) {
			continue
		}
		s := r.source(rb, ev, p.value, key)
		if s == nil {
			continue
		}
		s.Name, s.Pos = name, r.pos(p.key)
		for _, sf := range s.StopFiles {
			r.fileName(sf.nameNode, key+".stops", sf.Name, names)
		}
		for _, f := range s.Fields {
			if filled[f.Name] {
				r.errorf(f.node, key+".fields."+f.Name, "another source already fills the field %s", limits.Quote(f.Name))
			}
			filled[f.Name] = true
		}
		ev.Sources = append(ev.Sources, s)
	}
	for _, s := range ev.Sources {
		for _, c := range s.Clocks {
			if c.Counts() && !ev.Calendar.given {
				r.add(c.Pos, "events.sources."+s.Name+".clocks."+c.Name,
					"a %v clock needs a calendar: declare events.calendar with the lots' nation", c.Kind)
			}
		}
	}
}

// fileName checks the name of a source or stop file, which --events
// gives a file for: a plain name, not taken by another.
func (r *reader) fileName(n *yaml.Node, key, name string, taken map[string]bool) bool {
	switch {
	case len(name) > limits.MaxNameBytes || !namePattern.MatchString(name):
		r.errorf(n, key, "a source's name must be letters, digits and _, starting with a letter, at most %d bytes", limits.MaxNameBytes)
		return false
	case taken[name]:
		r.errorf(n, key, "the name %s is taken by another source or stop file", limits.Quote(name))
		return false
	}
	taken[name] = true
	return true
}

// source reads one event source.
func (r *reader) source(rb *Rulebook, ev *Events, n *yaml.Node, key string) *EventSource {
	m := r.mapping(n, key, sourceKeys...)
	if m == nil {
		return nil
	}
	r.required(m, n, key, "columns", "id", "start", "fields")
	s := &EventSource{QAPercent: ev.QAPercent}
	if e, ok := m["file"]; ok {
		s.File = r.defaultFile(e.value, key+".file")
	}
	if e, ok := m["columns"]; ok {
		s.Columns = r.eventColumns(e.value, key+".columns")
	}
	if e, ok := m["id"]; ok {
		s.ID = r.columnRef(s.Columns, e.value, key+".id", ColString)
	}
	s.Keys = r.sourceKeys(rb, s, m, n, key)
	if e, ok := m["start"]; ok {
		s.Start = r.columnRef(s.Columns, e.value, key+".start", ColTimestamp)
	}
	if e, ok := m["end"]; ok {
		s.End = r.columnRef(s.Columns, e.value, key+".end", ColTimestamp)
	}
	if e, ok := m["stops"]; ok {
		r.stops(s, e.value, key+".stops")
	}
	if e, ok := m["clocks"]; ok {
		for _, p := range r.pairs(e.value, key+".clocks") {
			if c := r.clock(s, p, key+".clocks."+p.key.Value); c != nil {
				s.Clocks = append(s.Clocks, c)
			}
		}
	}
	if e, ok := m["qa_sample_percent"]; ok {
		s.QAPercent = r.qaPercent(e.value, key+".qa_sample_percent", s.QAPercent)
	}
	if e, ok := m["fields"]; ok {
		entries := r.pairs(e.value, key+".fields")
		if len(entries) == 0 && deref(e.value).Kind == yaml.MappingNode {
			r.errorf(e.value, key+".fields", "must declare at least one field")
		}
		for _, p := range entries {
			if f := r.eventField(rb, s, p, key+".fields."+p.key.Value); f != nil {
				s.Fields = append(s.Fields, f)
			}
		}
	}
	return s
}

// eventColumns reads a mapping of column name to type.
func (r *reader) eventColumns(n *yaml.Node, key string) []EventColumn {
	var out []EventColumn
	for _, p := range r.pairs(n, key) {
		k := key + "." + p.key.Value
		if msg := columnName(p.key.Value); msg != "" {
			r.errorf(p.key, k, "%s", msg)
			continue
		}
		s, ok := r.str(p.value, k)
		if !ok {
			continue
		}
		i := slices.Index(columnTypeNames[:], s)
		if i < int(ColString) {
			r.errorf(p.value, k, "unknown column type %s (expected string, number or timestamp)", limits.Quote(s))
			continue
		}
		out = append(out, EventColumn{Name: p.key.Value, Type: ColumnType(i), Pos: r.pos(p.key)})
	}
	if len(out) > limits.MaxColumns {
		r.errorf(n, key, "more than %d columns", limits.MaxColumns)
	}
	return out
}

// columnRef reads the name of a declared column of the given type.
func (r *reader) columnRef(cols []EventColumn, n *yaml.Node, key string, want ColumnType) string {
	name, ok := r.str(n, key)
	if !ok {
		return ""
	}
	i := slices.IndexFunc(cols, func(c EventColumn) bool { return c.Name == name })
	switch {
	case i < 0:
		r.errorf(n, key, "%s is not a declared column", limits.Quote(name))
		return ""
	case cols[i].Type != want:
		r.errorf(n, key, "column %s is a %v; want a %v column", limits.Quote(name), cols[i].Type, want)
		return ""
	}
	return name
}

// sourceKeys reads the columns that hold the lot's keys: by default the
// columns named as the keys.
func (r *reader) sourceKeys(rb *Rulebook, s *EventSource, m map[string]entry, n *yaml.Node, key string) []string {
	given := map[string]entry{}
	if e, ok := m["keys"]; ok {
		given = r.mapping(e.value, key+".keys", rb.Keys...)
		n = e.value
	}
	out := make([]string, len(rb.Keys))
	for i, k := range rb.Keys {
		e, ok := given[k]
		if !ok {
			if c, ok := s.Column(k); !ok || c.Type != ColString {
				r.errorf(n, key+".keys", "no string column holds the key %s: declare a column %s, or map the key to a column in keys", limits.Quote(k), limits.Quote(k))
				continue
			}
			out[i] = k
			continue
		}
		out[i] = r.columnRef(s.Columns, e.value, key+".keys."+k, ColString)
	}
	return out
}

// stops reads the list of stops: pairs of columns, or stop files.
func (r *reader) stops(s *EventSource, n *yaml.Node, key string) {
	for i, item := range r.seq(n, key) {
		k := fmt.Sprintf("%s[%d]", key, i)
		if item = deref(item); item.Kind == yaml.MappingNode && getKey(item, "source") != nil {
			if sf := r.stopFile(s, item, k); sf != nil {
				s.StopFiles = append(s.StopFiles, sf)
			}
			continue
		}
		m := r.mapping(item, k, "from", "to", "source")
		if m == nil {
			continue
		}
		r.required(m, item, k, "from", "to")
		p := StopPair{Pos: r.pos(item)}
		if e, ok := m["from"]; ok {
			p.From = r.columnRef(s.Columns, e.value, k+".from", ColTimestamp)
		}
		if e, ok := m["to"]; ok {
			p.To = r.columnRef(s.Columns, e.value, k+".to", ColTimestamp)
		}
		s.Stops = append(s.Stops, p)
	}
}

// stopFile reads {source, columns, event, from, to}.
func (r *reader) stopFile(s *EventSource, n *yaml.Node, key string) *StopFile {
	m := r.mapping(n, key, "source", "file", "columns", "event", "from", "to")
	if m == nil {
		return nil
	}
	r.required(m, n, key, "columns", "event", "from", "to")
	sf := &StopFile{Pos: r.pos(n)}
	if e, ok := m["file"]; ok {
		sf.File = r.defaultFile(e.value, key+".file")
	}
	e := m["source"]
	sf.Name, _ = r.str(e.value, key+".source")
	sf.nameNode = e.value
	if e, ok := m["columns"]; ok {
		sf.Columns = r.eventColumns(e.value, key+".columns")
	}
	if e, ok := m["event"]; ok {
		sf.Event = r.columnRef(sf.Columns, e.value, key+".event", ColString)
	}
	if e, ok := m["from"]; ok {
		sf.From = r.columnRef(sf.Columns, e.value, key+".from", ColTimestamp)
	}
	if e, ok := m["to"]; ok {
		sf.To = r.columnRef(sf.Columns, e.value, key+".to", ColTimestamp)
	}
	if sf.Name == "" {
		return nil
	}
	return sf
}

// defaultFile reads the path of a source's or stop file's file when
// --events gives none: one line, relative to the rulebook's directory
// unless absolute.
func (r *reader) defaultFile(n *yaml.Node, key string) string {
	path, ok := r.str(n, key)
	switch {
	case !ok:
		return ""
	case len(path) > limits.MaxPathBytes || strings.ContainsAny(path, "\x00\n\r"):
		r.errorf(n, key, "must be a file's path: one line, at most %d bytes", limits.MaxPathBytes)
		return ""
	}
	return path
}

// clock reads {from, to, limit | deadline, minimum}.
func (r *reader) clock(s *EventSource, p entry, key string) *EventClock {
	if msg := columnName(p.key.Value); msg != "" {
		r.errorf(p.key, key, "a clock's name must be letters, digits and _, starting with a letter")
		return nil
	}
	m := r.mapping(p.value, key, "from", "to", "limit", "deadline", "minimum")
	if m == nil {
		return nil
	}
	c := &EventClock{Name: p.key.Value, From: s.Start, To: s.End, Pos: r.pos(p.key)}
	if e, ok := m["from"]; ok {
		c.From = r.columnRef(s.Columns, e.value, key+".from", ColTimestamp)
	}
	if e, ok := m["to"]; ok {
		c.To = r.columnRef(s.Columns, e.value, key+".to", ColTimestamp)
	} else if s.End == "" {
		r.errorf(p.key, key, "the source declares no end: give the clock's to")
	}
	limit, hasLimit := m["limit"]
	deadline, hasDeadline := m["deadline"]
	switch {
	case hasLimit && hasDeadline:
		r.errorf(deadline.key, key, "give limit or deadline, not both")
	case hasLimit:
		c.Kind, c.Limit = r.limit(limit.value, key+".limit")
	case hasDeadline:
		c.Deadline = r.columnRef(s.Columns, deadline.value, key+".deadline", ColTimestamp)
	default:
		r.errorf(p.value, key, "needs a limit (such as 5 working_days) or a deadline column")
	}
	if e, ok := m["minimum"]; ok {
		c.Minimum = r.boolean(e.value, key+".minimum")
	}
	return c
}

// limit reads a clock's limit: a number and a unit, "24 hours" or
// "5 working_days".
func (r *reader) limit(n *yaml.Node, key string) (sla.Kind, time.Duration) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, 0
	}
	num, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	kind, err := sla.ParseKind(strings.TrimSpace(unit))
	if err != nil {
		r.errorf(n, key, "%s is not a number and a unit, such as 24 hours or 5 working_days (units: hours, working_hours, working_days, days)", limits.Quote(s))
		return 0, 0
	}
	d, err := sla.ParseLimit(kind, num)
	if err != nil {
		r.errorf(n, key, "%v", err)
		return 0, 0
	}
	return kind, d
}

var fieldKeys = []string{"count", "sum", "mean", "max", "where", "clock", "month"}

// eventField reads one field a source yields.
func (r *reader) eventField(rb *Rulebook, s *EventSource, p entry, key string) *EventField {
	m := r.mapping(p.value, key, fieldKeys...)
	if m == nil {
		return nil
	}
	f := &EventField{Name: p.key.Value, Source: s, Pos: r.pos(p.key), node: p.key}
	decl, ok := rb.Field(f.Name)
	switch {
	case !ok:
		r.errorf(p.key, key, "%s is not a declared field: declare it in fields (int for a count)", limits.Quote(f.Name))
		return nil
	case f.Name == rb.Charge:
		r.errorf(p.key, key, "the charge comes from the data file, not from events")
		return nil
	}
	f.Type = decl.Type
	r.eventAggregate(s, f, m, p.value, key)
	if e, ok := m["where"]; ok {
		f.Where = r.expr(e.value, key+".where")
	}
	if e, ok := m["clock"]; ok {
		if name, ok := r.str(e.value, key+".clock"); ok {
			if f.Clock = s.Clock(name); f.Clock == nil {
				r.errorf(e.value, key+".clock", "%s is not a clock of the source", limits.Quote(name))
			}
		}
	} else if f.Aggregate == CountMet || f.Aggregate == CountMissed {
		r.errorf(p.value, key, "counting events that met or missed a clock needs the clock: give clock")
	}
	r.fieldMonth(s, f, m, key)
	r.fieldType(f, decl, p.key, key)
	return f
}

// eventAggregate reads which of count, sum, mean and max the field is.
func (r *reader) eventAggregate(s *EventSource, f *EventField, m map[string]entry, n *yaml.Node, key string) {
	var given []string
	for _, k := range []string{"count", "sum", "mean", "max"} {
		if _, ok := m[k]; ok {
			given = append(given, k)
		}
	}
	if len(given) != 1 {
		r.errorf(n, key, "give one of count, sum, mean and max")
		return
	}
	e := m[given[0]]
	switch given[0] {
	case "count":
		v, ok := r.str(e.value, key+".count")
		if !ok {
			return
		}
		a, known := map[string]EventAggregate{"events": CountEvents, "met": CountMet, "missed": CountMissed}[v]
		if !known {
			r.errorf(e.value, key+".count", "unknown count %s (expected events, met or missed)", limits.Quote(v))
			return
		}
		f.Aggregate = a
	default:
		f.Aggregate = map[string]EventAggregate{"sum": SumOf, "mean": MeanOf, "max": MaxOf}[given[0]]
		f.Column = r.columnRef(s.Columns, e.value, key+"."+given[0], ColNumber)
	}
}

// fieldMonth reads month: deadline (the default with a clock), start (the
// default without) or end.
func (r *reader) fieldMonth(s *EventSource, f *EventField, m map[string]entry, key string) {
	f.Month = ByStart
	if f.Clock != nil {
		f.Month = ByDeadline
	}
	e, ok := m["month"]
	if !ok {
		return
	}
	v, ok := r.str(e.value, key+".month")
	if !ok {
		return
	}
	i := slices.Index(monthByNames[:], v)
	switch {
	case i < int(ByDeadline):
		r.errorf(e.value, key+".month", "unknown month %s (expected deadline, start or end)", limits.Quote(v))
	case MonthBy(i) == ByDeadline && f.Clock == nil:
		r.errorf(e.value, key+".month", "a field without a clock has no deadline: give clock, or month start or end")
	case MonthBy(i) == ByEnd && f.Clock == nil && s.End == "":
		r.errorf(e.value, key+".month", "the source declares no end: give clock, or month start")
	default:
		f.Month = MonthBy(i)
	}
}

// fieldType checks the field's declared type against its aggregate.
func (r *reader) fieldType(f *EventField, decl Field, n *yaml.Node, key string) {
	var want []FieldType
	switch f.Aggregate {
	case CountEvents, CountMet, CountMissed:
		want = []FieldType{TypeInt}
	case SumOf, MaxOf:
		want = []FieldType{TypeInt, TypeDecimal}
	case MeanOf:
		want = []FieldType{TypeDecimal}
	default:
		return // reported by eventAggregate
	}
	if !slices.Contains(want, decl.Type) {
		names := make([]string, len(want))
		for i, t := range want {
			names[i] = t.String()
		}
		r.errorf(n, key, "a field of %v must be declared %s, but fields declares it %v", f.Aggregate, strings.Join(names, " or "), decl.Type)
	}
}
