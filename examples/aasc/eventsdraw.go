package aasc

import (
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
)

// repairKind is a priority of repair job and its clock.
type repairKind struct {
	priority    string
	jobs, fixed string        // the data's columns
	clock       sla.Clock     // as rules-events.yaml declares it
	span        time.Duration // how long before its month a job due in it may be reported
}

// repairs draws the month's emergency, urgent and routine jobs: as many
// due in the month, and fixed in time, as the data says, and now and
// then a few reopened jobs the provider's return left out.
func (d *lotDraw) repairs(m rules.Month, row map[string]int64) {
	kinds := []repairKind{
		{"emergency", "emergency_jobs", "emergency_fixed_24h", d.clk.emergency, 2 * 24 * time.Hour},
		{"urgent", "urgent_jobs", "urgent_fixed_5d", d.clk.urgent, 14 * 24 * time.Hour},
		{"routine", "routine_jobs", "routine_fixed_20d", d.clk.routine, 40 * 24 * time.Hour},
	}
	reopened := -1 // the kind whose return leaves jobs out this month
	if d.rng.IntN(12) == 0 {
		reopened = 1 + d.rng.IntN(2)
	}
	for k, kind := range kinds {
		n, met := row[kind.jobs], row[kind.fixed]
		if k == reopened {
			n += 1 + d.rng.Int64N(3)
		}
		for i := range n {
			d.repair(m, kind, i < met, "")
		}
		for range n / 50 { // cancelled jobs: reported, never done, left out by the filters
			d.repair(m, kind, true, "cancelled")
		}
	}
}

// repair draws one job due in month m that met its clock or missed it.
func (d *lotDraw) repair(m rules.Month, k repairKind, met bool, status string) {
	for {
		start := d.reported(monthStart(m).Add(-k.span), monthStart(m.Add(1)), k.priority == "emergency")
		if start.After(d.asOf) {
			return // not yet reported when the data was drawn
		}
		var stops []sla.Interval
		var noAccess, parts *sla.Interval
		if d.rng.IntN(12) == 0 { // no access to the property for a while
			length := time.Duration(2+d.rng.IntN(4)) * time.Hour
			if k.priority != "emergency" {
				length = time.Duration(1+d.rng.IntN(3)) * 24 * time.Hour
			}
			begin := d.uniform(start, start.Add(length)).Add(time.Hour)
			noAccess = &sla.Interval{Start: begin, End: begin.Add(length)}
			stops = append(stops, *noAccess)
		}
		if k.priority == "routine" && d.rng.IntN(30) == 0 { // waiting for parts
			begin := d.uniform(start.Add(24*time.Hour), start.Add(7*24*time.Hour))
			parts = &sla.Interval{Start: begin, End: begin.Add(time.Duration(2+d.rng.IntN(6)) * 24 * time.Hour)}
			stops = append(stops, *parts)
		}
		due := k.clock.Deadline(start, stops)
		if d.month(due) != m {
			continue
		}
		end := d.fixed(k, start, due, met)
		if k.clock.Met(start, end, stops) != met {
			continue
		}
		d.writeRepair(k.priority, status, start, end, noAccess, parts)
		return
	}
}

// month returns the month a deadline belongs to.
func (d *lotDraw) month(due time.Time) rules.Month {
	day := d.clk.wh.DeadlineDate(due)
	return rules.NewMonth(day.Year, int(day.Month))
}

// reported draws when a job was reported, in [from, to): any time for an
// emergency; otherwise mostly on working days, between 08:00 and 19:00.
func (d *lotDraw) reported(from, to time.Time, anyTime bool) time.Time {
	if anyTime {
		return d.uniform(from, to)
	}
	for {
		day := sla.DateOf(d.uniform(from, to))
		if !d.clk.wh.IsWorkingDay(day) && d.rng.IntN(4) != 0 {
			continue
		}
		at := d.clk.wh.DayStart(day).Add(8*time.Hour + time.Duration(d.rng.IntN(11*60))*time.Minute)
		if !at.Before(from) && at.Before(to) {
			return at
		}
	}
}

// fixed draws when a job was done: before its deadline or after it; in
// working hours, but for emergencies.
func (d *lotDraw) fixed(k repairKind, start, due time.Time, met bool) time.Time {
	if k.priority == "emergency" {
		if met {
			return d.uniform(start.Add(10*time.Minute), due.Add(time.Minute))
		}
		return d.uniform(due.Add(time.Minute), due.Add(36*time.Hour))
	}
	if met {
		w := d.clk.wh.WorkingTime(start, due)
		x := time.Duration(float64(w) * (0.02 + 0.98*d.rng.Float64())).Truncate(time.Minute)
		return d.afterWorking(start, max(x, time.Minute)).Truncate(time.Minute)
	}
	late := time.Duration(1+d.rng.IntN(40)) * time.Hour
	return d.afterWorking(due, late).Truncate(time.Minute).Add(time.Minute)
}

// afterWorking returns the instant x of working hours after t.
func (d *lotDraw) afterWorking(t time.Time, x time.Duration) time.Time {
	return sla.Clock{Kind: sla.WorkingHours, Limit: x, Calendar: d.clk.wh}.Deadline(t, nil)
}

// writeRepair writes a job, its no-access stop and its wait for parts.
func (d *lotDraw) writeRepair(priority, status string, start, end time.Time, noAccess, parts *sla.Interval) {
	id := d.id("R", start)
	completed := d.stampOpen(end)
	switch {
	case status == "cancelled":
		completed = ""
	case completed == "":
		status = "open"
	default:
		status = "completed"
	}
	var from, to string
	if noAccess != nil && !noAccess.Start.After(d.asOf) {
		from, to = stamp(noAccess.Start), d.stampOpen(noAccess.End)
	}
	d.out.repairs = append(d.out.repairs, eventRow{start, start, d.lot.Region, []string{id, d.lot.Provider, d.lot.Region,
		priority, status, stamp(start), completed, from, to}})
	if parts != nil && !parts.Start.After(d.asOf) {
		d.out.stops = append(d.out.stops, eventRow{parts.Start, start, d.lot.Region,
			[]string{id, stamp(parts.Start), d.stampOpen(parts.End), "parts on order"}})
	}
}

// planned draws the month's planned maintenance: about one job for every
// two properties, done within 5 to 60 working days; a few cancelled.
func (d *lotDraw) planned(m rules.Month, row map[string]int64) {
	n := row["properties"] * 9 / 16
	for range n {
		start := d.reported(monthStart(m), monthStart(m.Add(1)), false)
		if start.After(d.asOf) {
			continue
		}
		end := d.afterWorking(start, time.Duration(40+d.rng.IntN(440))*time.Hour).Truncate(time.Minute)
		status := ""
		if d.rng.IntN(25) == 0 {
			status = "cancelled"
		}
		d.writeRepair("planned", status, start, end, nil, nil)
	}
}

// moves draws the month's moves: as many with at least five clear days'
// notice as the data says.
func (d *lotDraw) moves(m rules.Month, n, met int64) {
	for i := range n {
		for {
			day := sla.DateOf(d.uniform(monthStart(m), monthStart(m.Add(1))))
			if !d.clk.wh.IsWorkingDay(day) {
				continue
			}
			moved := d.clk.wh.DayStart(day).Add(9*time.Hour + time.Duration(d.rng.IntN(7*60))*time.Minute)
			before := 1 + d.rng.IntN(5) // days of notice: too few
			if i < met {
				before = 6 + d.rng.IntN(20)
			}
			notice := d.clk.wh.DayStart(day.AddDays(-before)).Add(9*time.Hour + time.Duration(d.rng.IntN(8*60))*time.Minute)
			if !moved.Before(d.clk.notice.Deadline(notice, nil)) != (i < met) {
				continue
			}
			if !notice.After(d.asOf) {
				d.out.moves = append(d.out.moves, eventRow{moved, notice, d.lot.Region, []string{d.id("M", notice),
					d.lot.Provider, d.lot.Region, stamp(notice), d.stampOpen(moved)}})
			}
			break
		}
	}
}

// transport draws the month's transport requests: as many required in
// the month, and arranged by the time required, as the data says.
func (d *lotDraw) transport(m rules.Month, n, met int64) {
	for i := range n {
		day := sla.DateOf(d.uniform(monthStart(m), monthStart(m.Add(1))))
		required := d.clk.wh.DayStart(day).Add(6*time.Hour + time.Duration(d.rng.IntN(16*60))*time.Minute)
		requested := required.Add(-time.Duration(3*60+d.rng.IntN(93*60)) * time.Minute)
		arrived := required.Add(-time.Duration(d.rng.IntN(45)) * time.Minute)
		if i >= met {
			arrived = required.Add(time.Duration(5+d.rng.IntN(175)) * time.Minute)
		}
		if requested.After(d.asOf) {
			continue
		}
		d.out.transport = append(d.out.transport, eventRow{requested, requested, d.lot.Region, []string{d.id("T", requested),
			d.lot.Provider, d.lot.Region, stamp(requested), stamp(required), d.stampOpen(arrived)}})
	}
}
