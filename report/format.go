package report

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/money"

	"github.com/shopspring/decimal"
)

// formatMoney writes an amount like £1,234,567.89: the currency's symbol
// (or ISO code), thousands separators and exactly places decimals. A
// negative amount starts with "-"; an amount that rounds to zero has no sign.
func formatMoney(d decimal.Decimal, currency string, places int32) string {
	places = max(places, 0)
	return money.Format(d.Round(places), currency, places)
}

// formatSignedMoney is formatMoney with a "+" on positive amounts, for
// differences.
func formatSignedMoney(d decimal.Decimal, currency string, places int32) string {
	s := formatMoney(d, currency, places)
	if d.Round(max(places, 0)).IsPositive() {
		return "+" + s
	}
	return s
}

// groupDigits puts thousands separators into the integer part of an
// unsigned decimal string.
func groupDigits(s string) string {
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// formatCount writes a count with thousands separators.
func formatCount(n int) string {
	if n < 0 {
		return "-" + groupDigits(strconv.Itoa(-n))
	}
	return groupDigits(strconv.Itoa(n))
}

var hundred = decimal.NewFromInt(100)

// percentOf writes part as a percentage of whole to 2 dp, or "n/a" when
// whole is zero.
func percentOf(part, whole decimal.Decimal) string {
	if whole.IsZero() {
		return "n/a"
	}
	return part.Mul(hundred).DivRound(whole, 2).StringFixed(2) + "%"
}

// signedPercentOf is percentOf with a "+" on positive percentages.
func signedPercentOf(part, whole decimal.Decimal) string {
	s := percentOf(part, whole)
	if !whole.IsZero() && part.Mul(hundred).DivRound(whole, 2).IsPositive() {
		return "+" + s
	}
	return s
}

// formatMonth writes YYYY-MM as "Jan 2025"; anything else is kept as is.
func formatMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("Jan 2006")
}

// formatPeriod writes the run's months, e.g. "Jan 2025 – Jun 2025".
func formatPeriod(first, last string) string {
	if first == last {
		return formatMonth(first)
	}
	return formatMonth(first) + " – " + formatMonth(last)
}

// capitalize upper-cases the first letter, for column headings.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// plural writes a count and a noun, adding "s" unless the count is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return formatCount(n) + " " + noun + "s"
}
