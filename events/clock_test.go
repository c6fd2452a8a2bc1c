package events_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hand-worked: the data runs from April to June 2025 and ends (as of)
// at 00:00 on Tuesday 1 July 2025. In England and Wales, Good Friday (18
// April), Easter Monday (21 April), the Early May (5 May) and Spring (26
// May) bank holidays are not working days; in Scotland Easter Monday is.
const worked = header +
	// U1: Friday 23 May, 16:55, before the Spring Bank Holiday. The
	// start day never counts; Saturday, Sunday and Monday 26 May are not
	// working days; the five are Tue 27, Wed 28, Thu 29, Fri 30 May and
	// Mon 2 June, so the deadline is 24:00 on Monday 2 June (Tue 3 June
	// 00:00): June. Fixed on Monday 2 June at 15:00: met.
	"U1,Acme,North,urgent,2025-05-23 16:55,2025-06-02 15:00,,,100.50\n" +
	// U2: the same start, fixed at 09:00 on Tuesday 3 June: nine hours
	// late, missed, in June.
	"U2,Acme,North,urgent,2025-05-23 16:55,2025-06-03 09:00,,,200\n" +
	// U3: the same, with no access all Wednesday 28 May: that working day
	// does not count, so the fifth is Tuesday 3 June and the deadline
	// 24:00 that day (Wed 4 June 00:00). Fixed Tuesday 3 June 15:00: met.
	"U3,Acme,North,urgent,2025-05-23 16:55,2025-06-03 15:00,2025-05-28 00:00,2025-05-29 00:00,0.25\n" +
	// U4: Thursday 17 April, 10:00, in England: Good Friday and Easter
	// Monday do not count; Tue 22 to Fri 25 and Mon 28 April are the
	// five, so it is due at 24:00 on Monday 28 April. Fixed then at
	// 12:00: met, April.
	"U4,Acme,North,urgent,2025-04-17 10:00,2025-04-28 12:00,,,1\n" +
	// U5: the same in Scotland, where Easter Monday is a working day: Mon
	// 21 to Fri 25 April are the five, due at 24:00 on Friday 25 April.
	// Fixed Monday 28 April: missed, April.
	"U5,Acme,Scotland,urgent,2025-04-17 10:00,2025-04-28 12:00,,,1\n" +
	// U6: Monday 16 June, 10:00, still open. Due at 24:00 on Monday 23
	// June, before the data ends: late, a failure counted in June.
	"U6,Acme,North,urgent,2025-06-16 10:00,,,,0\n" +
	// U7: Wednesday 25 June, 10:00, still open. Due at 24:00 on Wednesday
	// 2 July, after the data ends: open, left out, counted as open in June.
	"U7,Acme,North,urgent,2025-06-25 10:00,,,,0\n" +
	// E1: an emergency at 20:00 on Wednesday 30 April, fixed 19:59 the
	// next day: within 24 hours (due 20:00 on Thursday 1 May), so it counts
	// in May, the deadline's month.
	"E1,Acme,North,emergency,2025-04-30 20:00,2025-05-01 19:59,,,5\n" +
	// E2: fixed exactly at its deadline, 24 hours on: equality is met.
	"E2,Acme,North,emergency,2025-04-30 10:00,2025-05-01 10:00,,,5\n" +
	// E3: fixed a second after its deadline: missed.
	"E3,Acme,North,emergency,2025-04-30 10:00,2025-05-01 10:00:01,,,5\n"

func TestHandWorked(t *testing.T) {
	p := program(t, book)
	r, err := run(t, p, options(), map[string]string{"repairs": worked})
	require.NoError(t, err)
	cases := []struct {
		lot   []string
		month string
		field string
		want  string
	}{
		{north, "2025-06", "urgent_jobs", "4"},  // U1, U2, U3, U6 (late)
		{north, "2025-06", "urgent_fixed", "2"}, // U1, U3
		{north, "2025-06", "urgent_late", "2"},  // U2, U6
		{north, "2025-05", "urgent_jobs", "0"},
		{north, "2025-04", "urgent_jobs", "1"}, // U4
		{north, "2025-04", "urgent_fixed", "1"},
		{scotland, "2025-04", "urgent_jobs", "1"}, // U5
		{scotland, "2025-04", "urgent_fixed", "0"},
		{north, "2025-05", "emergency_jobs", "3"}, // E1, E2, E3, due in May
		{north, "2025-05", "emergency_fixed", "2"},
		{north, "2025-04", "emergency_jobs", "0"},
		// Costs count in the month the job ended; open jobs have no end.
		{north, "2025-06", "cost", "300.75"},      // U1 100.50 + U2 200 + U3 0.25
		{north, "2025-06", "mean_cost", "100.25"}, // 300.75 / 3
		{north, "2025-06", "max_cost", "200"},
		{north, "2025-05", "cost", "15"},
		{north, "2025-05", "mean_cost", "5"},
		{north, "2025-04", "cost", "1"},
		{scotland, "2025-05", "mean_cost", "0"}, // no events: 0
		// started: every event, by the month it started.
		{north, "2025-04", "started", "4"}, // U4, E1, E2, E3
		{north, "2025-05", "started", "3"}, // U1, U2, U3
		{north, "2025-06", "started", "2"}, // U6, U7: open events count by start
	}
	for _, tc := range cases {
		t.Run(tc.field+" "+tc.month, func(t *testing.T) {
			assert.Equal(t, tc.want, value(t, r, tc.lot, month(t, tc.month), tc.field))
		})
	}
	sum := r.Summary()
	require.Len(t, sum, 1)
	assert.Equal(t, int64(10), sum[0].Events)
	assert.Equal(t, int64(1), sum[0].Open, "U7")
	assert.Equal(t, int64(1), sum[0].Late, "U6")
	open := r.Open()
	require.Len(t, open, 1)
	assert.Equal(t, north, open[0].Lot)
	assert.Equal(t, june, open[0].Month)
	assert.Equal(t, int64(1), open[0].Events)
}
