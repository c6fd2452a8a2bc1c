package sla_test

import (
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// at reads a timestamp in Europe/London.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := sla.ParseTime(s, sla.London())
	require.NoError(t, err)
	return tm
}

func stop(t testing.TB, from, to string) sla.Interval {
	return sla.Interval{Start: at(t, from), End: at(t, to)}
}

type deadlineCase struct {
	name   string
	nation sla.Nation // England and Wales when zero
	kind   sla.Kind
	limit  time.Duration
	start  string
	stops  [][2]string
	want   string // the deadline, local time
	month  string // the deadline's day, when it is not want's
}

func runDeadlines(t *testing.T, cases []deadlineCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nation := tc.nation
			if nation == 0 {
				nation = sla.EnglandAndWales
			}
			c := sla.Clock{Kind: tc.kind, Limit: tc.limit, Calendar: calendar(t, nation)}
			var stops []sla.Interval
			for _, s := range tc.stops {
				stops = append(stops, stop(t, s[0], s[1]))
			}
			start, want := at(t, tc.start), at(t, tc.want)
			got := c.Deadline(start, stops)
			require.True(t, want.Equal(got), "deadline %v, want %v", got, want)
			assert.Equal(t, sla.London(), got.Location())
			// Equality at the deadline is met; a nanosecond later is not.
			assert.True(t, c.Met(start, want, stops))
			assert.False(t, c.Met(start, want.Add(time.Nanosecond), stops))
			if tc.month != "" {
				assert.Equal(t, tc.month, c.Calendar.DeadlineDate(got).String())
			}
		})
	}
}

// Friday 23 May 2025, 16:55; Monday 26 May is the Spring Bank Holiday.
func TestDeadlineBankHolidayWeekend(t *testing.T) {
	runDeadlines(t, []deadlineCase{
		// Friday 16:55-17:00 is 5m; Saturday, Sunday and Monday count
		// nothing; Tuesday 09:00 + 3h55m = 12:55.
		{name: "working hours 4", kind: sla.WorkingHours, limit: 4 * time.Hour,
			start: "2025-05-23 16:55", want: "2025-05-27 12:55"},
		// The start day never counts; the first working day after Friday
		// is Tuesday 27 May, which ends at 24:00, Wednesday 00:00.
		{name: "working days 1", kind: sla.WorkingDays, limit: 1 * sla.Day,
			start: "2025-05-23 16:55", want: "2025-05-28 00:00", month: "2025-05-27"},
		// Tue 27, Wed 28, Thu 29, Fri 30 May, Mon 2 June: ends Tue 3 June 00:00.
		{name: "working days 5", kind: sla.WorkingDays, limit: 5 * sla.Day,
			start: "2025-05-23 16:55", want: "2025-06-03 00:00", month: "2025-06-02"},
		// 16:55 + 4h.
		{name: "hours 4", kind: sla.Hours, limit: 4 * time.Hour,
			start: "2025-05-23 16:55", want: "2025-05-23 20:55"},
		// Saturday 24 counts whole: ends Sunday 00:00.
		{name: "days 1", kind: sla.Days, limit: 1 * sla.Day,
			start: "2025-05-23 16:55", want: "2025-05-25 00:00", month: "2025-05-24"},
		// 16:55 is within working hours: 5m on Friday, 7h55m from Tuesday
		// 09:00 is 16:55; exactly one working day of 8h.
		{name: "working hours 8", kind: sla.WorkingHours, limit: 8 * time.Hour,
			start: "2025-05-23 16:55", want: "2025-05-27 16:55"},
		// 0.5h: Friday's 5m, then 25m on Tuesday.
		{name: "working hours 0.5", kind: sla.WorkingHours, limit: 30 * time.Minute,
			start: "2025-05-23 16:55", want: "2025-05-27 09:25"},
	})
}

func TestDeadlineMidnightsAndWeekends(t *testing.T) {
	runDeadlines(t, []deadlineCase{
		// A start at 00:00 Monday: Monday is still the start day; Tuesday
		// counts and ends at Wednesday 00:00.
		{name: "midnight start, working days", kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-06-02 00:00", want: "2025-06-04 00:00", month: "2025-06-03"},
		// 00:00 Monday is before working hours: 09:00 + 8h = 17:00.
		{name: "midnight start, working hours", kind: sla.WorkingHours, limit: 8 * time.Hour,
			start: "2025-06-02 00:00", want: "2025-06-02 17:00"},
		// A start at 17:00 has no working time left that day.
		{name: "17:00 start", kind: sla.WorkingHours, limit: time.Hour,
			start: "2025-06-02 17:00", want: "2025-06-03 10:00"},
		// The limit reached exactly at 17:00 Friday: deadline 17:00, not Monday 09:00.
		{name: "ends at close", kind: sla.WorkingHours, limit: 8 * time.Hour,
			start: "2025-06-06 09:00", want: "2025-06-06 17:00"},
		{name: "midnight start, hours", kind: sla.Hours, limit: 24 * time.Hour,
			start: "2025-06-02 00:00", want: "2025-06-03 00:00", month: "2025-06-02"},
		// Thursday 27 Feb 2025 + 1: Friday 28 ends at 24:00, 1 March
		// 00:00, which belongs to February.
		{name: "deadline at month end", kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-02-27 12:00", want: "2025-03-01 00:00", month: "2025-02-28"},
		// Saturday start: Monday is the first working day after it.
		{name: "weekend start, working days", kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-06-07 10:00", want: "2025-06-10 00:00"},
		{name: "weekend start, working hours", kind: sla.WorkingHours, limit: 4 * time.Hour,
			start: "2025-06-07 10:00", want: "2025-06-09 13:00"},
		// Sunday 8 and Monday 9 count.
		{name: "weekend start, days", kind: sla.Days, limit: 2 * sla.Day,
			start: "2025-06-07 10:00", want: "2025-06-10 00:00"},
		// Friday 6 + 1 working day: Monday 9 ends Tuesday 00:00; + 5: Fri 13
		// ends Saturday 14 00:00.
		{name: "friday start, working days 1", kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-06-06 23:59:59", want: "2025-06-10 00:00"},
		{name: "friday start, working days 5", kind: sla.WorkingDays, limit: 5 * sla.Day,
			start: "2025-06-06 09:00", want: "2025-06-14 00:00", month: "2025-06-13"},
	})
}

func TestDeadlineChristmasAndNewYear(t *testing.T) {
	runDeadlines(t, []deadlineCase{
		// 2021: Christmas Saturday, Boxing Day Sunday; substitutes Mon 27
		// and Tue 28. Friday 24 + 1 working day: Wednesday 29, ends Thursday 30 00:00.
		{name: "2021 working days", kind: sla.WorkingDays, limit: sla.Day,
			start: "2021-12-24 10:00", want: "2021-12-30 00:00"},
		// 2022: Christmas Sunday (substitute Tue 27), Boxing Day Monday 26.
		// Friday 23 16:00-17:00 is 1h; Wednesday 28 09:00 + 1h = 10:00.
		{name: "2022 working hours", kind: sla.WorkingHours, limit: 2 * time.Hour,
			start: "2022-12-23 16:00", want: "2022-12-28 10:00"},
		// Friday 23 Dec 2022 + 3: Wed 28, Thu 29, Fri 30; ends Saturday 31 00:00.
		{name: "2022 working days", kind: sla.WorkingDays, limit: 3 * sla.Day,
			start: "2022-12-23 10:00", want: "2022-12-31 00:00", month: "2022-12-30"},
		// Scotland, 2022: 1 January Saturday, 2 January Sunday, substitutes
		// Monday 3 and Tuesday 4. Friday 31 Dec 2021 + 1: Wednesday 5 Jan,
		// ends Thursday 6 00:00.
		{name: "Scotland 2022", nation: sla.Scotland, kind: sla.WorkingDays, limit: sla.Day,
			start: "2021-12-31 12:00", want: "2022-01-06 00:00"},
		// England has only Monday 3: Tuesday 4 ends Wednesday 5 00:00.
		{name: "England 2022", kind: sla.WorkingDays, limit: sla.Day,
			start: "2021-12-31 12:00", want: "2022-01-05 00:00"},
		// Scotland, 2023: 1 January Sunday (substitute Monday 2), so 2
		// January moves to Tuesday 3. Friday 30 Dec 17:00 + 8h: Wednesday 4
		// 09:00-17:00.
		{name: "Scotland 2023", nation: sla.Scotland, kind: sla.WorkingHours, limit: 8 * time.Hour,
			start: "2022-12-30 17:00", want: "2023-01-04 17:00"},
		// Scotland: Easter Monday is a working day. Thursday 17 Apr 2025 +
		// 2: (Good Friday 18 is a holiday) Mon 21, Tue 22; ends Wed 23 00:00.
		{name: "Scotland Easter", nation: sla.Scotland, kind: sla.WorkingDays, limit: 2 * sla.Day,
			start: "2025-04-17 10:00", want: "2025-04-23 00:00"},
		// England: Tue 22, Wed 23; ends Thu 24 00:00.
		{name: "England Easter", kind: sla.WorkingDays, limit: 2 * sla.Day,
			start: "2025-04-17 10:00", want: "2025-04-24 00:00"},
		// Scotland: St Andrew's Day 2025 is Sunday 30 Nov, substitute Monday
		// 1 Dec. Friday 28 Nov + 1: Tuesday 2 Dec, ends Wednesday 3 00:00.
		{name: "St Andrew's Day", nation: sla.Scotland, kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-11-28 10:00", want: "2025-12-03 00:00"},
		// Northern Ireland: 12 July 2025 is Saturday, substitute Monday 14.
		// Friday 11 16:00-17:00 is 1h; Tuesday 15 09:00 + 1h.
		{name: "Boyne", nation: sla.NorthernIreland, kind: sla.WorkingHours, limit: 2 * time.Hour,
			start: "2025-07-11 16:00", want: "2025-07-15 10:00"},
		// State Funeral, Monday 19 September 2022: Friday 16 + 1 is Tuesday 20.
		{name: "State Funeral", nation: sla.Scotland, kind: sla.WorkingDays, limit: sla.Day,
			start: "2022-09-16 10:00", want: "2022-09-21 00:00"},
	})
}

// Clocks go forward at 01:00 GMT on Sunday 30 March 2025 and back at 01:00
// GMT (02:00 BST) on Sunday 26 October 2025.
func TestDeadlineClockChanges(t *testing.T) {
	runDeadlines(t, []deadlineCase{
		// 12:00 GMT Saturday + 24h real = 12:00 GMT Sunday = 13:00 BST.
		{name: "March, hours 24", kind: sla.Hours, limit: 24 * time.Hour,
			start: "2025-03-29 12:00", want: "2025-03-30 13:00"},
		// Sunday 30 March counts whole (23 hours); ends Monday 00:00 BST.
		{name: "March, days 1", kind: sla.Days, limit: sla.Day,
			start: "2025-03-29 12:00", want: "2025-03-31 00:00", month: "2025-03-30"},
		// A day counts one day however long, and a part of a day its share:
		// a 23-minute stop on the 23-hour Sunday removes 1/60 day, and the
		// deadline moves on 1/60 of the 24-hour Monday, 24 minutes.
		{name: "March, days 1, stop", kind: sla.Days, limit: sla.Day,
			start: "2025-03-29 12:00", stops: [][2]string{{"2025-03-30 10:00", "2025-03-30 10:23"}},
			want: "2025-03-31 00:24"},
		// Friday 28 March 13:00-17:00 is 4h; Monday 31 09:00 BST + 4h.
		{name: "March, working hours", kind: sla.WorkingHours, limit: 8 * time.Hour,
			start: "2025-03-28 13:00", want: "2025-03-31 13:00"},
		// 13:00 GMT Friday + 48h real = 13:00 GMT Sunday = 14:00 BST.
		{name: "March, hours 48", kind: sla.Hours, limit: 48 * time.Hour,
			start: "2025-03-28 13:00", want: "2025-03-30 14:00"},
		// The other way round: a 1h stop on Saturday removes 1/24 day, and
		// 1/24 of the 23-hour Sunday is 57m30s.
		{name: "March, days from Friday, stop", kind: sla.Days, limit: sla.Day,
			start: "2025-03-28 12:00", stops: [][2]string{{"2025-03-29 10:00", "2025-03-29 11:00"}},
			want: "2025-03-30 00:57:30"},
		// 12:00 BST Saturday (11:00 GMT) + 24h = 11:00 GMT Sunday.
		{name: "October, hours 24", kind: sla.Hours, limit: 24 * time.Hour,
			start: "2025-10-25 12:00", want: "2025-10-26 11:00"},
		// Sunday 26 October counts whole (25 hours); ends Monday 00:00 GMT.
		{name: "October, days 1", kind: sla.Days, limit: sla.Day,
			start: "2025-10-25 12:00", want: "2025-10-27 00:00"},
		// A stop from 00:30 BST to 01:30 GMT is 2h of the 25-hour Sunday,
		// 2/25 day; 2/25 of the 24-hour Monday is 1h55m12s.
		{name: "October, days 1, stop over the repeated hour", kind: sla.Days, limit: sla.Day,
			start: "2025-10-25 12:00",
			stops: [][2]string{{"2025-10-26 00:30", "2025-10-26T01:30:00Z"}},
			want:  "2025-10-27 01:55:12"},
		// Friday 24 Oct 13:00-17:00 BST is 4h, Monday 27 09:00 GMT + 4h.
		{name: "October, working hours", kind: sla.WorkingHours, limit: 8 * time.Hour,
			start: "2025-10-24 13:00", want: "2025-10-27 13:00"},
		// In the repeated hour: 01:30 BST + 1h = 01:30 GMT.
		{name: "October, hours from the repeated hour", kind: sla.Hours, limit: time.Hour,
			start: "2025-10-26T01:30:00+01:00", want: "2025-10-26T01:30:00Z"},
	})
}

func TestDeadlineStops(t *testing.T) {
	runDeadlines(t, []deadlineCase{
		// Monday 2 June 2025 09:00 + 4 working hours, normally 13:00. Stops,
		// out of order: one from Sunday to 10:00 (clipped to the start: 1h
		// off), two overlapping 10:30-11:00 and 10:45-11:30 (merged: 1h
		// off), one overnight outside working hours (nothing off) and one on
		// Wednesday, after the deadline. Counted: 10:00-10:30 is 30m; then
		// 3h30m from 11:30 is 15:00.
		{name: "working hours", kind: sla.WorkingHours, limit: 4 * time.Hour,
			start: "2025-06-02 09:00", stops: [][2]string{
				{"2025-06-04 09:00", "2025-06-04 10:00"},
				{"2025-06-02 10:45", "2025-06-02 11:30"},
				{"2025-06-01 10:00", "2025-06-02 10:00"},
				{"2025-06-02 20:00", "2025-06-03 08:00"},
				{"2025-06-02 10:30", "2025-06-02 11:00"},
			}, want: "2025-06-02 15:00"},
		// Wednesday 4 June + 2 working days: Thu 5, Fri 6, ending Saturday
		// 00:00. A stop from Friday 12:00 to Monday 12:00 removes Friday
		// 12:00-24:00 and Monday 00:00-12:00, 24h of working days: counted
		// by Friday 12:00 is 24h + 12h = 36h, and the other 12h run from
		// Monday 12:00 to Tuesday 00:00.
		{name: "stop over a weekend, working days", kind: sla.WorkingDays, limit: 2 * sla.Day,
			start: "2025-06-04 10:00", stops: [][2]string{{"2025-06-06 12:00", "2025-06-09 12:00"}},
			want: "2025-06-10 00:00"},
		// The same stop on a Days clock removes 72h: Saturday 00:00 + 72h.
		{name: "stop over a weekend, days", kind: sla.Days, limit: 2 * sla.Day,
			start: "2025-06-04 10:00", stops: [][2]string{{"2025-06-06 12:00", "2025-06-09 12:00"}},
			want: "2025-06-10 00:00"},
		// A stop on the start day and one on the weekend are outside a
		// working-days clock's counting: Friday 6 June + 1 is Monday 9.
		{name: "stops not counted anyway", kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-06-06 09:00", stops: [][2]string{
				{"2025-06-06 10:00", "2025-06-06 23:00"}, {"2025-06-07 00:00", "2025-06-09 00:00"}},
			want: "2025-06-10 00:00"},
		// A stop starting exactly at the deadline does not move it.
		{name: "stop at the deadline", kind: sla.WorkingDays, limit: sla.Day,
			start: "2025-06-06 09:00", stops: [][2]string{{"2025-06-10 00:00", "2025-06-11 00:00"}},
			want: "2025-06-10 00:00"},
		// A stop ending exactly at the start, and an empty one, do nothing.
		{name: "stop before the start, empty stop", kind: sla.Hours, limit: time.Hour,
			start: "2025-06-06 09:00", stops: [][2]string{
				{"2025-06-06 08:00", "2025-06-06 09:00"}, {"2025-06-06 09:30", "2025-06-06 09:30"},
				{"2025-06-06 09:40", "2025-06-06 09:20"}},
			want: "2025-06-06 10:00"},
		// Friday 16:59-17:00 counts 1m; the stop from 17:00 Friday to 09:30
		// Monday covers Monday 09:00-09:30; the other 1m ends at 09:31.
		{name: "stops at the edges of working hours", kind: sla.WorkingHours, limit: 2 * time.Minute,
			start: "2025-06-06 16:59", stops: [][2]string{{"2025-06-06 17:00", "2025-06-09 09:30"}},
			want: "2025-06-09 09:31"},
	})
}

func TestClockValidate(t *testing.T) {
	c := calendar(t, sla.EnglandAndWales)
	for _, tc := range []struct {
		clock sla.Clock
		err   string
	}{
		{sla.Clock{Kind: sla.Hours, Limit: time.Hour}, ""},
		{sla.Clock{Kind: sla.WorkingDays, Limit: 3660 * sla.Day, Calendar: c}, ""},
		{sla.Clock{Limit: time.Hour}, "clock kind Kind(0) is not valid"},
		{sla.Clock{Kind: sla.Hours}, "hours clock: limit 0s is not positive or over ten years"},
		{sla.Clock{Kind: sla.Days, Limit: 3661 * sla.Day, Calendar: c},
			"days clock: limit 87864h0m0s is not positive or over ten years"},
		{sla.Clock{Kind: sla.WorkingDays, Limit: 36 * time.Hour, Calendar: c},
			"working_days clock: limit 36h0m0s is not a whole number of days"},
		{sla.Clock{Kind: sla.WorkingHours, Limit: time.Hour + time.Millisecond, Calendar: c},
			"working_hours clock: limit 1h0m0.001s is not a whole number of seconds"},
		{sla.Clock{Kind: sla.Days, Limit: sla.Day}, "days clock needs a calendar"},
	} {
		err := tc.clock.Validate()
		if tc.err == "" {
			assert.NoError(t, err)
			continue
		}
		assert.EqualError(t, err, tc.err)
		assert.PanicsWithValue(t, "sla: "+tc.err, func() { tc.clock.Deadline(time.Now(), nil) })
	}
}

// An Hours clock needs no calendar; its deadline is in the start's zone.
func TestHoursWithoutCalendar(t *testing.T) {
	c := sla.Clock{Kind: sla.Hours, Limit: 90 * time.Minute}
	start := time.Date(2025, 3, 30, 0, 30, 0, 0, sla.London())
	got := c.Deadline(start, []sla.Interval{{Start: start, End: start.Add(time.Minute)}})
	assert.Equal(t, "2025-03-30T03:01:00+01:00", got.Format(time.RFC3339))
}

func TestClockString(t *testing.T) {
	assert.Equal(t, "4.5 working_hours", sla.Clock{Kind: sla.WorkingHours, Limit: 270 * time.Minute}.String())
	assert.Equal(t, "5 working_days", sla.Clock{Kind: sla.WorkingDays, Limit: 5 * sla.Day}.String())
	assert.Equal(t, "24 hours", sla.Clock{Kind: sla.Hours, Limit: sla.Day}.String())
}

func TestParseKindAndLimit(t *testing.T) {
	for _, k := range []sla.Kind{sla.Hours, sla.WorkingHours, sla.WorkingDays, sla.Days} {
		got, err := sla.ParseKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := sla.ParseKind("weeks")
	assert.EqualError(t, err, `unknown clock "weeks": want hours, working_hours, working_days or days`)

	for _, tc := range []struct {
		kind sla.Kind
		in   string
		want time.Duration
		err  string
	}{
		{sla.Hours, "4", 4 * time.Hour, ""},
		{sla.WorkingHours, "0.5", 30 * time.Minute, ""},
		{sla.WorkingHours, "7.25", 7*time.Hour + 15*time.Minute, ""},
		{sla.Hours, "1.0001", 0, `hours limit "1.0001": not a whole number of seconds`},
		{sla.Hours, "0.0025", 9 * time.Second, ""},
		{sla.Hours, "0.50000", 30 * time.Minute, ""},
		{sla.Hours, "0.33333", 0, `hours limit "0.33333": not a whole number of seconds`},
		{sla.Hours, "87840", 87840 * time.Hour, ""},
		{sla.Hours, "87840.5", 0, `hours limit "87840.5": want a positive limit of at most ten years`},
		{sla.WorkingDays, "5", 5 * sla.Day, ""},
		{sla.Days, "3660", 3660 * sla.Day, ""},
		{sla.Days, "3661", 0, `days limit "3661": want a positive limit of at most ten years`},
		{sla.WorkingDays, "1.5", 0, `working_days limit "1.5": want a whole number of days`},
		{sla.WorkingDays, "0", 0, `working_days limit "0": want a positive limit of at most ten years`},
		{sla.Hours, "0.0", 0, `hours limit "0.0": want a positive limit of at most ten years`},
		{sla.Hours, "-1", 0, `hours limit "-1": want a decimal number of hours`},
		{sla.Hours, "1.", 0, `hours limit "1.": want a decimal number of hours`},
		{sla.Hours, ".5", 0, `hours limit ".5": want a decimal number of hours`},
		{sla.Hours, "1.5h", 0, `hours limit "1.5h": want a decimal number of hours`},
		{sla.Hours, "", 0, `hours limit "": want a decimal number of hours`},
		{sla.Hours, "0000000000000000000001", time.Hour, ""},
		{sla.Hours, "99999999999999999999", 0, `hours limit "99999999999999999999": over ten years`},
		{0, "1", 0, "clock kind Kind(0) is not valid"},
	} {
		got, err := sla.ParseLimit(tc.kind, tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}
