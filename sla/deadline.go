package sla

import (
	"math"
	"slices"
	"time"
)

// An Interval is the span of time from Start to End, End excluded. As a
// clock stop, it pauses the clock. An Interval whose End is not after its
// Start is empty.
type Interval struct {
	Start, End time.Time
}

// MergeStops returns the parts of stops that fall within the interval
// within, in order of start, with overlapping or touching stops merged into
// one: the stops a clock running over within sees. Empty stops are
// dropped.
func MergeStops(stops []Interval, within Interval) []Interval {
	var out []Interval
	for _, s := range stops {
		if s.Start.Before(within.Start) {
			s.Start = within.Start
		}
		if s.End.After(within.End) {
			s.End = within.End
		}
		if s.End.After(s.Start) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(x, y Interval) int { return x.Start.Compare(y.Start) })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && !s.Start.After(merged[n-1].End) {
			if s.End.After(merged[n-1].End) {
				merged[n-1].End = s.End
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// A span is an interval in Unix nanoseconds.
type span struct{ a, b int64 }

// toSpans appends the non-empty stops to buf as spans.
func toSpans(stops []Interval, buf []span) []span {
	for _, s := range stops {
		if a, b := nanos(s.Start), nanos(s.End); a < b {
			buf = append(buf, span{a, b})
		}
	}
	return buf
}

// The instants the package computes with, in Unix nanoseconds: every
// time.Time is clamped to those an int64 holds. A stop reaching past
// horizon, shortly before the calendar's last day, holds the clock for
// ever.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
	horizon = time.Date(lastTableYear, time.December, 30, 0, 0, 0, 0, time.UTC).UnixNano()
)

// nanos returns t in Unix nanoseconds, clamped to what an int64 holds.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// Deadline returns the instant by which an event that started at start is
// due: the earliest instant at which the counted time reaches the limit,
// counting on the clock's schedule from start (from 00:00 of the next day
// for WorkingDays and Days) and not counting the stops. Stops may overlap
// and be in any order; their parts outside the clock's interval do not
// matter. The deadline is in the calendar's zone (start's for an Hours
// clock without a calendar). If stops hold the clock past the calendar's
// years, the deadline is time.Unix(0, math.MaxInt64), after every event.
//
// Deadline allocates nothing for up to 16 stops. It panics if the clock is
// not valid, or if start is outside the calendar's years (MinYear to 2261).
func (c Clock) Deadline(start time.Time, stops []Interval) time.Time {
	d := c.deadline(nanos(start), stops)
	loc := start.Location()
	if c.Calendar != nil {
		loc = c.Calendar.loc
	}
	return time.Unix(0, d).In(loc)
}

// Met reports whether an event that started at start and ended at end met
// the clock: whether end is at or before the deadline.
func (c Clock) Met(start, end time.Time, stops []Interval) bool {
	return nanos(end) <= c.deadline(nanos(start), stops)
}

// deadline returns the deadline of an event that started at s.
func (c Clock) deadline(s int64, stops []Interval) int64 {
	if err := c.Validate(); err != nil {
		panic("sla: " + err.Error())
	}
	var buf [16]span
	spans := buf[:0]
	if len(stops) > len(buf) {
		spans = make([]span, 0, len(stops))
	}
	spans = toSpans(stops, spans)
	for i := 1; i < len(spans); i++ { // insertion sort: few stops, mostly in order
		for j := i; j > 0 && spans[j].a < spans[j-1].a; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	return c.walk(c.origin(s), int64(c.Limit), spans)
}

// origin returns the instant the clock starts counting for an event that
// started at s: s, or for WorkingDays and Days 00:00 of the next day.
func (c Clock) origin(s int64) int64 {
	if !c.Kind.inDays() {
		return s
	}
	return c.Calendar.dayStart(c.Calendar.dayOf(s)+1) * 1e9
}

// walk returns the earliest instant at which the counted time from t,
// less the stops (sorted by start), reaches rem.
func (c Clock) walk(t, rem int64, stops []span) int64 {
	for _, s := range stops {
		if s.b <= t {
			continue
		}
		if s.a >= horizon {
			break
		}
		n := c.counted(t, max(s.a, t))
		if n >= rem {
			break
		}
		rem -= n
		if t = s.b; t >= horizon {
			return math.MaxInt64
		}
	}
	return c.advance(t, rem)
}

// counted returns the clock's counted time from u to v (u <= v), stops
// aside.
func (c Clock) counted(u, v int64) int64 {
	if c.Kind == Hours {
		return v - u
	}
	return c.Calendar.counted(c.Kind, u, v)
}

// advance returns the earliest instant from u at which the clock's
// counted time from u, stops aside, is x.
func (c Clock) advance(u, x int64) int64 {
	if c.Kind == Hours {
		if u > math.MaxInt64-x {
			return math.MaxInt64
		}
		return u + x
	}
	return c.Calendar.advance(c.Kind, u, x)
}
