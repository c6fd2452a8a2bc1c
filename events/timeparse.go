package events

import (
	"time"

	"github.com/kpicredit/kpicredit/sla"
)

// timeParser reads timestamps as sla.ParseTime does, remembering the days
// of local times it has read: an event file's times fall on few days, and
// on a day without a clock change a local time is the day's midnight plus
// its time of day, at the day's one offset. Anything else it passes to
// sla.ParseTime.
type timeParser struct {
	loc  *time.Location
	days map[string]day // by YYYY-MM-DD
}

// day is a day the parser has read a local time on.
type day struct {
	base    int64 // Unix seconds of the day's 00:00 wall clock, less its offset
	uniform bool  // the day has one offset from 00:00 to 23:59:59
}

// maxDays bounds the days a timeParser remembers: thirty years' worth.
const maxDays = 11000

// parse reads a timestamp.
func (p *timeParser) parse(s string) (time.Time, error) {
	if len(s) == 20 && s[10] == 'T' && s[19] == 'Z' {
		if t, ok := p.utc(s); ok {
			return t, nil
		}
	}
	local := (len(s) == 16 || len(s) == 19) && s[10] == ' '
	if local {
		if d, ok := p.days[s[:10]]; ok && d.uniform {
			if sec, ok := timeOfDay(s[11:]); ok {
				return time.Unix(d.base+sec, 0).In(p.loc), nil
			}
		}
	}
	t, err := sla.ParseTime(s, p.loc)
	if err == nil && local && len(p.days) < maxDays {
		if p.days == nil {
			p.days = map[string]day{}
		}
		p.days[string([]byte(s[:10]))] = p.dayOf(t)
	}
	return t, err
}

// dayOf works out the day of t.
func (p *timeParser) dayOf(t time.Time) day {
	y, m, d := t.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, p.loc)
	_, off0 := midnight.Zone()
	_, off1 := time.Date(y, m, d, 23, 59, 59, 0, p.loc).Zone()
	return day{base: time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() - int64(off0),
		uniform: off0 == off1 && midnight.Hour() == 0}
}

// timeOfDay reads HH:MM or HH:MM:SS as seconds since midnight.
func timeOfDay(s string) (int64, bool) {
	if s[2] != ':' || len(s) == 8 && s[5] != ':' {
		return 0, false
	}
	var v [3]int64
	for i := 0; i*3 < len(s); i++ {
		a, b := s[i*3], s[i*3+1]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return 0, false
		}
		v[i] = int64(a-'0')*10 + int64(b-'0')
	}
	if v[0] > 23 || v[1] > 59 || v[2] > 59 {
		return 0, false
	}
	return v[0]*3600 + v[1]*60 + v[2], true
}

// utc reads YYYY-MM-DDTHH:MM:SSZ, as Parquet timestamps adjusted to UTC
// read, in the years sla.ParseTime takes; false for anything else, which
// sla.ParseTime then reads or rejects.
func (p *timeParser) utc(s string) (time.Time, bool) {
	if s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	sec, ok := timeOfDay(s[11:19])
	y, ok1 := digitsN(s[0:4])
	m, ok2 := digitsN(s[5:7])
	d, ok3 := digitsN(s[8:10])
	if !ok || !ok1 || !ok2 || !ok3 || y < sla.MinYear || y > sla.MaxYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return time.Time{}, false
	}
	days := sla.Date{Year: y, Month: time.Month(m), Day: d}.DaysSince(sla.Date{Year: 1970, Month: 1, Day: 1})
	return time.Unix(int64(days)*86400+sec, 0).In(p.loc), true
}

// daysIn returns the days of month m of year y.
func daysIn(y, m int) int {
	switch {
	case m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0):
		return 29
	case m == 2:
		return 28
	case m == 4 || m == 6 || m == 9 || m == 11:
		return 30
	}
	return 31
}

// digitsN reads ASCII digits.
func digitsN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
