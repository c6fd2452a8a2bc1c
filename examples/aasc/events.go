package aasc

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
)

// The event files: the providers' job records behind the repair,
// transport and move-notice KPIs, for the event variant of the rulebook
// (rules-events.yaml), drawn by GenerateEvents.
//
// Each lot-month's events are drawn so that, measured by the rulebook's
// clocks, they give the counts of the monthly data (data.csv): so many
// emergency jobs due in the month, so many of them fixed in time. The
// provider's monthly return is thus right, except in about one lot-month
// in twelve, where it leaves out a few urgent or routine jobs the provider
// reopened and finished late: the figures computed from the events are
// then higher than the reported ones, as reconciliation shows.
//
// Besides the jobs the KPIs count, the repair log holds planned
// (cyclical) maintenance and cancelled jobs, which the rulebook's filters
// leave out: about 20,000 jobs a month across the seven lots. Jobs are
// reported mostly on working days; contractors finish urgent and routine
// jobs in working hours on working days, so weekends and bank holidays
// (Christmas, Easter, the May bank holidays) show in their clocks. About
// one job in twelve has a period without access to the property (a clock
// stop in the repair log's own columns), and a few routine jobs wait for
// parts (stops in a file of their own, repair_stops.csv). Local times
// that the October clock change makes ambiguous are written with their
// offset, in RFC 3339.

// EventFiles are the event files of a run of GenerateEvents, as CSV.
type EventFiles struct {
	Repairs, RepairStops, Moves, Transport []byte
}

// Names returns the files by the names rules-events.yaml gives them
// (--events NAME=FILE), in the order they are read.
func (f *EventFiles) Names() map[string][]byte {
	return map[string][]byte{"repair_stops": f.RepairStops, "repairs": f.Repairs, "moves": f.Moves, "transport": f.Transport}
}

// The clocks of rules-events.yaml, on England and Wales's calendar or
// Scotland's.
type clocks struct {
	emergency, urgent, routine, notice sla.Clock
	wh                                 *sla.Calendar // for working-hour instants
}

func newClocks(nation sla.Nation) clocks {
	cal, err := sla.NewCalendar(sla.Config{Nation: nation})
	if err != nil {
		panic(err)
	}
	return clocks{
		emergency: sla.Clock{Kind: sla.Hours, Limit: 24 * time.Hour, Calendar: cal},
		urgent:    sla.Clock{Kind: sla.WorkingDays, Limit: 5 * sla.Day, Calendar: cal},
		routine:   sla.Clock{Kind: sla.WorkingDays, Limit: 20 * sla.Day, Calendar: cal},
		notice:    sla.Clock{Kind: sla.Days, Limit: 5 * sla.Day, Calendar: cal},
		wh:        cal,
	}
}

// GenerateEvents draws the event files for the monthly data that Generate
// draws from the same Config, and for the month after it: an event of
// that month started by the end of the data is in the files, without an
// end if it had not ended by then (an open event). The same Config gives
// byte-identical files.
func GenerateEvents(cfg Config, only *EventFilter) (*EventFiles, error) {
	data, _, err := Generate(cfg)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	lots := Lots(cfg.Lots)
	var all eventRows
	for i, l := range lots {
		rows := make([]map[string]int64, cfg.Months)
		for m := range rows {
			rows[m] = counts(recs[0], recs[1+m*len(lots)+i])
		}
		all.add(drawLotEvents(cfg, i, l, rows))
	}
	return all.files(only)
}

// counts reads a data row's counts by column name.
func counts(header, rec []string) map[string]int64 {
	out := map[string]int64{}
	for j, name := range header {
		if n, err := strconv.ParseInt(rec[j], 10, 64); err == nil {
			out[name] = n
		}
	}
	return out
}

// eventRows are the rows of the event files, each with the instant it is
// sorted by.
type eventRows struct{ repairs, stops, moves, transport []eventRow }

type eventRow struct {
	at     time.Time // the row's place in its file
	start  time.Time // when its event started, for EventFilter
	region string
	cells  []string
}

// EventFilter keeps the events of one region that started in a range of
// months, for a small sample of the files.
type EventFilter struct {
	Region   string
	From, To rules.Month
}

func (f *EventFilter) keeps(r eventRow) bool {
	if f == nil {
		return true
	}
	m := rules.NewMonth(r.start.Year(), int(r.start.Month()))
	return r.region == f.Region && m >= f.From && m <= f.To
}

func (e *eventRows) add(o *eventRows) {
	e.repairs = append(e.repairs, o.repairs...)
	e.stops = append(e.stops, o.stops...)
	e.moves = append(e.moves, o.moves...)
	e.transport = append(e.transport, o.transport...)
}

// files sorts each file's rows by time (then id) and writes those only
// keeps.
func (e *eventRows) files(only *EventFilter) (*EventFiles, error) {
	out := &EventFiles{}
	var err error
	write := func(header []string, rows []eventRow) []byte {
		rows = slices.DeleteFunc(rows, func(r eventRow) bool { return !only.keeps(r) })
		slices.SortFunc(rows, func(a, b eventRow) int { // ids are unique: a total order
			return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.cells[0], b.cells[0]))
		})
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(header)
		for _, r := range rows {
			w.Write(r.cells)
		}
		w.Flush()
		if err == nil {
			err = w.Error()
		}
		return buf.Bytes()
	}
	out.Repairs = write([]string{"job_id", "provider", "region", "priority", "status", "reported", "completed",
		"no_access_from", "no_access_to"}, e.repairs)
	out.RepairStops = write([]string{"job_id", "stopped", "restarted", "reason"}, e.stops)
	out.Moves = write([]string{"move_id", "provider", "region", "notice_given", "moved"}, e.moves)
	out.Transport = write([]string{"request_id", "provider", "region", "requested", "required_by", "arrived"}, e.transport)
	return out, err
}

// lotDraw is the state of drawing one lot's events.
type lotDraw struct {
	rng    *rand.Rand
	lot    Lot
	code   string // the lot's prefix of event ids
	clk    clocks
	asOf   time.Time // the end of the data
	out    eventRows
	serial int
}

// drawLotEvents draws one lot's events, month by month, from the lot's
// own stream: the data's months, then the month after.
func drawLotEvents(cfg Config, index int, l Lot, rows []map[string]int64) *eventRows {
	nation := sla.EnglandAndWales
	if l.Region == "Scotland" {
		nation = sla.Scotland
	}
	d := &lotDraw{rng: rand.New(rand.NewPCG(cfg.Seed, uint64(index)+1001)), lot: l, clk: newClocks(nation),
		code: fmt.Sprintf("L%02d", index+1)}
	d.asOf = monthStart(cfg.Start.Add(cfg.Months))
	for m := range cfg.Months + 1 {
		month := cfg.Start.Add(m)
		row := rows[min(m, cfg.Months-1)]
		d.repairs(month, row)
		d.planned(month, row)
		d.moves(month, row["moves"], row["moves_5_days_notice"])
		d.transport(month, row["transport_requests"], row["transport_on_time"])
	}
	return &d.out
}

// monthStart returns 00:00 on the first of the month in London.
func monthStart(m rules.Month) time.Time {
	return time.Date(m.Year(), time.Month(m.Number()), 1, 0, 0, 0, 0, sla.London())
}

// id returns the next event id of the lot: kind, lot, the month the event
// started (YYMM), serial.
func (d *lotDraw) id(kind string, start time.Time) string {
	d.serial++
	t := start.In(sla.London())
	return fmt.Sprintf("%s-%s-%02d%02d-%06d", kind, d.code, t.Year()%100, int(t.Month()), d.serial)
}

// stamp writes an instant as local time, YYYY-MM-DD HH:MM, or in RFC
// 3339 where the local time is ambiguous (the October clock change).
func stamp(t time.Time) string {
	s := t.In(sla.London()).Format("2006-01-02 15:04")
	if _, err := sla.ParseTime(s, sla.London()); err != nil {
		return t.Format(time.RFC3339)
	}
	return s
}

// stampOpen is stamp, or empty for an instant after the end of the data
// (the event had not ended when the data was drawn).
func (d *lotDraw) stampOpen(t time.Time) string {
	if t.After(d.asOf) {
		return ""
	}
	return stamp(t)
}

// uniform returns an instant drawn uniformly from [a, b), to the minute.
func (d *lotDraw) uniform(a, b time.Time) time.Time {
	return a.Add(time.Duration(d.rng.Int64N(int64(b.Sub(a)/time.Minute))) * time.Minute)
}
