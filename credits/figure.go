package credits

import (
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/shopspring/decimal"
)

// figure is an amount or a number of points a Lot carries from month to
// month (an earn-back pool, the year's totals, a recent month's charge and
// credits, banked bonus points): in fixed point where it fits, else, wide,
// as a decimal. Either way it is the same number, coefficient and
// exponent, that the decimal arithmetic gives.
type figure struct {
	f    fixed.Decimal
	d    decimal.Decimal // the number, when wide
	wide bool            // f does not hold it
}

// figureOf holds d, in fixed point when it fits there.
func figureOf(d decimal.Decimal) figure {
	if f, ok := fixed.FromDecimal(d); ok {
		return figure{f: f}
	}
	return figure{d: d, wide: true}
}

// dec returns the figure as a decimal.
func (x figure) dec() decimal.Decimal {
	if x.wide {
		return x.d
	}
	return toDecimal(x.f)
}

// zeros holds 0 at each scale, so that a figure of 0 turns into a decimal
// without allocating; ones holds 1 at scale 0. Decimals are immutable, so
// they can be shared.
var (
	zeros [fixed.MaxScale - fixed.MinScale + 1]decimal.Decimal
	fOne  = mustFixed(one)
	fHund = mustFixed(hundred)
)

func init() {
	for s := fixed.MinScale; s <= fixed.MaxScale; s++ {
		zeros[s-fixed.MinScale] = decimal.New(0, -int32(s))
	}
	zeros[-fixed.MinScale] = zero // decimal.Zero at scale 0, as the decimal path gives it
}

// toDecimal returns f as a decimal, allocating only for a number other
// than 0 and 1.
func toDecimal(f fixed.Decimal) decimal.Decimal {
	switch {
	case f.IsZero():
		return zeros[f.Scale()-fixed.MinScale]
	case f == fOne:
		return one
	}
	return f.Decimal()
}

func mustFixed(d decimal.Decimal) fixed.Decimal {
	f, ok := fixed.FromDecimal(d)
	if !ok {
		panic("credits: " + d.String() + " does not fit in fixed point")
	}
	return f
}

// fmin and fmax are decimal.Min and decimal.Max of two numbers: the first
// unless the second is strictly less (more), so that the exponent is the
// one the decimal arithmetic keeps.
func fmin(a, b fixed.Decimal) fixed.Decimal {
	if b.Cmp(a) < 0 {
		return b
	}
	return a
}

func fmax(a, b fixed.Decimal) fixed.Decimal {
	if b.Cmp(a) > 0 {
		return b
	}
	return a
}
