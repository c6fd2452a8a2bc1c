package rules

import (
	"fmt"
	"strconv"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// Aggregate says how a field's monthly values combine over a measurement
// period longer than a month.
type Aggregate uint8

// The aggregations a field may declare.
const (
	Sum  Aggregate = iota // the months' values added up (the default)
	Last                  // the last month's value
	Mean                  // the months' values added up and divided by their number
	Max                   // the largest of the months' values
)

var aggregateNames = [...]string{Sum: "sum", Last: "last", Mean: "mean", Max: "max"}

// String returns the aggregation as written in rulebooks.
func (a Aggregate) String() string {
	if int(a) < len(aggregateNames) {
		return aggregateNames[a]
	}
	return "unknown"
}

// PeriodKind is the kind of a KPI's measurement period.
type PeriodKind uint8

// The measurement periods.
const (
	Monthly   PeriodKind = iota // judged every month on the month (the default)
	Quarterly                   // judged in a quarter's last month on the quarter
	Rolling                     // judged every month on the trailing N months
)

// MaxRollingMonths is the longest rolling window a KPI may declare.
const MaxRollingMonths = 36

// Period is a KPI's measurement period.
type Period struct {
	Kind   PeriodKind
	Months int // the rolling window's length; 0 unless Kind is Rolling
}

// String writes the period as a rulebook would: month, quarter or
// rolling N.
func (p Period) String() string {
	switch p.Kind {
	case Quarterly:
		return "quarter"
	case Rolling:
		return "rolling " + strconv.Itoa(p.Months)
	}
	return "month"
}

// Span is the number of months a judgement covers: 1, 3 or the window's.
func (p Period) Span() int {
	switch p.Kind {
	case Quarterly:
		return 3
	case Rolling:
		return p.Months
	}
	return 1
}

// Quarter returns the first and last months of the quarter of the
// contract year that holds m. Contract years start at the rulebook's
// start, or in January without one; a last quarter cut short by the
// rulebook's end ends there.
func (b *Rulebook) Quarter(m Month) (first, last Month) {
	origin := Month(0) // January of year 0
	if b.Start != nil {
		origin = *b.Start
	}
	d := int(m - origin)
	q := d / 3
	if d < 0 {
		q = (d - 2) / 3
	}
	first = origin + Month(q*3)
	last = first + 2
	if b.End != nil && *b.End < last && *b.End >= first {
		last = *b.End
	}
	return first, last
}

// MaxSpan is the longest measurement period of any KPI of the rulebook,
// in months.
func (b *Rulebook) MaxSpan() int {
	n := 1
	for _, k := range b.KPIs {
		n = max(n, k.Period.Span())
	}
	return n
}

// period reads a KPI's period: month, quarter or {rolling: N}.
func (r *reader) period(n *yaml.Node, key string) (Period, *placed) {
	n = deref(n)
	at := r.place(n)
	if n.Kind == yaml.MappingNode {
		m := r.mapping(n, key, "rolling")
		e, ok := m["rolling"]
		if !ok {
			if m != nil {
				r.errorf(n, key, "missing required key %q", "rolling")
			}
			return Period{}, nil
		}
		v, ok := r.integer(e.value, key+".rolling", 0)
		switch {
		case !ok:
			return Period{}, nil
		case v < 1 || v > MaxRollingMonths:
			r.errorf(e.value, key+".rolling", "a rolling window is 1 to %d months, not %d", MaxRollingMonths, v)
			return Period{}, nil
		}
		return Period{Kind: Rolling, Months: v}, r.place(e.value)
	}
	s, ok := r.str(n, key)
	if !ok {
		return Period{}, nil
	}
	switch s {
	case "month":
		return Period{}, at
	case "quarter":
		return Period{Kind: Quarterly}, at
	}
	r.errorf(n, key, "unknown period %s (expected month, quarter or {rolling: N})", limits.Quote(s))
	return Period{}, nil
}

// field reads a field's declaration: a type, or {type, aggregate}.
func (r *reader) field(v *yaml.Node, key string) (FieldType, Aggregate, bool) {
	v = deref(v)
	typeNode := v
	var agg Aggregate
	if v.Kind == yaml.MappingNode {
		m := r.mapping(v, key, "type", "aggregate")
		if m == nil {
			return 0, 0, false
		}
		r.required(m, v, key, "type")
		e, ok := m["type"]
		if !ok {
			return 0, 0, false
		}
		typeNode = e.value
		if a, ok := m["aggregate"]; ok {
			if agg, ok = r.aggregate(a.value, key+".aggregate"); !ok {
				return 0, 0, false
			}
		}
	}
	s, ok := r.str(typeNode, key)
	if !ok {
		return 0, 0, false
	}
	t, ok := fieldTypeNames[s]
	if !ok {
		r.errorf(typeNode, key, "unknown field type %s (expected money, int, decimal or string)", limits.Quote(s))
		return 0, 0, false
	}
	if t == TypeString && agg != Sum {
		r.errorf(typeNode, key, "a string field is not aggregated: a period uses the month it is judged in")
		return 0, 0, false
	}
	return t, agg, true
}

func (r *reader) aggregate(n *yaml.Node, key string) (Aggregate, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	for a, name := range aggregateNames {
		if name == s {
			return Aggregate(a), true
		}
	}
	r.errorf(n, key, "unknown aggregation %s (expected sum, last, mean or max)", limits.Quote(s))
	return 0, false
}

// CheckSpan reports what the data's months, first to last (and the
// months before them whose fields an opening state gives), make
// impossible: a KPI whose measurement period is longer than the data, so
// that it is never judged, in the original terms, an amendment's or a
// scenario's; and, for a rulebook without a start, an amendment in force
// before the data's first month (without a start the data's first month
// is the earliest the contract is known to run). Each problem is placed at
// the key in the rulebook.
func (b *Rulebook) CheckSpan(first, last Month) error {
	first = b.historyFrom(first)
	ps := &problems{file: b.File}
	months := int(last-first) + 1
	seen := map[Pos]bool{} // a KPI's period recurs in later terms
	check := func(rb *Rulebook, prefix string) {
		for _, k := range rb.KPIs {
			if k.periodAt == nil || k.Period.Kind == Monthly || seen[k.periodAt.Pos] {
				continue
			}
			seen[k.periodAt.Pos] = true
			if k.Period.Kind == Rolling && k.Period.Months > months {
				ps.add(k.periodAt.Pos, prefix+k.ID+".period", "a rolling window of %d months is longer than the data (%d months, %s to %s): the KPI would never be judged",
					k.Period.Months, months, first, last)
			}
			if k.Period.Kind == Quarterly && !b.hasQuarter(first, last) {
				ps.add(k.periodAt.Pos, prefix+k.ID+".period", "the data (%s to %s) holds no whole quarter of the contract year: the KPI would never be judged", first, last)
			}
		}
	}
	check(b, "")
	for _, a := range b.Amendments {
		check(a.rules, "amendments."+a.ID+".")
		if b.Start == nil && a.From < first {
			ps.add(a.fromPos, "amendments."+a.ID+".from", "%s is before the data's first month %s, and the rulebook has no start: give the contract's start, or an amendment in force within the data", a.From, first)
		}
	}
	for _, s := range b.Scenarios {
		for _, e := range s.Timeline() {
			check(e.Rules, "scenarios."+s.ID+".")
		}
	}
	return ps.err()
}

// historyFrom is the first month whose fields a KPI measured over a
// period can see: the data's first, or an earlier month whose fields the
// opening state gives.
func (b *Rulebook) historyFrom(first Month) Month {
	if o := b.Opening; o != nil {
		for _, l := range o.Lots {
			for _, m := range l.Months {
				if m.Fields != nil && m.Month < first {
					first = m.Month
				}
			}
		}
	}
	return first
}

// hasQuarter reports whether months first to last hold a whole quarter.
func (b *Rulebook) hasQuarter(first, last Month) bool {
	for m := first; m <= last; m++ {
		if q, _ := b.Quarter(m); q == m {
			_, end := b.Quarter(m)
			return end <= last
		}
	}
	return false
}

// periodChange reports a KPI whose period changes to or from quarterly,
// or that becomes quarterly, at month m, the first month of the terms
// after, other than at the start of a quarter; "" when there is none.
func periodChange(before, after *Rulebook, m Month) string {
	if first, _ := after.Quarter(m); first == m {
		return ""
	}
	for _, k := range after.KPIs {
		old := before.KPI(k.ID)
		switch {
		case k.Period.Kind == Quarterly && old == nil:
			return fmt.Sprintf("%s is a quarterly KPI from %s", k.ID, m)
		case old == nil || old.Period == k.Period:
		case k.Period.Kind == Quarterly || old.Period.Kind == Quarterly:
			return fmt.Sprintf("%s is measured by %s from %s, by %s before", k.ID, k.Period, m, old.Period)
		}
	}
	return ""
}
