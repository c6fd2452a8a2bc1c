package fixed

import "github.com/shopspring/decimal"

// Sum is an exact running total of decimals, kept in fixed point while it
// fits there, so that adding allocates nothing, and as a decimal.Decimal
// after. Its value, exponent included, is what adding the same decimals to
// decimal.Zero one by one gives: a Decimal follows shopspring's exponents,
// and the sum of exact figures does not depend on their grouping. The
// zero Sum is a total of nothing.
type Sum struct {
	f   Decimal
	d   decimal.Decimal // the total once it has left fixed point
	big bool            // d holds the total
}

// Add adds x.
func (s *Sum) Add(x decimal.Decimal) {
	if !s.big {
		if fx, ok := FromDecimal(x); ok {
			if t, ok := s.f.Add(fx); ok {
				s.f = t
				return
			}
		}
		s.d, s.big = s.f.Decimal(), true
	}
	s.d = s.d.Add(x)
}

// AddFixed adds x.
func (s *Sum) AddFixed(x Decimal) {
	if !s.big {
		if t, ok := s.f.Add(x); ok {
			s.f = t
			return
		}
		s.d, s.big = s.f.Decimal(), true
	}
	s.d = s.d.Add(x.Decimal())
}

// Merge adds another Sum's total.
func (s *Sum) Merge(o *Sum) {
	if o.big {
		s.Add(o.d)
		return
	}
	s.AddFixed(o.f)
}

// Decimal returns the total.
func (s *Sum) Decimal() decimal.Decimal {
	switch {
	case s.big:
		return s.d
	case s.f == Decimal{}:
		return decimal.Zero // what a total of nothing, or of zeros at exponent 0, is
	}
	return s.f.Decimal()
}

// Like returns the total, as d itself when d is the total exactly,
// coefficient and exponent: a caller keeping many totals shares the
// decimals of those that are the same as others it keeps.
func (s *Sum) Like(d decimal.Decimal) decimal.Decimal {
	if s.big {
		if s.d.Exponent() == d.Exponent() && s.d.Cmp(d) == 0 {
			return d
		}
		return s.d
	}
	if fd, ok := FromDecimal(d); ok && fd == s.f {
		return d
	}
	return s.Decimal()
}
