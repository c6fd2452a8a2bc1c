package fixed

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// randomFigure is a decimal of up to 12 digits with an exponent from -4
// to 1, zero at times, and rarely one that fixed point cannot hold (20 to
// 25 digits, or 19 or 20 places), so that some sums cross from fixed point
// to decimals.
func randomFigure(r *rand.Rand) decimal.Decimal {
	if r.IntN(6) == 0 {
		return decimal.New(0, -int32(r.IntN(4)))
	}
	digits, exp := 1+r.IntN(12), int32(r.IntN(6)-4)
	if r.IntN(200) == 0 {
		if r.IntN(2) == 0 {
			digits = 20 + r.IntN(6)
		} else {
			exp = -19 - int32(r.IntN(2))
		}
	}
	var b strings.Builder
	if r.IntN(3) == 0 {
		b.WriteByte('-')
	}
	b.WriteByte(byte('1' + r.IntN(9)))
	for range digits - 1 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	c, err := decimal.NewFromString(b.String())
	if err != nil {
		panic(err)
	}
	return c.Shift(exp)
}

// exact says whether two decimals are the same coefficient and exponent.
func exact(t *testing.T, want, got decimal.Decimal, msg string) {
	t.Helper()
	require.Truef(t, want.Equal(got) && want.Exponent() == got.Exponent(), "%s: want %s (exp %d), got %s (exp %d)",
		msg, want, want.Exponent(), got, got.Exponent())
}

// A sum adds up in fixed point while it fits and in decimals after, and
// gives what decimal.Zero.Add, one figure after another, gives: value and
// exponent, added one by one or merged from parts.
func TestSumIsDecimalsSum(t *testing.T) {
	for _, tc := range []struct {
		name  string
		seed  uint64
		count int
	}{
		{"none", 1, 0}, {"one", 2, 1}, {"a lot's months", 3, 120}, {"many", 4, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			crossed := 0 // rounds whose sum left fixed point
			for round := range 50 {
				r := rand.New(rand.NewPCG(tc.seed, uint64(round)))
				want := decimal.Zero
				var s, a, b Sum
				for i := range tc.count {
					d := randomFigure(r)
					want = want.Add(d)
					s.Add(d)
					if i%2 == 0 {
						a.Add(d)
					} else {
						b.Add(d)
					}
				}
				exact(t, want, s.Decimal(), "added")
				a.Merge(&b)
				exact(t, want, a.Decimal(), "merged")
				if s.big {
					crossed++
				}
			}
			if tc.count == 120 { // some sums stay in fixed point, some leave it
				require.Positive(t, crossed, "no sum left fixed point")
				require.Less(t, crossed, 50, "every sum left fixed point")
			}
		})
	}
}

// Like gives the other decimal itself where the sum is it exactly, and
// the sum otherwise: equal in value at another exponent is not the same.
func TestSumLike(t *testing.T) {
	big := decimal.RequireFromString("123456789012345678901234.5")
	for _, tc := range []struct {
		name  string
		add   []string
		like  decimal.Decimal
		share bool
	}{
		{"same", []string{"1.25", "2.00"}, decimal.RequireFromString("3.25"), true},
		{"same value, other exponent", []string{"1.25", "2.00"}, decimal.RequireFromString("3.250"), false},
		{"other value", []string{"1.25"}, decimal.RequireFromString("1.26"), false},
		{"nothing and zero", nil, decimal.Zero, true},
		{"beyond fixed point, same", []string{"123456789012345678901234", "0.5"}, big, true},
		{"beyond fixed point, other", []string{"123456789012345678901234", "0.6"}, big, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Sum
			want := decimal.Zero
			for _, a := range tc.add {
				d := decimal.RequireFromString(a)
				s.Add(d)
				want = want.Add(d)
			}
			got := s.Like(tc.like)
			exact(t, want, got, "like")
			require.Equal(t, tc.share, got == tc.like, "shares the other's decimal")
		})
	}
}

// A Sum of nothing is decimal.Zero, as a total added to it would be.
func TestSumOfNothingIsZero(t *testing.T) {
	var s Sum
	exact(t, decimal.Zero, s.Decimal(), "nothing")
}
