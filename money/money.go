// Package money holds what kpicredit does with amounts of money, whichever
// layer does it: the rounding modes, rounding once to a currency's minor
// unit, spreading a total over parts in minor units, and formatting an
// amount for people. It depends on nothing in kpicredit.
package money

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Rounding is a rounding mode for money.
type Rounding uint8

// The rounding modes.
const (
	HalfUp   Rounding = iota // halves away from zero
	HalfEven                 // halves to the even neighbour (banker's rounding)
)

// String returns "half_up" or "half_even".
func (r Rounding) String() string {
	if r == HalfEven {
		return "half_even"
	}
	return "half_up"
}

var (
	zero = decimal.Zero
	one  = decimal.NewFromInt(1)
)

// MinorUnits returns the decimal places of a common currency's minor unit
// (2 for GBP, 0 for JPY), and false for a currency it does not know.
func MinorUnits(currency string) (int32, bool) {
	u, ok := minorUnits[currency]
	return u, ok
}

var minorUnits = map[string]int32{
	"GBP": 2, "EUR": 2, "USD": 2, "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2,
	"CAD": 2, "AUD": 2, "NZD": 2, "JPY": 0, "KRW": 0, "ISK": 0,
}

// Round rounds an exact amount to places decimal places with the mode.
func Round(d decimal.Decimal, places int32, mode Rounding) decimal.Decimal {
	return RoundQuo(d, one, places, mode)
}

// RoundQuo returns num/den rounded once to places decimal places: the
// quotient is never rounded on the way, so the result is the exact
// quotient rounded by the mode. den must not be zero.
func RoundQuo(num, den decimal.Decimal, places int32, mode Rounding) decimal.Decimal {
	if den.IsNegative() {
		num, den = num.Neg(), den.Neg()
	}
	q, r := num.QuoRem(den, places) // num = q*den + r, |r| < den*10^-places, r has num's sign
	if r.IsZero() {
		return q
	}
	unit := decimal.New(1, -places)
	twice := r.Abs().Mul(decimal.NewFromInt(2))
	half := den.Mul(unit) // the remainder of an exact half
	cmp := twice.Cmp(half)
	up := cmp > 0 || cmp == 0 && (mode == HalfUp || isOdd(q, places))
	if !up {
		return q
	}
	if num.IsNegative() {
		return q.Sub(unit)
	}
	return q.Add(unit)
}

// isOdd reports whether the last kept digit of q is odd.
func isOdd(q decimal.Decimal, places int32) bool {
	return q.Shift(places).BigInt().Bit(0) == 1
}

// Allocate splits total over weights pro rata, in steps of one minor unit
// (10^-places), so that the parts sum exactly to total and no part exceeds
// its exact share by a unit or more (the largest-remainder method). Ties
// in the remainder go to the earlier weight. total and every weight must
// not be negative; when the weights sum to zero every part is zero.
func Allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	parts := make([]decimal.Decimal, len(weights))
	sum := zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if !sum.IsPositive() {
		for i := range parts {
			parts[i] = zero
		}
		return parts
	}
	rems := make([]decimal.Decimal, len(weights))
	given := zero
	for i, w := range weights {
		parts[i], rems[i] = total.Mul(w).QuoRem(sum, places)
		given = given.Add(parts[i])
	}
	unit := decimal.New(1, -places)
	left := total.Sub(given).Div(unit).IntPart()
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].GreaterThan(rems[order[b]]) })
	for _, i := range order[:left] {
		parts[i] = parts[i].Add(unit)
	}
	return parts
}

// Format formats an amount in a currency, e.g. £1,125.00. Digits beyond
// the minor unit are kept, so intermediate amounts are shown exactly.
func Format(d decimal.Decimal, currency string, places int32) string {
	s := d.Abs().StringFixed(places)
	if d.Exponent() < -places {
		s = d.Abs().String()
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if d.IsNegative() {
		b.WriteByte('-')
	}
	b.WriteString(Symbol(currency))
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Symbol returns the symbol Format writes before an amount: £, € or $ for
// GBP, EUR and USD, else the ISO code and a space.
func Symbol(currency string) string {
	switch currency {
	case "GBP":
		return "£"
	case "EUR":
		return "€"
	case "USD":
		return "$"
	}
	return currency + " "
}
