package pq

import (
	"encoding/binary"
	"fmt"
	"math/big"
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
	if d.NumDigits() > Precision {
		return unscaledBig(d, scale)
	}
	c := d.CoefficientInt64() // exact: at most 18 digits
	shift := int64(d.Exponent()) + int64(scale)
	switch {
	case c == 0:
		return 0, nil
	case shift < 0:
		if -shift > Precision || c%pow10[-shift] != 0 {
			return 0, errPlaces(d, scale)
		}
		return c / pow10[-shift], nil
	case shift > 0:
		if shift > Precision || !inRange(c, maxUnscaled/pow10[shift]) {
			return 0, errOverflow(d, Precision, scale)
		}
		return c * pow10[shift], nil
	}
	return c, nil
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

// putUnscaledWide writes to dst (16 bytes) the big-endian two's complement of
// u such that d == u × 10^-scale, for a DECIMAL(38, scale). Like unscaled, it
// never rounds.
func putUnscaledWide(dst []byte, d decimal.Decimal, scale int32) error {
	if scale <= Precision {
		if u, err := unscaled(d, scale); err == nil {
			binary.BigEndian.PutUint64(dst[8:], uint64(u))
			binary.BigEndian.PutUint64(dst[:8], uint64(u>>63)) // sign extension
			return nil
		}
	}
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
