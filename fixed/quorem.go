package fixed

import (
	"math"
	"math/bits"
)

// QuoRem returns d / e truncated toward zero to places decimal places,
// and the remainder d - e×q, as decimal.Decimal's QuoRem(e, places) does:
// the quotient has places places, the remainder the larger of d's scale
// and e's scale plus places, and d's sign. It reports false when e is
// zero or either result, or its scale, does not fit.
func QuoRem(d, e Decimal, places int) (q, r Decimal, ok bool) {
	rs := max(int(d.scale), int(e.scale)+places)
	if e.coef == 0 || places < MinScale || places > MaxScale || rs > MaxScale || rs < MinScale {
		return Decimal{}, Decimal{}, false
	}
	a, b := abs(d.coef), abs(e.coef)
	var qa, ra uint64
	if k := places + int(e.scale) - int(d.scale); k >= 0 {
		// d × 10^k / e: the quotient must be less than 2^64, the remainder
		// is less than |e|.
		hi, lo, fits := mulPow10(0, a, k)
		if !fits || hi >= b {
			return Decimal{}, Decimal{}, false
		}
		qa, ra = bits.Div64(hi, lo, b)
	} else {
		// d / (e × 10^-k): a divisor of 2^64 or more leaves d whole.
		dh, dl, fits := mulPow10(0, b, -k)
		if fits && dh == 0 {
			qa, ra = a/dl, a%dl
		} else {
			ra = a
		}
	}
	if qa > math.MaxInt64 {
		return Decimal{}, Decimal{}, false
	}
	neg := d.coef < 0
	return Decimal{withSign(qa, neg != (e.coef < 0)), int8(places)}, Decimal{withSign(ra, neg), int8(rs)}, true
}

// Allocator spreads a total over weights as money.Allocate does, reusing
// its buffer: once it has grown to the most weights spread, Allocate
// allocates nothing. The zero value is ready to use; an Allocator is not
// safe for concurrent use.
type Allocator struct {
	rems []Decimal
}

// Allocate splits total over weights pro rata, in steps of one unit of
// places places, into parts (which must be as long as weights), as
// money.Allocate does: each part is its share truncated to places places,
// and the units left over go one each to the largest remainders, ties to
// the earlier weight; when the weights sum to zero or less, every part is
// 0. The parts have money.Allocate's coefficients and exponents. It
// reports false, leaving parts undefined, when a figure on the way does
// not fit: a product of the total and a weight, the weights' sum, a
// quotient or remainder. total and the weights must not be negative.
func (a *Allocator) Allocate(parts []Decimal, total Decimal, weights []Decimal, places int) bool {
	sum := Decimal{}
	for _, w := range weights {
		var ok bool
		if sum, ok = sum.Add(w); !ok {
			return false
		}
	}
	if sum.coef <= 0 {
		clear(parts)
		return true
	}
	if cap(a.rems) < len(weights) {
		a.rems = make([]Decimal, len(weights))
	}
	rems := a.rems[:len(weights)]
	given := Decimal{}
	for i, w := range weights {
		p, ok := total.Mul(w)
		if ok {
			parts[i], rems[i], ok = QuoRem(p, sum, places)
		}
		if ok {
			given, ok = given.Add(parts[i])
		}
		if !ok {
			return false
		}
	}
	left, ok := unitsLeft(total, given, places)
	if !ok || left >= int64(len(parts)) {
		return false
	}
	unit := Decimal{1, int8(places)}
	for ; left > 0; left-- {
		best := -1
		for i := range rems {
			if rems[i].coef >= 0 && (best < 0 || rems[i].Cmp(rems[best]) > 0) {
				best = i
			}
		}
		rems[best] = Decimal{-1, 0} // given its unit
		if parts[best], ok = parts[best].Add(unit); !ok {
			return false
		}
	}
	return true
}

// unitsLeft is how many units of places places total exceeds given by,
// truncated, as money.Allocate works it out (a quotient to 16 places,
// truncated), and false when that is not certain to be the same: a
// difference with more than 16 places beyond the unit's, or one that does
// not fit.
func unitsLeft(total, given Decimal, places int) (int64, bool) {
	diff, ok := total.Sub(given)
	if !ok || diff.coef < 0 || int(diff.scale) > places+16 {
		return 0, false
	}
	q, _, ok := QuoRem(diff, Decimal{1, int8(places)}, 0)
	return q.coef, ok
}
