package engine

import (
	"fmt"
	"maps"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// OpeningState returns the state a rulebook's opening gives a lot (see
// credits.OpeningState), with the fields and relief of the opening's
// months that give them; a nil lot has no history.
func OpeningState(o *rules.Opening, lot *rules.OpeningLot) State {
	s := State{State: credits.OpeningState(o, lot)}
	if lot == nil {
		return s
	}
	for _, m := range lot.Months {
		if m.Fields != nil {
			s.Rows = append(s.Rows, RowState{Month: m.Month, Fields: m.Fields, Relief: m.Relief})
		}
	}
	return s
}

// state lists the months the history holds up to last, oldest first,
// with the relief of each KPI of rb.
func (h *history) state(rb *rules.Rulebook, last rules.Month) []RowState {
	var out []RowState
	n := len(h.months)
	for j := range n {
		p := &h.months[(h.next+j)%n]
		if !p.seen || p.month > last || p.month <= last-rules.Month(n) {
			continue
		}
		rs := RowState{Month: p.month, Fields: map[string]rules.Decimal{}}
		for f, fd := range rb.Fields {
			if fd.Type.Numeric() {
				rs.Fields[fd.Name] = p.values[f].(decimal.Decimal)
			}
		}
		for _, k := range rb.KPIs {
			if reason, ok := p.relieved(k.ID); ok {
				if rs.Relief == nil {
					rs.Relief = map[string]string{}
				}
				rs.Relief[k.ID] = reason
			}
		}
		out = append(out, rs)
	}
	return out
}

// check refuses rows out of order, after the state's month or without one
// of the rulebook's numeric fields.
func (h *history) check(rb *rules.Rulebook, s State) error {
	for i, r := range s.Rows {
		switch {
		case r.Month > s.Month:
			return fmt.Errorf("%w: row %s is after %s", credits.ErrState, r.Month, s.Month)
		case i > 0 && r.Month <= s.Rows[i-1].Month:
			return fmt.Errorf("%w: row %s does not follow %s", credits.ErrState, r.Month, s.Rows[i-1].Month)
		}
		for _, fd := range rb.Fields {
			if _, ok := r.Fields[fd.Name]; fd.Type.Numeric() && !ok {
				return fmt.Errorf("%w: row %s has no field %s", credits.ErrState, r.Month, fd.Name)
			}
		}
	}
	return nil
}

// set replaces what the history holds with a state's rows, each where it
// would be had every month up to the state's been added in turn.
func (h *history) set(rb *rules.Rulebook, s State) {
	n := len(h.months)
	for i := range h.months {
		h.months[i].seen = false
	}
	h.next, h.nAggs, h.nFixed, h.inPeriod = 0, 0, 0, ""
	for _, r := range s.Rows {
		back := int(s.Month - r.Month)
		if back >= n {
			continue
		}
		p := &h.months[n-1-back]
		p.month, p.seen, p.relief = r.Month, true, reliefOf(r.Relief)
		p.values = p.values[:0]
		for _, fd := range rb.Fields {
			var v any
			if fd.Type.Numeric() {
				v = r.Fields[fd.Name]
			}
			p.values = append(p.values, v)
		}
		p.setNums(nil)
	}
}

// reliefOf looks up a month's relief by KPI id; nil for none.
func reliefOf(m map[string]string) Relief {
	if len(m) == 0 {
		return nil
	}
	m = maps.Clone(m)
	return func(id string) (string, bool) {
		r, ok := m[id]
		return r, ok
	}
}
