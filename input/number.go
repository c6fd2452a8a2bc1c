package input

import (
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// maxShort is the longest number, its sign counted and its decimal point
// not, that parseShort reads: one that decimal.NewFromString reads into
// an int64 too, so that decimal.New(c, e) is the very decimal it makes.
const maxShort = 18

// pow10 holds 10^0 to 10^18.
var pow10 = func() (t [19]int64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// parseShort reads s as -?[0-9]+(\.[0-9]+)? into its coefficient c and
// exponent e (s = c × 10^e), when s is of that form and at most maxShort
// characters besides the point; otherwise ok is false and s is left to
// the general reading.
func parseShort(s string) (c int64, e int32, ok bool) {
	i, neg := 0, len(s) > 0 && s[0] == '-'
	if neg {
		i++
	}
	start, point := i, -1
	for ; i < len(s); i++ {
		switch b := s[i]; {
		case b >= '0' && b <= '9':
			c = c*10 + int64(b-'0')
		case b == '.' && point < 0 && i > start && i+1 < len(s):
			point = i
		default:
			return 0, 0, false
		}
	}
	n := len(s)
	if point >= 0 {
		n--
		e = int32(point + 1 - len(s))
	}
	if i == start || n > maxShort {
		return 0, 0, false
	}
	if neg {
		c = -c
	}
	return c, e, true
}

// checkShort is checkNumber for the number c × 10^e that parseShort read
// from s, without math/big: the same decimal and the same errors.
func checkShort(typ rules.FieldType, s string, c int64, e, places int32) (decimal.Decimal, error) {
	trimmed := -e > places || typ == rules.TypeInt
	if trimmed {
		if c == 0 {
			e = 0
		}
		for e < 0 && c%10 == 0 {
			c, e = c/10, e+1
		}
	}
	switch {
	case -e > places:
		return decimal.Decimal{}, errPlaces(s, places)
	case typ == rules.TypeInt && c < 0:
		return decimal.Decimal{}, errNegativeCount(s)
	case typ == rules.TypeInt && e < 0:
		return decimal.Decimal{}, errFractionalCount(s)
	case typ == rules.TypeMoney && c < 0:
		return decimal.Decimal{}, errNegativeMoney(s)
	case typ == rules.TypeMoney && !below(c, moneyWhole(places)-e):
		return decimal.Decimal{}, errLargeMoney(s, moneyWhole(places))
	}
	if c == 0 && trimmed {
		return decimal.Zero, nil // as trimZeros makes a zero
	}
	return decimal.New(c, e), nil
}

// below reports whether 0 <= c < 10^k.
func below(c int64, k int32) bool {
	switch {
	case k < 0:
		return c == 0 // 10^k is a fraction: only 0 is below it
	case k >= int32(len(pow10)):
		return true // c has at most 18 digits
	}
	return c < pow10[k]
}
