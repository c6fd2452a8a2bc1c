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

// measureSet is a KPI's distinct measures, each kept as it was last
// recorded. A measure is keyed by its value: in fixed point with no
// trailing zeros where it fits there, which needs no text, else by its
// text, which has none either (decimal.Decimal's String).
type measureSet struct {
	byValue map[fixed.Decimal]decimal.Decimal
	byText  map[string]decimal.Decimal
}

// add records a measure, in place of an equal one recorded before.
func (m *measureSet) add(d decimal.Decimal) {
	f, ok := fixed.FromDecimal(d)
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
		m = &measureSet{byValue: map[fixed.Decimal]decimal.Decimal{}, byText: map[string]decimal.Decimal{}}
		d.measures[kpiID] = m
	}
	return m
}

// AddResult records a KPI's result for a lot-month: its measure when it
// was judged (met or failed), nothing otherwise.
func (d *Data) AddResult(kpiID string, r kpi.Result) {
	if !r.HasMeasure || (r.Status != rules.Met && !r.Status.Failed()) {
		return
	}
	if r.Fixed.HasMeasure { // the key at hand
		d.set(kpiID).byValue[withoutTrailingZeros(r.Fixed.Measure)] = r.Measure
		return
	}
	d.AddMeasure(kpiID, r.Measure)
}

// Measures returns the distinct measures recorded for the KPI, ascending;
// nil when none were.
func (d *Data) Measures(kpiID string) []decimal.Decimal {
	m := d.measures[kpiID]
	if m == nil || len(m.byValue)+len(m.byText) == 0 {
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
