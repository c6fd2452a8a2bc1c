package sla_test

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddWorkingDays(t *testing.T) {
	ew, sc := calendar(t, sla.EnglandAndWales), calendar(t, sla.Scotland)
	for _, tc := range []struct {
		cal  *sla.Calendar
		from string
		n    int
		want string
	}{
		{ew, "2025-06-04", 0, "2025-06-04"},
		{ew, "2025-06-07", 0, "2025-06-07"}, // a Saturday stays itself
		{ew, "2025-06-04", 1, "2025-06-05"},
		{ew, "2025-06-06", 1, "2025-06-09"},   // Friday to Monday
		{ew, "2025-06-07", 1, "2025-06-09"},   // Saturday to Monday
		{ew, "2025-05-23", 1, "2025-05-27"},   // over the Spring Bank Holiday
		{ew, "2025-05-23", 5, "2025-06-02"},   // Tue 27, Wed 28, Thu 29, Fri 30, Mon 2
		{ew, "2025-12-24", 1, "2025-12-29"},   // Christmas, Boxing Day, weekend
		{ew, "2025-12-31", 1, "2026-01-02"},   // across the year; 1 January
		{ew, "2025-12-31", 253, "2026-12-31"}, // 2026: 261 weekdays, 8 of them holidays
		{ew, "2025-12-31", 254, "2027-01-04"}, // 1 January 2027 is a holiday
		{ew, "2025-06-09", -1, "2025-06-06"},  // Monday back to Friday
		{ew, "2025-06-08", -1, "2025-06-06"},  // Sunday back to Friday
		{ew, "2025-05-27", -1, "2025-05-23"},  // back over the bank holiday
		{ew, "2026-01-02", -1, "2025-12-31"},
		{ew, "2026-01-02", -253, "2025-01-02"}, // 2025: 261 weekdays, 8 of them holidays
		{sc, "2025-04-17", 2, "2025-04-22"},    // Good Friday; Easter Monday works in Scotland
		{ew, "2025-04-17", 2, "2025-04-23"},
	} {
		got := tc.cal.AddWorkingDays(date(t, tc.from), tc.n)
		assert.Equal(t, tc.want, got.String(), "%v %s %+d", tc.cal.Nation(), tc.from, tc.n)
	}
}

// AddWorkingDays agrees with stepping one day at a time, both ways.
func TestAddWorkingDaysStepping(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range calendars(t) {
		for range 300 {
			d := sla.Date{Year: 2019, Month: 1, Day: 1}.AddDays(r.IntN(9 * 365))
			n := r.IntN(61) - 30
			want, step := d, 1
			if n < 0 {
				step = -1
			}
			for k := 0; k != n; {
				want = want.AddDays(step)
				if c.IsWorkingDay(want) {
					k += step
				}
			}
			require.Equal(t, want, c.AddWorkingDays(d, n), "%v %v %+d", c.Nation(), d, n)
		}
	}
}

func TestWorkingTime(t *testing.T) {
	c := calendar(t, sla.EnglandAndWales)
	for _, tc := range []struct {
		from, to string
		want     time.Duration
	}{
		{"2025-06-02 10:00", "2025-06-02 12:30", 150 * time.Minute},
		{"2025-06-02 07:00", "2025-06-02 20:00", 8 * time.Hour},
		{"2025-06-02 20:00", "2025-06-02 07:00", 0},                           // backwards
		{"2025-06-06 16:00", "2025-06-09 10:00", 2 * time.Hour},               // Fri 1h, Mon 1h
		{"2025-05-23 16:55", "2025-05-27 12:55", 4 * time.Hour},               // over the bank holiday
		{"2025-12-31 16:00", "2026-01-02 10:00", 2 * time.Hour},               // across the year
		{"2024-12-31 16:00", "2026-01-02 10:00", (1 + 253*8 + 1) * time.Hour}, // 2025's 253 working days
		{"2025-03-28 09:00", "2025-03-31 17:00", 16 * time.Hour},              // over the March change
	} {
		assert.Equal(t, tc.want, c.WorkingTime(at(t, tc.from), at(t, tc.to)), "%s to %s", tc.from, tc.to)
	}
}

func TestCalendarConfig(t *testing.T) {
	c := calendar(t, sla.Scotland)
	assert.Equal(t, sla.Scotland, c.Nation())
	assert.Equal(t, "Europe/London", c.Location().String())
	ws, we := c.WorkingHours()
	assert.Equal(t, [2]time.Duration{9 * time.Hour, 17 * time.Hour}, [2]time.Duration{ws, we})

	// Declared hours, 08:00 to 18:30: Friday 18:00-18:30 is 30m, Monday 08:00 + 1h30m.
	long, err := sla.NewCalendar(sla.Config{Nation: sla.EnglandAndWales,
		WorkStart: 8 * time.Hour, WorkEnd: 18*time.Hour + 30*time.Minute})
	require.NoError(t, err)
	clock := sla.Clock{Kind: sla.WorkingHours, Limit: 2 * time.Hour, Calendar: long}
	assert.Equal(t, at(t, "2025-06-09 09:30"), clock.Deadline(at(t, "2025-06-06 18:00"), nil))
	// All day, 00:00 to 24:00: a working-hours clock counts whole working
	// days. Friday 23:00-24:00 is 1h, Monday 24h: Tuesday 00:00.
	all, err := sla.NewCalendar(sla.Config{Nation: sla.EnglandAndWales, WorkEnd: 24 * time.Hour})
	require.NoError(t, err)
	clock = sla.Clock{Kind: sla.WorkingHours, Limit: 25 * time.Hour, Calendar: all}
	assert.Equal(t, at(t, "2025-06-10 00:00"), clock.Deadline(at(t, "2025-06-06 23:00"), nil))

	for _, tc := range []struct {
		cfg sla.Config
		err string
	}{
		{sla.Config{}, "sla: calendar needs a nation"},
		{sla.Config{Nation: 7}, "sla: calendar needs a nation"},
		{sla.Config{Nation: sla.Scotland, WorkStart: 17 * time.Hour, WorkEnd: 9 * time.Hour},
			"sla: working hours 17h0m0s to 9h0m0s: want whole seconds, 0 <= start < end <= 24h"},
		{sla.Config{Nation: sla.Scotland, WorkStart: 9 * time.Hour},
			"sla: working hours 9h0m0s to 0s: want whole seconds, 0 <= start < end <= 24h"},
		{sla.Config{Nation: sla.Scotland, WorkStart: -time.Hour, WorkEnd: time.Hour},
			"sla: working hours -1h0m0s to 1h0m0s: want whole seconds, 0 <= start < end <= 24h"},
		{sla.Config{Nation: sla.Scotland, WorkEnd: 25 * time.Hour},
			"sla: working hours 0s to 25h0m0s: want whole seconds, 0 <= start < end <= 24h"},
		{sla.Config{Nation: sla.Scotland, WorkStart: time.Millisecond, WorkEnd: time.Hour},
			"sla: working hours 1ms to 1h0m0s: want whole seconds, 0 <= start < end <= 24h"},
		{sla.Config{Nation: sla.Scotland, NonWorkingDays: []sla.Date{{Year: 2025, Month: 2, Day: 30}}},
			"sla: non-working day 2025-02-30 is not a date"},
	} {
		_, err := sla.NewCalendar(tc.cfg)
		assert.EqualError(t, err, tc.err)
	}
}

func TestDayStartAndDeadlineDate(t *testing.T) {
	c := calendar(t, sla.EnglandAndWales)
	assert.Equal(t, "2025-03-30T00:00:00Z", c.DayStart(date(t, "2025-03-30")).Format(time.RFC3339))
	assert.Equal(t, "2025-03-31T00:00:00+01:00", c.DayStart(date(t, "2025-03-31")).Format(time.RFC3339))
	for _, tc := range []struct{ at, want string }{
		{"2025-04-01 00:00", "2025-03-31"}, // 24:00 on 31 March: March
		{"2025-04-01 00:00:01", "2025-04-01"},
		{"2025-03-31 23:59:59", "2025-03-31"},
		{"2025-10-27 00:00", "2025-10-26"},
		{"2026-01-01 00:00", "2025-12-31"},
	} {
		assert.Equal(t, tc.want, c.DeadlineDate(at(t, tc.at)).String(), tc.at)
	}
	// The instant, not the zone it is written in, decides.
	assert.Equal(t, "2025-05-31", c.DeadlineDate(at(t, "2025-05-31T23:00:00Z")).String())
}

func TestCalendarRange(t *testing.T) {
	c := calendar(t, sla.EnglandAndWales)
	assert.True(t, c.IsWorkingDay(sla.Date{Year: 2261, Month: 12, Day: 30}))
	assert.PanicsWithValue(t, "sla: date 1899-12-31 outside the calendar's years 1900 to 2261",
		func() { c.IsWorkingDay(sla.Date{Year: 1899, Month: 12, Day: 31}) })
	assert.PanicsWithValue(t, "sla: date 2025-02-29 outside the calendar's years 1900 to 2261",
		func() { c.AddWorkingDays(sla.Date{Year: 2025, Month: 2, Day: 29}, 1) })
	assert.PanicsWithValue(t, "sla: year 1899 outside the calendar's years 1900 to 2261", func() {
		sla.Clock{Kind: sla.WorkingDays, Limit: sla.Day, Calendar: c}.
			Deadline(time.Date(1899, 6, 1, 0, 0, 0, 0, time.UTC), nil)
	})
	// A stop that never ends holds the clock for ever.
	never := time.Unix(0, 1<<63-1)
	start := at(t, "2025-06-02 09:00")
	for _, k := range kinds {
		clock := sla.Clock{Kind: k, Limit: sla.Day, Calendar: c}
		got := clock.Deadline(start, []sla.Interval{{Start: start, End: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}})
		assert.True(t, never.Equal(got), "%v: %v", k, got)
		assert.True(t, clock.Met(start, time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC), []sla.Interval{{Start: start, End: never}}))
	}
}

// Tables built by many goroutines at once agree (run with -race).
func TestCalendarConcurrent(t *testing.T) {
	c := calendar(t, sla.NorthernIreland)
	clock := sla.Clock{Kind: sla.WorkingDays, Limit: 20 * sla.Day, Calendar: c}
	want := clock.Deadline(at(t, "2030-12-01 10:00"), nil)
	fresh := calendar(t, sla.NorthernIreland)
	var wg sync.WaitGroup
	got := make([]time.Time, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = sla.Clock{Kind: sla.WorkingDays, Limit: 20 * sla.Day, Calendar: fresh}.
				Deadline(at(t, "2030-12-01 10:00"), nil)
		}()
	}
	wg.Wait()
	for _, g := range got {
		assert.True(t, want.Equal(g))
	}
}

// Once a year's table is built, clocks and calendar questions allocate
// nothing.
func TestNoAllocations(t *testing.T) {
	c := calendar(t, sla.EnglandAndWales)
	start := at(t, "2025-05-23 16:55")
	stops := []sla.Interval{stop(t, "2025-05-27 10:00", "2025-05-27 11:00"), stop(t, "2025-05-23 16:00", "2025-05-23 16:58")}
	d := date(t, "2025-05-23")
	for _, k := range kinds {
		clock := sla.Clock{Kind: k, Limit: 5 * sla.Day, Calendar: c}
		clock.Deadline(start, stops) // build the tables
		assert.Zero(t, testing.AllocsPerRun(100, func() { clock.Deadline(start, stops) }), "%v", k)
		assert.Zero(t, testing.AllocsPerRun(100, func() { clock.Met(start, start, stops) }), "%v", k)
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { c.AddWorkingDays(d, 5) }))
	assert.Zero(t, testing.AllocsPerRun(100, func() { c.WorkingTime(start, start.Add(100*time.Hour)) }))
	assert.Zero(t, testing.AllocsPerRun(100, func() { c.IsWorkingDay(d) }))
}
