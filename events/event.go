package events

import (
	"errors"
	"slices"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
)

// state is what reading one source's file needs, reused from event to
// event: the event being read and what has been worked out about it.
type state struct {
	a         *Aggregator
	s         *source
	in        *input
	line      int64
	cells     []string
	times     []time.Time // by column; zero when the cell is empty
	has       []bool      // by column: the timestamp is given
	nums      []decimal.Decimal
	fixes     []fixed
	lot       int
	started   rules.Month // the month the event started
	sampleH   [32]byte    // its QA sample hash, when hashed
	hashed    bool
	hash      [2]uint64
	ids       *idSet                    // the source's event ids so far
	stops     []stopRec                 // the event's stops, as read
	clip      []sla.Interval            // the stops a clock sees
	out       []outcome                 // by clock
	known     []bool                    // by clock: out is worked out
	fvals     []int8                    // by filter: 0 unknown, 1 true, 2 false
	tuple     int                       // the number of the event's filter values
	tuples    map[string]int            // the numbers of the combinations of filter values
	tupleKeys []string                  // the combinations, by number
	recent    valueCache                // tuples numbered lately
	results   [][]int8                  // by filter and number: 0 unknown, 1 true, 2 false
	conds     []*kpi.ConditionEvaluator // by filter
	buf       []byte
}

// status is how an event stands against a clock.
type status uint8

const (
	statusMet    status = iota + 1
	statusMissed        // ended after its deadline (before it, for a minimum)
	statusLate          // still open past its deadline: missed, in its deadline month
	statusOpen          // open and not yet due: left out
)

// outcome is an event's clock worked out.
type outcome struct {
	status   status
	from, to time.Time
	hasTo    bool
	deadline time.Time // never when stops hold the clock past the calendar
	// the months of from, to and the deadline
	fromMonth, toMonth, dueMonth rules.Month
}

// stopRec is a clock stop as read.
type stopRec struct {
	from, to time.Time
	open     bool // not yet over: it lasts until the clock's end
}

// flags say what became of an event across its fields.
type flags struct{ open, late, outside bool }

func (a *Aggregator) newState(s *source, in *input) *state {
	st := &state{a: a, s: s, in: in, ids: &idSet{},
		out: make([]outcome, len(s.clocks)), known: make([]bool, len(s.clocks)),
		fvals: make([]int8, len(s.filters)), tuples: map[string]int{}, results: make([][]int8, len(s.filters))}
	for _, x := range s.filters {
		st.conds = append(st.conds, x.cond.NewEvaluator())
	}
	return st
}

// event takes the i-th event of a batch and adds it to every field it
// counts in.
func (st *state) event(b *batch, i int) error {
	n := len(st.s.cols)
	st.line, st.cells = b.lines[i], b.cells[i*n:(i+1)*n]
	st.times, st.has, st.nums = b.times[i*n:(i+1)*n], b.has[i*n:(i+1)*n], b.nums[i*n:(i+1)*n]
	st.fixes = b.fixes[i*n : (i+1)*n]
	st.started, st.sampleH, st.hashed = b.started[i], b.hashes[i], b.hashed
	if err := b.errs[i]; err != nil {
		return err
	}
	a, s := st.a, st.s
	if err := st.identify(); err != nil {
		return err
	}
	if err := st.collectStops(); err != nil {
		return err
	}
	clear(st.known)
	clear(st.fvals)
	st.tuple = unnumbered
	sum := &a.summary[s.index]
	sum.Events++
	if ex := a.exclusion(s, st.hash); ex >= 0 {
		sum.Excluded++
		return st.exclude(ex)
	}
	var fl flags
	for _, f := range s.fields {
		if err := st.field(f, &fl); err != nil {
			return err
		}
	}
	if fl.open && !fl.late { // an event late on one clock is not open, though left out of an end month
		sum.Open++
		a.open[openKey{s.index, st.lot, st.started}]++
	}
	if fl.late {
		sum.Late++
	}
	if fl.outside {
		sum.Outside++
	}
	if a.sample != nil {
		a.sample.add(st)
	}
	return nil
}

// errorf places a problem at the event's row and a declared column (-1
// for none).
func (st *state) errorf(col int, kind error, format string, args ...any) error {
	return st.in.errorf(st.line, col, kind, format, args...)
}

// identify finds the event's lot, checks its id is new and its start and
// end are in order.
func (st *state) identify() error {
	a, s := st.a, st.s
	id := st.cells[s.id]
	if id == "" {
		return st.errorf(s.id, ErrMissing, "missing value: every event needs its id")
	}
	lot := a.lots.find(st.cells, s.keys, st.buf)
	if lot < 0 {
		return st.errorf(st.unknownKey(), ErrUnknownLot, "the event's lot %s is not in the monthly data", st.lotName())
	}
	st.lot = lot
	if a.events++; a.events > limits.MaxEvents {
		return st.errorf(-1, ErrLimit, "more than %d events in all the event files", limits.MaxEvents)
	}
	st.hash = a.idHash(s.index, id)
	if line, id := st.ids.add(st.hash, st.line, id); line > 0 {
		return st.in.duplicate(line, s.id, id)
	}
	if !st.has[s.start] {
		return st.errorf(s.start, ErrMissing, "missing value: every event needs its start")
	}
	if s.end >= 0 && st.has[s.end] && st.times[s.end].Before(st.times[s.start]) {
		return st.errorf(s.end, ErrEndBeforeStart, "the event ends (%s) before it starts (%s)",
			stamp(st.times[s.end]), stamp(st.times[s.start]))
	}
	return nil
}

// unknownKey returns the key column to blame for a lot the data does not
// have: the first whose value no lot of the data has, or else the last
// (each value is some lot's, but not together).
func (st *state) unknownKey() int {
	keys := st.s.keys
	for j, k := range keys {
		if !slices.ContainsFunc(st.a.opt.Lots, func(l []string) bool { return l[j] == st.cells[k] }) {
			return k
		}
	}
	return keys[len(keys)-1]
}

// lotName names the event's lot by its key values.
func (st *state) lotName() string {
	out := ""
	for j, k := range st.s.keys {
		if j > 0 {
			out += " / "
		}
		out += st.cells[k]
	}
	return limits.Name(out)
}

// collectStops gathers the event's stops from its columns and its stop
// files.
func (st *state) collectStops() error {
	st.stops = st.stops[:0]
	for _, p := range st.s.stops {
		from, to := p[0], p[1]
		switch {
		case !st.has[from] && !st.has[to]:
			continue
		case !st.has[from]:
			return st.errorf(from, ErrMissing, "missing value: the stop ends (%s) but has no start", stamp(st.times[to]))
		case st.has[to] && st.times[to].Before(st.times[from]):
			return st.errorf(to, ErrEndBeforeStart, "the stop ends (%s) before it starts (%s)", stamp(st.times[to]), stamp(st.times[from]))
		}
		st.stops = append(st.stops, stopRec{from: st.times[from], to: st.times[to], open: !st.has[to]})
	}
	st.stops = append(st.stops, st.a.stops[st.s.index].of(st.hash)...)
	return nil
}

// field adds the event to a field, if its filter passes and it counts in
// a month.
func (st *state) field(f *field, fl *flags) error {
	if f.filter >= 0 {
		ok, err := st.filter(f.filter)
		if err != nil || !ok {
			return err
		}
	}
	var o *outcome
	m, counted, err := st.month(f, &o)
	if err != nil || !counted {
		if err == nil {
			fl.open = true
		}
		return err
	}
	if o != nil && o.status == statusLate {
		fl.late = true
	}
	mi := st.a.monthIndex(m)
	if mi < 0 {
		fl.outside = true
		return nil
	}
	acc := &st.a.acc[(st.lot*st.a.months+mi)*len(st.a.p.fields)+f.index]
	if err := st.add(f, acc, o); err != nil {
		return err
	}
	if st.a.explain != nil {
		st.a.explain.add(st, f, m, o)
	}
	return nil
}

// month returns the month the event counts in for the field, or false
// when it is open and not yet due (or, without a clock, has not ended
// for a field of end months).
func (st *state) month(f *field, op **outcome) (rules.Month, bool, error) {
	s := st.s
	if f.clock < 0 {
		if f.spec.Month == rules.ByEnd {
			if !st.has[s.end] {
				return 0, false, nil
			}
			return st.a.mt.at(st.times[s.end]), true, nil
		}
		return st.started, true, nil
	}
	o, err := st.outcome(f.clock)
	if err != nil {
		return 0, false, err
	}
	*op = o
	switch {
	case o.status == statusOpen:
		return 0, false, nil
	case o.status == statusLate || f.spec.Month == rules.ByDeadline:
		return o.dueMonth, true, nil
	case f.spec.Month == rules.ByStart:
		return o.fromMonth, true, nil
	}
	return o.toMonth, true, nil
}

// add counts the event in a field's lot-month.
func (st *state) add(f *field, acc *accum, o *outcome) error {
	switch f.spec.Aggregate {
	case rules.CountEvents:
		acc.n++
	case rules.CountMet:
		if o.status == statusMet {
			acc.n++
		}
	case rules.CountMissed:
		if o.status == statusMissed || o.status == statusLate {
			acc.n++
		}
	default:
		v, fx := st.nums[f.column], st.fixes[f.column]
		if f.spec.Type == rules.TypeInt && (!v.IsInteger() || v.IsNegative()) {
			return st.errorf(f.column, ErrValue, "the field %s is a count (int), so its %s must be whole and not negative, not %s",
				f.spec.Name, f.spec.Aggregate, st.cells[f.column])
		}
		acc.addValue(fx, v)
	}
	return nil
}

// filter evaluates a filter for the event, once, remembering the result
// for the values of the columns the source's filters read: each distinct
// combination of those values (at most maxTuples of them) is numbered,
// and a filter is evaluated once for each number.
func (st *state) filter(i int) (bool, error) {
	if v := st.fvals[i]; v != 0 {
		return v == 1, nil
	}
	if st.tuple == unnumbered {
		st.tuple = st.number()
	}
	var r int8
	if st.tuple >= 0 {
		r = st.results[i][st.tuple]
	}
	if r == 0 {
		ok, err := st.evaluate(i)
		if err != nil {
			return false, err
		}
		r = 2
		if ok {
			r = 1
		}
		if st.tuple >= 0 {
			st.results[i][st.tuple] = r
		}
	}
	st.fvals[i] = r
	return r == 1, nil
}

// The event's number among the combinations of its filters' values:
// unnumbered until worked out, -1 when there are too many to remember.
const (
	unnumbered = -2
	maxTuples  = 4096
)

// number returns the number of the event's filter values.
func (st *state) number() int {
	st.buf = st.buf[:0]
	for j, c := range st.s.filterCols {
		if j > 0 {
			st.buf = append(st.buf, 0)
		}
		st.buf = append(st.buf, st.cells[c]...)
	}
	e := &st.recent[slot(string(st.buf))]
	if e.s == string(st.buf) && e.s != "" {
		return e.n
	}
	if n, ok := st.tuples[string(st.buf)]; ok {
		e.s, e.n = st.tupleKeys[n], n
		return n
	}
	if len(st.tuples) >= maxTuples {
		return -1
	}
	n := len(st.tuples)
	key := string(st.buf)
	st.tuples[key] = n
	st.tupleKeys = append(st.tupleKeys, key)
	for i := range st.results {
		st.results[i] = append(st.results[i], 0)
	}
	return n
}

// evaluate runs the i-th filter on the event.
func (st *state) evaluate(i int) (bool, error) {
	x, ev := st.s.filters[i], st.conds[i]
	for j, c := range x.cols {
		if st.s.cols[c].typ == rules.ColNumber {
			ev.Number(j, st.nums[c])
		} else {
			ev.Text(j, st.cells[c])
		}
	}
	out, err := ev.Eval()
	if err != nil {
		msg := err.Error()
		if fe := (*file.Error)(nil); errors.As(err, &fe) {
			msg = fe.Message // without expr's snippet of the source
		}
		return false, st.errorf(-1, ErrValue, "%s: the filter %s failed for this event: %s", x.expr.Pos, limits.Quote(x.expr.Source), msg)
	}
	return out, nil
}

// stamp writes an instant for a message, in its own zone.
func stamp(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") }
