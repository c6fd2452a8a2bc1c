package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/runner"
)

// EventSummary is what a run's event files gave: what became of each
// source's events, and by provider the lot-month-fields the provider's
// figures differ from the computed ones in.
type EventSummary struct {
	Sources []EventSource // in the rulebook's order
	ByGroup []EventGroup  // one per provider, as Summary.ByGroup
	// Differences, Excluded, Open and Sampled add up the groups'.
	Differences, Excluded, Sampled int
	Open                           int64
}

// EventSource counts what became of one source's events.
type EventSource struct {
	Source                            string
	Events, Excluded, Open, Late, Out int64
}

// EventGroup is one provider's reconciliation differences, events
// excluded and left open, and events drawn for the QA sample.
type EventGroup struct {
	Name                  string
	Differences, Excluded int
	Sampled               int
	Open                  int64
}

// eventSummary condenses the run's events; nil without events.
func eventSummary(res *runner.Result, names []string) *EventSummary {
	ev := res.Events
	if ev == nil {
		return nil
	}
	s := &EventSummary{}
	for _, x := range ev.Result.Summary() {
		s.Sources = append(s.Sources, EventSource{Source: x.Source, Events: x.Events, Excluded: x.Excluded,
			Open: x.Open, Late: x.Late, Out: x.Outside})
	}
	s.ByGroup = make([]EventGroup, len(names))
	group := func(lot []string) *EventGroup { return &s.ByGroup[slices.Index(names, lot[0])] }
	for i, n := range names {
		s.ByGroup[i].Name = n
	}
	for _, d := range ev.Reconciliation {
		group(d.Lot).Differences++
		s.Differences++
	}
	for _, x := range ev.Result.Excluded() {
		group(x.Lot).Excluded++
		s.Excluded++
	}
	for _, o := range ev.Result.Open() {
		group(o.Lot).Open += o.Events
		s.Open += o.Events
	}
	for _, r := range ev.Result.Sample() {
		group(r.Lot).Sampled++
		s.Sampled++
	}
	return s
}

// eventsIntro explains the Event data section.
const eventsIntro = "Fields measured from the providers' event files by the rulebook's clocks replace the " +
	"figures the data file reports for them. A difference is a lot, month and field where the two differ " +
	"(reconciliation.parquet lists them with both figures); excluded events were left out with a reason; " +
	"open events were not yet due when the data ends and count in no month yet; qa_sample.csv lists the " +
	"events drawn for assurance checks."

// eventsNote says what became of each source's events.
func eventsNote(s *EventSummary) string {
	var parts []string
	for _, x := range s.Sources {
		parts = append(parts, fmt.Sprintf("%s: %s events read, %s excluded, %s open, %s still open past their deadline (missed), %s counted in months outside the data",
			x.Source, formatCount(int(x.Events)), formatCount(int(x.Excluded)), formatCount(int(x.Open)),
			formatCount(int(x.Late)), formatCount(int(x.Out))))
	}
	return eventsIntro + " " + strings.Join(parts, "; ") + "."
}

// eventsTable has a row per provider and a total.
func eventsTable(s *Summary) table {
	t := table{Cols: append(texts(capitalize(groupName(s))), nums("Differences", "Excluded", "Open", "QA sample")...)}
	e := s.Events
	if e == nil {
		return t
	}
	for _, g := range e.ByGroup {
		t.Rows = append(t.Rows, row{Cells: []string{g.Name, formatCount(g.Differences), formatCount(g.Excluded),
			formatCount(int(g.Open)), formatCount(g.Sampled)}})
	}
	t.Rows = append(t.Rows, row{Cells: []string{"Total", formatCount(e.Differences), formatCount(e.Excluded),
		formatCount(int(e.Open)), formatCount(e.Sampled)}, Total: true})
	return t
}
