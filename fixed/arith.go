package fixed

import (
	"math"
	"math/bits"
)

// Neg returns -d. It never fails: no coefficient is math.MinInt64.
func (d Decimal) Neg() Decimal { return Decimal{-d.coef, d.scale} }

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	if d.coef < 0 {
		return d.Neg()
	}
	return d
}

// Add returns d + e at the larger of their scales, as decimal.Decimal's
// Add does, and false when the sum does not fit.
func (d Decimal) Add(e Decimal) (Decimal, bool) {
	if d.scale < e.scale {
		d, e = e, d // d has the larger scale; e is scaled up to it
	}
	var x uint64 // |e| × 10^(d.scale-e.scale)
	if e.coef != 0 {
		k := int(d.scale - e.scale)
		if k > 19 {
			return Decimal{}, false // |e| at d's scale is 10^20 or more, beyond any sum
		}
		hi, lo := bits.Mul64(abs(e.coef), pow10[k])
		if hi != 0 {
			return Decimal{}, false
		}
		x = lo
	}
	c, ok := sum(abs(d.coef), d.coef < 0, x, e.coef < 0)
	return Decimal{c, d.scale}, ok
}

// sum returns ±a ± b, and false when it is not an int64 other than
// math.MinInt64.
func sum(a uint64, negA bool, b uint64, negB bool) (int64, bool) {
	var m uint64
	neg := negA
	switch {
	case negA == negB:
		var carry uint64
		if m, carry = bits.Add64(a, b, 0); carry != 0 {
			return 0, false
		}
	case a >= b:
		m = a - b
	default:
		m, neg = b-a, negB
	}
	if m > math.MaxInt64 {
		return 0, false
	}
	return withSign(m, neg), true
}

// Sub returns d - e at the larger of their scales, and false when the
// difference does not fit.
func (d Decimal) Sub(e Decimal) (Decimal, bool) { return d.Add(e.Neg()) }

// Mul returns d × e at the sum of their scales, as decimal.Decimal's Mul
// does, and false when the product or its scale does not fit.
func (d Decimal) Mul(e Decimal) (Decimal, bool) {
	s := int(d.scale) + int(e.scale)
	hi, lo := bits.Mul64(abs(d.coef), abs(e.coef))
	if hi != 0 || lo > math.MaxInt64 || s < MinScale || s > MaxScale {
		return Decimal{}, false
	}
	return Decimal{withSign(lo, (d.coef < 0) != (e.coef < 0)), int8(s)}, true
}

// Cmp returns -1, 0 or +1 as d is less than, equal to or greater than e,
// whatever their scales. It never fails.
func (d Decimal) Cmp(e Decimal) int {
	if d.scale != e.scale {
		return d.cmpScales(e)
	}
	return cmp64(d.coef, e.coef)
}

// cmpScales is Cmp for numbers of different scales.
func (d Decimal) cmpScales(e Decimal) int {
	sd, se := sign(d.coef), sign(e.coef)
	if sd != se || sd == 0 {
		return cmp64(int64(sd), int64(se))
	}
	// Same sign, not zero: compare magnitudes, the one with fewer places
	// scaled up to the other's in 128 bits.
	m := cmpAbs(abs(d.coef), int(d.scale), abs(e.coef), int(e.scale))
	return m * sd
}

// Equal reports whether d and e are the same number, whatever their scales.
func (d Decimal) Equal(e Decimal) bool { return d.Cmp(e) == 0 }

// cmpAbs compares a × 10^-sa with b × 10^-sb, a and b not zero.
func cmpAbs(a uint64, sa int, b uint64, sb int) int {
	if sa > sb {
		return -cmpAbs(b, sb, a, sa)
	}
	diff := sb - sa // a has fewer places: compare a × 10^diff with b
	if diff > 18 {
		return 1 // a × 10^19 > 2^63 > b
	}
	hi, lo := bits.Mul64(a, pow10[diff])
	if hi != 0 {
		return 1
	}
	return cmpU64(lo, b)
}

// Quo returns d / e rounded half away from zero to places decimal places,
// as decimal.Decimal's DivRound(e, places) does, and false when e is zero
// or the quotient or places do not fit. A quotient that terminates sooner
// has places places all the same: 1/2 to 16 places is 0.5000000000000000.
func (d Decimal) Quo(e Decimal, places int) (Decimal, bool) {
	return RoundQuo(d, e, places, HalfUp)
}

// Rounding is how RoundQuo rounds a quotient that lies exactly halfway.
// Its values are those of money.Rounding.
type Rounding uint8

// The rounding modes.
const (
	HalfUp   Rounding = iota // halves away from zero
	HalfEven                 // halves to the even neighbour (banker's rounding)
)

// RoundQuo returns num/den rounded once, by mode, to places decimal
// places, as money.RoundQuo does, and false when den is zero or the
// result or places do not fit.
func RoundQuo(num, den Decimal, places int, mode Rounding) (Decimal, bool) {
	if den.coef == 0 || places < MinScale || places > MaxScale {
		return Decimal{}, false
	}
	neg := (num.coef < 0) != (den.coef < 0)
	return roundQuo(0, abs(num.coef), int(num.scale), den, places, mode, neg)
}

// MulRoundQuo returns a×b/den rounded once, by mode, to places decimal
// places, as money.RoundQuo(a.Mul(b), den, places, mode) does: the
// product is held exactly in 128 bits, whatever its size and scale, as a
// price is charge × shortfall × rate before it is rounded to the penny.
// It reports false when den is zero or the result or places do not fit.
func MulRoundQuo(a, b, den Decimal, places int, mode Rounding) (Decimal, bool) {
	if den.coef == 0 || places < MinScale || places > MaxScale {
		return Decimal{}, false
	}
	hi, lo := bits.Mul64(abs(a.coef), abs(b.coef))
	neg := (a.coef < 0) != (b.coef < 0) != (den.coef < 0)
	return roundQuo(hi, lo, int(a.scale)+int(b.scale), den, places, mode, neg)
}

// roundQuo is n/den rounded by mode to places places, n the 128-bit
// magnitude hi:lo at scale ns, and negated when neg is set.
func roundQuo(hi, lo uint64, ns int, den Decimal, places int, mode Rounding, neg bool) (Decimal, bool) {
	if hi == 0 && lo == 0 {
		return Decimal{0, int8(places)}, true
	}
	// n/den × 10^places = n × 10^e / |den|, with e the places to shift by.
	b := abs(den.coef)
	e := places + int(den.scale) - ns
	var q, r, div uint64
	if e >= 0 {
		var ok bool
		if hi, lo, ok = mulPow10(hi, lo, e); !ok || hi >= b {
			return Decimal{}, false // the quotient is 2^64 or more
		}
		q, r = bits.Div64(hi, lo, b)
		div = b
	} else {
		dh, dl, ok := mulPow10(0, b, -e)
		switch {
		case !ok:
			// The divisor is 2^128 or more, n less than 2^126 (a product
			// of two coefficients at most): the quotient is 0 and less
			// than half a unit.
			return Decimal{0, int8(places)}, true
		case dh != 0:
			var rh, rl uint64
			q, rh, rl = div128(hi, lo, dh, dl)
			if up128(q, rh, rl, dh, dl, mode) {
				q++
			}
			return result(q, neg, places)
		case hi >= dl:
			return Decimal{}, false // the quotient is 2^64 or more
		}
		q, r = bits.Div64(hi, lo, dl)
		div = dl
	}
	if up(q, r, div, mode) {
		q++
	}
	return result(q, neg, places)
}

// result is the quotient q, negated when neg is set, at places places, and
// false when it does not fit.
func result(q uint64, neg bool, places int) (Decimal, bool) {
	if q > math.MaxInt64 {
		return Decimal{}, false
	}
	return Decimal{withSign(q, neg), int8(places)}, true
}

// div128 divides n = nh:nl by d = dh:dl, dh not zero, so that the
// quotient is less than 2^64, and returns it and the remainder rh:rl. It
// estimates the quotient from d's leading 64 bits, normalized, which
// gives it or one less (Hacker's Delight, 9-5), and corrects it.
func div128(nh, nl, dh, dl uint64) (q, rh, rl uint64) {
	s := uint(bits.LeadingZeros64(dh))
	v := dh<<s | dl>>(64-s) // d's leading 64 bits; dl>>64 is 0
	q, _ = bits.Div64(nh>>1, nh<<63|nl>>1, v)
	if q >>= 63 - s; q != 0 { // q × 2^s / 2^63: undo the shifts of d and n
		q--
	}
	// n - q×d, which q×d ≤ n keeps within 128 bits
	ph, pl := bits.Mul64(q, dl)
	ph += q * dh
	rl, borrow := bits.Sub64(nl, pl, 0)
	rh, _ = bits.Sub64(nh, ph, borrow)
	if rh > dh || rh == dh && rl >= dl {
		q++
		rl, borrow = bits.Sub64(rl, dl, 0)
		rh, _ = bits.Sub64(rh, dh, borrow)
	}
	return q, rh, rl
}

// up128 is up for a divisor dh:dl and remainder rh:rl of 128 bits.
func up128(q, rh, rl, dh, dl uint64, mode Rounding) bool {
	if rh == 0 && rl == 0 {
		return false
	}
	xl, borrow := bits.Sub64(dl, rl, 0) // the rest, d - r
	xh, _ := bits.Sub64(dh, rh, borrow)
	switch {
	case rh < xh || rh == xh && rl < xl:
		return false
	case rh > xh || rl > xl:
		return true
	}
	return mode == HalfUp || q&1 == 1
}

// up reports whether a quotient q with remainder r of the divisor div
// rounds away from zero.
func up(q, r, div uint64, mode Rounding) bool {
	switch rest := div - r; { // r < div: compare r with the rest, 2r with div
	case r == 0 || r < rest:
		return false
	case r > rest:
		return true
	}
	return mode == HalfUp || q&1 == 1
}

// Round returns d rounded half away from zero to places decimal places,
// as decimal.Decimal's Round does: the result has places places, more
// than d's or fewer. It reports false when the result or places do not
// fit.
func (d Decimal) Round(places int) (Decimal, bool) {
	if places < MinScale || places > MaxScale {
		return Decimal{}, false
	}
	if places >= int(d.scale) {
		c, ok := scaleUp(d.coef, places-int(d.scale))
		return Decimal{c, int8(places)}, ok
	}
	return RoundQuo(d, Decimal{1, 0}, places, HalfUp)
}

// scaleUp returns c × 10^n, n ≥ 0, and false when it does not fit.
func scaleUp(c int64, n int) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if n > 18 {
		return 0, false
	}
	hi, lo := bits.Mul64(abs(c), pow10[n])
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return withSign(lo, c < 0), true
}

// mulPow10 returns hi:lo × 10^n, n ≥ 0, in 128 bits, and false when it
// does not fit.
func mulPow10(hi, lo uint64, n int) (uint64, uint64, bool) {
	for ; n > 0; n -= 19 {
		p := pow10[min(n, 19)]
		h1, l1 := bits.Mul64(lo, p)
		h2, l2 := bits.Mul64(hi, p)
		h, carry := bits.Add64(h1, l2, 0)
		if h2 != 0 || carry != 0 {
			return 0, 0, false
		}
		hi, lo = h, l1
	}
	return hi, lo, true
}

func abs(c int64) uint64 {
	if c < 0 {
		return uint64(-c)
	}
	return uint64(c)
}

// withSign returns u, at most math.MaxInt64, negated when neg is set.
func withSign(u uint64, neg bool) int64 {
	if neg {
		return -int64(u)
	}
	return int64(u)
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
