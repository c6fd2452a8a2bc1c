package sla

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/London without the host's zone files
)

// The years a Calendar holds tables for: from MinYear to the last year
// whose instants fit in int64 nanoseconds, so that a deadline past MaxYear
// can still be found.
const (
	firstTableYear = MinYear
	lastTableYear  = 2261
)

// DefaultWorkStart and DefaultWorkEnd are a calendar's working hours
// unless its Config declares others: 09:00 to 17:00 local time.
const (
	DefaultWorkStart = 9 * time.Hour
	DefaultWorkEnd   = 17 * time.Hour
)

// London returns the Europe/London time zone, the default of a Calendar.
func London() *time.Location { return london() }

var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
})

// A Config describes a Calendar.
type Config struct {
	// Nation whose bank holidays are not working days. Required.
	Nation Nation
	// Location is the time zone of local times and day boundaries; nil
	// means Europe/London.
	Location *time.Location
	// WorkStart and WorkEnd are the working hours on a working day, as
	// wall-clock times since midnight: 0 <= WorkStart < WorkEnd <= 24h.
	// Both zero means DefaultWorkStart to DefaultWorkEnd.
	WorkStart, WorkEnd time.Duration
	// NonWorkingDays are the contract's own non-working days, besides the
	// weekends and the nation's bank holidays.
	NonWorkingDays []Date
}

// A Calendar tells working days and working hours apart for one nation's
// bank holidays, a contract's non-working days and a time zone. It keeps a
// table per year, built on first use, so that its questions cost O(1) or
// O(log n) and allocate nothing. It answers for the years MinYear to 2261
// and panics outside them. Make one with NewCalendar; it is safe for
// concurrent use.
type Calendar struct {
	nation             Nation
	loc                *time.Location
	workStart, workEnd int64 // seconds since midnight
	extra              map[Date]bool
	years              [lastTableYear - firstTableYear + 1]atomic.Pointer[yearTable]
}

// NewCalendar returns the calendar cfg describes.
func NewCalendar(cfg Config) (*Calendar, error) {
	if !cfg.Nation.valid() {
		return nil, errors.New("sla: calendar needs a nation")
	}
	c := &Calendar{nation: cfg.Nation, loc: cfg.Location, extra: map[Date]bool{}}
	if c.loc == nil {
		c.loc = London()
	}
	ws, we := cfg.WorkStart, cfg.WorkEnd
	if ws == 0 && we == 0 {
		ws, we = DefaultWorkStart, DefaultWorkEnd
	}
	if ws < 0 || ws >= we || we > 24*time.Hour || ws%time.Second != 0 || we%time.Second != 0 {
		return nil, fmt.Errorf("sla: working hours %s to %s: want whole seconds, "+
			"0 <= start < end <= 24h", ws, we)
	}
	c.workStart, c.workEnd = int64(ws/time.Second), int64(we/time.Second)
	for _, d := range cfg.NonWorkingDays {
		if !d.IsValid() {
			return nil, fmt.Errorf("sla: non-working day %v is not a date", d)
		}
		c.extra[d] = true
	}
	return c, nil
}

// Nation returns the nation whose bank holidays the calendar observes.
func (c *Calendar) Nation() Nation { return c.nation }

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// WorkingHours returns the start and end of the working hours of a working
// day, as wall-clock times since midnight.
func (c *Calendar) WorkingHours() (start, end time.Duration) {
	return time.Duration(c.workStart) * time.Second, time.Duration(c.workEnd) * time.Second
}

// Holidays returns the nation's bank holidays observed in year, in date
// order (the contract's non-working days are not among them). Holidays are
// those of the rules in force from 1999; earlier years follow the same
// rules.
func (c *Calendar) Holidays(year int) []Holiday { return holidays(c.nation, year) }

// IsWorkingDay reports whether d is a working day: Monday to Friday, not a
// bank holiday and not a contract non-working day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	y, i := c.locate(c.dayNumberOf(d))
	return y.working(i)
}

// AddWorkingDays returns the n-th working day after d, or before it when n
// is negative; d itself when n is 0. d need not be a working day.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	return dateOfDay(c.addWorkingDays(c.dayNumberOf(d), n))
}

// DayStart returns the first instant of day d in the calendar's zone: its
// midnight, or the end of the gap if the clocks go forward over midnight.
func (c *Calendar) DayStart(d Date) time.Time {
	return time.Unix(c.dayStart(c.dayNumberOf(d)), 0).In(c.loc)
}

// DeadlineDate returns the day a deadline at t belongs to: the local day
// that contains the instant just before t. So a deadline at 24:00, the
// first instant of the next day, belongs to the day that ends there, and
// so does its month.
func (c *Calendar) DeadlineDate(t time.Time) Date {
	return DateOf(t.Add(-1).In(c.loc))
}

// WorkingTime returns the working hours from a to b: the time between
// them that falls within the working hours of working days. It is 0 when b
// is not after a. It panics if a or b is outside the calendar's years.
func (c *Calendar) WorkingTime(a, b time.Time) time.Duration {
	u, v := nanos(a), nanos(b)
	if v <= u {
		return 0
	}
	return time.Duration(c.counted(WorkingHours, u, v))
}

// dayNumberOf returns d's day number, panicking if the calendar holds no
// table for it.
func (c *Calendar) dayNumberOf(d Date) int {
	if !d.IsValid() || d.Year < firstTableYear || d.Year > lastTableYear {
		panic(fmt.Sprintf("sla: date %v outside the calendar's years %d to %d",
			d, firstTableYear, lastTableYear))
	}
	return d.dayNumber()
}

// table returns the table of year y, building it on first use.
func (c *Calendar) table(y int) *yearTable {
	if y < firstTableYear || y > lastTableYear {
		panic(fmt.Sprintf("sla: year %d outside the calendar's years %d to %d",
			y, firstTableYear, lastTableYear))
	}
	p := &c.years[y-firstTableYear]
	if t := p.Load(); t != nil {
		return t
	}
	t := c.newYearTable(y)
	if !p.CompareAndSwap(nil, t) {
		t = p.Load()
	}
	return t
}
