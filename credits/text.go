package credits

import (
	"bytes"
	"math"
	"strconv"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/shopspring/decimal"
)

// text is a buffer explanations are written into, reused from month to
// month. It writes numbers as decimal.Decimal's String does and money as
// money.Format does, byte for byte, but straight into the buffer: without
// fmt, and, for a number whose coefficient fits in 64 bits, without
// allocating.
type text struct {
	b []byte
	c *Calculator // the currency and minor unit money is written in
}

// span is where a piece of text lies in a text's buffer: b[lo:hi].
type span struct{ lo, hi int }

func (w *text) str(s string) { w.b = append(w.b, s...) }

func (w *text) int(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

// copy writes again the text at s.
func (w *text) copy(s span) { w.b = append(w.b, w.b[s.lo:s.hi]...) }

// since is the span from lo to the end of the buffer.
func (w *text) since(lo int) span { return span{lo, len(w.b)} }

// same reports whether the text at s equals the text from lo on.
func (w *text) same(s span, lo int) bool { return bytes.Equal(w.b[s.lo:s.hi], w.b[lo:]) }

// insert writes s at i, moving what follows.
func (w *text) insert(i int, s string) {
	w.b = append(w.b, s...)
	copy(w.b[i+len(s):], w.b[i:len(w.b)-len(s)])
	copy(w.b[i:], s)
}

// dec writes d as d.String() does.
func (w *text) dec(d decimal.Decimal) {
	c, ok := coef64(d)
	if !ok {
		w.str(d.String())
		return
	}
	w.b = appendNumber(w.b, c, d.Exponent())
}

// fixed writes f as its decimal's String does.
func (w *text) fixed(f fixed.Decimal) { w.b = appendNumber(w.b, f.Coef(), -int32(f.Scale())) }

// coef64 returns d's coefficient when it has at most 18 digits.
func coef64(d decimal.Decimal) (int64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// appendNumber writes c × 10^exp as decimal.Decimal's String does: no
// exponent, and no trailing zeros after the point.
func appendNumber(b []byte, c int64, exp int32) []byte {
	if c == 0 {
		return append(b, '0')
	}
	for exp < 0 && c%10 == 0 {
		c, exp = c/10, exp+1
	}
	if exp >= 0 {
		b = strconv.AppendInt(b, c, 10)
		for ; exp > 0; exp-- {
			b = append(b, '0')
		}
		return b
	}
	if c < 0 {
		b, c = append(b, '-'), -c
	}
	var buf [20]byte
	return appendPoint(b, strconv.AppendInt(buf[:0], c, 10), int(-exp))
}

// appendPoint writes digits with places of them, at least one, after a
// decimal point, and a 0 before it when no digit is left for it.
func appendPoint(b, digits []byte, places int) []byte {
	if n := len(digits) - places; n > 0 {
		b = append(b, digits[:n]...)
		b = append(b, '.')
		return append(b, digits[n:]...)
	}
	b = append(b, '0', '.')
	for range places - len(digits) {
		b = append(b, '0')
	}
	return append(b, digits...)
}

// money writes d as money.Format does in the calculator's currency, e.g.
// £1,125.00 or -£151.50.
func (w *text) money(d decimal.Decimal) {
	if c, ok := coef64(d); !ok || !w.moneyOf(c, d.Exponent()) {
		w.str(w.c.money(d))
	}
}

// moneyOf writes c × 10^exp as money, to the minor unit or with every
// place it has beyond it; it writes nothing and reports false when that
// takes a coefficient beyond 64 bits.
func (w *text) moneyOf(c int64, exp int32) bool {
	places := w.c.places
	var buf, digits [48]byte
	num := buf[:0]
	neg := c < 0
	if neg {
		c = -c
	}
	if exp < -places {
		num = appendNumber(num, c, exp)
	} else {
		u, ok := scaleUp(c, exp+places)
		if !ok {
			return false
		}
		num = strconv.AppendInt(num, u, 10)
		if places > 0 {
			num = appendPoint(digits[:0], num, int(places))
		}
	}
	if neg {
		w.b = append(w.b, '-')
	}
	w.str(w.c.symbol)
	whole, frac, point := bytes.Cut(num, []byte{'.'})
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, d)
	}
	if point {
		w.b = append(w.b, '.')
		w.b = append(w.b, frac...)
	}
	return true
}

// scaleUp returns c × 10^n, c ≥ 0 and n ≥ 0, and false when it does not
// fit in 64 bits.
func scaleUp(c int64, n int32) (int64, bool) {
	for ; n > 0; n-- {
		if c > math.MaxInt64/10 {
			return 0, false
		}
		c *= 10
	}
	return c, true
}

// measure writes Measure(m, ref).
func (w *text) measure(m, ref decimal.Decimal) {
	mf, ok := fixed.FromDecimal(m)
	rf, refOK := fixed.FromDecimal(ref)
	if ok && refOK {
		if r, ok := measureFixed(mf, rf); ok {
			w.fixed(r)
			return
		}
	}
	w.str(Measure(m, ref))
}

// measureFixed is Measure in fixed point: m to 4 places, or as many more
// as it takes to tell it from ref. It reports false when a rounding does
// not fit.
func measureFixed(m, ref fixed.Decimal) (fixed.Decimal, bool) {
	for places := 4; m.Scale() > places; places++ {
		r, ok := m.Round(places)
		if !ok {
			return fixed.Decimal{}, false
		}
		if r.Cmp(ref) == m.Cmp(ref) {
			return r, true
		}
	}
	return m, true
}

// isOne reports whether d is 1, at whatever exponent.
func isOne(d decimal.Decimal) bool {
	if f, ok := fixed.FromDecimal(d); ok {
		return f.Cmp(fOne) == 0
	}
	return d.Equal(one)
}

// cmp is a.Cmp(b), in fixed point when both fit there.
func cmp(a, b decimal.Decimal) int {
	fa, okA := fixed.FromDecimal(a)
	fb, okB := fixed.FromDecimal(b)
	if okA && okB {
		return fa.Cmp(fb)
	}
	return a.Cmp(b)
}

// points writes a number of points, e.g. "1 point", "4.5 points".
func (w *text) points(n decimal.Decimal) { w.counted(n, "point") }

// bonusPoints writes a number of bonus points, e.g. "2 bonus points".
func (w *text) bonusPoints(n decimal.Decimal) { w.counted(n, "bonus point") }

func (w *text) counted(n decimal.Decimal, thing string) {
	if isOne(n) {
		w.str("1 ")
		w.str(thing)
		return
	}
	w.dec(n)
	w.b = append(w.b, ' ')
	w.str(thing)
	w.b = append(w.b, 's')
}

// plural writes a count of things, e.g. "1 met month", "3 met months".
func (w *text) plural(n int, thing string) {
	w.int(n)
	w.b = append(w.b, ' ')
	w.str(thing)
	if n != 1 {
		w.b = append(w.b, 's')
	}
}

// ordinal writes n as an ordinal, e.g. "2nd", "11th".
func (w *text) ordinal(n int) {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	w.int(n)
	w.str(suffix)
}
