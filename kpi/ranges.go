package kpi

import (
	"github.com/expr-lang/expr/ast"
	"github.com/kpicredit/kpicredit/rules"
)

// end is one end of an interval: a number, or -∞ (inf < 0) or +∞ (inf > 0).
type end struct {
	d   dec
	inf int8
}

// interval holds every value an expression can give; lo is never +∞ and
// hi never -∞.
type interval struct{ lo, hi end }

var (
	everything = interval{end{inf: -1}, end{inf: 1}}
	nonNeg     = interval{end{}, end{inf: 1}}
)

func point(d dec) interval { return interval{end{d: d}, end{d: d}} }

// sign returns -1, 0 or +1.
func (e end) sign() int {
	if e.inf != 0 {
		return int(e.inf)
	}
	return e.d.Sign()
}

// cmp orders ends, the infinities included.
func (e end) cmp(o end) int {
	if e.inf != 0 || o.inf != 0 {
		return int(e.inf) - int(o.inf) // equal infinities compare equal; a finite end has inf 0
	}
	return e.d.Cmp(o.d)
}

func (e end) neg() end { return end{d: e.d.Neg(), inf: -e.inf} }

func lesser(a, b end) end {
	if a.cmp(b) <= 0 {
		return a
	}
	return b
}

func greater(a, b end) end {
	if a.cmp(b) >= 0 {
		return a
	}
	return b
}

// add adds ends of the same side (both lo or both hi), so ∞ - ∞ never arises.
func add(a, b end) end {
	if a.inf != 0 {
		return a
	}
	if b.inf != 0 {
		return b
	}
	return end{d: a.d.Add(b.d)}
}

// mul multiplies ends; zero times an infinity is zero, since every value
// an expression gives is finite.
func mul(a, b end) end {
	switch sa, sb := a.sign(), b.sign(); {
	case sa == 0 || sb == 0:
		return end{}
	case a.inf != 0 || b.inf != 0:
		return end{inf: int8(sa * sb)}
	}
	return end{d: a.d.Mul(b.d)}
}

// quotient divides ends as the evaluator does, rounding to DivisionPlaces;
// b is positive, b.d zero standing for the smallest positive divisor.
func quotient(a, b end) end {
	switch {
	case a.sign() == 0 || b.inf != 0:
		return end{}
	case a.inf != 0 || b.d.IsZero():
		return end{inf: int8(a.sign())}
	}
	return end{d: a.d.DivRound(b.d, DivisionPlaces)}
}

// hull returns the smallest interval holding a given set of corner values.
func hull(corners ...end) interval {
	out := interval{corners[0], corners[0]}
	for _, c := range corners[1:] {
		out.lo, out.hi = lesser(out.lo, c), greater(out.hi, c)
	}
	return out
}

func (a interval) plus(b interval) interval { return interval{add(a.lo, b.lo), add(a.hi, b.hi)} }
func (a interval) negate() interval         { return interval{a.hi.neg(), a.lo.neg()} }
func (a interval) union(b interval) interval {
	return interval{lesser(a.lo, b.lo), greater(a.hi, b.hi)}
}

func (a interval) times(b interval) interval {
	return hull(mul(a.lo, b.lo), mul(a.lo, b.hi), mul(a.hi, b.lo), mul(a.hi, b.hi))
}

// over divides: a divisor of zero leaves the measure undefined, so only
// non-zero divisors count. A divisor that can be either sign bounds nothing.
func (a interval) over(b interval) interval {
	switch {
	case b.hi.sign() <= 0 && b.lo.sign() < 0:
		return a.negate().over(b.negate())
	case b.lo.sign() < 0 || b.hi.sign() == 0:
		return everything
	}
	return hull(quotient(a.lo, b.lo), quotient(a.lo, b.hi), quotient(a.hi, b.lo), quotient(a.hi, b.hi))
}

func (a interval) abs() interval {
	switch {
	case a.lo.sign() >= 0:
		return a
	case a.hi.sign() <= 0:
		return a.negate()
	}
	return interval{end{}, greater(a.lo.neg(), a.hi)}
}

// rounded applies floor to a finite lo and ceil to a finite hi; neither
// may ever decrease a larger number below a smaller one's result.
func (a interval) rounded(floor, ceil func(dec) dec) interval {
	if a.lo.inf == 0 {
		a.lo.d = floor(a.lo.d)
	}
	if a.hi.inf == 0 {
		a.hi.d = ceil(a.hi.d)
	}
	return a
}

// measureRange works out the values a compiled number expression can
// give, from the declared fields' types (int and money are never
// negative), the literals and each operation; anything it does not know
// bounds nothing.
func measureRange(rb *rules.Rulebook, n ast.Node) rules.Range {
	iv := rangeOf(rb, n).rounded(places, places)
	var out rules.Range
	if iv.lo.inf == 0 {
		out.Lo = &iv.lo.d
	}
	if iv.hi.inf == 0 {
		out.Hi = &iv.hi.d
	}
	return out
}

func rangeOf(rb *rules.Rulebook, n ast.Node) interval {
	switch n := n.(type) {
	case *ast.ConstantNode:
		if d, ok := n.Value.(dec); ok {
			return point(d)
		}
	case *ast.IdentifierNode:
		if f, ok := rb.Field(n.Value); ok && (f.Type == rules.TypeInt || f.Type == rules.TypeMoney) {
			return nonNeg
		}
	case *ast.ConditionalNode:
		return rangeOf(rb, n.Exp1).union(rangeOf(rb, n.Exp2))
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			args := make([]interval, len(n.Arguments))
			for i, a := range n.Arguments {
				args[i] = rangeOf(rb, a)
			}
			return call(id.Value, args)
		}
	}
	return everything
}

// call gives the range of a helper or operator applied to args' ranges;
// a call with no arguments, which the checker rejects first, has any.
func call(name string, args []interval) interval {
	switch {
	case len(args) == 0:
		return everything
	case name == "neg" || name == "abs":
		if name == "abs" {
			return args[0].abs()
		}
		return args[0].negate()
	case name == "min" || name == "max":
		out := args[0]
		for _, a := range args[1:] {
			if name == "min" {
				out = interval{lesser(out.lo, a.lo), lesser(out.hi, a.hi)}
			} else {
				out = interval{greater(out.lo, a.lo), greater(out.hi, a.hi)}
			}
		}
		return out
	case name == "round": // to 0 places or more: between floor and ceiling
		return args[0].rounded(dec.Floor, dec.Ceil)
	case len(args) != 2:
		return everything
	}
	a, b := args[0], args[1]
	switch name {
	case "add":
		return a.plus(b)
	case "sub":
		return a.plus(b.negate())
	case "mul":
		return a.times(b)
	case "div":
		return a.over(b)
	case "pct":
		return a.times(point(hundred)).over(b)
	}
	return everything
}
