package sla

import (
	"errors"
	"fmt"
	"time"
)

// A Date is a day of the civil calendar, without a time of day or a zone.
// Its zero value is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	date := Date{y, time.Month(m), d}
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	if !date.IsValid() {
		return Date{}, fmt.Errorf("date %q: no such day", s)
	}
	return date, nil
}

// digits reads a string of ASCII digits as a non-negative number.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText returns the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsValid() {
		return nil, errors.New("sla: invalid date")
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads a date written YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// IsValid reports whether d names a real day (1 January of year 1 or later).
func (d Date) IsValid() bool {
	return d.Year >= 1 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return dateOfDay(d.dayNumber() + n)
}

// DaysSince returns the number of days from e to d: positive when d is
// later.
func (d Date) DaysSince(e Date) int {
	return d.dayNumber() - e.dayNumber()
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// Day 0, 1 January 1970, was a Thursday.
	return time.Weekday(mod(d.dayNumber()+4, 7))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.dayNumber(), e.dayNumber()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// isLeap reports whether y is a leap year of the Gregorian calendar.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// mod returns a modulo b in [0, b).
func mod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// floorDiv returns a / b rounded toward minus infinity.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// dayNumber returns the number of days from 1 January 1970 to d (the
// days_from_civil algorithm of H. Hinnant).
func (d Date) dayNumber() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfDay is the inverse of dayNumber.
func dateOfDay(n int) Date {
	z := n + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), day}
}
