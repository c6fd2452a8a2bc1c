package kpi

import (
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Condition is a boolean expression over named values, such as an event
// source's filter over an event's columns. It is compiled as a KPI's
// expressions are: into closures over fixed-point numbers wherever they
// cover it (see fast.go), and for the VM, which evaluates what they do
// not; either way the result is the exact one. It is safe for concurrent
// use; each goroutine evaluates with its own ConditionEvaluator.
type Condition struct {
	x       *expression
	names   []string // the names it reads, in order of first use
	numeric []bool   // by name: a number, else text
}

// CompileCondition compiles a boolean expression over the names in env:
// each declared with a value of its type, a decimal.Decimal for a number
// or a string for text. The expression has the language, the exact
// decimal arithmetic and the limits of a KPI expression. A problem comes
// back as a *rules.Problem placed in the rulebook at the expression's own
// line and column, under key.
func CompileCondition(e rules.Expr, key string, env map[string]any) (*Condition, *rules.Problem) {
	prog, err := compileExpr(e, env, "bool")
	if err != nil {
		return nil, exprProblem(e, key, err)
	}
	c := &Condition{}
	b := builder{slots: map[string]slot{}}
	ast.Find(prog.Node(), func(n ast.Node) bool {
		id, ok := n.(*ast.IdentifierNode)
		if !ok {
			return false
		}
		if v, declared := env[id.Value]; declared && !slices.Contains(c.names, id.Value) {
			_, number := v.(decimal.Decimal)
			kind := condText
			if number {
				kind = numField
			}
			b.slots[id.Value] = slot{kind, len(c.names)}
			c.names, c.numeric = append(c.names, id.Value), append(c.numeric, number)
		}
		return false
	})
	c.x = newExpression(prog, b)
	return c, nil
}

// Names returns the names the condition reads, in the order of their
// first use: the values a ConditionEvaluator is given, by index.
func (c *Condition) Names() []string { return slices.Clone(c.names) }

// ConditionEvaluator evaluates a Condition. Give it every value with
// Number or Text, then call Eval; it keeps no value from one evaluation
// to the next but those given. It is not safe for concurrent use.
type ConditionEvaluator struct {
	c    *Condition
	e    Evaluator
	decs []decimal.Decimal // the numbers given, for the VM
	env  map[string]any
}

// NewEvaluator returns an evaluator of the condition.
func (c *Condition) NewEvaluator() *ConditionEvaluator {
	x := &ConditionEvaluator{c: c, decs: make([]decimal.Decimal, len(c.names)), env: map[string]any{}}
	x.e.nums = make([]numSlot, len(c.names))
	x.e.texts = make([]string, len(c.names))
	x.e.row = &Row{Values: make([]any, len(c.names))}
	return x
}

// Number gives the i-th name's value, a number.
func (x *ConditionEvaluator) Number(i int, d decimal.Decimal) {
	f, ok := fixed.FromDecimal(d)
	x.e.nums[i] = numSlot{fixedField{f, ok}, x.e.gen}
	x.decs[i] = d
}

// Text gives the i-th name's value, text.
func (x *ConditionEvaluator) Text(i int, s string) { x.e.texts[i] = s }

// Eval evaluates the condition on the values given. A division by zero
// fails with an error wrapping ErrUndefined, any other failure (such as
// round's places out of range) with the VM's error. For values that fit
// in fixed point it allocates nothing.
func (x *ConditionEvaluator) Eval() (bool, error) {
	if cond := x.c.x.cond; cond != nil && !x.e.useVM {
		switch t, st := cond(&x.e); st {
		case exact:
			return t, nil
		case undefined:
			return false, errDivision
		}
	}
	for i, name := range x.c.names {
		if x.c.numeric[i] {
			x.env[name] = x.decs[i]
		} else {
			x.env[name] = x.e.texts[i]
		}
	}
	x.e.vmRuns++
	out, err := x.e.vm.Run(x.c.x.prog, x.env)
	return out == true, err
}
