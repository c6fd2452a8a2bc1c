package fixed_test

import (
	"math"
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// f parses a number that must fit; its scale is its places as written.
func f(s string) fixed.Decimal {
	d, ok := fixed.Parse(s)
	if !ok {
		panic("fixed: " + s + " does not fit")
	}
	return d
}

// requireSame fails unless got is want with the same coefficient and scale.
func requireSame(t *testing.T, want string, wantScale int, got fixed.Decimal, ok bool, msg string) {
	t.Helper()
	require.True(t, ok, msg)
	w := f(want)
	require.Equal(t, w.Cmp(got), 0, "%s: got %s, want %s", msg, got, want)
	require.Equal(t, wantScale, got.Scale(), "%s: scale", msg)
}

func TestNewAndFromDecimal(t *testing.T) {
	for _, tc := range []struct {
		coef  int64
		scale int
		ok    bool
	}{
		{0, 0, true}, {1, 18, true}, {-1, -18, true}, {math.MaxInt64, 3, true}, {-math.MaxInt64, 0, true},
		{math.MinInt64, 0, false}, {1, 19, false}, {1, -19, false},
	} {
		d, ok := fixed.New(tc.coef, tc.scale)
		require.Equal(t, tc.ok, ok, "%d×10^-%d", tc.coef, tc.scale)
		if ok {
			require.Equal(t, tc.coef, d.Coef())
			require.Equal(t, tc.scale, d.Scale())
			back, ok := fixed.FromDecimal(d.Decimal())
			require.True(t, ok)
			require.Equal(t, d, back)
		}
	}
	for _, tc := range []struct {
		in    string
		ok    bool
		coef  int64
		scale int
	}{
		{"0", true, 0, 0}, {"0.00", true, 0, 2}, {"-12.50", true, -1250, 2}, {"1e3", true, 1, -3},
		{"9223372036854775807", true, math.MaxInt64, 0}, {"-9223372036854775807", true, -math.MaxInt64, 0},
		{"9223372036854775808", false, 0, 0}, {"-9223372036854775808", false, 0, 0}, // beyond, and MinInt64
		{"18446744073709551615", false, 0, 0}, {"-18446744073709551616", false, 0, 0}, // 64 bits and beyond
		{"9999999999999999999", false, 0, 0}, {"123456789012345678901234", false, 0, 0},
		{"0.000000000000000001", true, 1, 18}, {"0.0000000000000000001", false, 0, 0}, {"1e19", false, 0, 0},
	} {
		d, ok := fixed.FromDecimal(decimal.RequireFromString(tc.in))
		require.Equal(t, tc.ok, ok, tc.in)
		if ok {
			require.Equal(t, tc.coef, d.Coef(), tc.in)
			require.Equal(t, tc.scale, d.Scale(), tc.in)
			require.Equal(t, decimal.RequireFromString(tc.in).String(), d.String(), tc.in)
		}
	}
	_, ok := fixed.FromDecimal(decimal.Decimal{}) // the zero value, with no coefficient
	require.True(t, ok)
	_, ok = fixed.Parse("abc")
	require.False(t, ok)
	_, ok = fixed.FromInt(math.MinInt64)
	require.False(t, ok)
}

func TestArithmetic(t *testing.T) {
	sum, ok := f("1.5").Add(f("0.25"))
	requireSame(t, "1.75", 2, sum, ok, "1.5 + 0.25")
	sum, ok = f("0.1").Add(f("0.2"))
	requireSame(t, "0.3", 1, sum, ok, "0.1 + 0.2")
	diff, ok := f("1").Sub(f("1.000"))
	requireSame(t, "0", 3, diff, ok, "1 - 1.000")
	// 10 at scale -1 is 10^19 at scale 18, past int64, yet the sum fits.
	sum, ok = f("1e1").Add(f("-9.000000000000000000"))
	requireSame(t, "1", 18, sum, ok, "1e1 + -9.000000000000000000")
	_, ok = f("9223372036854775807").Add(f("1"))
	require.False(t, ok, "overflow")
	_, ok = f("-9223372036854775807").Sub(f("1"))
	require.False(t, ok, "MinInt64 is not a coefficient")
	_, ok = f("1").Add(f("0.000000000000000001"))
	require.True(t, ok)
	_, ok = f("10").Add(f("0.000000000000000001"))
	require.False(t, ok, "10 at 18 places overflows")
	prod, ok := f("1.5").Mul(f("-0.20"))
	requireSame(t, "-0.3", 3, prod, ok, "1.5 × -0.20")
	_, ok = f("0.0000000001").Mul(f("0.0000000001"))
	require.False(t, ok, "20 places")
	_, ok = f("4294967296").Mul(f("4294967296"))
	require.False(t, ok, "2^64")
	require.Equal(t, f("-2.5"), f("2.5").Neg())
	require.Equal(t, f("2.5"), f("-2.5").Abs())
	require.Equal(t, f("2.5"), f("2.5").Abs())
}

func TestCmp(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1", "1.000", 0}, {"0.98", "0.9797979797979798", 1}, {"-0.98", "-0.9797979797979798", -1},
		{"0", "0.00", 0}, {"0", "-0.000000000000000001", 1}, {"-1", "1", -1},
		{"1e18", "0.000000000000000001", 1},                // 36 places apart
		{"9223372036854775807", "922337203685477580.7", 1}, // the first beyond int64 at 1 place
		{"-922337203685477580", "-922337203685477580.7", 1},
		{"12.5", "12.50000000000000000", 0},
		{"1e1", "9.000000000000000001", 1}, {"1e1", "-9.000000000000000001", 1},
	} {
		require.Equal(t, tc.want, f(tc.a).Cmp(f(tc.b)), "%s <=> %s", tc.a, tc.b)
		require.Equal(t, -tc.want, f(tc.b).Cmp(f(tc.a)), "%s <=> %s", tc.b, tc.a)
		require.Equal(t, tc.want == 0, f(tc.a).Equal(f(tc.b)))
	}
}

func TestQuo(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		places int
		want   string // "" when it does not fit
	}{
		{"1", "3", 16, "0.3333333333333333"},
		{"2", "3", 16, "0.6666666666666667"},
		{"-2", "3", 16, "-0.6666666666666667"},
		{"2", "-3", 16, "-0.6666666666666667"},
		{"1", "2", 16, "0.5"}, // at 16 places all the same
		{"247", "255", 16, "0.9686274509803922"},
		// 1/2^20 = 0.00000095367431640625 terminates at the 20th place
		{"1", "1048576", 16, "0.0000009536743164"},
		// 5 × 10^-17, exactly half a unit of the 16th place: away from zero
		{"1", "20000000000000000", 16, "0.0000000000000001"},
		{"-1", "20000000000000000", 16, "-0.0000000000000001"},
		{"1", "20000000000000001", 16, "0"},
		{"0", "7", 16, "0"},
		{"922", "1", 16, "922"},
		{"923", "1", 16, ""}, // 9.23 × 10^18 at 16 places overflows
		{"1", "0.000000000000000001", 0, "1000000000000000000"},
		{"1", "0", 16, ""},
		{"1e18", "1e-18", 0, ""},
		{"1", "3", 19, ""},
	} {
		got, ok := f(tc.a).Quo(f(tc.b), tc.places)
		if tc.want == "" {
			require.False(t, ok, "%s / %s", tc.a, tc.b)
			continue
		}
		requireSame(t, tc.want, tc.places, got, ok, tc.a+" / "+tc.b)
	}
}

func TestRoundQuoAndRound(t *testing.T) {
	for _, tc := range []struct {
		num, den string
		places   int
		mode     fixed.Rounding
		want     string
	}{
		{"2.5", "1", 0, fixed.HalfUp, "3"}, {"2.5", "1", 0, fixed.HalfEven, "2"},
		{"3.5", "1", 0, fixed.HalfEven, "4"}, {"-2.5", "1", 0, fixed.HalfEven, "-2"},
		{"-2.5", "1", 0, fixed.HalfUp, "-3"}, {"1", "-8", 2, fixed.HalfEven, "-0.12"},
		{"1", "-8", 2, fixed.HalfUp, "-0.13"}, {"10", "4", -1, fixed.HalfEven, "0"},
		{"15", "1", -1, fixed.HalfEven, "20"}, {"100", "3", 2, fixed.HalfUp, "33.33"},
	} {
		got, ok := fixed.RoundQuo(f(tc.num), f(tc.den), tc.places, tc.mode)
		requireSame(t, tc.want, tc.places, got, ok, tc.num+" / "+tc.den)
	}
	r, ok := f("2.345").Round(2)
	requireSame(t, "2.35", 2, r, ok, "round(2.345, 2)")
	r, ok = f("-2.345").Round(2)
	requireSame(t, "-2.35", 2, r, ok, "round(-2.345, 2)")
	r, ok = f("2.3").Round(4)
	requireSame(t, "2.3", 4, r, ok, "round(2.3, 4)")
	_, ok = f("9223372036854775807").Round(1)
	require.False(t, ok)
	_, ok = f("1").Round(19)
	require.False(t, ok)
}

func TestIntegers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 12, true}, {"12.000", 12, true}, {"-3e2", -300, true}, {"12.5", 0, false}, {"1e18", 1e18, true}, {"1e-18", 0, false},
	} {
		n, ok := f(tc.in).Int64()
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, n, tc.in)
		require.Equal(t, tc.ok, f(tc.in).IsInteger(), tc.in)
	}
	_, ok := f("1e-18").Mul(f("1"))
	require.True(t, ok)
	big, _ := fixed.New(1, -18) // 10^18 is an int64; 10^19 is not
	n, ok := big.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(1e18), n)
	bigger, _ := fixed.New(10, -18)
	_, ok = bigger.Int64()
	assert.False(t, ok)
	require.Equal(t, 0, fixed.Decimal{}.Sign())
	require.True(t, fixed.Decimal{}.IsZero())
	require.Equal(t, -1, f("-0.1").Sign())
}
