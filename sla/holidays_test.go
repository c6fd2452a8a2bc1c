package sla_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bank holidays published on GOV.UK (gov.uk/bank-holidays), as
// observed (substitute days in place of the weekend days), per nation and
// year.
var govUK = map[sla.Nation]map[int]string{
	sla.EnglandAndWales: {
		2019: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
		2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28", // VE Day moved early May to 8 May
		2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
		// Spring moved to 2 June, Platinum Jubilee 3 June, State Funeral 19 September;
		// Christmas (Sunday) substitute Tuesday 27 December.
		2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
		2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26", // Coronation 8 May
		2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
		2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
		2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
		2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
	},
	sla.Scotland: {
		2019: "01-01 01-02 04-19 05-06 05-27 08-05 12-02 12-25 12-26",
		2020: "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28",
		2021: "01-01 01-04 04-02 05-03 05-31 08-02 11-30 12-27 12-28",
		2022: "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27",
		2023: "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26",
		2024: "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26",
		2025: "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26",
		2026: "01-01 01-02 04-03 05-04 05-25 08-03 11-30 12-25 12-28",
		2027: "01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28",
	},
	sla.NorthernIreland: {
		2019: "01-01 03-18 04-19 04-22 05-06 05-27 07-12 08-26 12-25 12-26",
		2020: "01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 12-25 12-28",
		2021: "01-01 03-17 04-02 04-05 05-03 05-31 07-12 08-30 12-27 12-28",
		2022: "01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27",
		2023: "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26",
		2024: "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26",
		2025: "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26",
		2026: "01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28",
		2027: "01-01 03-17 03-26 03-29 05-03 05-31 07-12 08-30 12-27 12-28",
	},
}

func calendar(t testing.TB, n sla.Nation, extra ...sla.Date) *sla.Calendar {
	t.Helper()
	c, err := sla.NewCalendar(sla.Config{Nation: n, NonWorkingDays: extra})
	require.NoError(t, err)
	return c
}

// Holidays match GOV.UK's lists, and the working days are exactly the
// weekdays that are not on them.
func TestHolidaysMatchGovUK(t *testing.T) {
	for nation, years := range govUK {
		c := calendar(t, nation)
		for year, list := range years {
			t.Run(fmt.Sprintf("%v/%d", nation, year), func(t *testing.T) {
				want := map[sla.Date]bool{}
				for _, md := range strings.Fields(list) {
					want[date(t, fmt.Sprintf("%d-%s", year, md))] = true
				}
				var got []string
				for _, h := range c.Holidays(year) {
					got = append(got, h.Date.String()[5:])
				}
				assert.Equal(t, list, strings.Join(got, " "))
				for d := (sla.Date{Year: year, Month: 1, Day: 1}); d.Year == year; d = d.AddDays(1) {
					wd := d.Weekday()
					weekday := wd != time.Saturday && wd != time.Sunday
					require.Equal(t, weekday && !want[d], c.IsWorkingDay(d), "%v", d)
				}
			})
		}
	}
}

// Names say which days are substitutes.
func TestHolidayNames(t *testing.T) {
	sc := calendar(t, sla.Scotland)
	assert.Equal(t, []sla.Holiday{
		{Date: sla.Date{Year: 2022, Month: 1, Day: 3}, Name: "New Year's Day (substitute day)"},
		{Date: sla.Date{Year: 2022, Month: 1, Day: 4}, Name: "2nd January (substitute day)"},
	}, sc.Holidays(2022)[:2])
	assert.Equal(t, "St Andrew's Day (substitute day)", sc.Holidays(2025)[6].Name)
	ni := calendar(t, sla.NorthernIreland)
	assert.Equal(t, "Battle of the Boyne (Orangemen's Day) (substitute day)", ni.Holidays(2025)[6].Name)
	ew := calendar(t, sla.EnglandAndWales)
	assert.Equal(t, "State Funeral of Queen Elizabeth II", ew.Holidays(2022)[7].Name)
}

// The one-off proclamations before GOV.UK's lists: every nation.
func TestHolidaysOneOffs(t *testing.T) {
	for _, n := range []sla.Nation{sla.EnglandAndWales, sla.Scotland, sla.NorthernIreland} {
		c := calendar(t, n)
		for _, tc := range []struct {
			date    string
			working bool
		}{
			{"1999-12-31", false}, // Millennium
			{"2002-05-27", true},  // last Monday of May: Spring moved to 4 June
			{"2002-06-03", false}, // Golden Jubilee
			{"2002-06-04", false}, // Spring Bank Holiday
			{"2011-04-29", false}, // Royal Wedding
			{"2012-05-28", true},  // Spring moved to 4 June
			{"2012-06-04", false},
			{"2012-06-05", false}, // Diamond Jubilee
			{"2020-05-04", true},  // early May moved to VE Day, 8 May
			{"2022-05-30", true},  // last Monday of May: Spring moved to 2 June
		} {
			assert.Equal(t, tc.working, c.IsWorkingDay(date(t, tc.date)), "%v %s", n, tc.date)
		}
	}
}

func TestContractNonWorkingDays(t *testing.T) {
	c := calendar(t, sla.EnglandAndWales, date(t, "2025-12-24"), date(t, "2025-12-27"))
	assert.False(t, c.IsWorkingDay(date(t, "2025-12-24")))
	assert.True(t, c.IsWorkingDay(date(t, "2025-12-23")))
	// Christmas Eve, Christmas and Boxing Day, the weekend: Tuesday 23 + 1 = Monday 29.
	assert.Equal(t, date(t, "2025-12-29"), c.AddWorkingDays(date(t, "2025-12-23"), 1))
	assert.Len(t, c.Holidays(2025), 8, "contract days are not bank holidays")
}

func TestNation(t *testing.T) {
	for _, n := range []sla.Nation{sla.EnglandAndWales, sla.Scotland, sla.NorthernIreland} {
		got, err := sla.ParseNation(n.String())
		require.NoError(t, err)
		assert.Equal(t, n, got)
	}
	_, err := sla.ParseNation("wales")
	assert.EqualError(t, err, `unknown nation "wales": want england_and_wales, scotland or northern_ireland`)
	assert.Equal(t, "Nation(9)", sla.Nation(9).String())
}

func date(t testing.TB, s string) sla.Date {
	t.Helper()
	d, err := sla.ParseDate(s)
	require.NoError(t, err)
	return d
}
