package report

import (
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

// sum is an exact running total of decimals, kept in fixed point while it
// fits there, so that adding allocates nothing, and as a decimal after.
// Its value, exponent included, is what adding the same decimals to
// decimal.Zero one by one gives: package fixed follows shopspring's
// exponents, and the sum of exact figures does not depend on their
// grouping.
type sum struct {
	f   fixed.Decimal
	d   decimal.Decimal // the total once it has left fixed point
	big bool            // d holds the total
}

// add adds x.
func (s *sum) add(x decimal.Decimal) {
	if !s.big {
		if fx, ok := fixed.FromDecimal(x); ok {
			if t, ok := s.f.Add(fx); ok {
				s.f = t
				return
			}
		}
		s.d, s.big = s.f.Decimal(), true
	}
	s.d = s.d.Add(x)
}

// decimal returns the total.
func (s *sum) decimal() decimal.Decimal {
	switch {
	case s.big:
		return s.d
	case s.f == fixed.Decimal{}:
		return decimal.Zero // what a total of nothing, or of zeros at exponent 0, is
	}
	return s.f.Decimal()
}

// runSum adds up lot-months' totals as runner.RunTotal.Add does, with the
// same figures, in fixed point while they fit there.
type runSum struct {
	charge, beforeCap, credits, earnBack sum
	failures, measured, capped, triggers int
}

// add adds a lot-month's totals.
func (s *runSum) add(m *runner.MonthTotal) {
	s.charge.add(m.Charge)
	s.beforeCap.add(m.BeforeCap)
	s.credits.add(m.Credits)
	s.earnBack.add(m.EarnBack)
	s.failures += m.Failures
	s.measured += m.Measured
	s.triggers += m.Triggers
	if capped(m) {
		s.capped++
	}
}

// capped is m.Capped(), compared in fixed point where both figures fit.
func capped(m *runner.MonthTotal) bool {
	if !m.HasCap {
		return false
	}
	b, okB := fixed.FromDecimal(m.BeforeCap)
	c, okC := fixed.FromDecimal(m.Cap)
	if okB && okC {
		return b.Cmp(c) > 0
	}
	return m.Capped()
}

// total returns the figures as a runner.RunTotal.
func (s *runSum) total() runner.RunTotal {
	return runner.RunTotal{Charge: s.charge.decimal(), BeforeCap: s.beforeCap.decimal(), Credits: s.credits.decimal(),
		EarnBack: s.earnBack.decimal(), Failures: s.failures, Measured: s.measured, CappedMonths: s.capped,
		Triggers: s.triggers}
}
