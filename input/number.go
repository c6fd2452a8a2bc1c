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
// from s, without math/big: it returns the number with the same errors,
// as shortDecimal makes it the same decimal, its trailing zeros trimmed
// where checkNumber trims them (zero when trimmed to decimal.Zero).
func checkShort(typ rules.FieldType, s string, c int64, e, places int32) (int64, int32, bool, error) {
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
		return 0, 0, false, errPlaces(s, places)
	case typ == rules.TypeInt && c < 0:
		return 0, 0, false, errNegativeCount(s)
	case typ == rules.TypeInt && e < 0:
		return 0, 0, false, errFractionalCount(s)
	case typ == rules.TypeMoney && c < 0:
		return 0, 0, false, errNegativeMoney(s)
	case typ == rules.TypeMoney && !below(c, moneyWhole(places)-e):
		return 0, 0, false, errLargeMoney(s, moneyWhole(places))
	}
	return c, e, c == 0 && trimmed, nil
}

// shortDecimal is the decimal checkShort's number is: decimal.Zero when
// zero, as trimZeros makes it, else decimal.New(c, e).
func shortDecimal(c int64, e int32, zero bool) decimal.Decimal {
	if zero {
		return decimal.Zero
	}
	return decimal.New(c, e)
}

// numbers interns the numbers a table reads, boxed as a Row holds them,
// so that a value repeated in the data (a count of 0, a charge) is one
// decimal: decimals are immutable, and sharing one saves allocating it
// for every cell. A slot holds the last number hashed to it.
type numbers struct {
	slots [4096]numberSlot
}

type numberSlot struct {
	c    int64
	e    int32
	zero bool
	v    any // nil while the slot is empty
}

// value returns shortDecimal(c, e, zero), boxed.
func (n *numbers) value(c int64, e int32, zero bool) any {
	h := uint64(c)*0x9E3779B97F4A7C15 + uint64(e)
	s := &n.slots[h>>52]
	if s.v != nil && s.c == c && s.e == e && s.zero == zero {
		return s.v
	}
	*s = numberSlot{c: c, e: e, zero: zero, v: shortDecimal(c, e, zero)}
	return s.v
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
