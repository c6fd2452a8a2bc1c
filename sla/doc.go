// Package sla computes SLA clocks on UK working-day calendars: when an
// event (a repair, a move, a complaint) is due, and whether it was done in
// time.
//
// A Clock counts time on a schedule, less its stops; its deadline is the
// earliest instant at which the counted time equals its limit, and an event
// is met when it ends at or before the deadline (equality is met). The
// schedules, one per Kind:
//
//   - Hours: every instant counts, from the start instant. This is real
//     elapsed time, so across the March clock change a wall-clock day is 23
//     hours and a 24-hour clock from 12:00 on Saturday 29 March 2025 ends at
//     13:00 on the Sunday.
//   - WorkingHours: the time within the calendar's working hours (09:00 to
//     17:00 unless declared) on working days, from the start instant.
//   - WorkingDays: whole working days (00:00 to 24:00 local) count, from
//     00:00 of the day after the start day. The start day never counts; the
//     deadline of an N-day clock is the end of the N-th working day after
//     the start day.
//   - Days: as WorkingDays with every calendar day counting.
//
// A working day is Monday to Friday that is neither a bank holiday of the
// calendar's Nation nor one of the contract's non-working days. Bank
// holidays come from the kept library github.com/rickar/cal/v2, with
// Scotland's and Northern Ireland's built from its holiday types and a small
// table of proclaimed one-off changes it lacks (such as the State Funeral of
// Queen Elizabeth II on 19 September 2022). A holiday that falls at a
// weekend moves to its substitute day, the Monday; where two fall on one
// weekend (Christmas and Boxing Day; 1 and 2 January in Scotland) the second
// moves one day further. Scotland has no Easter Monday and no late-August
// holiday, but has 2 January, the first Monday of August and St Andrew's Day
// (30 November); Northern Ireland adds St Patrick's Day (17 March) and the
// Battle of the Boyne (12 July).
//
// Stops (intervals in which the clock is paused, such as no access to the
// property) may overlap and come in any order: they are merged, clipped to
// the clock's interval, and the time within them is not counted, for day
// clocks too, to the second (indeed the nanosecond). A stop so removes from
// a WorkingDays clock only the time it covers on working days, and the
// deadline moves on into the working days that follow.
//
// On WorkingDays and Days clocks the day is the unit: a whole day counts
// one day however long it is (23 or 25 hours at a clock change), and a part
// of a day counts its share of the day's real length. A stop of one hour on
// an ordinary day moves the deadline on one hour of an ordinary day; 23
// minutes of the 23-hour day in March are 1/60 day, and move it on 24
// minutes of a 24-hour day. (Counting real seconds instead would make the
// limit's length depend on which days it spans, and an event that started
// later could fall due earlier.) Away from the clock changes, and always on
// WorkingDays clocks in the UK (the clocks change on Sundays), a day is 24
// hours and counted time is real time.
//
// A deadline at 24:00 belongs to the day, and the month, that ends there:
// see Calendar.DeadlineDate.
//
// Times are read with ParseTime, in the calendar's zone (Europe/London by
// default). A local time that does not exist (skipped when the clocks go
// forward in March) or is ambiguous (repeated when they go back in October)
// is an error unless it carries an explicit offset.
//
// A Calendar keeps a table per year of day boundaries, working days and
// running totals, so that Deadline, Met, Calendar.AddWorkingDays and
// Calendar.WorkingTime cost O(1) or O(log n) lookups and allocate nothing.
//
// It depends on the standard library and github.com/rickar/cal/v2 only.
package sla
