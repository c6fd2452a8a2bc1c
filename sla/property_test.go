package sla_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/require"
)

// refDeadline is a slow, plain reading of the methodology to check Deadline
// against: walk the schedule day by day with time.Date (Europe/London has no
// clock change at midnight or in working hours), cut the stops out of each
// day's piece, and stop where the counted time reaches the limit. On day
// clocks a day counts one day however long it is, and a part of a day its
// share of the day's length: counted time is kept as an exact fraction.
func refDeadline(c *sla.Calendar, k sla.Kind, limit time.Duration, start time.Time,
	stops []sla.Interval) time.Time {
	loc := c.Location()
	day := sla.DateOf(start.In(loc))
	midnight := func(d sla.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc) }
	from := start
	days := k == sla.WorkingDays || k == sla.Days
	if days {
		day = day.AddDays(1)
		from = midnight(day)
	}
	rem := big.NewRat(int64(limit), 1)
	for ; ; day = day.AddDays(1) {
		if day.Year > 2100 {
			panic(fmt.Sprintf("reference: %v %v from %v, stops %v: no deadline", limit, k, start, stops))
		}
		lo, hi := midnight(day), midnight(day.AddDays(1))
		length := hi.Sub(lo) // the real length of a counted day's unit
		if !days {
			length = sla.Day
		}
		switch {
		case k == sla.WorkingHours && c.IsWorkingDay(day):
			lo = time.Date(day.Year, day.Month, day.Day, 9, 0, 0, 0, loc)
			hi = time.Date(day.Year, day.Month, day.Day, 17, 0, 0, 0, loc)
		case k == sla.WorkingHours || k == sla.WorkingDays && !c.IsWorkingDay(day):
			continue
		}
		if lo.Before(from) {
			lo = from
		}
		if !hi.After(lo) {
			continue
		}
		for _, p := range cut(lo, hi, stops) {
			n := big.NewRat(int64(p.End.Sub(p.Start)), int64(length))
			n.Mul(n, big.NewRat(int64(sla.Day), 1))
			if n.Cmp(rem) >= 0 {
				// The first instant at which the counted time reaches rem.
				x := new(big.Rat).Mul(rem, big.NewRat(int64(length), int64(sla.Day)))
				q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
				if r.Sign() > 0 {
					q.Add(q, big.NewInt(1))
				}
				return p.Start.Add(time.Duration(q.Int64()))
			}
			rem.Sub(rem, n)
		}
	}
}

// cut returns the parts of [lo, hi) outside every stop.
func cut(lo, hi time.Time, stops []sla.Interval) []sla.Interval {
	parts := []sla.Interval{{Start: lo, End: hi}}
	for _, s := range stops {
		var next []sla.Interval
		for _, p := range parts {
			if !s.Start.Before(p.End) || !s.End.After(p.Start) || !s.End.After(s.Start) {
				next = append(next, p)
				continue
			}
			if s.Start.After(p.Start) {
				next = append(next, sla.Interval{Start: p.Start, End: s.Start})
			}
			if s.End.Before(p.End) {
				next = append(next, sla.Interval{Start: s.End, End: p.End})
			}
		}
		parts = next
	}
	slices.SortFunc(parts, func(a, b sla.Interval) int { return a.Start.Compare(b.Start) })
	return parts
}

// A random event: a start from 2019 to 2027, often near a clock change,
// Christmas or New Year, at a time of day often on the hour; up to five
// stops of a few minutes to a few days near it, some empty or inverted.
type event struct {
	clock sla.Clock
	start time.Time
	stops []sla.Interval
}

var kinds = []sla.Kind{sla.Hours, sla.WorkingHours, sla.WorkingDays, sla.Days}

func randomEvent(r *rand.Rand, cals []*sla.Calendar) event {
	loc := sla.London()
	var start time.Time
	switch r.IntN(4) {
	case 0: // the days around the clock changes
		month := []time.Month{time.March, time.October}[r.IntN(2)]
		start = time.Date(2019+r.IntN(9), month, 23+r.IntN(9), 0, 0, 0, 0, loc)
	case 1: // Christmas and New Year
		start = time.Date(2019+r.IntN(9), time.December, 20+r.IntN(12), 0, 0, 0, 0, loc)
	default:
		start = time.Date(2019, 1, 1+r.IntN(9*365), 0, 0, 0, 0, loc)
	}
	if r.IntN(3) == 0 {
		start = start.Add(time.Duration(r.IntN(24)) * time.Hour)
	} else {
		start = start.Add(time.Duration(r.IntN(86400)) * time.Second)
	}
	k := kinds[r.IntN(len(kinds))]
	limit := time.Duration(1+r.IntN(10)) * sla.Day
	if k == sla.Hours || k == sla.WorkingHours {
		limit = time.Duration(1+r.IntN(80*4)) * 15 * time.Minute
	}
	e := event{clock: sla.Clock{Kind: k, Limit: limit, Calendar: cals[r.IntN(len(cals))]}, start: start}
	for range r.IntN(6) {
		a := start.Add(time.Duration(r.IntN(10*86400)-86400) * time.Second)
		n := time.Duration(r.IntN(4*86400)-3600) * time.Second
		if r.IntN(2) == 0 {
			n = time.Duration(r.IntN(6*60)) * time.Minute
		}
		e.stops = append(e.stops, sla.Interval{Start: a, End: a.Add(n)})
	}
	return e
}

func (e event) String() string {
	return fmt.Sprintf("%v on %v from %v, stops %v", e.clock, e.clock.Calendar.Nation(),
		e.start.Format(time.RFC3339), e.stops)
}

func calendars(t testing.TB) []*sla.Calendar {
	return []*sla.Calendar{
		calendar(t, sla.EnglandAndWales), calendar(t, sla.Scotland),
		calendar(t, sla.NorthernIreland, sla.Date{Year: 2024, Month: 12, Day: 24}),
	}
}

// Deadline agrees with the plain reading of the methodology.
func TestDeadlineMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cals := calendars(t)
	for range 5000 {
		e := randomEvent(r, cals)
		want := refDeadline(e.clock.Calendar, e.clock.Kind, e.clock.Limit, e.start, e.stops)
		got := e.clock.Deadline(e.start, e.stops)
		requireNear(t, e, want, got)
	}
}

// requireNear checks a deadline against the reference's: exactly, but for
// a nanosecond of rounding per stop where a day clock's day is not 24
// hours long (a part of such a day counts its share of the day, which is
// rarely a whole number of nanoseconds).
func requireNear(t *testing.T, e event, want, got time.Time) {
	t.Helper()
	if got.Sub(want).Abs() > slack(e) {
		t.Fatalf("%v: deadline %v, want %v", e, got, want)
	}
}

func slack(e event) time.Duration {
	if e.clock.Kind == sla.Hours || e.clock.Kind == sla.WorkingHours {
		return 0
	}
	return time.Duration(len(e.stops) + 1)
}

// The deadline never moves earlier when the start or the limit grows or a
// stop is added; it does not depend on the stops' order, nor on stops being
// merged and clipped first.
func TestDeadlineProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	cals := calendars(t)
	for range 3000 {
		e := randomEvent(r, cals)
		c, d := e.clock, e.clock.Deadline(e.start, e.stops)
		later := e.start.Add(time.Duration(r.IntN(3*86400)) * time.Second)
		require.False(t, c.Deadline(later, e.stops).Before(d.Add(-slack(e))), "%v: later start %v", e, later)

		more := c
		unit := sla.Day
		if c.Kind == sla.Hours || c.Kind == sla.WorkingHours {
			unit = 15 * time.Minute
		}
		more.Limit += time.Duration(r.IntN(5)) * unit
		require.False(t, more.Deadline(e.start, e.stops).Before(d.Add(-slack(e))), "%v: limit %v", e, more.Limit)

		a := e.start.Add(time.Duration(r.IntN(5*86400)) * time.Second)
		extra := append(slices.Clone(e.stops), sla.Interval{Start: a, End: a.Add(time.Duration(r.IntN(86400)) * time.Second)})
		require.False(t, c.Deadline(e.start, extra).Before(d.Add(-slack(e))), "%v: extra stop %v", e, extra[len(extra)-1])

		shuffled := slices.Clone(e.stops)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		require.True(t, c.Deadline(e.start, shuffled).Equal(d), "%v: shuffled", e)

		merged := sla.MergeStops(e.stops, sla.Interval{Start: e.start, End: d.Add(time.Hour)})
		requireNear(t, e, d, c.Deadline(e.start, merged))
		for i := 1; i < len(merged); i++ {
			require.True(t, merged[i-1].End.Before(merged[i].Start), "%v: merged %v", e, merged)
		}

		require.True(t, c.Met(e.start, d, e.stops))
		require.False(t, c.Met(e.start, d.Add(time.Second), e.stops))
	}
}

// Many stops (more than fit the stack buffer) agree with the reference too.
func TestDeadlineManyStops(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	cals := calendars(t)
	for range 200 {
		e := randomEvent(r, cals)
		for range 17 + r.IntN(20) {
			a := e.start.Add(time.Duration(r.IntN(20*86400)) * time.Second)
			e.stops = append(e.stops, sla.Interval{Start: a, End: a.Add(time.Duration(r.IntN(7200)) * time.Second)})
		}
		want := refDeadline(e.clock.Calendar, e.clock.Kind, e.clock.Limit, e.start, e.stops)
		requireNear(t, e, want, e.clock.Deadline(e.start, e.stops))
	}
}
