package kpi

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// ErrUndefined is wrapped by evaluation errors for a measure with no value,
// such as a division by zero; the KPI is then not measured.
var ErrUndefined = errors.New("undefined")

// ErrArgument is wrapped by evaluation errors for a helper called with an
// argument it cannot take, such as round(x, 1.5).
var ErrArgument = errors.New("invalid argument")

type dec = decimal.Decimal

var (
	decType  = reflect.TypeOf(decimal.Decimal{})
	boolType = reflect.TypeOf(true)
	hundred  = decimal.NewFromInt(100)
)

// literals turns every number literal into an exact decimal constant, read
// from the expression's own text so that 0.98 is 0.98, not a float.
type literals struct{ src []rune }

// Visit replaces a number literal with a decimal constant.
func (p *literals) Visit(node *ast.Node) {
	var d dec
	switch n := (*node).(type) {
	case *ast.IntegerNode:
		d = decimal.NewFromInt(int64(n.Value))
	case *ast.FloatNode:
		loc := n.Location()
		var err error
		if loc.From < 0 || loc.To > len(p.src) || loc.From > loc.To {
			d = decimal.NewFromFloat(n.Value)
		} else if d, err = decimal.NewFromString(strings.ReplaceAll(string(p.src[loc.From:loc.To]), "_", "")); err != nil {
			d = decimal.NewFromFloat(n.Value)
		}
	default:
		return
	}
	c := &ast.ConstantNode{Value: d}
	ast.Patch(node, c)
	c.SetType(decType)
}

// helper is a function a KPI expression may call, or that an operator on
// numbers becomes (see decimalOps).
type helper struct {
	name string
	fn   func(p ...any) (any, error)
	sig  any // a pointer to the Go function type expr checks calls against
}

// helpers are the decimal operators and helper functions; they all take
// numbers.
var helpers = func() []helper {
	bin := func(name string, f func(a, b dec) (any, error), sig any) helper {
		return helper{name, func(p ...any) (any, error) { return f(p[0].(dec), p[1].(dec)) }, sig}
	}
	arith, cmp := new(func(dec, dec) dec), new(func(dec, dec) bool)
	return []helper{
		bin("add", func(a, b dec) (any, error) { return a.Add(b), nil }, arith),
		bin("sub", func(a, b dec) (any, error) { return a.Sub(b), nil }, arith),
		bin("mul", func(a, b dec) (any, error) { return a.Mul(b), nil }, arith),
		bin("div", func(a, b dec) (any, error) { return quo(a, b) }, arith),
		bin("eq", func(a, b dec) (any, error) { return a.Equal(b), nil }, cmp),
		bin("ne", func(a, b dec) (any, error) { return !a.Equal(b), nil }, cmp),
		bin("lt", func(a, b dec) (any, error) { return a.LessThan(b), nil }, cmp),
		bin("le", func(a, b dec) (any, error) { return a.LessThanOrEqual(b), nil }, cmp),
		bin("gt", func(a, b dec) (any, error) { return a.GreaterThan(b), nil }, cmp),
		bin("ge", func(a, b dec) (any, error) { return a.GreaterThanOrEqual(b), nil }, cmp),
		{"neg", func(p ...any) (any, error) { return p[0].(dec).Neg(), nil }, new(func(dec) dec)},
		{"min", extreme(-1), new(func(dec, ...dec) dec)},
		{"max", extreme(+1), new(func(dec, ...dec) dec)},
		{"abs", func(p ...any) (any, error) { return p[0].(dec).Abs(), nil }, new(func(dec) dec)},
		{"round", round, new(func(dec, dec) dec)},
		{"pct", pct, new(func(dec, dec) dec)},
	}
}()

// operatorHelpers names the helper that each operator on two numbers
// becomes.
var operatorHelpers = map[string]string{
	"+": "add", "-": "sub", "*": "mul", "/": "div",
	"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
}

// functions declares the helpers to expr.
var functions = func() []expr.Option {
	out := make([]expr.Option, len(helpers))
	for i, h := range helpers {
		out[i] = expr.Function(h.name, h.fn, h.sig)
	}
	return out
}()

// helperTypes holds each helper's Go function type.
var helperTypes = func() map[string]reflect.Type {
	out := make(map[string]reflect.Type, len(helpers))
	for _, h := range helpers {
		out[h.name] = reflect.TypeOf(h.sig).Elem()
	}
	return out
}()

// DivisionPlaces is the number of decimal places a quotient is rounded to
// (half away from zero) when it does not terminate sooner: 1/3 is
// 0.3333333333333333. Every other operation is exact.
const DivisionPlaces = 16

func quo(a, b dec) (dec, error) {
	if b.IsZero() {
		return dec{}, fmt.Errorf("division by zero: %w", ErrUndefined)
	}
	return a.DivRound(b, DivisionPlaces), nil
}

func extreme(sign int) func(p ...any) (any, error) {
	return func(p ...any) (any, error) {
		m := p[0].(dec)
		for _, v := range p[1:] {
			if v.(dec).Cmp(m) == sign {
				m = v.(dec)
			}
		}
		return m, nil
	}
}

// round(x, places) rounds half away from zero.
func round(p ...any) (any, error) {
	places := p[1].(dec)
	if err := checkPlaces(places); err != nil {
		return nil, err
	}
	return p[0].(dec).Round(int32(places.IntPart())), nil
}

// checkPlaces accepts round's places: a whole number from 0 to
// DivisionPlaces. Compile checks a literal; evaluation checks the rest.
func checkPlaces(places dec) error {
	if !places.IsInteger() || places.IsNegative() || places.GreaterThan(decimal.NewFromInt(DivisionPlaces)) {
		return fmt.Errorf("round: places must be a whole number from 0 to %d, not %s: %w", DivisionPlaces, ShortString(places), ErrArgument)
	}
	return nil
}

// pct(a, b) is a as a percentage of b: a / b * 100.
func pct(p ...any) (any, error) {
	return quo(p[0].(dec).Mul(hundred), p[1].(dec))
}

// ShortString formats a number for a message: in full up to 40
// characters, otherwise its first digits and how many there are, so that
// a runaway value does not flood the terminal.
func ShortString(d decimal.Decimal) string {
	s := d.String()
	if len(s) <= 40 {
		return s
	}
	digits := len(d.Abs().Truncate(0).String())
	return fmt.Sprintf("%s... (%d digits before the point)", s[:20], digits)
}
