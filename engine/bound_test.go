package engine_test

import (
	"math/bits"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The lower bound: the engine's per-KPI-month arithmetic for the example
// as it stood before amendments (runner/testdata/bench/rules.yaml) on
// plain int64s, written for that rulebook alone — each measure a
// quotient of two counts rounded to 16 places in 128 bits, classified
// against its target and bounds; streaks and escalation; each scheme's
// amount in pence, rounded once; the service area's points, tiers and
// spread; the monthly and annual caps and the largest-remainder spread;
// KPI-06's earn-back pool. The data's values are integers already, the
// rulebook's figures scaled to integers once. TestInt64Bound checks that
// it gives the engine's credits and earn-back for every lot-month of the
// example's data, so that BenchmarkInt64Bound times the same work.

const e16 = 10_000_000_000_000_000

// boundKPI is a KPI of the rulebook in integers.
type boundKPI struct {
	id        string
	num, den  int   // the measure's fields
	minVolume int64 // 0 for none
	at        []int64
	lower     bool
	scotland  bool // applies outside Scotland only
	kind      rules.SchemeKind
	levels    [4]int64 // points, pence or hundredths of a percent, by level
	esc       []int64  // escalation in hundredths
	area      bool
	rate      int64 // sliding: max percent; per_shortfall: hundredths of a percent
	span, per int64 // sliding span, per_shortfall per, in 10^-16
	whole     bool
	earnBack  bool // 50% after 3 met months
}

type boundLot struct {
	streak, metRun []int
	pool           int64
	year, months   int
	yearCharge     int64
	yearCredits    int64
}

type bound struct {
	kpis       []boundKPI
	first      rules.Month // the contract year's first month
	amounts    []int64
	points     []int64 // hundredths
	weights    []int64
	rems       []uint64
	status     []rules.Status
	pointValue int64 // pence
}

func scaled(t testing.TB, d decimal.Decimal, places int32) int64 {
	s := d.Shift(places)
	require.True(t, s.IsInteger(), "%s to %d places", d, places)
	return s.IntPart()
}

func newBound(t testing.TB, rb *rules.Rulebook) *bound {
	field := map[string]int{}
	for i, f := range rb.Fields {
		field[f.Name] = i
	}
	b := &bound{first: *rb.Start, pointValue: scaled(t, rb.PointValue, 2)}
	for _, k := range rb.KPIs {
		num, den, ok := strings.Cut(k.Measure.Source, " / ")
		require.True(t, ok)
		bk := boundKPI{id: k.ID, num: field[num], den: field[den], lower: k.Direction == rules.Lower,
			at: []int64{scaled(t, k.Target, 16)}, kind: k.Credit.Kind, area: k.Area != nil,
			scotland: k.Applies.Source == `region != "Scotland"`, earnBack: k.EarnBack != nil}
		if k.MinVolume != nil {
			bk.minVolume = k.MinVolume.IntPart()
		}
		for _, l := range rules.Levels[1:] {
			if bd := k.Bound(l); bd != nil {
				bk.at = append(bk.at, scaled(t, *bd, 16))
			}
		}
		for i, a := range k.Credit.Levels {
			if a != nil {
				bk.levels[i] = scaled(t, *a, 2) // pence, hundredths of a point or of a percent
			}
		}
		for _, m := range k.Escalation {
			bk.esc = append(bk.esc, scaled(t, m, 2))
		}
		s := &k.Credit
		switch s.Kind {
		case rules.Sliding:
			bk.rate, bk.span = scaled(t, s.MaxPercent, 0), scaled(t, k.Target.Sub(s.Floor).Abs(), 16)
		case rules.PerShortfall:
			bk.rate, bk.per, bk.whole = scaled(t, *s.Percent, 2), scaled(t, s.Per, 16), s.WholeUnits
		}
		b.kpis = append(b.kpis, bk)
	}
	n := len(b.kpis)
	b.amounts, b.points, b.weights = make([]int64, n), make([]int64, n), make([]int64, n)
	b.rems, b.status = make([]uint64, n), make([]rules.Status, n)
	return b
}

func newBoundLot(n int) *boundLot {
	return &boundLot{streak: make([]int, n), metRun: make([]int, n), year: -1}
}

// roundQuo is a×b/d rounded half up, all positive, in 128 bits.
func roundQuo(a, b, d uint64) int64 {
	hi, lo := bits.Mul64(a, b)
	q, r := bits.Div64(hi, lo, d)
	if r >= d-r {
		q++
	}
	return int64(q)
}

// roundQuo2 is a×b/(d1×d2) rounded half up, all positive, for a divisor
// beyond 64 bits: a×b/d1 must fit in 64.
func roundQuo2(a, b, d1, d2 uint64) int64 {
	hi, lo := bits.Mul64(a, b)
	q1, r1 := bits.Div64(hi, lo, d1)
	q, r2 := q1/d2, q1%d2
	rh, rl := bits.Mul64(2*r2, d1) // twice the remainder, 2(r2×d1 + r1), against d1×d2
	rl, carry := bits.Add64(rl, 2*r1, 0)
	rh += carry
	dh, dl := bits.Mul64(d1, d2)
	if rh > dh || rh == dh && rl >= dl {
		q++
	}
	return int64(q)
}

// measure judges the KPI on the row: its status and its measure in 10^-16.
func (k *boundKPI) measure(vals []int64, scotland bool) (rules.Status, int64) {
	if k.scotland && scotland {
		return rules.NotApplicable, 0
	}
	num, den := vals[k.num], vals[k.den]
	if den == 0 || den < k.minVolume {
		return rules.NotMeasured, 0
	}
	m := roundQuo(uint64(num), e16, uint64(den))
	status := rules.Met
	for i, at := range k.at {
		if m < at && !k.lower || m > at && k.lower {
			status = rules.Minor + rules.Status(i)
		}
	}
	return status, m
}

// price is a failing KPI's amount in pence, or its points in hundredths
// when they go to the area.
func (k *boundKPI) price(b *bound, level rules.Status, m, charge, mult int64) (amount, points int64) {
	a := k.levels[level-rules.Minor]
	short := k.at[0] - m
	if k.lower {
		short = m - k.at[0]
	}
	switch k.kind {
	case rules.Fixed:
		return a * mult / 100, 0
	case rules.Points:
		if k.area {
			return 0, a * mult / 100
		}
		return roundQuo(uint64(a*mult), uint64(b.pointValue), 1e4), 0
	case rules.PercentOfCharge:
		return roundQuo(uint64(charge), uint64(a*mult), 1e6), 0
	case rules.Sliding: // charge x rate% x mult x short / span
		if short >= k.span {
			return roundQuo(uint64(charge), uint64(k.rate*mult), 1e4), 0
		}
		return roundQuo2(uint64(charge*k.rate*mult), uint64(short), uint64(k.span), 1e4), 0
	}
	if k.whole { // per_shortfall: charge x rate% x mult per whole unit
		return roundQuo(uint64(charge), uint64(k.rate*(short/k.per)*mult), 1e6), 0
	}
	return roundQuo2(uint64(charge*k.rate*mult), uint64(short), uint64(k.per), 1e6), 0
}

// spread gives total over weights by largest remainder, into out.
func (b *bound) spread(total int64, weights, out []int64, idx []int) {
	var sum, given int64
	for _, i := range idx {
		sum += weights[i]
	}
	for _, i := range idx {
		hi, lo := bits.Mul64(uint64(total), uint64(weights[i]))
		q, r := bits.Div64(hi, lo, uint64(sum))
		out[i], b.rems[i], given = int64(q), r, given+int64(q)
	}
	for left := total - given; left > 0; left-- {
		best := -1
		for _, i := range idx {
			if b.rems[i] != ^uint64(0) && (best < 0 || b.rems[i] > b.rems[best]) {
				best = i
			}
		}
		out[best]++
		b.rems[best] = ^uint64(0)
	}
}

var all15 = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}

// month prices a lot-month: its credits after the caps and its earn-back,
// in pence.
func (b *bound) month(l *boundLot, vals []int64, scotland bool, month rules.Month) (credits, earnBack int64) {
	charge := vals[0]
	var before, areaPts int64
	for i := range b.kpis {
		k := &b.kpis[i]
		st, m := k.measure(vals, scotland)
		b.status[i], b.amounts[i], b.points[i] = st, 0, 0
		switch {
		case st == rules.Met:
			l.streak[i], l.metRun[i] = 0, l.metRun[i]+1
		case st.Failed():
			l.streak[i], l.metRun[i] = l.streak[i]+1, 0
			mult := int64(100)
			if len(k.esc) > 0 {
				mult = k.esc[min(l.streak[i], len(k.esc))-1]
			}
			b.amounts[i], b.points[i] = k.price(b, st, m, charge, mult)
			areaPts += b.points[i]
		}
	}
	// the property area: 2 points free, 0.3% of the charge per point, x1.5 from the 11th, x2 from the 21st
	weighted := max(0, min(areaPts, 1000)-200)*100 + max(0, min(areaPts, 2000)-1000)*150 + max(0, areaPts-2000)*200
	if weighted > 0 {
		b.spread(roundQuo(uint64(weighted), uint64(charge*3), 1e7), b.points, b.amounts, all15[:3])
	}
	for _, a := range b.amounts {
		before += a
	}
	credits = min(before, roundQuo(uint64(charge), 75, 1000))
	if y := int(month-b.first) / 12; y != l.year {
		l.year, l.months, l.yearCharge, l.yearCredits = y, 0, 0, 0
	}
	l.yearCharge += charge
	l.months++
	limit := roundQuo(uint64(l.yearCharge+charge*int64(12-l.months)), 5, 100)
	credits = min(credits, max(0, limit-l.yearCredits))
	l.yearCredits += credits
	if credits < before {
		copy(b.weights, b.amounts)
		b.spread(credits, b.weights, b.amounts, all15)
	}
	if i := 5; b.kpis[i].earnBack { // KPI-06
		l.pool += b.amounts[i]
		if b.status[i] == rules.Met && l.metRun[i] >= 3 && l.pool > 0 {
			earnBack, l.pool = -roundQuo(uint64(l.pool), 50, 100), 0
		}
	}
	return credits, earnBack
}

// boundData is the example's data as the bound reads it: each lot's rows'
// values as integers (the charge in pence first), and whether the lot is
// in Scotland.
func boundData(t testing.TB, rb *rules.Rulebook, ds *input.Dataset) ([][][]int64, []bool) {
	require.Equal(t, rb.Charge, rb.Fields[0].Name)
	vals := make([][][]int64, len(ds.Lots))
	scotland := make([]bool, len(ds.Lots))
	for li, lot := range ds.Lots {
		scotland[li] = lot.Keys[1] == "Scotland"
		for _, row := range lot.Rows {
			v := make([]int64, len(row.Values))
			v[0] = scaled(t, row.Values[0].(decimal.Decimal), 2)
			for i, x := range row.Values[1:] {
				v[i+1] = scaled(t, x.(decimal.Decimal), 0)
			}
			vals[li] = append(vals[li], v)
		}
	}
	return vals, scotland
}

// The bound gives the engine's credits and earn-back, to the penny, for
// every lot-month of the example's data under the rulebook before terms.
func TestInt64Bound(t *testing.T) {
	rb, err := rules.Load("../runner/testdata/bench/rules.yaml", kpi.Check)
	require.NoError(t, err)
	ds, err := input.LoadData(rb, "../examples/aasc/data.csv")
	require.NoError(t, err)
	eng, err := engine.Compile(rb)
	require.NoError(t, err)
	b := newBound(t, rb)
	for i, k := range rb.KPIs {
		require.Equal(t, i < 3, k.Area != nil, "the area's KPIs come first")
	}
	vals, scotland := boundData(t, rb, ds)
	capped := 0
	for li, lot := range ds.Lots {
		l, bl := eng.NewLot(), newBoundLot(len(rb.KPIs))
		for mi := range lot.Rows {
			lm, err := l.Month(&lot.Rows[mi], nil)
			require.NoError(t, err)
			credits, earnBack := b.month(bl, vals[li][mi], scotland[li], lot.Rows[mi].Month)
			what := lot.Name() + " " + lot.Rows[mi].Month.String()
			require.Equal(t, lm.Credits.Credits.StringFixed(2), decimal.New(credits, -2).StringFixed(2), what)
			require.Equal(t, lm.Credits.EarnBack.StringFixed(2), decimal.New(earnBack, -2).StringFixed(2), what)
			if lm.Credits.Credits.LessThan(lm.Credits.BeforeCap) {
				capped++
			}
		}
	}
	require.Positive(t, capped, "the caps bind in some months")
}

// BenchmarkInt64Bound is the lower bound of BenchmarkLotMonth's
// before-terms figures-only: the same lot-months, the same arithmetic, on
// plain int64s.
func BenchmarkInt64Bound(b *testing.B) {
	rb, err := rules.Load("../runner/testdata/bench/rules.yaml", kpi.Check)
	require.NoError(b, err)
	ds, err := input.LoadData(rb, "../examples/aasc/data.csv")
	require.NoError(b, err)
	bd := newBound(b, rb)
	vals, scotland := boundData(b, rb, ds)
	l, first := newBoundLot(len(rb.KPIs)), ds.Lots[0].Rows[0].Month
	n := 0
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		bd.month(l, vals[0][n%len(vals[0])], scotland[0], first.Add(n))
		n++
	}
	reportPerKPIMonth(b, cpu, len(rb.KPIs))
}
