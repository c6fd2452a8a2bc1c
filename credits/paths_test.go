package credits_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/internal/same"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The two paths: every lot-month priced in fixed point (falling back to
// decimals when a figure does not fit) and the same lot-month priced in
// decimals only give the same figures, coefficient and exponent, the
// same explanations and the same state after it, on random rulebooks
// (every scheme, areas, caps, earn-back, and half with the terms over
// time: bonus points, a rolling cap, triggers, an amendment) and random
// months, among them charges and measures near and beyond what fixed
// point holds, so that both paths run. A third lot prices the same
// months with Figures, reusing its month, and gives the same figures once
// Complete has set them.

func requireSame(t *testing.T, what string, a, b any, skip ...string) {
	t.Helper()
	if d := same.Diff(a, b, skip...); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

// requireFixedMatches checks a month priced in fixed point: each Fixed
// figure is its decimal's.
func requireFixedMatches(t *testing.T, what string, lm *credits.Month) {
	t.Helper()
	same := func(name string, f fixed.Decimal, d decimal.Decimal) {
		if g, ok := fixed.FromDecimal(d); !ok || g != f {
			t.Fatalf("%s: %s is %s in fixed point (%d places) but %s", what, name, f, f.Scale(), d)
		}
	}
	m := &lm.Fixed
	same("Charge", m.Charge, lm.Charge)
	same("BeforeCap", m.BeforeCap, lm.BeforeCap)
	same("Credits", m.Credits, lm.Credits)
	same("EarnBack", m.EarnBack, lm.EarnBack)
	same("Cap", m.Cap, lm.Cap)
	same("AnnualCapLeft", m.AnnualCapLeft, lm.AnnualCapLeft)
	same("RollingCapLeft", m.RollingCapLeft, lm.RollingCapLeft)
	for _, kc := range lm.KPIs {
		x := &kc.Fixed
		same(kc.KPI.ID+" Amount", x.Amount, kc.Amount)
		same(kc.KPI.ID+" Credit", x.Credit, kc.Credit)
		same(kc.KPI.ID+" Points", x.Points, kc.Points)
		same(kc.KPI.ID+" EarnBack", x.EarnBack, kc.EarnBack)
		same(kc.KPI.ID+" Multiplier", x.Multiplier, kc.Multiplier)
		same(kc.KPI.ID+" AreaShare", x.AreaShare, kc.AreaShare)
	}
}

// pathMonth is one month of random inputs.
type pathMonth struct {
	month  rules.Month
	charge decimal.Decimal
	obs    []credits.Observation
}

// randomCharge is a charge in pence, or, now and then when extreme is
// set, one near or beyond what fixed point holds, or with many places.
func randomCharge(r *rand.Rand, extreme bool) decimal.Decimal {
	if !extreme {
		if r.IntN(20) == 0 {
			return decimal.New(0, -int32(r.IntN(3))) // no charge: every percent of it is 0
		}
		return decimal.New(100_000+r.Int64N(10_000_000), -2)
	}
	switch r.IntN(60) {
	case 0:
		return decimal.New(9_000_000_000_000_000_000+r.Int64N(200_000_000_000_000_000), -2) // near 2^63 pence
	case 1:
		return decimal.New(r.Int64N(1e15), -2).Mul(decimal.New(1, 6)) // beyond 64 bits at 2 places
	case 2:
		return decimal.New(r.Int64N(1e17), -int32(14+r.IntN(5))) // up to 18 places
	case 3:
		return decimal.New(r.Int64N(1e12), -2) // ten billion
	}
	return decimal.New(100_000+r.Int64N(10_000_000), -2)
}

// randomPathMeasure is a measure from 0 to 100 with up to 16 places, as
// a quotient gives, or, now and then when extreme is set, with more.
func randomPathMeasure(r *rand.Rand, extreme bool) decimal.Decimal {
	places := []int32{0, 2, 4, 16, 16}[r.IntN(5)]
	if extreme && r.IntN(100) == 0 {
		places = 19 + r.Int32N(5)
	}
	whole := decimal.New(int64(r.IntN(101)), 0)
	if places == 0 {
		return whole
	}
	frac := decimal.New(r.Int64N(1<<62), -places).Mod(decimal.New(1, 0))
	return decimal.Min(decimal.New(100, 0), whole.Add(frac))
}

// randomPathMonths draws months for a rulebook: each KPI's measure,
// classified, or not measured, or excused; some measures given in fixed
// point only, as the engine gives them; some with a quarter's base; with
// extreme set, some figures near or beyond what fixed point holds.
func randomPathMonths(r *rand.Rand, rb *rules.Rulebook, n int, extreme bool) []pathMonth {
	out := make([]pathMonth, n)
	first := rules.NewMonth(2024, 1)
	for m := range out {
		pm := pathMonth{month: first.Add(m), charge: randomCharge(r, extreme)}
		for _, k := range rb.KPIs {
			o := credits.Observation{Status: rules.NotMeasured}
			switch p := r.IntN(10); {
			case p == 0:
				o.Status = rules.Excused
			case p > 1:
				o.Measure = randomPathMeasure(r, extreme)
				o.Status = k.Classify(o.Measure)
				if f, ok := fixed.FromDecimal(o.Measure); ok && r.IntN(2) == 0 {
					o.Fixed.Measure, o.Fixed.HasMeasure, o.Measure = f, true, decimal.Decimal{}
				}
			}
			if r.IntN(8) == 0 {
				base := randomCharge(r, extreme).Mul(decimal.New(3, 0))
				if f, ok := fixed.FromDecimal(base); ok && r.IntN(2) == 0 {
					o.Fixed.Base, o.Fixed.HasBase = f, true
				} else {
					o.Base = &base
				}
			}
			pm.obs = append(pm.obs, o)
		}
		out[m] = pm
	}
	return out
}

// pathLots are three lots of one contract: priced in fixed point where
// the figures fit (Month), in decimals only (Month), and figures only
// (Figures).
type pathLots [3]*credits.Lot

// month prices a month with each lot and compares them; it reports
// whether the month fitted in fixed point.
func (lots pathLots) month(t *testing.T, what string, pm pathMonth) bool {
	t.Helper()
	a, err := lots[0].Month(pm.month, pm.charge, pm.obs)
	require.NoError(t, err, what)
	b, err := lots[1].Month(pm.month, pm.charge, pm.obs)
	require.NoError(t, err, what)
	f, err := lots[2].Figures(pm.month, pm.charge, pm.obs)
	require.NoError(t, err, what)
	require.False(t, b.HasFixed)
	require.Equal(t, a.HasFixed, f.HasFixed)
	f.Complete()
	for k := range f.KPIs {
		f.KPIs[k].Observation.Complete()
	}
	if a.HasFixed {
		requireFixedMatches(t, what, a)
		requireFixedMatches(t, what+", figures", f)
	}
	requireSame(t, what+", fixed point and decimals", a, b, "Fixed", "HasFixed")
	requireSame(t, what+", Figures and Month", a, f, "Fixed", "HasFixed", "Explanation", "How")
	sa, _ := lots[0].State()
	sb, _ := lots[1].State()
	sf, _ := lots[2].State()
	requireSame(t, what+", states", sa, sb)
	requireSame(t, what+", states of Figures", sa, sf)
	return a.HasFixed
}

func TestPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 16))
	var fast, slow int
	cases := 150
	if testing.Short() {
		cases = 30
	}
	for i := range cases {
		c := randbook.New(r)
		if i%2 == 1 {
			c = randbook.WithTerms(r, c)
		}
		rb, err := rules.Parse("random.yaml", strings.NewReader(c.Rules), nil)
		require.NoError(t, err, c.Rules)
		epochs := rb.Timeline()
		calcs := make([]*credits.Calculator, len(epochs))
		for e := range epochs {
			calcs[e] = credits.New(epochs[e].Rules)
		}
		lots := pathLots{calcs[0].NewLot(), calcs[0].NewLot(), calcs[0].NewLot()}
		credits.PriceInDecimals(lots[1])
		for _, pm := range randomPathMonths(r, rb, 6+r.IntN(30), i%4 < 2) {
			e := len(epochs) - 1
			for e > 0 && epochs[e].From > pm.month {
				e--
			}
			for _, l := range lots {
				l.Use(calcs[e])
			}
			if lots.month(t, fmt.Sprintf("case %d, %s\n%s", i, pm.month, c.Rules), pm) {
				fast++
			} else {
				slow++
			}
		}
	}
	t.Logf("%d lot-months in fixed point, %d in decimals", fast, slow)
	require.Greater(t, fast, 2*slow, "most months fit in fixed point")
	require.Greater(t, slow, cases/2, "the fallback runs")
}
