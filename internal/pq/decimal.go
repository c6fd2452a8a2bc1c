package pq

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
)

// pow10 holds 10^0 to 10^18, all of which fit an int64.
var pow10 = func() (t [Precision + 1]int64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// maxUnscaled is the largest unscaled value of a DECIMAL(18, s): 18 nines.
const maxUnscaled = 999_999_999_999_999_999

// wideLimit is 10^38, one more than the largest unscaled DECIMAL(38, s).
var wideLimit = new(big.Int).Exp(big.NewInt(10), big.NewInt(WidePrecision), nil)

// unscaled returns u such that d == u × 10^-scale, for a DECIMAL(18, scale).
// It never rounds: d with more than scale decimal places is an error, and so
// is d too large for 18 digits.
func unscaled(d decimal.Decimal, scale int32) (int64, error) {
	c, ok := coef64(d)
	if !ok {
		return unscaledBig(d, scale)
	}
	shift := int64(d.Exponent()) + int64(scale)
	if u, ok := scaled64(c, shift); ok {
		return u, nil
	}
	if shift < 0 {
		return 0, errPlaces(d, scale)
	}
	return 0, errOverflow(d, Precision, scale)
}

// scaled64 returns c × 10^shift when it is an integer of at most 18
// digits: false when places would be lost or it is too large.
func scaled64(c, shift int64) (int64, bool) {
	switch {
	case c == 0:
		return 0, true
	case shift < 0:
		if -shift > Precision || c%pow10[-shift] != 0 {
			return 0, false
		}
		return c / pow10[-shift], true
	case shift > 0:
		if shift > Precision || !inRange(c, maxUnscaled/pow10[shift]) {
			return 0, false
		}
		return c * pow10[shift], true
	}
	return c, inRange(c, maxUnscaled)
}

// coef64 returns the coefficient of d when it fits an int64 other than
// math.MinInt64, without allocating.
func coef64(d decimal.Decimal) (int64, bool) {
	switch n := d.NumDigits(); {
	case n <= Precision: // less than 10^18 < 2^63
		return d.CoefficientInt64(), true
	case n == Precision+1: // less than 10^19 < 2^64: the low 64 bits, with the sign
		c := d.CoefficientInt64()
		if c != math.MinInt64 && (c < 0) == (d.Sign() < 0) {
			return c, true
		}
	}
	return 0, false
}

// unscaledBig is unscaled for coefficients of more than 18 digits, which can
// still fit when they end in zeros (1.500000000000000000000 at scale 2).
func unscaledBig(d decimal.Decimal, scale int32) (int64, error) {
	u, err := unscaledInt(d, Precision, scale)
	if err != nil {
		return 0, err
	}
	if !u.IsInt64() || !inRange(u.Int64(), maxUnscaled) {
		return 0, errOverflow(d, Precision, scale)
	}
	return u.Int64(), nil
}

// putWide writes to dst (16 bytes) the big-endian two's complement of u
// such that d == u × 10^-scale, for a DECIMAL(38, scale). Like unscaled, it
// never rounds. A coefficient that fits an int64 is rescaled in 128-bit
// integer arithmetic; others, and every error, take math/big.
func putWide(dst []byte, d decimal.Decimal, scale int32) error {
	if c, ok := coef64(d); ok {
		if hi, lo, ok := rescale128(c, int64(d.Exponent())+int64(scale)); ok {
			binary.BigEndian.PutUint64(dst[:8], hi)
			binary.BigEndian.PutUint64(dst[8:16], lo)
			return nil
		}
	}
	return putUnscaledWide(dst, d, scale)
}

// rescale128 returns c × 10^shift as a 128-bit two's complement, and false
// when that is not an integer of at most 38 digits.
func rescale128(c, shift int64) (hi, lo uint64, ok bool) {
	if shift < 0 {
		if -shift > Precision || c%pow10[-shift] != 0 {
			return 0, 0, false
		}
		c /= pow10[-shift]
		return uint64(c >> 63), uint64(c), true
	}
	if shift > WidePrecision {
		return 0, 0, false
	}
	u := uint64(c)
	if c < 0 {
		u = uint64(-c)
	}
	for shift > 0 { // at most 10^19 at a time: it fits a uint64
		n := min(shift, 19)
		var carry uint64
		var h1 uint64
		h1, lo = bits.Mul64(u, pow10u[n])
		if hi != 0 {
			var h2, l2 uint64
			h2, l2 = bits.Mul64(hi, pow10u[n])
			if h2 != 0 {
				return 0, 0, false
			}
			h1, carry = bits.Add64(h1, l2, 0)
			if carry != 0 {
				return 0, 0, false
			}
		}
		hi, u, shift = h1, lo, shift-n
	}
	lo = u
	if hi > wideLimitHi || hi == wideLimitHi && lo >= wideLimitLo {
		return 0, 0, false
	}
	if c < 0 { // two's complement of the 128 bits
		var borrow uint64
		lo, borrow = bits.Sub64(0, lo, 0)
		hi, _ = bits.Sub64(0, hi, borrow)
	}
	return hi, lo, true
}

// pow10u holds 10^0 to 10^19, all of which fit a uint64.
var pow10u = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// wideLimitHi and wideLimitLo are the high and low 64 bits of 10^38.
var wideLimitHi, wideLimitLo = func() (uint64, uint64) {
	var b [16]byte
	wideLimit.FillBytes(b[:])
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}()

// putUnscaledWide is putWide through math/big, for any coefficient.
func putUnscaledWide(dst []byte, d decimal.Decimal, scale int32) error {
	u, err := unscaledInt(d, WidePrecision, scale)
	if err != nil {
		return err
	}
	if u.CmpAbs(wideLimit) >= 0 {
		return errOverflow(d, WidePrecision, scale)
	}
	if u.Sign() < 0 {
		u.Add(u, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	u.FillBytes(dst[:16])
	return nil
}

// unscaledInt returns u such that d == u × 10^-scale, or an error if d has
// more than scale decimal places or more than precision digits.
func unscaledInt(d decimal.Decimal, precision, scale int32) (*big.Int, error) {
	u := d.Coefficient()
	shift := int64(d.Exponent()) + int64(scale)
	switch {
	case u.Sign() == 0:
		return u, nil
	case shift > int64(precision): // no need to compute a huge power of 10
		return nil, errOverflow(d, precision, scale)
	case -shift > int64(d.NumDigits()): // nor to divide by one
		return nil, errPlaces(d, scale)
	case shift >= 0:
		return u.Mul(u, pow10Big(shift)), nil
	}
	var r big.Int
	if u.QuoRem(u, pow10Big(-shift), &r); r.Sign() != 0 {
		return nil, errPlaces(d, scale)
	}
	return u, nil
}

func pow10Big(n int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

func errPlaces(d decimal.Decimal, scale int32) error {
	return fmt.Errorf("%s has more than %d decimal places (round it first)", text(d), scale)
}

func errOverflow(d decimal.Decimal, precision, scale int32) error {
	return &RangeError{Value: d, Precision: precision, Scale: scale}
}

// RangeError is a decimal too large for its column's DECIMAL(Precision,
// Scale). Writer.Write returns it wrapped, with Column set.
type RangeError struct {
	Column           string
	Value            decimal.Decimal
	Precision, Scale int32
}

// Error says which value overflows which type.
func (e *RangeError) Error() string {
	return fmt.Sprintf("%s overflows %s", text(e.Value), e.Type())
}

// Type is the column's type, e.g. DECIMAL(18,2).
func (e *RangeError) Type() string { return fmt.Sprintf("DECIMAL(%d,%d)", e.Precision, e.Scale) }

// text formats d for a message: in full, unless its exponent would make that
// longer than the limit of any decimal column.
func text(d decimal.Decimal) string {
	if e := d.Exponent(); e < -2*WidePrecision || e > 2*WidePrecision {
		return d.Coefficient().String() + "e" + strconv.Itoa(int(e))
	}
	return d.String()
}

// inRange reports whether -limit <= x <= limit.
func inRange(x, limit int64) bool { return -limit <= x && x <= limit }
