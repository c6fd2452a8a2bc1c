package curves

import (
	"encoding/csv"
	"io"
	"iter"
)

// CSVHeader is the header row WriteCSV writes.
var CSVHeader = []string{"kpi", "scenario", "measure", "level", "credit", "escalated_credit", "charge", "flags"}

// WriteCSV writes one row per point of every curve, KPI by KPI and curve by
// curve in the set's order, points by ascending measure. A curve the same
// as an earlier one of its KPI (SameAs) is not repeated. Measures are
// exact; credits are in the currency with its decimal places; flags lists
// the flags that hold at the point, joined by ";". The same set always
// gives the same bytes.
func (s *Set) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	for rec := range s.records() {
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// records yields the CSV's header, then its rows.
func (s *Set) records() iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		if !yield(CSVHeader) {
			return
		}
		charge := s.Charge.StringFixed(s.Places)
		for _, k := range s.KPIs {
			for _, c := range k.Curves {
				if c.SameAs != "" {
					continue
				}
				for _, p := range c.Points {
					if !yield([]string{k.ID, c.Scenario, p.Measure.String(), p.Level.String(),
						p.Credit.StringFixed(s.Places), p.Escalated.StringFixed(s.Places), charge, p.Flags.String()}) {
						return
					}
				}
			}
		}
	}
}
