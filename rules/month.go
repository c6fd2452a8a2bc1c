package rules

import "github.com/kpicredit/kpicredit/period"

// Month is a calendar month: period.Month, named here so that a rulebook's
// users need one import.
type Month = period.Month

// NewMonth returns the month for a year and a month number (1-12), as
// period.New does.
func NewMonth(year, month int) Month { return period.New(year, month) }

// ParseMonth parses a month written as YYYY-MM, as period.Parse does.
func ParseMonth(s string) (Month, error) { return period.Parse(s) }

// MonthColumn is the name of the data column that holds a row's month
// (YYYY-MM), and of the name expressions use for it.
const MonthColumn = "month"
