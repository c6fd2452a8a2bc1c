package sla

import (
	"math"
	"math/bits"
	"time"
)

// A yearTable holds a calendar's days of one year: when each begins, its
// working hours, and running totals of working days and working-hour
// seconds, so that a question about any span costs a few lookups. Day i is
// the i-th day of the year from 0. A table is immutable once built.
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
	// days and hourSecs[i] are the working days and the seconds of working
	// hours before day i.
	days     [367]int16
	hourSecs [367]int32
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
		t.days[i+1], t.hourSecs[i+1] = t.days[i], t.hourSecs[i]
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
		t.hourSecs[i+1] += t.close[i] - t.open[i]
	}
	return t
}

// working reports whether day i is a working day.
func (t *yearTable) working(i int) bool { return t.days[i+1] > t.days[i] }

// length returns the length of day i in nanoseconds.
func (t *yearTable) length(i int) int64 { return (t.start[i+1] - t.start[i]) * 1e9 }

// cum returns the counted time of a clock of kind k (WorkingDays or
// WorkingHours) from the start of the year to instant u, in nanoseconds;
// u is in day i.
func (t *yearTable) cum(k Kind, i int, u int64) int64 {
	if k == WorkingDays {
		f := int64(t.days[i]) * dayNanos
		if t.working(i) {
			f += toDay(u-t.start[i]*1e9, t.length(i))
		}
		return f
	}
	open := (t.start[i] + int64(t.open[i])) * 1e9
	return int64(t.hourSecs[i])*1e9 + min(max(u-open, 0), int64(t.close[i]-t.open[i])*1e9)
}

// total returns the counted time of a clock of kind k (WorkingDays or
// WorkingHours) over the whole year.
func (t *yearTable) total(k Kind) int64 {
	if k == WorkingDays {
		return int64(t.days[t.n]) * dayNanos
	}
	return int64(t.hourSecs[t.n]) * 1e9
}

// at returns the earliest instant at which the counted time of a clock of
// kind k (WorkingDays or WorkingHours) from the start of the year is f,
// for 0 < f <= t.total(k).
func (t *yearTable) at(k Kind, f int64) int64 {
	if k == WorkingDays {
		n := (f - 1) / dayNanos // f is reached in the year's n-th working day
		i := int(t.nth[n])
		return t.start[i]*1e9 + fromDay(f-n*dayNanos, t.length(i))
	}
	lo, hi := 0, t.n-1 // find the first day i with hourSecs[i+1] >= f
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int64(t.hourSecs[mid+1])*1e9 >= f {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return (t.start[lo]+int64(t.open[lo]))*1e9 + f - int64(t.hourSecs[lo])*1e9
}

// dayNanos is the counted time of one whole day on a WorkingDays or Days
// clock, however long the day: a day is the unit of those clocks, and a
// part of a day counts its share of the day's real length.
const dayNanos = int64(Day)

// toDay converts x nanoseconds into a day of real length n to counted
// time, rounding down.
func toDay(x, n int64) int64 {
	if n == dayNanos {
		return x
	}
	hi, lo := bits.Mul64(uint64(x), uint64(dayNanos))
	q, _ := bits.Div64(hi, lo, uint64(n))
	return int64(q)
}

// fromDay is the inverse of toDay: the fewest nanoseconds into a day of
// real length n whose counted time is f (0 <= f <= dayNanos).
func fromDay(f, n int64) int64 {
	if n == dayNanos {
		return f
	}
	hi, lo := bits.Mul64(uint64(f), uint64(n))
	q, r := bits.Div64(hi, lo, uint64(dayNanos))
	if r != 0 {
		q++
	}
	return int64(q)
}

// locate returns the table holding day number n and n's index in it.
func (c *Calendar) locate(n int) (*yearTable, int) {
	// 146097 days make 400 years: the guess is at most a year out.
	y := min(max(1970+floorDiv(n*400, 146097), firstTableYear), lastTableYear)
	t := c.table(y)
	for n < t.jan1 {
		t = c.table(t.year - 1)
	}
	for n >= t.jan1+t.n {
		t = c.table(t.year + 1)
	}
	return t, n - t.jan1
}

// dayStart returns the first instant of day number n, in Unix seconds.
func (c *Calendar) dayStart(n int) int64 {
	t, i := c.locate(n)
	return t.start[i]
}

// find returns the table and index of the day holding instant u (Unix
// nanoseconds).
func (c *Calendar) find(u int64) (*yearTable, int) {
	sec := floorDiv64(u, 1e9)
	_, off := time.Unix(sec, 0).In(c.loc).Zone()
	n := int(floorDiv64(sec+int64(off), 86400)) // the local date's day number
	t, i := c.locate(n)
	if sec >= t.start[i] && sec < t.start[i+1] {
		return t, i
	}
	// A zone whose clocks go back over midnight: the repeated hour belongs
	// to the day that began first.
	for sec < c.dayStart(n) {
		n--
	}
	for sec >= c.dayStart(n+1) {
		n++
	}
	return c.locate(n)
}

// dayOf returns the number of the day holding instant u (Unix
// nanoseconds).
func (c *Calendar) dayOf(u int64) int {
	t, i := c.find(u)
	return t.jan1 + i
}

// intoDay returns the number of the day holding instant u and the counted
// time of a Days clock from that day's start to u.
func (c *Calendar) intoDay(u int64) (n int, f int64) {
	t, i := c.find(u)
	return t.jan1 + i, toDay(u-t.start[i]*1e9, t.length(i))
}

// counted returns the counted time of a clock of kind k (WorkingHours,
// WorkingDays or Days) from u to v (u <= v), in nanoseconds.
func (c *Calendar) counted(k Kind, u, v int64) int64 {
	if k == Days {
		nu, fu := c.intoDay(u)
		nv, fv := c.intoDay(v)
		return int64(nv-nu)*dayNanos + fv - fu
	}
	tu, iu := c.find(u)
	tv, iv := c.find(v)
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
// of a clock of kind k (WorkingHours, WorkingDays or Days) from u is x, or
// math.MaxInt64 if that is after the calendar's last year.
func (c *Calendar) advance(k Kind, u, x int64) int64 {
	if x == 0 {
		return u
	}
	if k == Days {
		n, f := c.intoDay(u)
		f += x
		m := (f - 1) / dayNanos // f is reached in the m-th day after n
		if dateOfDay(n+int(m)).Year > lastTableYear {
			return math.MaxInt64
		}
		t, i := c.locate(n + int(m))
		return t.start[i]*1e9 + fromDay(f-m*dayNanos, t.length(i))
	}
	t, i := c.find(u)
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
