package sla_test

import (
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
)

// go test -bench . ./sla: the per-call cost of the clocks and calendar
// questions once the year's tables are built (they allocate nothing), and
// the one-off cost of building a year's table.

func BenchmarkDeadline(b *testing.B) {
	c := calendar(b, sla.EnglandAndWales)
	start := at(b, "2025-05-23 16:55")
	stops := []sla.Interval{
		stop(b, "2025-05-28 10:00", "2025-05-28 11:30"),
		stop(b, "2025-05-27 12:00", "2025-05-27 14:00"),
		stop(b, "2025-05-23 16:00", "2025-05-23 16:58"),
	}
	for _, k := range kinds {
		limit := 5 * sla.Day
		if k == sla.Hours || k == sla.WorkingHours {
			limit = 20 * time.Hour
		}
		clock := sla.Clock{Kind: k, Limit: limit, Calendar: c}
		clock.Deadline(start, stops)
		b.Run(k.String()+"/no-stops", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clock.Deadline(start, nil)
			}
		})
		b.Run(k.String()+"/3-stops", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clock.Deadline(start, stops)
			}
		})
	}
}

func BenchmarkMet(b *testing.B) {
	c := calendar(b, sla.Scotland)
	clock := sla.Clock{Kind: sla.WorkingDays, Limit: 5 * sla.Day, Calendar: c}
	start, end := at(b, "2025-12-23 10:00"), at(b, "2026-01-06 10:00")
	b.ReportAllocs()
	for b.Loop() {
		clock.Met(start, end, nil)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := calendar(b, sla.EnglandAndWales)
	d := date(b, "2025-05-23")
	c.AddWorkingDays(d, 20)
	b.ReportAllocs()
	for b.Loop() {
		c.AddWorkingDays(d, 20)
	}
}

func BenchmarkWorkingTime(b *testing.B) {
	c := calendar(b, sla.EnglandAndWales)
	from, to := at(b, "2025-05-23 16:55"), at(b, "2025-06-13 10:00")
	c.WorkingTime(from, to)
	b.ReportAllocs()
	for b.Loop() {
		c.WorkingTime(from, to)
	}
}

func BenchmarkParseTime(b *testing.B) {
	for _, s := range []string{"2025-05-23 16:55:10", "2025-05-23T16:55:10+01:00"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sla.ParseTime(s, sla.London()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The one-off cost of a year's table, built on first use.
func BenchmarkYearTable(b *testing.B) {
	d := date(b, "2025-05-23")
	b.ReportAllocs()
	for b.Loop() {
		calendar(b, sla.NorthernIreland).IsWorkingDay(d)
	}
}
