// Package events measures KPIs from the providers' own job records, by one
// methodology for every provider: it reads the event files a rulebook's
// events section declares (repairs, moves, transport requests), runs each
// event's SLA clocks with package sla, and adds the events up into the
// monthly fields that KPI expressions use like any other.
//
// The steps, and what a caller (the runner) does with them:
//
//	prog, err := events.Compile(rb)             // filters type-checked, calendars built
//	agg, err := prog.NewAggregator(events.Options{
//		Lots: lots, First: first, Last: last,  // the monthly data's lots and months
//		Exclusions: ex,                        // prog.LoadExclusions(path), or nil
//		Sample: true,                          // draw the QA sample
//		Explain: &events.ExplainRequest{...},  // only for kpicredit explain
//	})
//	err = agg.ReadFiles(map[string]string{"repairs": "repairs.csv"}) // --events NAME=FILE
//	res, err := agg.Result()
//	diffs, err := res.Fill(&row)                // each data row: computed values in, reported ones out
//	res.Summary(); res.Open(); res.Sample(); res.Explanation(); res.Excluded()
//	events.WriteSampleCSV(w, rb, res.Sample())  // qa_sample.csv
//
// Events are read as a stream, on two goroutines: one reads and parses a
// file while the other adds its events up. Besides one state per lot,
// month and field, memory holds 12 bytes of a hash of each event id of
// the source being read (to find duplicates; outside the Go heap where
// the system allows), the stops read from stop files, the exclusions, and
// when asked the QA sample (a little over its share of each lot-month's
// events) and one lot-month's explanation: no other per-event data.
//
// Which month an event counts in is the field's choice: the month of its
// clock's deadline (the default for a field with a clock; a deadline at
// 24:00 belongs to the day that ends there), the month its clock (or the
// event) started (the default without a clock), or the month it ended. The
// data ends at the end of its last month, the "as of" instant. An event
// still open then, past its deadline, has failed: it counts once, as
// missed, in its deadline month, whatever the field's month. One still
// open and not yet due is left out, and counted as open (Result.Open) by
// the month it started; so is an event without an end in a field counted
// by end month. A clock with a minimum (a notice period) is met by an end
// at or after its deadline, and an event open past it is open, not late.
//
// Every problem with an event file is an *InputError naming the file, the
// line (CSV) or row (Parquet) and the column: a timestamp that cannot be
// read (including a local time that does not exist, or is ambiguous,
// across a clock change and has no offset), an event that ends before it
// starts, a duplicate id, a lot the monthly data does not have, a value
// of the wrong type; errors.Is tells them apart (ErrDuplicate,
// ErrUnknownLot, sla.ErrAmbiguous, ...). The first problem in a file's
// order is reported.
package events
