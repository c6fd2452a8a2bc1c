// Package period holds the calendar month that every layer of kpicredit
// shares: rulebooks and data name months, the engine steps through them,
// and the Parquet writer stores them as dates. It depends on nothing but
// the standard library and package limits (for quoting bad input).
package period

import (
	"fmt"
	"strconv"

	"github.com/kpicredit/kpicredit/limits"
)

// Month is a calendar month, counted from January of year 0, so that
// consecutive months differ by one. The zero value is January of year 0.
type Month int32

// New returns the month for a year and a month number (1-12). A
// month number out of range counts on from the year: New(2025, 13)
// is January 2026, as Add would give.
func New(year, month int) Month {
	return Month(year*12 + month - 1)
}

// Parse parses a month written as YYYY-MM.
func Parse(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("month %s is not YYYY-MM", limits.Quote(s))
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || y < 1 || m < 1 || m > 12 || !isDigits(s[:4]) || !isDigits(s[5:]) {
		return 0, fmt.Errorf("month %s is not YYYY-MM", limits.Quote(s))
	}
	return New(y, m), nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Year returns the month's calendar year.
func (m Month) Year() int { return int(m) / 12 }

// Number returns the month of the year, 1-12.
func (m Month) Number() int { return int(m)%12 + 1 }

// String formats the month as YYYY-MM.
func (m Month) String() string {
	return fmt.Sprintf("%04d-%02d", m.Year(), m.Number())
}

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month { return m + Month(n) }

// Span writes months, in order, as "first to last", the one month alone,
// or "none".
func Span(ms []Month) string {
	switch len(ms) {
	case 0:
		return "none"
	case 1:
		return ms[0].String()
	}
	return ms[0].String() + " to " + ms[len(ms)-1].String()
}
