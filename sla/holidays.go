package sla

import (
	"fmt"
	"slices"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
)

// A Nation is a UK jurisdiction with its own bank holidays.
type Nation uint8

// The nations. The zero Nation is not valid.
const (
	EnglandAndWales Nation = iota + 1
	Scotland
	NorthernIreland
)

var nationNames = [...]string{
	EnglandAndWales: "england_and_wales",
	Scotland:        "scotland",
	NorthernIreland: "northern_ireland",
}

// String returns the nation's name as a rulebook writes it:
// england_and_wales, scotland or northern_ireland.
func (n Nation) String() string {
	if n.valid() {
		return nationNames[n]
	}
	return fmt.Sprintf("Nation(%d)", uint8(n))
}

func (n Nation) valid() bool { return n >= EnglandAndWales && n <= NorthernIreland }

// ParseNation reads a nation's name as String writes it.
func ParseNation(s string) (Nation, error) {
	for n := EnglandAndWales; n <= NorthernIreland; n++ {
		if nationNames[n] == s {
			return n, nil
		}
	}
	return 0, fmt.Errorf("unknown nation %q: want england_and_wales, scotland or northern_ireland", s)
}

// A Holiday is a bank holiday as observed: on its substitute day when the
// day itself falls at a weekend.
type Holiday struct {
	Date Date
	Name string // with " (substitute day)" when observed on another day
}

// Substitute days when a holiday falls at a weekend: to the Monday; and
// for the second of two holidays on one weekend (Boxing Day, Scotland's
// 2nd January) to the Tuesday, or to the Tuesday when it falls on the
// Monday taken by the first.
var (
	nextMonday  = []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 1}}
	secondOfTwo = []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 2},
		{Day: time.Monday, Offset: 1}}
)

// Holidays the library's gb package does not hold.
var (
	secondJanuary = &cal.Holiday{Name: "2nd January", Type: cal.ObservanceBank,
		Month: time.January, Day: 2, Func: cal.CalcDayOfMonth, Observed: secondOfTwo}
	stAndrewsDay = &cal.Holiday{Name: "St Andrew's Day", Type: cal.ObservanceBank,
		Month: time.November, Day: 30, Func: cal.CalcDayOfMonth, Observed: nextMonday}
	stPatricksDay = &cal.Holiday{Name: "St Patrick's Day", Type: cal.ObservanceBank,
		Month: time.March, Day: 17, Func: cal.CalcDayOfMonth, Observed: nextMonday}
	battleOfTheBoyne = &cal.Holiday{Name: "Battle of the Boyne (Orangemen's Day)",
		Type: cal.ObservanceBank, Month: time.July, Day: 12, Func: cal.CalcDayOfMonth,
		Observed: nextMonday}
)

// rules returns the nation's recurring holidays: the library's England and
// Wales list (which carries the one-off changes it knows, such as 2020's VE
// Day and 2022's Platinum Jubilee), less or plus each nation's own.
func rules(n Nation) []*cal.Holiday {
	hs := slices.Clone(gb.Holidays)
	switch n {
	case Scotland:
		hs = slices.DeleteFunc(hs, func(h *cal.Holiday) bool {
			return h == gb.EasterMonday || h == gb.SummerHoliday
		})
		hs = append(hs, secondJanuary, gb.SummerHolidayScotland, stAndrewsDay)
	case NorthernIreland:
		hs = append(hs, stPatricksDay, battleOfTheBoyne)
	}
	return hs
}

// A oneOff is a change to the bank holidays made by royal proclamation for
// one year, in every nation, that the library does not hold. Drop removes a
// day the recurring rules give (a holiday moved for the year).
type oneOff struct {
	Date Date
	Name string
	Drop bool
}

// oneOffs are the proclaimed changes since 1999 that the library lacks.
// (It has 2020's VE Day, 2022's moved Spring Bank Holiday and Platinum
// Jubilee and 2023's Coronation; the calendar tests check them all.)
var oneOffs = []oneOff{
	{Date{1999, time.December, 31}, "Millennium Celebrations", false},
	{Date{2002, time.May, 27}, "", true}, // Spring Bank Holiday moved to 4 June
	{Date{2002, time.June, 3}, "Golden Jubilee", false},
	{Date{2002, time.June, 4}, "Spring Bank Holiday", false},
	{Date{2011, time.April, 29}, "Royal Wedding", false},
	{Date{2012, time.May, 28}, "", true}, // Spring Bank Holiday moved to 4 June
	{Date{2012, time.June, 4}, "Spring Bank Holiday", false},
	{Date{2012, time.June, 5}, "Diamond Jubilee", false},
	{Date{2022, time.September, 19}, "State Funeral of Queen Elizabeth II", false},
}

// holidays returns the nation's bank holidays observed in year, by date.
func holidays(n Nation, year int) []Holiday {
	var out []Holiday
	for _, h := range rules(n) {
		// A substitute day never crosses a year's end in the UK, but look
		// at the neighbouring years in case a rule ever does.
		for y := year - 1; y <= year+1; y++ {
			actual, observed := h.Calc(y)
			if actual.IsZero() {
				continue
			}
			d, name := nearestDate(observed), h.Name
			if d != nearestDate(actual) {
				name += " (substitute day)"
			}
			if d.Year == year {
				out = append(out, Holiday{d, name})
			}
		}
	}
	for _, o := range oneOffs {
		if o.Date.Year != year {
			continue
		}
		out = slices.DeleteFunc(out, func(h Holiday) bool { return h.Date == o.Date })
		if !o.Drop {
			out = append(out, Holiday{o.Date, o.Name})
		}
	}
	slices.SortStableFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return slices.CompactFunc(out, func(a, b Holiday) bool { return a.Date == b.Date })
}

// nearestDate returns the date whose midnight is nearest t. The library
// works at local midnight in the process's zone, and time.Date may move a
// midnight that zone skips by an hour either way.
func nearestDate(t time.Time) Date {
	if t.Hour() >= 12 {
		t = t.Add(12 * time.Hour)
	}
	return DateOf(t)
}
