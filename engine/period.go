package engine

import (
	"fmt"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// history keeps a lot's recent months, a ring whose buffers are reused:
// each month's values (copied, so the caller may reuse its rows) and its
// relief.
type history struct {
	months []pastRow
	next   int
	aggs   []aggregate // this month's aggregated rows, by the months they cover
	nAggs  int
	// fixed and nFixed are aggs for rows aggregated in fixed point only
	// (kpi.Row.SetFixed), for figures-only months; acc aggregates them.
	fixed  []aggregate
	nFixed int
	acc    []fixedNum
	// quarter and inPeriod are the last quarter an in_period reason was
	// written for, and the reason, so that its months share one string.
	quarter  rules.Month
	inPeriod string
}

type pastRow struct {
	month  rules.Month
	seen   bool
	values []any
	nums   []fixedNum // values in fixed point
	relief Relief
}

// fixedNum is a value in fixed point, ok when it is a number that fits.
type fixedNum struct {
	v  fixed.Decimal
	ok bool
}

// setNums sets the month's values in fixed point: from row, which holds
// them, or, for a nil row, converting them.
func (p *pastRow) setNums(row *kpi.Row) {
	p.nums = grow(p.nums, len(p.values))
	for i := range p.nums {
		n := &p.nums[i]
		if row != nil {
			n.v, n.ok = row.FixedValue(i)
		} else if d, isNum := p.values[i].(decimal.Decimal); isNum {
			n.v, n.ok = fixed.FromDecimal(d)
		} else {
			*n = fixedNum{}
		}
	}
}

// aggregate is a row of fields aggregated over some of the recent months:
// bit j of mask is the month j months before the current one.
type aggregate struct {
	mask uint64
	row  kpi.Row
}

// keep grows the ring to hold at least n months, keeping what it holds.
func (h *history) keep(n int) {
	if n <= 1 || n <= len(h.months) {
		return
	}
	grown := make([]pastRow, 0, n)
	grown = append(grown, h.months[h.next:]...)
	grown = append(grown, h.months[:h.next]...)
	h.next = len(grown)
	h.months = append(grown, make([]pastRow, n-len(grown))...)
}

// add records a month; nothing when the lot keeps no history.
func (h *history) add(row *kpi.Row, relief Relief) {
	h.nAggs, h.nFixed = 0, 0
	if len(h.months) == 0 {
		return
	}
	p := &h.months[h.next]
	p.month, p.seen, p.relief = row.Month, true, relief
	p.values = append(p.values[:0], row.Values...)
	p.setNums(row)
	h.next = (h.next + 1) % len(h.months)
}

// at returns the recorded month m, or nil when the lot does not hold it.
func (h *history) at(m rules.Month) *pastRow {
	if n := len(h.months); n > 0 { // months are usually consecutive: try where m would be
		latest := &h.months[(h.next+n-1)%n]
		if j := int(latest.month - m); latest.seen && j >= 0 && j < n {
			if p := &h.months[(h.next+n-1-j)%n]; p.seen && p.month == m {
				return p
			}
		}
	}
	for i := range h.months {
		if p := &h.months[i]; p.seen && p.month == m {
			return p
		}
	}
	return nil
}

// judgePeriods judges the month's KPIs measured over a quarter or a
// rolling window, into lm.Results and the observations.
func (l *Lot) judgePeriods(lm *LotMonth) error {
	rb := l.engine.Rules()
	for i, k := range rb.KPIs {
		var err error
		switch k.Period.Kind {
		case rules.Quarterly:
			err = l.quarter(lm, i, k)
		case rules.Rolling:
			err = l.rolling(lm, i, k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// quarter judges a quarterly KPI: in the quarter's last month, on its
// fields aggregated over the quarter, as a percent of the quarter's
// charges; excused by relief for any of its months; in_period in its
// other months; not_measured when the lot lacks one of its months.
func (l *Lot) quarter(lm *LotMonth, i int, k *rules.KPI) error {
	rb, m := l.engine.Rules(), lm.Row.Month
	first, last := rb.Quarter(m)
	if m != last {
		lm.Results[i] = kpi.Result{Status: rules.InPeriod}
		if l.figures {
			return nil // LotMonth.Complete words it
		}
		if l.hist.quarter != first || l.hist.inPeriod == "" {
			l.hist.quarter, l.hist.inPeriod = first, inPeriod(first, last)
		}
		lm.Results[i].Reason = l.hist.inPeriod
		return nil
	}
	var mask uint64
	var missing rules.Month
	var reason string
	for q := first; q <= last; q++ {
		p := l.hist.at(q)
		if p == nil {
			missing = q
			continue
		}
		mask |= 1 << uint(m-q)
		if r, ok := p.relieved(k.ID); ok && reason == "" {
			reason = fmt.Sprintf("relief in %s: %s", q, r)
		}
	}
	if missing != 0 {
		lm.Results[i] = kpi.Result{Status: rules.NotMeasured, Reason: fmt.Sprintf("quarter incomplete: no data for %s", missing)}
	} else if err := l.judgeOn(lm, i, k, mask, first, last); err != nil {
		return err
	}
	if reason != "" {
		lm.Results[i].Excuse(reason)
	}
	if missing == 0 {
		l.setBase(i, mask, m)
	}
	return nil
}

// inPeriod is the reason of a quarterly KPI's month other than the
// quarter's last.
func inPeriod(first, last rules.Month) string {
	return fmt.Sprintf("quarter %s to %s, judged in %s", first, last, last)
}

// rolling judges a rolling KPI every month on the trailing window's
// months that are not relieved; not_measured until the window's months
// are all in the data; excused in a relieved month.
func (l *Lot) rolling(lm *LotMonth, i int, k *rules.KPI) error {
	m, n := lm.Row.Month, k.Period.Months
	first := m - rules.Month(n) + 1
	var mask uint64
	have := 0
	for q := first; q <= m; q++ {
		p := l.hist.at(q)
		if p == nil {
			continue
		}
		have++
		if _, ok := p.relieved(k.ID); !ok {
			mask |= 1 << uint(m-q)
		}
	}
	cur := l.hist.at(m)
	switch {
	case have < n:
		lm.Results[i] = kpi.Result{Status: rules.NotMeasured, Reason: fmt.Sprintf("window incomplete: %d of %d months of data", have, n)}
	case mask == 0:
		lm.Results[i] = kpi.Result{Status: rules.NotMeasured, Reason: "every month of the window is relieved"}
	default:
		if err := l.judgeOn(lm, i, k, mask, first, m); err != nil {
			return err
		}
	}
	if reason, ok := cur.relieved(k.ID); ok {
		lm.Results[i].Excuse(reason)
	}
	return nil
}

// relieved says whether the month's relief excuses the KPI, and why.
func (p *pastRow) relieved(id string) (string, bool) {
	if p == nil || p.relief == nil {
		return "", false
	}
	return p.relief(id)
}

// judgeOn evaluates the KPI on its fields aggregated over the months of
// mask and judges it.
func (l *Lot) judgeOn(lm *LotMonth, i int, k *rules.KPI, mask uint64, first, last rules.Month) error {
	if l.figures {
		if err := l.eval.Load(l.aggregatedFixed(lm.Row, mask)); err != nil {
			return err
		}
		v, err := l.eval.Fast(i)
		if err != kpi.ErrNeedsDecimals {
			lm.Results[i] = l.engine.prog.Judge(i, v)
			return err
		}
	}
	row := l.aggregated(lm.Row, mask)
	if err := l.eval.Load(row); err != nil {
		return err
	}
	v, err := l.eval.Value(i)
	if err != nil {
		return err
	}
	lm.Results[i] = kpi.Judge(k, v)
	if !l.credits.Explain {
		return nil // what it was judged on is for explaining
	}
	if lm.Periods == nil {
		lm.Periods = make([]Period, len(lm.Results))
	}
	p := Period{First: first, Last: last}
	for q := first; q <= last; q++ {
		if mask&(1<<uint(lm.Row.Month-q)) != 0 {
			p.Months = append(p.Months, q)
		}
	}
	cp := *row
	cp.Values = append([]any(nil), row.Values...)
	p.Row = &cp
	lm.Periods[i] = p
	return nil
}

// aggregated returns the row of the current month's fields aggregated
// over the months of mask, each numeric field as it declares (sum, last,
// mean or max); text fields and keys are the current month's. Rows for
// the same months are built once a month.
func (l *Lot) aggregated(row *kpi.Row, mask uint64) *kpi.Row {
	a, built := takeAggregate(&l.hist.aggs, &l.hist.nAggs, row, mask)
	if built {
		return &a.row
	}
	for f, fd := range l.engine.Rules().Fields {
		if fd.Type.Numeric() {
			a.row.Values[f] = l.combine(f, fd.Aggregate, mask, row.Month)
		}
	}
	return &a.row
}

// takeAggregate returns the aggregate of mask among the first n of aggs
// (those built this month), and true; else the next, its row started as a
// copy of row, which it counts in n, and false.
func takeAggregate(aggs *[]aggregate, n *int, row *kpi.Row, mask uint64) (*aggregate, bool) {
	for j := range *n {
		if (*aggs)[j].mask == mask {
			return &(*aggs)[j], true
		}
	}
	if *n == len(*aggs) {
		*aggs = append(*aggs, aggregate{})
	}
	a := &(*aggs)[*n]
	*n++
	a.mask = mask
	a.row.Keys, a.row.Month = row.Keys, row.Month
	a.row.Values = append(a.row.Values[:0], row.Values...)
	return a, false
}

// aggregatedFixed is aggregated in fixed point: a row whose numbers are
// set in fixed point only (kpi.Row.SetFixed), each false where it does
// not fit, so that the evaluator asks for the decimal row instead.
func (l *Lot) aggregatedFixed(row *kpi.Row, mask uint64) *kpi.Row {
	h := &l.hist
	a, built := takeAggregate(&h.fixed, &h.nFixed, row, mask)
	if built {
		return &a.row
	}
	l.combineFixed(mask, row.Month)
	for f, fd := range l.engine.Rules().Fields {
		if fd.Type.Numeric() {
			a.row.SetFixed(f, h.acc[f].v, h.acc[f].ok)
		}
	}
	return &a.row
}

// combineFixed is combine in fixed point for every numeric field at
// once, into the history's acc: false for a field where a value or the
// aggregate does not fit.
func (l *Lot) combineFixed(mask uint64, m rules.Month) {
	h, fields := &l.hist, l.engine.Rules().Fields
	h.acc = grow(h.acc, len(fields))
	n := 0
	for j := 63; j >= 0; j-- { // oldest first
		if mask&(1<<uint(j)) == 0 {
			continue
		}
		nums := h.at(m - rules.Month(j)).nums
		for f, fd := range fields {
			if fd.Type.Numeric() {
				h.acc[f] = combineOne(h.acc[f], nums[f], fd.Aggregate, n == 0)
			}
		}
		n++
	}
	if n < 2 {
		return
	}
	count, _ := fixed.FromInt(int64(n))
	for f, fd := range fields {
		if a := &h.acc[f]; fd.Type.Numeric() && fd.Aggregate == rules.Mean && a.ok {
			a.v, a.ok = a.v.Quo(count, kpi.DivisionPlaces)
		}
	}
}

// combineOne adds a month's value v to an aggregate so far, acc, as
// combine does; first says v is the first month's.
func combineOne(acc, v fixedNum, how rules.Aggregate, first bool) fixedNum {
	switch {
	case !v.ok || !first && !acc.ok:
		return fixedNum{}
	case first || how == rules.Last:
		return v
	case how == rules.Max:
		if v.v.Cmp(acc.v) > 0 {
			return v
		}
		return acc
	}
	acc.v, acc.ok = acc.v.Add(v.v)
	return acc
}

// combine aggregates field f over the months of mask.
func (l *Lot) combine(f int, how rules.Aggregate, mask uint64, m rules.Month) decimal.Decimal {
	var out decimal.Decimal
	n := 0
	for j := 63; j >= 0; j-- { // oldest first
		if mask&(1<<uint(j)) == 0 {
			continue
		}
		v := l.hist.at(m - rules.Month(j)).values[f].(decimal.Decimal)
		switch {
		case n == 0 || how == rules.Last:
			out = v
		case how == rules.Max:
			out = decimal.Max(out, v)
		default:
			out = out.Add(v)
		}
		n++
	}
	if how == rules.Mean && n > 1 {
		out = out.DivRound(decimal.NewFromInt(int64(n)), kpi.DivisionPlaces)
	}
	return out
}

// setBase sets the i-th observation's base: the charges of the months of
// mask, in fixed point when the month is figures only and they fit there.
func (l *Lot) setBase(i int, mask uint64, m rules.Month) {
	if l.figures {
		sum, ok := fixed.Decimal{}, true
		for j := 0; j < 64 && ok; j++ {
			if mask&(1<<uint(j)) != 0 {
				v := l.hist.at(m - rules.Month(j)).nums[l.engine.charge]
				if ok = v.ok; ok {
					sum, ok = sum.Add(v.v)
				}
			}
		}
		if ok {
			l.obs[i].Fixed.Base, l.obs[i].Fixed.HasBase = sum, true
			return
		}
	}
	base := l.charges(mask, m)
	l.obs[i].Base = &base
}

// charges sums the charge over the months of mask.
func (l *Lot) charges(mask uint64, m rules.Month) decimal.Decimal {
	out := decimal.Zero
	for j := range 64 {
		if mask&(1<<uint(j)) != 0 {
			out = out.Add(l.hist.at(m - rules.Month(j)).values[l.engine.charge].(decimal.Decimal))
		}
	}
	return out
}
