package sla

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A Kind is the schedule a clock counts time on.
type Kind uint8

// The kinds of clock. The zero Kind is not valid.
const (
	// Hours counts every instant from the start: real elapsed time, so a
	// wall-clock day across the March change is 23 hours.
	Hours Kind = iota + 1
	// WorkingHours counts the time within the calendar's working hours on
	// working days, from the start.
	WorkingHours
	// WorkingDays counts whole working days (00:00 to 24:00 local), from
	// 00:00 of the day after the start: the start day never counts, and the
	// deadline is the end of the limit's N-th working day after it.
	WorkingDays
	// Days is WorkingDays with every calendar day a working day.
	Days
)

var kindNames = [...]string{
	Hours:        "hours",
	WorkingHours: "working_hours",
	WorkingDays:  "working_days",
	Days:         "days",
}

// String returns the kind's name as a rulebook writes it: hours,
// working_hours, working_days or days.
func (k Kind) String() string {
	if k.valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

func (k Kind) valid() bool { return k >= Hours && k <= Days }

// inDays reports whether limits of kind k are whole days.
func (k Kind) inDays() bool { return k == WorkingDays || k == Days }

// ParseKind reads a kind's name as String writes it.
func ParseKind(s string) (Kind, error) {
	for k := Hours; k <= Days; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown clock %q: want hours, working_hours, working_days or days", s)
}

// Day is the unit of the limit of a WorkingDays or Days clock: a limit of
// 5*Day allows five (working) days, however long they are in real time.
const Day = 24 * time.Hour

// The largest limits, ten years' worth: a larger one is surely a mistake,
// and deadlines of events in MaxYear must stay within the calendar.
const (
	maxDays  = 3660
	maxLimit = maxDays * Day
)

// A Clock is an SLA clock: it counts time on its Kind's schedule from an
// event's start, less the event's stops, and the event is due when the
// counted time reaches the Limit. See the package documentation for the
// exact rules.
type Clock struct {
	Kind Kind
	// Limit is the counted time allowed. For Hours and WorkingHours it is
	// a positive whole number of seconds (so decimal hours such as 0.5h or
	// 7.25h are allowed); for WorkingDays and Days a positive whole number
	// of Days. It is at most 3660 days or 87,840 hours.
	Limit time.Duration
	// Calendar gives working days, working hours and the time zone of day
	// boundaries. Hours clocks do not need one.
	Calendar *Calendar
}

// Validate reports what is wrong with the clock, if anything. Deadline and
// Met panic on a clock that Validate rejects.
func (c Clock) Validate() error {
	switch {
	case !c.Kind.valid():
		return fmt.Errorf("clock kind %v is not valid", c.Kind)
	case c.Limit <= 0 || c.Limit > maxLimit:
		return fmt.Errorf("%v clock: limit %v is not positive or over ten years", c.Kind, c.Limit)
	case c.Kind.inDays() && c.Limit%Day != 0:
		return fmt.Errorf("%v clock: limit %v is not a whole number of days", c.Kind, c.Limit)
	case c.Limit%time.Second != 0:
		return fmt.Errorf("%v clock: limit %v is not a whole number of seconds", c.Kind, c.Limit)
	case c.Kind != Hours && c.Calendar == nil:
		return fmt.Errorf("%v clock needs a calendar", c.Kind)
	}
	return nil
}

// String describes the clock, as "4.5 working_hours" or "5 working_days".
func (c Clock) String() string {
	if c.Kind.inDays() {
		return fmt.Sprintf("%d %v", c.Limit/Day, c.Kind)
	}
	return strconv.FormatFloat(c.Limit.Hours(), 'f', -1, 64) + " " + c.Kind.String()
}

// ParseLimit reads the limit of a clock of kind k as a rulebook writes it:
// a positive decimal number of hours that is a whole number of seconds
// ("4", "0.5", "7.25") for Hours and WorkingHours, and a positive whole
// number of days ("5") for WorkingDays and Days.
func ParseLimit(k Kind, s string) (time.Duration, error) {
	if !k.valid() {
		return 0, fmt.Errorf("clock kind %v is not valid", k)
	}
	unit, want := time.Hour, "a decimal number of hours"
	if k.inDays() {
		unit, want = Day, "a whole number of days"
	}
	whole, frac, dot := strings.Cut(s, ".")
	w, ok := digits(whole)
	if !ok || dot && (k.inDays() || frac == "") {
		return 0, fmt.Errorf("%v limit %q: want %s", k, s, want)
	}
	if len(strings.TrimLeft(whole, "0")) > 6 || w > maxDays*24 {
		return 0, fmt.Errorf("%v limit %q: over ten years", k, s)
	}
	limit := time.Duration(w) * unit
	if frac = strings.TrimRight(frac, "0"); frac != "" {
		f, ok := digits(frac)
		if !ok {
			return 0, fmt.Errorf("%v limit %q: want %s", k, s, want)
		}
		// f / 10^len(frac) hours is a whole number of seconds when 10^len
		// divides 3600*f; with no trailing zero in f, never past 4 digits.
		scale := int64(math.Pow10(len(frac)))
		if len(frac) > 4 || int64(f)*3600%scale != 0 {
			return 0, fmt.Errorf("%v limit %q: not a whole number of seconds", k, s)
		}
		limit += time.Duration(int64(f)*3600/scale) * time.Second
	}
	if limit <= 0 || limit > maxLimit {
		return 0, fmt.Errorf("%v limit %q: want a positive limit of at most ten years", k, s)
	}
	return limit, nil
}
