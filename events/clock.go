package events

import (
	"fmt"
	"strings"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
)

// outcome works out the event's clock ci once: its start, end, deadline
// and status at the end of the data.
func (st *state) outcome(ci int) (*outcome, error) {
	o := &st.out[ci]
	if st.known[ci] {
		return o, nil
	}
	c := st.s.clocks[ci]
	if !st.has[c.from] {
		return nil, st.errorf(c.from, ErrMissing, "missing value: the clock %s starts at this column", c.spec.Name)
	}
	*o = outcome{from: st.times[c.from], to: st.times[c.to], hasTo: st.has[c.to]}
	if o.hasTo && o.to.Before(o.from) {
		return nil, st.errorf(c.to, ErrEndBeforeStart, "the clock %s ends (%s) before it starts (%s)",
			c.spec.Name, stamp(o.to), stamp(o.from))
	}
	if c.deadline >= 0 {
		if !st.has[c.deadline] {
			return nil, st.errorf(c.deadline, ErrMissing, "missing value: the clock %s needs each event's deadline", c.spec.Name)
		}
		o.deadline = st.times[c.deadline]
		if o.deadline.Before(o.from) {
			return nil, st.errorf(c.deadline, ErrEndBeforeStart, "the deadline (%s) is before the clock %s starts (%s)",
				stamp(o.deadline), c.spec.Name, stamp(o.from))
		}
	} else {
		o.deadline = c.sla[st.a.lotNation[st.lot]].Deadline(o.from, st.clipStops(o))
	}
	o.status = judge(o, c.spec.Minimum, st.a)
	o.fromMonth, o.dueMonth = st.a.mt.at(o.from), st.a.mt.ending(o.deadline)
	if o.deadline.Equal(never) {
		o.dueMonth = rules.Month(1<<31 - 1)
	}
	if o.hasTo {
		o.toMonth = st.a.mt.at(o.to)
	}
	st.known[ci] = true
	return o, nil
}

// judge says how an event stands against its clock at the end of the
// data: met when it ended at or before its deadline (at or after it for
// a minimum); still open past its deadline at the end of the data, late;
// otherwise open and not yet due. A minimum is never late: an event open
// past it has not yet ended too soon.
func judge(o *outcome, minimum bool, a *Aggregator) status {
	switch {
	case !o.hasTo && (minimum || o.deadline.After(a.asOf)):
		return statusOpen
	case !o.hasTo:
		return statusLate
	case minimum && o.to.Before(o.deadline), !minimum && o.to.After(o.deadline):
		return statusMissed
	}
	return statusMet
}

// clipStops returns the event's stops as the clock sees them: a stop not
// yet over lasts until the clock's end, or for ever while the event is
// open.
func (st *state) clipStops(o *outcome) []sla.Interval {
	st.clip = st.clip[:0]
	for _, s := range st.stops {
		iv := sla.Interval{Start: s.from, End: s.to}
		if s.open {
			iv.End = never
			if o.hasTo {
				iv.End = o.to
			}
		}
		st.clip = append(st.clip, iv)
	}
	return st.clip
}

// number checks a number's text: plain digits with an optional leading
// - and decimal point, at most limits.MaxDigits digits and 16 decimal
// places (trailing zeros aside), as the data file takes them. It reads
// the value only when read is true.
func number(s string, read bool) (decimal.Decimal, string) {
	if s == "" {
		return decimal.Decimal{}, "missing value"
	}
	if len(s) > limits.MaxDigits+2 {
		return decimal.Decimal{}, fmt.Sprintf("%s is too long for a number (at most %d digits)", limits.Quote(s), limits.MaxDigits)
	}
	digits := strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(digits, ".")
	if !allDigits(whole) || dot && !allDigits(frac) {
		return decimal.Decimal{}, fmt.Sprintf("%s is not a number (write digits with an optional - and decimal point, e.g. 1234.50)", limits.Quote(s))
	}
	if len(strings.TrimRight(frac, "0")) > maxPlaces {
		return decimal.Decimal{}, fmt.Sprintf("%s has more than %d decimal places", s, maxPlaces)
	}
	if !read {
		return decimal.Decimal{}, ""
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Sprintf("%s is not a number", limits.Quote(s))
	}
	return d, ""
}

// maxPlaces bounds the decimal places of a number in an event file, as of
// a decimal field in a data file.
const maxPlaces = 16

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
