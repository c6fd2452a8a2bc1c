package events

import (
	"math"

	"github.com/shopspring/decimal"
)

// fixed is a number of an event file as coef x 10^exp, when it fits an
// int64 (ok): most do, and adding them up so allocates nothing, where
// decimal arithmetic allocates on every operation.
type fixed struct {
	coef int64
	exp  int32 // 0 or negative: minus the decimal places written
	ok   bool
}

// fixedOf reads a number's text, already checked by number: an optional -,
// digits, an optional point and digits.
func fixedOf(s string) fixed {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	var f fixed
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			f.exp = -int32(len(s) - i - 1)
			continue
		}
		if digits++; digits > 18 {
			return fixed{}
		}
		f.coef = f.coef*10 + int64(c-'0')
	}
	if neg {
		f.coef = -f.coef
	}
	f.ok = true
	return f
}

// pow10 holds the powers of ten an int64 holds.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// align returns a and b at the smaller of their exponents, or false if
// either no longer fits an int64.
func align(a fixed, b fixed) (int64, int64, int32, bool) {
	e := min(a.exp, b.exp)
	x, ok1 := scale(a.coef, a.exp-e)
	y, ok2 := scale(b.coef, b.exp-e)
	return x, y, e, ok1 && ok2
}

// scale returns c x 10^k (k >= 0), or false on overflow.
func scale(c int64, k int32) (int64, bool) {
	if k == 0 {
		return c, true
	}
	if k >= int32(len(pow10)) {
		return 0, c == 0
	}
	p := pow10[k]
	if c > math.MaxInt64/p || c < math.MinInt64/p {
		return 0, false
	}
	return c * p, true
}

// addValue adds a number to a field's sum and maximum: in int64s while
// every value and the sum fit, else in decimals.
func (acc *accum) addValue(v fixed, d decimal.Decimal) {
	if !acc.slow && v.ok {
		if acc.n == 0 {
			acc.isum, acc.imax, acc.n = v, v, 1
			return
		}
		x, y, e, ok := align(acc.isum, v)
		s := x + y
		if ok && (y >= 0) == (s >= x) { // no overflow
			mx, my, me, ok2 := align(acc.imax, v)
			if ok2 {
				acc.isum = fixed{coef: s, exp: e, ok: true}
				if my > mx {
					acc.imax = fixed{coef: my, exp: me, ok: true}
				}
				acc.n++
				return
			}
		}
	}
	acc.toDecimal()
	if d.GreaterThan(acc.max) || acc.n == 0 {
		acc.max = d
	}
	acc.n++
	acc.sum = acc.sum.Add(d)
}

// toDecimal moves the sum and maximum to decimals, once.
func (acc *accum) toDecimal() {
	if acc.slow {
		return
	}
	acc.slow = true
	if acc.n > 0 {
		acc.sum, acc.max = decimal.New(acc.isum.coef, acc.isum.exp), decimal.New(acc.imax.coef, acc.imax.exp)
	}
}

// total returns the sum and the maximum.
func (acc *accum) total() (sum, most decimal.Decimal) {
	if acc.slow || acc.n == 0 {
		return acc.sum, acc.max
	}
	return decimal.New(acc.isum.coef, acc.isum.exp), decimal.New(acc.imax.coef, acc.imax.exp)
}
