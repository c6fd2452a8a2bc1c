package events

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
)

// DefaultExplainLimit is how many events that missed a clock an
// explanation keeps per field unless asked for another number.
const DefaultExplainLimit = 20

// Explanation is the events behind one lot-month's event fields.
type Explanation struct {
	Lot    []string
	Month  rules.Month
	Fields []FieldExplanation // in the order the sources declare them
	// Open counts, per source, the lot's events that started in the month
	// and were left out of a field as open and not yet due.
	Open map[string]int64
}

// FieldExplanation is how one field's value for the lot-month came about.
type FieldExplanation struct {
	Field     string
	Source    string
	Aggregate rules.EventAggregate
	Where     string // the filter; "" for every event
	Clock     string // the clock's name and rule, as "emergency (24 hours)"; "" for none
	Month     rules.MonthBy
	Value     decimal.Decimal
	// Events counts the events that passed the filter and counted in the
	// month; with a clock, Met, Missed and Late split them (Late: still
	// open past the deadline, so missed).
	Events            int64
	Met, Missed, Late int64
	// Failed lists the first events (in file order, up to the request's
	// limit) that missed the clock or were late.
	Failed []EventDetail
	// Excluded lists the events an exclusion left out of the field in
	// the month.
	Excluded []ExcludedEvent
}

// EventDetail is an event's clock, for an explanation.
type EventDetail struct {
	ID       string
	File     string
	Row      int64 // its line (row, for Parquet) in File
	Parquet  bool
	Start    time.Time
	Deadline time.Time
	End      time.Time     // zero when still open (late)
	Stopped  time.Duration // stop time the clock did not count before the deadline
}

// explainer collects one lot-month's explanation.
type explainer struct {
	lot    int
	month  rules.Month
	limit  int
	fields []FieldExplanation
}

func newExplainer(p *Program, a *Aggregator, req *ExplainRequest) (*explainer, error) {
	lot, ok := a.lotIndex[strings.Join(req.Lot, "\x00")]
	if !ok || len(req.Lot) != len(p.rb.Keys) {
		return nil, &UsageError{Msg: fmt.Sprintf("the lot %s to explain is not in the monthly data", limits.Name(strings.Join(req.Lot, " / ")))}
	}
	if a.monthIndex(req.Month) < 0 {
		return nil, &UsageError{Msg: fmt.Sprintf("the month %s to explain is not in the monthly data (%s to %s)", req.Month, a.opt.First, a.opt.Last)}
	}
	x := &explainer{lot: lot, month: req.Month, limit: req.Limit}
	if x.limit <= 0 {
		x.limit = DefaultExplainLimit
	}
	for _, f := range p.fields {
		fe := FieldExplanation{Field: f.spec.Name, Source: f.src.spec.Name, Aggregate: f.spec.Aggregate,
			Where: f.spec.Where.Source, Month: f.spec.Month}
		if c := f.spec.Clock; c != nil {
			fe.Clock = c.Name + " (" + clockRule(c) + ")"
		}
		x.fields = append(x.fields, fe)
	}
	return x, nil
}

// clockRule describes a clock's rule: "24 hours", "deadline from
// required_by", "at least 5 days".
func clockRule(c *rules.EventClock) string {
	rule := "deadline from " + c.Deadline
	if c.Deadline == "" {
		rule = sla.Clock{Kind: c.Kind, Limit: c.Limit}.String()
	}
	if c.Minimum {
		rule = "at least " + rule
	}
	return rule
}

// add records an event counted in a field of the lot-month.
func (x *explainer) add(st *state, f *field, m rules.Month, o *outcome) {
	if st.lot != x.lot || m != x.month {
		return
	}
	fe := &x.fields[f.index]
	fe.Events++
	if o == nil {
		return
	}
	switch o.status {
	case statusMet:
		fe.Met++
		return
	case statusMissed:
		fe.Missed++
	case statusLate:
		fe.Late++
	}
	if len(fe.Failed) < x.limit {
		fe.Failed = append(fe.Failed, st.detail(f, o))
	}
}

// exclude records an event an exclusion left out of a field of the
// lot-month.
func (x *explainer) exclude(f *field, ev ExcludedEvent) {
	x.fields[f.index].Excluded = append(x.fields[f.index].Excluded, ev)
}

// detail describes an event's clock.
func (st *state) detail(f *field, o *outcome) EventDetail {
	d := EventDetail{ID: st.cells[st.s.id], File: st.in.file, Row: st.line, Parquet: st.in.parquet,
		Start: o.from, Deadline: o.deadline}
	if o.hasTo {
		d.End = o.to
	}
	if st.s.clocks[f.clock].deadline < 0 && !o.deadline.Equal(never) {
		for _, s := range sla.MergeStops(st.clipStops(o), sla.Interval{Start: o.from, End: o.deadline}) {
			d.Stopped += s.End.Sub(s.Start)
		}
	}
	return d
}

// WriteText writes the explanation of the named fields (every field when
// names is empty) as text, for kpicredit explain.
func (e *Explanation) WriteText(w io.Writer, names ...string) error {
	var b strings.Builder
	for _, f := range e.Fields {
		if len(names) > 0 && !slices.Contains(names, f.Field) {
			continue
		}
		f.writeText(&b, e.Month)
	}
	if n := len(e.Open); n > 0 {
		var srcs []string
		for s := range e.Open {
			srcs = append(srcs, s)
		}
		slices.Sort(srcs)
		for _, s := range srcs {
			fmt.Fprintf(&b, "%s: %d events that started in %s are open and not yet due: counted once they end or fall due\n", s, e.Open[s], e.Month)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (f *FieldExplanation) writeText(b *strings.Builder, m rules.Month) {
	fmt.Fprintf(b, "%s = %s: %s of the %s events", f.Field, f.Value, f.Aggregate, f.Source)
	if f.Where != "" {
		fmt.Fprintf(b, " where %s", f.Where)
	}
	if f.Clock != "" {
		fmt.Fprintf(b, ", clock %s", f.Clock)
	}
	fmt.Fprintf(b, ", counted in their %s month\n", f.Month)
	fmt.Fprintf(b, "  %d events in %s", f.Events, m)
	if f.Clock != "" {
		fmt.Fprintf(b, ": %d met, %d missed, %d still open past the deadline", f.Met, f.Missed, f.Late)
	}
	b.WriteString("\n")
	if failed := f.Missed + f.Late; len(f.Failed) > 0 {
		fmt.Fprintf(b, "  missed the clock (%d of %d shown):\n", len(f.Failed), failed)
		for _, d := range f.Failed {
			end := "still open"
			if !d.End.IsZero() {
				end = "ended " + clockTime(d.End)
			}
			fmt.Fprintf(b, "    %s (%s %s): started %s, due %s, %s", limits.Name(d.ID), d.File, where(d.Parquet, d.Row), clockTime(d.Start), clockTime(d.Deadline), end)
			if d.Stopped > 0 {
				fmt.Fprintf(b, ", clock stopped %s", d.Stopped)
			}
			b.WriteString("\n")
		}
	}
	for _, x := range f.Excluded {
		fmt.Fprintf(b, "  excluded: %s (%s %s; line %d of the exclusions): %s\n", limits.Name(x.ID), x.File, where(x.Parquet, x.Row), x.Line, limits.Quote(x.Reason))
	}
}

// clockTime writes an instant as a local time with its zone's offset.
func clockTime(t time.Time) string {
	if t.Equal(never) {
		return "never (stopped)"
	}
	return t.Format("Mon 2 Jan 2006 15:04 -07:00")
}
