package fixed_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/money"
	"github.com/shopspring/decimal"
)

// The differential tests drive every operation with the same inputs as
// shopspring's decimal (and money.RoundQuo) and compare: an operation
// reports ok exactly when shopspring's result fits in a Decimal, and then
// gives that result, coefficient and exponent. Random inputs favour the
// extremes: 0, ±1, the largest coefficients, values near overflow, and
// every scale from MinScale to MaxScale.

// edges are coefficients at the extremes.
var edges = []int64{0, 1, -1, 2, 5, -5, 10, 50, math.MaxInt64, -math.MaxInt64, math.MaxInt64 - 1,
	1e18, -1e18, 999999999999999999, 5e18, 4611686018427387904, 3037000499, 3037000500, 4294967296}

func randCoef(r *rand.Rand) int64 {
	var c int64
	switch r.IntN(6) {
	case 0:
		return edges[r.IntN(len(edges))]
	case 1:
		c = r.Int64() // 19 digits, mostly
	case 2:
		c = math.MaxInt64/int64(math.Pow10(r.IntN(19))) - r.Int64N(3) // near overflow at some scale
	default:
		c = r.Int64N(int64(math.Pow10(r.IntN(18) + 1)))
	}
	if r.IntN(2) == 0 {
		c = -c
	}
	return c
}

func randScale(r *rand.Rand) int {
	switch r.IntN(5) {
	case 0:
		return r.IntN(fixed.MaxScale-fixed.MinScale+1) + fixed.MinScale
	case 1:
		return r.IntN(3)
	}
	return r.IntN(fixed.MaxScale + 1)
}

func randDecimal(r *rand.Rand) fixed.Decimal {
	d, ok := fixed.New(randCoef(r), randScale(r))
	if !ok {
		panic("randDecimal")
	}
	return d
}

// check fails unless the operation's result agrees with shopspring's.
func check(t testing.TB, what string, got fixed.Decimal, ok bool, want decimal.Decimal) {
	t.Helper()
	w, fits := fixed.FromDecimal(want)
	switch {
	case ok != fits:
		t.Fatalf("%s: ok %v, but shopspring gives %s (%d places), which fits: %v", what, ok, want, -want.Exponent(), fits)
	case ok && (got.Coef() != w.Coef() || got.Scale() != w.Scale()):
		t.Fatalf("%s = %s (%d places), shopspring gives %s (%d places)", what, got, got.Scale(), want, w.Scale())
	}
}

func name(op string, a, b fixed.Decimal) string {
	return fmt.Sprintf("%s(%d×10^-%d, %d×10^-%d)", op, a.Coef(), a.Scale(), b.Coef(), b.Scale())
}

func checkAdd(t testing.TB, a, b fixed.Decimal) {
	got, ok := a.Add(b)
	check(t, name("add", a, b), got, ok, a.Decimal().Add(b.Decimal()))
	got, ok = a.Sub(b)
	check(t, name("sub", a, b), got, ok, a.Decimal().Sub(b.Decimal()))
}

func checkMul(t testing.TB, a, b fixed.Decimal) {
	got, ok := a.Mul(b)
	check(t, name("mul", a, b), got, ok, a.Decimal().Mul(b.Decimal()))
}

func checkUnary(t testing.TB, a fixed.Decimal) {
	check(t, name("neg", a, a), a.Neg(), true, a.Decimal().Neg())
	check(t, name("abs", a, a), a.Abs(), true, a.Decimal().Abs())
	back, ok := fixed.FromDecimal(a.Decimal())
	check(t, name("convert", a, a), back, ok, a.Decimal())
	if a.IsInteger() != a.Decimal().IsInteger() || a.Sign() != a.Decimal().Sign() || a.String() != a.Decimal().String() {
		t.Fatalf("%s: integer, sign or text differ", name("unary", a, a))
	}
	if n, ok := a.Int64(); ok && !decimal.NewFromInt(n).Equal(a.Decimal()) {
		t.Fatalf("%s: Int64 gives %d", name("int64", a, a), n)
	}
}

func checkCmp(t testing.TB, a, b fixed.Decimal) {
	if got, want := a.Cmp(b), a.Decimal().Cmp(b.Decimal()); got != want {
		t.Fatalf("%s = %d, shopspring gives %d", name("cmp", a, b), got, want)
	}
}

// checkQuo compares Quo with DivRound, and RoundQuo in both modes with
// money.RoundQuo, to places places.
func checkQuo(t testing.TB, a, b fixed.Decimal, places int) {
	got, ok := a.Quo(b, places)
	if b.IsZero() {
		if ok {
			t.Fatalf("%s: ok dividing by zero", name("quo", a, b))
		}
		return
	}
	what := fmt.Sprintf("%s to %d places", name("quo", a, b), places)
	check(t, what, got, ok, a.Decimal().DivRound(b.Decimal(), int32(places)))
	for _, mode := range []fixed.Rounding{fixed.HalfUp, fixed.HalfEven} {
		got, ok = fixed.RoundQuo(a, b, places, mode)
		check(t, fmt.Sprintf("%s, mode %d", what, mode), got, ok, money.RoundQuo(a.Decimal(), b.Decimal(), int32(places), money.Rounding(mode)))
	}
}

// checkMulRoundQuo compares MulRoundQuo with money.RoundQuo of the
// product.
func checkMulRoundQuo(t testing.TB, a, b, den fixed.Decimal, places int) {
	for _, mode := range []fixed.Rounding{fixed.HalfUp, fixed.HalfEven} {
		got, ok := fixed.MulRoundQuo(a, b, den, places, mode)
		what := fmt.Sprintf("%s × %d×10^-%d to %d places, mode %d", name("mulroundquo", a, b), den.Coef(), den.Scale(), places, mode)
		if den.IsZero() || places < fixed.MinScale || places > fixed.MaxScale {
			if ok {
				t.Fatalf("%s: ok", what)
			}
			continue
		}
		check(t, what, got, ok, money.RoundQuo(a.Decimal().Mul(b.Decimal()), den.Decimal(), int32(places), money.Rounding(mode)))
	}
}

func checkRound(t testing.TB, a fixed.Decimal, places int) {
	got, ok := a.Round(places)
	check(t, fmt.Sprintf("%s to %d places", name("round", a, a), places), got, ok, a.Decimal().Round(int32(places)))
}

func randPlaces(r *rand.Rand) int {
	if r.IntN(3) == 0 {
		return r.IntN(41) - 20 // beyond the scales, too
	}
	return 16
}

func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n {
		a, b := randDecimal(r), randDecimal(r)
		if r.IntN(4) == 0 { // near each other, to test ties and cancellations
			b, _ = fixed.New(-a.Coef()+r.Int64N(5)-2, a.Scale())
		}
		checkAdd(t, a, b)
		checkMul(t, a, b)
		checkUnary(t, a)
		checkCmp(t, a, b)
		checkQuo(t, a, b, randPlaces(r))
		checkRound(t, a, randPlaces(r))
		checkMulRoundQuo(t, a, b, randDecimal(r), randPlaces(r))
	}
}

// TestDifferentialPrices prices as the credits do: a charge in pence
// times a shortfall at 16 places times a rate, over a divisor, rounded to
// the penny; the product needs more than 64 bits.
func TestDifferentialPrices(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for range 100000 {
		charge, _ := fixed.New(r.Int64N(1e9), 2)
		shortfall, _ := fixed.New(r.Int64N(1e16), 16)
		rate, _ := fixed.New(r.Int64N(1000), r.IntN(3))
		den, _ := fixed.New(1+r.Int64N(10000), r.IntN(3))
		if prod, ok := charge.Mul(rate); ok {
			checkMulRoundQuo(t, prod, shortfall, den, 2)
		}
		checkMulRoundQuo(t, charge, shortfall, den, 2)
		checkMulRoundQuo(t, charge, rate, den, 2)
	}
}

// TestDifferentialQuotients divides small counts, as KPI measures do,
// with the quotients exactly half a unit and terminating after the 16th
// place among them.
func TestDifferentialQuotients(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 7))
	for range 100000 {
		a, _ := fixed.New(r.Int64N(2000)-100, r.IntN(3))
		b, _ := fixed.New(r.Int64N(2000)-100, r.IntN(3))
		if r.IntN(3) == 0 { // powers of two and five terminate late
			b, _ = fixed.New(int64(1)<<r.IntN(62)*[]int64{1, -1}[r.IntN(2)], r.IntN(3))
		}
		checkQuo(t, a, b, 16)
		checkQuo(t, a, b, r.IntN(5))
	}
}

// FuzzFromDecimal converts arbitrary numbers: exactly when they fit.
func FuzzFromDecimal(f *testing.F) {
	for _, s := range []string{"0", "-12.50", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e-18", "1e-19", "1e18", "1e19", "123456789012345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := decimal.NewFromString(s)
		if err != nil || d.Exponent() < -1000 || d.Exponent() > 1000 {
			return
		}
		got, ok := fixed.FromDecimal(d)
		fits := d.Exponent() >= -fixed.MaxScale && d.Exponent() <= -fixed.MinScale &&
			d.Coefficient().IsInt64() && d.Coefficient().Int64() != math.MinInt64
		if ok != fits || ok && (got.Coef() != d.CoefficientInt64() || got.Scale() != -int(d.Exponent())) {
			t.Fatalf("%s: got %d×10^-%d, %v", s, got.Coef(), got.Scale(), ok)
		}
	})
}

// fuzzPair makes two Decimals of the fuzzer's coefficients and scales,
// brought into range.
func fuzzPair(c1 int64, s1 int8, c2 int64, s2 int8) (fixed.Decimal, fixed.Decimal) {
	fit := func(c int64, s int8) fixed.Decimal {
		if c == math.MinInt64 {
			c++
		}
		d, _ := fixed.New(c, int(s)%(fixed.MaxScale+1))
		return d
	}
	return fit(c1, s1), fit(c2, s2)
}

func addSeeds(f *testing.F) {
	f.Add(int64(1), int8(0), int64(3), int8(0), int8(16))
	f.Add(int64(math.MaxInt64), int8(18), int64(-1), int8(-18), int8(0))
	f.Add(int64(1), int8(-1), int64(-9e18), int8(18), int8(5))
	f.Add(int64(5), int8(17), int64(2), int8(0), int8(16))
}

func FuzzAddSub(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, c1 int64, s1 int8, c2 int64, s2 int8, _ int8) {
		a, b := fuzzPair(c1, s1, c2, s2)
		checkAdd(t, a, b)
		checkCmp(t, a, b)
		checkUnary(t, a)
	})
}

func FuzzMul(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, c1 int64, s1 int8, c2 int64, s2 int8, _ int8) {
		a, b := fuzzPair(c1, s1, c2, s2)
		checkMul(t, a, b)
	})
}

func FuzzQuo(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, c1 int64, s1 int8, c2 int64, s2 int8, places int8) {
		a, b := fuzzPair(c1, s1, c2, s2)
		checkQuo(t, a, b, int(places)%25)
	})
}

func FuzzMulRoundQuo(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, c1 int64, s1 int8, c2 int64, s2 int8, places int8) {
		a, b := fuzzPair(c1, s1, c2, s2)
		den, _ := fuzzPair(int64(places)*7+3, places/3, 0, 0)
		checkMulRoundQuo(t, a, b, den, int(places)%25)
	})
}

func FuzzRound(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, c1 int64, s1 int8, _ int64, _ int8, places int8) {
		a, _ := fuzzPair(c1, s1, 0, 0)
		checkRound(t, a, int(places)%25)
	})
}
