package runner

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// Events is what a job's event files gave (see package events): the event
// fields' values are in the data's rows already; this keeps what became
// of the events, the QA sample and the reconciliation with the figures
// the data file reported.
type Events struct {
	Program *events.Program
	Result  *events.Result
	// Reconciliation lists every lot-month-field where the data file
	// holds a figure (the provider's) that differs from the one computed
	// from the events, in the data's lot and month order and the
	// events' field order. It is the same in every scenario.
	Reconciliation []events.Difference
	// Files are the files read, by the name of their source or stop file;
	// Exclusions the exclusions file, "" for none.
	Files      map[string]string
	Exclusions string
	// Lots are the data's lots, as the aggregation knew them.
	Lots [][]string
	// First and Last are the data's months.
	First, Last rules.Month

	excluded map[lotMonth][]events.ExcludedEvent // by the lot-month they would have counted in
}

// lotMonth is a lot, by its index in the data, and a month.
type lotMonth struct {
	lot   int
	month rules.Month
}

// readEvents aggregates the event files over the data's lots and months,
// fills every row's event fields with the computed values (noting where
// the row held other figures) and prepares the rows again.
func readEvents(prog *events.Program, ds *input.Dataset, f Files) (*Events, error) {
	ev := &Events{Program: prog, Files: f.Events, Exclusions: f.Exclusions, First: ds.First, Last: ds.Last}
	for _, l := range ds.Lots {
		ev.Lots = append(ev.Lots, l.Keys)
	}
	res, err := ev.aggregate(nil)
	if err != nil {
		return nil, err
	}
	ev.Result = res
	for _, lot := range ds.Lots {
		for i := range lot.Rows {
			diffs, err := res.Fill(&lot.Rows[i])
			if err != nil {
				return nil, err
			}
			lot.Rows[i].Prepare()
			ev.Reconciliation = append(ev.Reconciliation, diffs...)
		}
	}
	ev.indexExclusions(ds)
	return ev, nil
}

// aggregate reads the event files, with the QA sample, or with the
// explanation of one lot-month instead.
func (e *Events) aggregate(explain *events.ExplainRequest) (*events.Result, error) {
	var ex *events.Exclusions
	if e.Exclusions != "" {
		var err error
		if ex, err = e.Program.LoadExclusions(e.Exclusions); err != nil {
			return nil, err
		}
	}
	agg, err := e.Program.NewAggregator(events.Options{Lots: e.Lots, First: e.First, Last: e.Last,
		Exclusions: ex, Sample: explain == nil, Explain: explain})
	if err != nil {
		return nil, err
	}
	if err := agg.ReadFiles(e.Files); err != nil {
		return nil, err
	}
	return agg.Result()
}

// indexExclusions files the excluded events by the lot-month they would
// have counted in.
func (e *Events) indexExclusions(ds *input.Dataset) {
	for _, x := range e.Result.Excluded() {
		li, ok := ds.Lot(x.Lot...)
		if !ok {
			continue
		}
		for _, c := range x.Counts {
			k := lotMonth{li, c.Month}
			if e.excluded == nil {
				e.excluded = map[lotMonth][]events.ExcludedEvent{}
			}
			if n := len(e.excluded[k]); n == 0 || e.excluded[k][n-1].Line != x.Line {
				e.excluded[k] = append(e.excluded[k], x)
			}
		}
	}
}

// Explain returns the events behind one lot-month's event fields, reading
// the event files again: their counts, the events that missed a clock
// (up to limit; 0 for events.DefaultExplainLimit) and those excluded.
func (e *Events) Explain(lot []string, m rules.Month, limit int) (*events.Explanation, error) {
	res, err := e.aggregate(&events.ExplainRequest{Lot: lot, Month: m, Limit: limit})
	if err != nil {
		return nil, err
	}
	return res.Explanation(), nil
}

// Open counts the events left out of every field as open and not yet due
// at the end of the data.
func (e *Events) Open() int64 {
	var n int64
	for _, o := range e.Result.Open() {
		n += o.Events
	}
	return n
}

// maxNoted is how many excluded events a KPI's explanation names.
const maxNoted = 3

// noteExclusions adds to the explanation of each KPI of a lot-month the
// events an exclusion left out of the event fields it reads, in the
// months it was judged on.
func (e *Events) noteExclusions(rb *rules.Rulebook, li int, lm *engine.LotMonth) {
	if e == nil || len(e.excluded) == 0 {
		return
	}
	for i := range lm.Credits.KPIs {
		kc := &lm.Credits.KPIs[i]
		months := []rules.Month{lm.Row.Month}
		if lm.Periods != nil && lm.Periods[i].Row != nil {
			months = lm.Periods[i].Months
		}
		fields := usedFields(rb, kc.KPI)
		var noted []string
		for _, m := range months {
			for _, x := range e.excluded[lotMonth{li, m}] {
				if hit := x.FieldsIn(m, fields); len(hit) > 0 {
					noted = append(noted, fmt.Sprintf("%s %s from %s (%s)", x.Source, limits.Name(x.ID), strings.Join(hit, ", "), limits.Quote(x.Reason)))
				}
			}
		}
		if len(noted) == 0 {
			continue
		}
		more := ""
		if len(noted) > maxNoted {
			more = fmt.Sprintf(" and %d more", len(noted)-maxNoted)
			noted = noted[:maxNoted]
		}
		kc.Explanation += fmt.Sprintf("; excluded: %s%s", strings.Join(noted, "; "), more)
	}
}

// eventProblem makes a problem with an event, stop or exclusions file a
// *rules.Problem, so that it joins the job's other problems.
func eventProblem(err error) error {
	var ie *events.InputError
	if !errors.As(err, &ie) {
		return err
	}
	p := &rules.Problem{Pos: rules.Pos{File: ie.File, Line: int(ie.Line), Column: ie.Col, Rows: ie.Parquet}, Msg: ie.Msg}
	if ie.Column != "" {
		p.Key = "column " + limits.Name(ie.Column)
	}
	return p
}

// eventNames lists the names of the event sources and stop files a
// rulebook declares, sorted.
func eventNames(rb *rules.Rulebook) []string {
	var out []string
	if rb.Events != nil {
		for _, s := range rb.Events.Sources {
			out = append(out, s.Name)
			for _, sf := range s.StopFiles {
				out = append(out, sf.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// checkEventFlags reports event files given for a rulebook that has no
// events section, or for a name it does not declare.
func checkEventFlags(rb *rules.Rulebook, f Files) error {
	names := eventNames(rb)
	if len(names) == 0 && (len(f.Events) > 0 || f.Exclusions != "") {
		return &events.UsageError{Msg: fmt.Sprintf("%s declares no event sources: --events and --exclusions need a rulebook with an events section", rb.File)}
	}
	for name := range f.Events {
		if !slices.Contains(names, name) {
			return &events.UsageError{Msg: fmt.Sprintf("--events %s=...: %s declares no event source or stop file %s (it declares %s)",
				name, rb.File, limits.Quote(name), strings.Join(names, ", "))}
		}
	}
	return nil
}
