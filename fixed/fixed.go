// Package fixed is an exact decimal number in two machine words: an int64
// coefficient and a scale, the number of decimal places, so that
// Decimal{coef: 12345, scale: 2} is 123.45. It is a value type: no
// pointers and no heap, so arithmetic on it allocates nothing.
//
// Every number a Decimal holds is exact. An operation whose exact result
// it cannot hold — a coefficient beyond int64, a scale outside MinScale
// to MaxScale, a division by zero — reports false, and the caller works
// the figure out with shopspring's decimal.Decimal instead. Nothing ever
// overflows or rounds silently.
//
// The scale follows shopspring's exponent exactly (scale = -Exponent()):
// a sum has the larger scale of its operands, a product the sum of
// theirs, and Quo, RoundQuo and Round the places asked for. So a figure
// worked out here and converted with Decimal is the same decimal.Decimal,
// coefficient and exponent, as shopspring's arithmetic gives, and a
// program can take whichever path fits and give identical results.
//
// QuoRem truncates as shopspring's QuoRem does, and an Allocator spreads a
// total over weights in minor units as money.Allocate does, reusing its
// buffer.
//
// Package fixed depends on nothing in kpicredit; it converts from and to
// shopspring's decimal.Decimal.
package fixed

import (
	"math"

	"github.com/shopspring/decimal"
)

// The scales a Decimal holds. An int64 coefficient has 18 full digits,
// so 18 places cover every fraction it can usefully carry, and -18 every
// whole number it can.
const (
	MaxScale = 18
	MinScale = -18
)

// Decimal is coef × 10^-scale. The zero value is 0. Its coefficient is
// never math.MinInt64, so that every Decimal can be negated.
type Decimal struct {
	coef  int64
	scale int8
}

// New returns coef × 10^-scale, and false when it is not a Decimal:
// coef is math.MinInt64 or scale is outside MinScale to MaxScale.
func New(coef int64, scale int) (Decimal, bool) {
	if coef == math.MinInt64 || scale < MinScale || scale > MaxScale {
		return Decimal{}, false
	}
	return Decimal{coef, int8(scale)}, true
}

// FromInt returns n with scale 0, and false for math.MinInt64.
func FromInt(n int64) (Decimal, bool) { return New(n, 0) }

// FromDecimal returns d exactly, coefficient and exponent, and false when
// it does not fit: a coefficient beyond int64 or an exponent outside
// -MaxScale to -MinScale. It allocates nothing.
func FromDecimal(d decimal.Decimal) (Decimal, bool) {
	exp := d.Exponent()
	if exp < -MaxScale || exp > -MinScale {
		return Decimal{}, false
	}
	switch n := d.NumDigits(); {
	case n <= 18: // less than 10^18 < 2^63
		return Decimal{d.CoefficientInt64(), int8(-exp)}, true
	case n == 19: // less than 10^19 < 2^64: the low 64 bits, with the sign, which tells
		c := d.CoefficientInt64()
		if c != math.MinInt64 && sign(c) == d.Sign() {
			return Decimal{c, int8(-exp)}, true
		}
	}
	return Decimal{}, false
}

// Parse reads a number as decimal.NewFromString does, and reports false
// when the text is not a number or the number does not fit.
func Parse(s string) (Decimal, bool) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Decimal{}, false
	}
	return FromDecimal(d)
}

// Decimal returns the number as a decimal.Decimal with the same
// coefficient and exponent. It allocates, as every decimal.Decimal does.
func (d Decimal) Decimal() decimal.Decimal { return decimal.New(d.coef, -int32(d.scale)) }

// String formats the number as its decimal.Decimal does.
func (d Decimal) String() string { return d.Decimal().String() }

// Coef returns the coefficient: the number is Coef() × 10^-Scale().
func (d Decimal) Coef() int64 { return d.coef }

// Scale returns the number of decimal places, MinScale to MaxScale.
func (d Decimal) Scale() int { return int(d.scale) }

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int { return sign(d.coef) }

// IsZero reports whether the number is 0, at any scale.
func (d Decimal) IsZero() bool { return d.coef == 0 }

// IsInteger reports whether the number is a whole number.
func (d Decimal) IsInteger() bool {
	return d.scale <= 0 || d.coef%int64(pow10[d.scale]) == 0
}

// Int64 returns the number as an int64 and true when it is a whole number
// that fits.
func (d Decimal) Int64() (int64, bool) {
	if !d.IsInteger() {
		return 0, false
	}
	if d.scale >= 0 {
		return d.coef / int64(pow10[d.scale]), true
	}
	n, ok := scaleUp(d.coef, int(-d.scale))
	return n, ok
}

func sign(c int64) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// pow10[i] is 10^i; 10^19 is the largest power of ten a uint64 holds.
var pow10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}
