package output

import (
	"bytes"
	"path/filepath"
	"slices"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// reconciliationTable has one row per lot-month-field where the data
// file's figure (the provider's) and the one computed from the events
// differ: the same for every scenario, so without a scenario column.
func reconciliationTable(res *runner.Result) outTable {
	var cols []outColumn
	for _, k := range res.Rules.Keys {
		cols = append(cols, outColumn{name: k, kind: kString})
	}
	cols = append(cols, outColumn{rules.MonthColumn, kMonth, false}, outColumn{"field", kString, false},
		outColumn{"source", kString, false}, outColumn{"reported", kMeasure, false},
		outColumn{"computed", kMeasure, false}, outColumn{"difference", kMeasure, false})
	return outTable{name: "reconciliation", cols: cols, rows: func(yield func([]cell) error) error {
		row := make([]cell, len(cols))
		for _, d := range res.Events.Reconciliation {
			row = row[:0]
			for _, k := range d.Lot {
				row = append(row, text(k))
			}
			row = append(row, month(d.Month), text(d.Field), text(d.Source), num(d.Reported), num(d.Computed),
				num(d.Computed.Sub(d.Reported)))
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}
}

// qaSample writes qa_sample.csv (see events.WriteSampleCSV), each event's
// file named without its directory, as the manifest names inputs, so
// that the file does not depend on where the inputs were.
func qaSample(res *runner.Result) ([]byte, int, error) {
	rows := res.Events.Result.Sample()
	for i := range rows {
		rows[i].File = filepath.Base(rows[i].File)
	}
	var buf bytes.Buffer
	err := events.WriteSampleCSV(&buf, res.Rules, rows)
	return buf.Bytes(), len(rows), err
}

// eventsEntry records in the manifest what became of each source's
// events, the reconciliation's differences and the QA sample's size.
func eventsEntry(res *runner.Result) *ManifestEvents {
	ev := res.Events
	if ev == nil {
		return nil
	}
	m := &ManifestEvents{Reconciliation: len(ev.Reconciliation), Sample: len(ev.Result.Sample()), Open: ev.Open()}
	for _, s := range ev.Result.Summary() {
		m.Sources = append(m.Sources, ManifestSource{Source: s.Source, Events: s.Events, Excluded: s.Excluded,
			Open: s.Open, Late: s.Late, Outside: s.Outside})
	}
	m.Fields = slices.Clone(ev.Program.Fields())
	return m
}
