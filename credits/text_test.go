package credits

import (
	"math/rand/v2"
	"testing"

	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randomNumber is a decimal of any sign with 0 to 25 digits, its exponent
// from -30 to 5: zeros at many scales, whole numbers written with a
// positive exponent, fractions with trailing zeros, and coefficients
// beyond 64 bits.
func randomNumber(r *rand.Rand) decimal.Decimal {
	exp := int32(r.IntN(36)) - 30
	switch r.IntN(6) {
	case 0:
		return decimal.New(0, exp)
	case 1: // beyond 64 bits
		return decimal.New(r.Int64N(1e18), exp).Mul(decimal.New(r.Int64N(1e7)+1, 0))
	}
	c := r.Int64N([]int64{10, 1000, 1e9, 1e18}[r.IntN(4)])
	if r.IntN(2) == 0 {
		c = -c
	}
	return decimal.New(c, exp)
}

// The writer's numbers, money and measures are those of decimal.String,
// money.Format and Measure, for every currency's minor unit.
func TestTextNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	currencies := []struct {
		code   string
		places int32
	}{{"GBP", 2}, {"JPY", 0}, {"XAU", 3}, {"EUR", 2}, {"BTC", 8}}
	for range 20000 {
		cur := currencies[r.IntN(len(currencies))]
		w := text{c: &Calculator{rb: &rules.Rulebook{Currency: cur.code}, places: cur.places, symbol: money.Symbol(cur.code)}}
		d, ref := randomNumber(r), randomNumber(r)
		if r.IntN(3) == 0 {
			ref = d.Round(int32(r.IntN(8))) // a reference close to the measure
		}
		w.dec(d)
		require.Equal(t, d.String(), string(w.b), "dec %s", d)
		w.b = w.b[:0]
		w.money(d)
		require.Equal(t, money.Format(d, cur.code, cur.places), string(w.b), "money %s in %s", d, cur.code)
		w.b = w.b[:0]
		w.measure(d, ref)
		require.Equal(t, Measure(d, ref), string(w.b), "measure %s beside %s", d, ref)
		require.Equal(t, d.Equal(one), isOne(d), "isOne %s", d)
		require.Equal(t, d.Cmp(ref), cmp(d, ref), "cmp %s %s", d, ref)
	}
}

func TestTextWords(t *testing.T) {
	var w text
	for _, tc := range []struct {
		write func()
		want  string
	}{
		{func() { w.plural(1, "met month") }, "1 met month"},
		{func() { w.plural(0, "month") }, "0 months"},
		{func() { w.plural(12, "failure") }, "12 failures"},
		{func() { w.ordinal(1) }, "1st"},
		{func() { w.ordinal(2) }, "2nd"},
		{func() { w.ordinal(3) }, "3rd"},
		{func() { w.ordinal(4) }, "4th"},
		{func() { w.ordinal(11) }, "11th"},
		{func() { w.ordinal(12) }, "12th"},
		{func() { w.ordinal(13) }, "13th"},
		{func() { w.ordinal(21) }, "21st"},
		{func() { w.ordinal(112) }, "112th"},
		{func() { w.ordinal(123) }, "123rd"},
		{func() { w.points(decimal.New(10, -1)) }, "1 point"},
		{func() { w.points(decimal.New(45, -1)) }, "4.5 points"},
		{func() { w.bonusPoints(one) }, "1 bonus point"},
		{func() { w.bonusPoints(decimal.New(0, 0)) }, "0 bonus points"},
		{func() { w.str("ab"); w.insert(0, "(") }, "(ab"},
		{func() { w.str("ab"); w.insert(1, "--") }, "a--b"},
	} {
		w.b = w.b[:0]
		tc.write()
		require.Equal(t, tc.want, string(w.b))
	}
}
