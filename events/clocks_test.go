package events_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kinds is a rulebook whose sources exercise the other kinds of clock: a
// notice period (a minimum of five days), a deadline read from a column, an
// hours clock across the clock change, working hours, and the month
// assignments.
const kinds = `contract: C
currency: GBP
keys: [region]
charge: charge
fields:
  charge: money
  moves: int
  noticed: int
  short: int
  requests: int
  on_time: int
  calls: int
  answered: int
  answered_by_start: int
  answered_by_end: int
kpis:
  - id: K1
    measure: noticed / moves
    target: 0.9
    credit: {fixed: {minor: 1}}
events:
  calendar:
    nation: england_and_wales
    non_working_days: [2025-12-29]
    working_hours: {from: "08:00", to: "18:00"}
  sources:
    moves:
      columns: {id: string, region: string, notice: timestamp, moved: timestamp}
      id: id
      start: notice
      end: moved
      clocks:
        notice: {limit: 5 days, minimum: true}
      fields:
        moves: {count: events, clock: notice, month: end}
        noticed: {count: met, clock: notice, month: end}
        short: {count: missed, clock: notice, month: end}
    transport:
      columns: {id: string, region: string, requested: timestamp, required: timestamp, arrived: timestamp}
      id: id
      start: requested
      end: arrived
      clocks:
        required: {deadline: required}
      fields:
        requests: {count: events, clock: required}
        on_time: {count: met, clock: required}
    calls:
      columns: {id: string, region: string, opened: timestamp, closed: timestamp}
      id: id
      start: opened
      end: closed
      clocks:
        day: {limit: 24 hours}
        office: {limit: 4 working_hours}
      fields:
        calls: {count: events, clock: day}
        answered: {count: met, clock: office}
        answered_by_start: {count: met, clock: office, month: start}
        answered_by_end: {count: met, clock: office, month: end}
`

func runKinds(t *testing.T, files map[string]string) *events.Result {
	t.Helper()
	p := program(t, kinds)
	opt := events.Options{Lots: [][]string{{"North"}}, First: rules.NewMonth(2025, 3), Last: rules.NewMonth(2025, 12)}
	r, err := run(t, p, opt, files)
	require.NoError(t, err)
	return r
}

func TestNoticeClock(t *testing.T) {
	r := runKinds(t, map[string]string{
		"moves": "id,region,notice,moved\n" +
			// Notice on Monday 2 June: the five clear days are Tue 3 to Sat 7
			// June, so the deadline is Sunday 8 June, 00:00. A move then, at
			// the deadline exactly, had enough notice (a minimum is met at or
			// after it).
			"M1,North,2025-06-02 15:00,2025-06-08 00:00\n" +
			// A minute before: short notice.
			"M2,North,2025-06-02 15:00,2025-06-07 23:59\n" +
			// Months later: enough. Counted in July, the month of the move.
			"M3,North,2025-06-02 09:00,2025-07-01 10:00\n" +
			// Not moved yet, long past the deadline: a minimum is never late,
			// so the move is open, left out.
			"M4,North,2025-06-02 09:00,\n",
		"transport": "id,region,requested,required,arrived\n",
		"calls":     "id,region,opened,closed\n",
	})
	june, july := rules.NewMonth(2025, 6), rules.NewMonth(2025, 7)
	assert.Equal(t, "2", value(t, r, []string{"North"}, june, "moves"))
	assert.Equal(t, "1", value(t, r, []string{"North"}, june, "noticed"))
	assert.Equal(t, "1", value(t, r, []string{"North"}, june, "short"))
	assert.Equal(t, "1", value(t, r, []string{"North"}, july, "noticed"))
	assert.Equal(t, int64(1), r.Summary()[0].Open)
	assert.Equal(t, int64(0), r.Summary()[0].Late)
}

func TestDeadlineColumn(t *testing.T) {
	r := runKinds(t, map[string]string{
		"moves": "id,region,notice,moved\n",
		"transport": "id,region,requested,required,arrived\n" +
			// Required at 00:00 on 1 April: the deadline belongs to 31 March.
			// Arrived at it exactly: on time.
			"T1,North,2025-03-30 18:00,2025-04-01 00:00,2025-04-01 00:00\n" +
			// Required at 09:00 on 1 April, arrived a minute late.
			"T2,North,2025-03-31 18:00,2025-04-01 09:00,2025-04-01 09:01\n" +
			// Required by an offset time in October (01:30 BST, before the
			// clocks go back): arrived at 01:15 GMT, 45 minutes later.
			"T3,North,2025-10-25 18:00,2025-10-26T01:30:00+01:00,2025-10-26T01:15:00Z\n",
		"calls": "id,region,opened,closed\n",
	})
	north := []string{"North"}
	assert.Equal(t, "1", value(t, r, north, rules.NewMonth(2025, 3), "requests"))
	assert.Equal(t, "1", value(t, r, north, rules.NewMonth(2025, 3), "on_time"))
	assert.Equal(t, "1", value(t, r, north, rules.NewMonth(2025, 4), "requests"))
	assert.Equal(t, "0", value(t, r, north, rules.NewMonth(2025, 4), "on_time"))
	assert.Equal(t, "1", value(t, r, north, rules.NewMonth(2025, 10), "requests"))
	assert.Equal(t, "0", value(t, r, north, rules.NewMonth(2025, 10), "on_time"))
}

func TestHoursAndWorkingHours(t *testing.T) {
	r := runKinds(t, map[string]string{
		"moves":     "id,region,notice,moved\n",
		"transport": "id,region,requested,required,arrived\n",
		"calls": "id,region,opened,closed\n" +
			// 24 hours from 12:00 on Saturday 29 March, across the clock
			// change, end at 13:00 on Sunday (a wall-clock day is 23 hours);
			// 4 working hours (08:00-18:00, declared) from then start on
			// Monday 31 March at 08:00: due at 12:00, answered 11:59. It is
			// counted in March by its deadline, start or end alike.
			"C1,North,2025-03-29 12:00,2025-03-31 11:59\n" +
			// Opened at 16:00 on Wednesday 30 April: two working hours that
			// day, then Thursday 1 May 08:00 to 10:00. Answered at 10:00:
			// met, due in May, started in April, ended in May.
			"C2,North,2025-04-30 16:00,2025-05-01 10:00\n" +
			// Opened 16:00 on Wednesday 24 December: 2 hours, then Christmas,
			// Boxing Day, the weekend and Monday 29 December (a contract
			// non-working day) do not count; due Tuesday 30 December 10:00.
			"C3,North,2025-12-24 16:00,2025-12-30 09:59\n",
	})
	north := []string{"North"}
	march, april, may, dec := rules.NewMonth(2025, 3), rules.NewMonth(2025, 4), rules.NewMonth(2025, 5), rules.NewMonth(2025, 12)
	assert.Equal(t, "1", value(t, r, north, march, "answered"))
	assert.Equal(t, "1", value(t, r, north, march, "answered_by_start"))
	assert.Equal(t, "1", value(t, r, north, march, "answered_by_end"))
	assert.Equal(t, "1", value(t, r, north, may, "answered"))
	assert.Equal(t, "1", value(t, r, north, april, "answered_by_start"))
	assert.Equal(t, "1", value(t, r, north, may, "answered_by_end"))
	assert.Equal(t, "1", value(t, r, north, dec, "answered"))
	// The day clock: C1 due 13:00 Sunday 30 March, answered on the 31st: missed.
	assert.Equal(t, "1", value(t, r, north, march, "calls"))
}
