package events

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Result is an aggregation's outcome: every event field's value for every
// lot and month of the data, and what became of the events.
type Result struct {
	p           *Program
	first       rules.Month
	months      int
	lots        [][]string
	lotIndex    map[string]int
	acc         []accum
	summary     []SourceSummary
	open        []OpenCount
	sample      []SampleRow
	explanation *Explanation
	excluded    []ExcludedEvent
}

// OpenCount is how many of a source's events that started in a lot-month
// were left out of a field as open and not yet due at the end of the data.
type OpenCount struct {
	Source string
	Lot    []string
	Month  rules.Month // the month they started
	Events int64
}

// Difference is a lot-month-field where the provider's reported figure and
// the one computed from its events differ.
type Difference struct {
	Lot      []string
	Month    rules.Month
	Field    string
	Source   string // the event source that computes it
	Reported decimal.Decimal
	Computed decimal.Decimal
}

// Result ends the aggregation. It is a *UsageError if a source's file was
// not read, and an *InputError if an exclusion names an event its source
// does not have.
func (a *Aggregator) Result() (*Result, error) {
	for _, name := range a.p.Files() {
		if !a.read[name] {
			return nil, &UsageError{Msg: fmt.Sprintf("no file for the event source %s: give --events %s=FILE", name, name)}
		}
	}
	if err := a.unusedExclusion(); err != nil {
		return nil, err
	}
	r := &Result{p: a.p, first: a.opt.First, months: a.months, lots: a.opt.Lots, lotIndex: a.lotIndex,
		acc: a.acc, summary: a.summary, excluded: a.excluded}
	for k, n := range a.open {
		r.open = append(r.open, OpenCount{Source: a.p.sources[k.source].spec.Name, Lot: a.opt.Lots[k.lot], Month: k.month, Events: n})
	}
	slices.SortFunc(r.open, func(x, y OpenCount) int {
		if c := strings.Compare(x.Source, y.Source); c != 0 {
			return c
		}
		if c := slices.Compare(x.Lot, y.Lot); c != 0 {
			return c
		}
		return int(x.Month - y.Month)
	})
	if a.sample != nil {
		rows, err := a.sample.rows(a.opt.Lots, a.opt.First)
		if err != nil {
			return nil, err
		}
		r.sample = rows
	}
	if a.explain != nil {
		r.explanation = a.explanation(r)
	}
	return r, nil
}

// explanation completes the explainer's findings with the fields' values
// and the open events.
func (a *Aggregator) explanation(r *Result) *Explanation {
	x := a.explain
	e := &Explanation{Lot: a.opt.Lots[x.lot], Month: x.month, Fields: x.fields, Open: map[string]int64{}}
	mi := a.monthIndex(x.month)
	for i := range e.Fields {
		if mi >= 0 {
			e.Fields[i].Value = r.value(x.lot, mi, a.p.fields[i])
		}
	}
	for _, o := range r.open {
		if o.Month == x.month && slices.Equal(o.Lot, e.Lot) {
			e.Open[o.Source] = o.Events
		}
	}
	return e
}

// value returns a field's value for a lot and month index.
func (r *Result) value(lot, mi int, f *field) decimal.Decimal {
	acc := &r.acc[(lot*r.months+mi)*len(r.p.fields)+f.index]
	sum, most := acc.total()
	switch f.spec.Aggregate {
	case rules.SumOf:
		return sum
	case rules.MeanOf:
		if acc.n == 0 {
			return decimal.Zero
		}
		return sum.DivRound(decimal.NewFromInt(acc.n), kpi.DivisionPlaces)
	case rules.MaxOf:
		if acc.n == 0 {
			return decimal.Zero
		}
		return most
	}
	return decimal.NewFromInt(acc.n)
}

// Value returns the computed value of an event field for a lot (its key
// values) and month; false when the field is not an event field or the
// lot-month not one of the data's.
func (r *Result) Value(lot []string, month rules.Month, field string) (decimal.Decimal, bool) {
	li, ok := r.lotIndex[strings.Join(lot, "\x00")]
	mi := int(month - r.first)
	if !ok || mi < 0 || mi >= r.months {
		return decimal.Decimal{}, false
	}
	for _, f := range r.p.fields {
		if f.spec.Name == field {
			return r.value(li, mi, f), true
		}
	}
	return decimal.Decimal{}, false
}

// Fill sets every event field of a data row to its computed value. Where
// the row already holds a figure for the field (the provider's reported
// one), Fill returns it and the computed one as a Difference if they
// differ; a row holds no figure for a field when its value is nil. The
// row's lot and month must be among the aggregation's.
func (r *Result) Fill(row *kpi.Row) ([]Difference, error) {
	li, ok := r.lotIndex[strings.Join(row.Keys, "\x00")]
	mi := int(row.Month - r.first)
	if !ok || mi < 0 || mi >= r.months || len(row.Values) != len(r.p.rb.Fields) {
		return nil, fmt.Errorf("events: the row of %v, %s is not one of the aggregation's lot-months", row.Keys, row.Month)
	}
	var diffs []Difference
	for _, f := range r.p.fields {
		computed := r.value(li, mi, f)
		if reported, ok := row.Values[f.rbIndex].(decimal.Decimal); ok && !reported.Equal(computed) {
			diffs = append(diffs, Difference{Lot: row.Keys, Month: row.Month, Field: f.spec.Name,
				Source: f.src.spec.Name, Reported: reported, Computed: computed})
		}
		row.Values[f.rbIndex] = computed
	}
	return diffs, nil
}

// Summary returns, per source, what became of its events.
func (r *Result) Summary() []SourceSummary { return slices.Clone(r.summary) }

// Open lists the events left out as open and not yet due at the end of
// the data, counted by source, lot and the month they started.
func (r *Result) Open() []OpenCount { return slices.Clone(r.open) }

// Sample returns the QA sample, by source, lot and month; nil unless the
// Options asked for it.
func (r *Result) Sample() []SampleRow { return slices.Clone(r.sample) }

// Explanation returns the events behind the requested lot-month's
// fields; nil unless the Options asked for one.
func (r *Result) Explanation() *Explanation { return r.explanation }

// Excluded returns the events exclusions left out, in the order they
// were read.
func (r *Result) Excluded() []ExcludedEvent { return slices.Clone(r.excluded) }
