package sla_test

import (
	"fmt"
	"time"

	"github.com/kpicredit/kpicredit/sla"
)

// A repair reported at 16:55 on the Friday before the Spring Bank Holiday,
// on a five-working-day clock, with a day's wait for access.
func ExampleClock_Deadline() {
	cal, err := sla.NewCalendar(sla.Config{Nation: sla.EnglandAndWales})
	if err != nil {
		panic(err)
	}
	clock := sla.Clock{Kind: sla.WorkingDays, Limit: 5 * sla.Day, Calendar: cal}
	reported, _ := sla.ParseTime("2025-05-23 16:55", cal.Location())
	noAccess := sla.Interval{
		Start: time.Date(2025, 5, 28, 0, 0, 0, 0, cal.Location()),
		End:   time.Date(2025, 5, 29, 0, 0, 0, 0, cal.Location()),
	}
	fixed, _ := sla.ParseTime("2025-06-03 15:00", cal.Location())

	due := clock.Deadline(reported, []sla.Interval{noAccess})
	fmt.Println("due:", due.Format("Mon 2 Jan 2006 15:04"), "counts in", cal.DeadlineDate(due))
	fmt.Println("met:", clock.Met(reported, fixed, []sla.Interval{noAccess}))
	// Output:
	// due: Wed 4 Jun 2025 00:00 counts in 2025-06-03
	// met: true
}

func ExampleParseTime() {
	for _, s := range []string{"2025-03-30 01:30", "2025-10-26 01:30", "2025-10-26T01:30:00+00:00"} {
		t, err := sla.ParseTime(s, sla.London())
		fmt.Println(t.Format(time.RFC3339), err)
	}
	// Output:
	// 0001-01-01T00:00:00Z timestamp "2025-03-30 01:30" does not exist in Europe/London (the clocks go forward over it); write it with an explicit offset
	// 0001-01-01T00:00:00Z timestamp "2025-10-26 01:30" is ambiguous in Europe/London (the clocks go back and it occurs twice, as 2025-10-26T01:30:00+01:00 and 2025-10-26T01:30:00Z); write it with an explicit offset
	// 2025-10-26T01:30:00Z <nil>
}

func ExampleCalendar_Holidays() {
	cal, _ := sla.NewCalendar(sla.Config{Nation: sla.Scotland})
	for _, h := range cal.Holidays(2022)[:2] {
		fmt.Println(h.Date, h.Name)
	}
	fmt.Println(cal.AddWorkingDays(sla.Date{Year: 2021, Month: 12, Day: 31}, 1))
	// Output:
	// 2022-01-03 New Year's Day (substitute day)
	// 2022-01-04 2nd January (substitute day)
	// 2022-01-05
}
