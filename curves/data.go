package curves

import (
	"slices"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Data is what the curves need from a contract's data: each lot's monthly
// charges, for the typical charge, and each KPI's measures in the months
// it was judged, for the levels no month reached. A caller that runs the
// data feeds it one lot-month at a time; the zero value is not useful, use
// NewData. A Data is not safe for concurrent use.
type Data struct {
	charges  map[string][]decimal.Decimal // lot -> its monthly charges
	measures map[string]*measureSet       // KPI id -> its distinct measures
}

// measureSet is a KPI's distinct measures. While every measure recorded
// fits in fixed point at one scale — the usual case, a KPI's measures
// being worked out to the same places — they are kept in a list, as
// coefficients at that scale, and made distinct and decimals when asked
// for: a coefficient at a scale is one decimal, coefficient and exponent,
// however often it was recorded.
// The first measure at another scale, or too long for fixed point, moves
// them into maps (mixed), where each value is kept as it was last
// recorded: keyed by its value in fixed point with no trailing zeros
// where it fits there, else by its text, which has none either
// (decimal.Decimal's String).
type measureSet struct {
	scale   int     // the scale of every measure in uniform
	uniform []int64 // the measures' coefficients, in the order recorded, until mixed
	mixed   bool    // the measures are in byValue and byText
	byValue map[fixed.Decimal]decimal.Decimal
	byText  map[string]decimal.Decimal
}

// add records a measure, in place of an equal one recorded before.
func (m *measureSet) add(d decimal.Decimal) {
	f, ok := fixed.FromDecimal(d)
	if ok && m.fits(f) {
		m.addUniform(f)
		return
	}
	m.mix()
	var text string
	if !ok { // too many digits, though maybe only trailing zeros
		text = d.String()
		f, ok = fixed.Parse(text)
	}
	if ok {
		m.byValue[withoutTrailingZeros(f)] = d
		return
	}
	m.byText[text] = d
}

// addFixed records a measure d that is f in fixed point.
func (m *measureSet) addFixed(f fixed.Decimal, d decimal.Decimal) {
	if m.fits(f) {
		m.addUniform(f)
		return
	}
	m.mix()
	m.byValue[withoutTrailingZeros(f)] = d
}

// fits reports whether f can join the uniform list: the set is not
// mixed, and f has its scale or is the first measure.
func (m *measureSet) fits(f fixed.Decimal) bool {
	return !m.mixed && (len(m.uniform) == 0 || f.Scale() == m.scale)
}

// addUniform appends f, which fits, unless it repeats the last measure.
func (m *measureSet) addUniform(f fixed.Decimal) {
	n := len(m.uniform)
	if n == 0 {
		m.scale = f.Scale()
	} else if m.uniform[n-1] == f.Coef() {
		return
	}
	m.uniform = append(m.uniform, f.Coef())
}

// mix moves the uniform list into the maps, once.
func (m *measureSet) mix() {
	if m.mixed {
		return
	}
	m.mixed = true
	m.byValue, m.byText = map[fixed.Decimal]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, c := range m.uniform {
		f, _ := fixed.New(c, m.scale) // as recorded: it fits
		m.byValue[withoutTrailingZeros(f)] = f.Decimal()
	}
	m.uniform = nil
}

// sorted returns the distinct measures, ascending; nil when none were
// recorded.
func (m *measureSet) sorted() []decimal.Decimal {
	if !m.mixed {
		return m.sortedUniform()
	}
	if len(m.byValue)+len(m.byText) == 0 {
		return nil
	}
	keys := make([]fixed.Decimal, 0, len(m.byValue))
	for k := range m.byValue {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, fixed.Decimal.Cmp) // no allocation, unlike decimals'
	out := make([]decimal.Decimal, 0, len(m.byValue)+len(m.byText))
	for _, k := range keys {
		out = append(out, m.byValue[k])
	}
	if len(m.byText) > 0 { // values too long for fixed point: rare
		for _, v := range m.byText {
			out = append(out, v)
		}
		slices.SortFunc(out, decimal.Decimal.Cmp)
	}
	return out
}

// sortedUniform sorts and makes distinct the uniform list, in place, and
// returns its decimals; nil when it is empty.
func (m *measureSet) sortedUniform() []decimal.Decimal {
	if len(m.uniform) == 0 {
		return nil
	}
	slices.Sort(m.uniform)
	m.uniform = slices.Compact(m.uniform)
	out := make([]decimal.Decimal, len(m.uniform))
	for i, c := range m.uniform {
		out[i] = decimal.New(c, -int32(m.scale))
	}
	return out
}

// withoutTrailingZeros returns f with the fewest places that hold it: one
// key for every way of writing a value.
func withoutTrailingZeros(f fixed.Decimal) fixed.Decimal {
	c, s := f.Coef(), f.Scale()
	if c == 0 {
		return fixed.Decimal{}
	}
	for c%10 == 0 && s > fixed.MinScale {
		c, s = c/10, s-1
	}
	n, _ := fixed.New(c, s) // fewer digits than f: it fits
	return n
}

// NewData returns an empty Data.
func NewData() *Data {
	return &Data{charges: map[string][]decimal.Decimal{}, measures: map[string]*measureSet{}}
}

// AddCharge records a lot's charge for one month; lot is any text that
// tells the lots apart, e.g. the key values joined.
func (d *Data) AddCharge(lot string, charge decimal.Decimal) {
	d.charges[lot] = append(d.charges[lot], charge)
}

// AddMeasure records a KPI's measure in a month it was judged: met or at
// a failure level. Measures of months not measured (below min_volume),
// not applicable or excused are not judgements and are left out.
func (d *Data) AddMeasure(kpiID string, measure decimal.Decimal) {
	d.set(kpiID).add(measure)
}

// set returns the KPI's measures, empty at first.
func (d *Data) set(kpiID string) *measureSet {
	m := d.measures[kpiID]
	if m == nil {
		m = &measureSet{}
		d.measures[kpiID] = m
	}
	return m
}

// AddResult records a KPI's result for a lot-month: its measure when it
// was judged (met or failed), nothing otherwise.
func (d *Data) AddResult(kpiID string, r kpi.Result) {
	d.KPI(kpiID).AddResult(&r)
}

// KPIMeasures is one KPI's measures in a Data, for a caller that records
// many results of one KPI without naming it each time: Data.KPI returns
// it.
type KPIMeasures struct{ set *measureSet }

// KPI returns the KPI's measures, to record into.
func (d *Data) KPI(kpiID string) KPIMeasures { return KPIMeasures{d.set(kpiID)} }

// AddResult is Data.AddResult for the KPI, given a pointer, as a result
// is large to copy.
func (k KPIMeasures) AddResult(r *kpi.Result) {
	if !r.HasMeasure || (r.Status != rules.Met && !r.Status.Failed()) {
		return
	}
	if r.Fixed.HasMeasure { // the key at hand
		k.set.addFixed(r.Fixed.Measure, r.Measure)
		return
	}
	k.set.add(r.Measure)
}

// Measures returns the distinct measures recorded for the KPI, ascending;
// nil when none were.
func (d *Data) Measures(kpiID string) []decimal.Decimal {
	m := d.measures[kpiID]
	if m == nil {
		return nil
	}
	return m.sorted()
}

// TypicalCharge is the median, across lots, of each lot's median monthly
// charge, computed exactly (the median of an even count is the mean of the
// middle two) and rounded once to places with the mode. lots is how many
// lots it was taken over; ok is false when no charge was recorded.
func (d *Data) TypicalCharge(places int32, mode rules.Rounding) (charge decimal.Decimal, lots int, ok bool) {
	var medians []decimal.Decimal
	for _, cs := range d.charges {
		if len(cs) > 0 {
			medians = append(medians, median(cs))
		}
	}
	if len(medians) == 0 {
		return decimal.Zero, 0, false
	}
	return money.Round(median(medians), places, mode), len(medians), true
}

// median returns the exact median of a non-empty list, which it leaves
// as it was.
func median(list []decimal.Decimal) decimal.Decimal {
	s := slices.Clone(list)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return s[n/2-1].Add(s[n/2]).Mul(decimal.RequireFromString("0.5"))
}
