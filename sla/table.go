package sla

import (
	"math"
	"time"
)

// A yearTable holds a calendar's days of one year: when each begins, its
// working hours, and running totals of working days, working-day seconds
// and working-hour seconds, so that a question about any span costs a few
// lookups. Day i is the i-th day of the year from 0. A table is immutable
// once built.
type yearTable struct {
	year int
	jan1 int // day number of 1 January
	n    int // days in the year
	// start[i] is the first instant of day i, in Unix seconds; start[n] is
	// that of the next 1 January.
	start [367]int64
	// open[i] and close[i] bound day i's working hours, in seconds after
	// start[i]; they are equal on a day that is not a working day.
	open, close [366]int32
	// days, daySecs and hourSecs[i] are the working days, the seconds of
	// working days and the seconds of working hours before day i.
	days              [367]int16
	daySecs, hourSecs [367]int32
	// nth[k] is the day of the year's k-th working day, from 0.
	nth [366]int16
}

// newYearTable builds the table of year y.
func (c *Calendar) newYearTable(y int) *yearTable {
	t := &yearTable{year: y, jan1: Date{y, time.January, 1}.dayNumber(), n: 365}
	if isLeap(y) {
		t.n = 366
	}
	var holiday [366]bool
	for _, h := range holidays(c.nation, y) {
		holiday[h.Date.dayNumber()-t.jan1] = true
	}
	for i := 0; i <= t.n; i++ {
		t.start[i], _, _ = localInstant(c.loc, int64(t.jan1+i)*86400)
	}
	for i := 0; i < t.n; i++ {
		day := t.jan1 + i
		d := dateOfDay(day)
		wd := d.Weekday()
		t.days[i+1], t.daySecs[i+1], t.hourSecs[i+1] = t.days[i], t.daySecs[i], t.hourSecs[i]
		if wd == time.Saturday || wd == time.Sunday || holiday[i] || c.extra[d] {
			continue
		}
		length := t.start[i+1] - t.start[i]
		at := func(sec int64) int32 {
			u, _, _ := localInstant(c.loc, int64(day)*86400+sec)
			return int32(min(max(u-t.start[i], 0), length))
		}
		t.open[i], t.close[i] = at(c.workStart), at(c.workEnd)
		t.nth[t.days[i]] = int16(i)
		t.days[i+1]++
		t.daySecs[i+1] += int32(length)
		t.hourSecs[i+1] += t.close[i] - t.open[i]
	}
	return t
}

// working reports whether day i is a working day.
func (t *yearTable) working(i int) bool { return t.days[i+1] > t.days[i] }

// cum returns the counted time of a clock of kind k (WorkingDays or
// WorkingHours) from the start of the year to instant u, in nanoseconds;
// u is in day i.
func (t *yearTable) cum(k Kind, i int, u int64) int64 {
	if k == WorkingDays {
		f := int64(t.daySecs[i]) * 1e9
		if t.working(i) {
			f += u - t.start[i]*1e9
		}
		return f
	}
	open := (t.start[i] + int64(t.open[i])) * 1e9
	return int64(t.hourSecs[i])*1e9 + min(max(u-open, 0), int64(t.close[i]-t.open[i])*1e9)
}

// total returns the counted time of a clock of kind k over the whole year.
func (t *yearTable) total(k Kind) int64 { return t.cumDay(k, t.n) }

// cumDay returns the counted time of kind k before day i.
func (t *yearTable) cumDay(k Kind, i int) int64 {
	if k == WorkingDays {
		return int64(t.daySecs[i]) * 1e9
	}
	return int64(t.hourSecs[i]) * 1e9
}

// at returns the earliest instant at which the counted time of kind k
// from the start of the year is f, for 0 < f <= t.total(k).
func (t *yearTable) at(k Kind, f int64) int64 {
	lo, hi := 0, t.n-1 // find the first day i with cumDay(i+1) >= f
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if t.cumDay(k, mid+1) >= f {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	base := t.start[lo]
	if k == WorkingHours {
		base += int64(t.open[lo])
	}
	return base*1e9 + f - t.cumDay(k, lo)
}

// locate returns the table holding day number n and n's index in it.
func (c *Calendar) locate(n int) (*yearTable, int) {
	t := c.table(dateOfDay(n).Year)
	return t, n - t.jan1
}

// dayStart returns the first instant of day number n, in Unix seconds.
func (c *Calendar) dayStart(n int) int64 {
	t, i := c.locate(n)
	return t.start[i]
}

// dayOf returns the number of the day holding instant u (Unix
// nanoseconds).
func (c *Calendar) dayOf(u int64) int {
	sec := floorDiv64(u, 1e9)
	n := DateOf(time.Unix(sec, 0).In(c.loc)).dayNumber()
	for sec < c.dayStart(n) {
		n--
	}
	for sec >= c.dayStart(n+1) {
		n++
	}
	return n
}

// counted returns the counted time of a clock of kind k (WorkingDays or
// WorkingHours) from u to v (u <= v), in nanoseconds.
func (c *Calendar) counted(k Kind, u, v int64) int64 {
	tu, iu := c.locate(c.dayOf(u))
	tv, iv := c.locate(c.dayOf(v))
	fv := tv.cum(k, iv, v)
	if tu == tv {
		return fv - tu.cum(k, iu, u)
	}
	f := tu.total(k) - tu.cum(k, iu, u)
	for y := tu.year + 1; y < tv.year; y++ {
		f += c.table(y).total(k)
	}
	return f + fv
}

// advance returns the earliest instant v >= u at which the counted time
// of a clock of kind k (WorkingDays or WorkingHours) from u is x, or
// math.MaxInt64 if that is after the calendar's last year.
func (c *Calendar) advance(k Kind, u, x int64) int64 {
	if x == 0 {
		return u
	}
	t, i := c.locate(c.dayOf(u))
	f := t.cum(k, i, u) + x
	for f > t.total(k) {
		if t.year == lastTableYear {
			return math.MaxInt64
		}
		f -= t.total(k)
		t = c.table(t.year + 1)
	}
	return t.at(k, f)
}

// addWorkingDays returns the number of the k-th working day after day
// number n (before it when k < 0).
func (c *Calendar) addWorkingDays(n, k int) int {
	t, i := c.locate(n)
	switch {
	case k > 0:
		idx := int(t.days[i+1]) + k - 1
		for idx >= int(t.days[t.n]) {
			idx -= int(t.days[t.n])
			t = c.table(t.year + 1)
		}
		return t.jan1 + int(t.nth[idx])
	case k < 0:
		idx := int(t.days[i]) + k
		for idx < 0 {
			t = c.table(t.year - 1)
			idx += int(t.days[t.n])
		}
		return t.jan1 + int(t.nth[idx])
	}
	return n
}
