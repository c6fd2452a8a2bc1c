package kpi

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The fast path. expr parses and type-checks an expression and compiles
// it for its VM, which boxes every value in an interface and works in
// shopspring decimals: a dozen allocations for each KPI of each row. So
// the checked tree is also compiled, once, into closures over fixed-point
// numbers (package fixed), which allocate nothing. They evaluate the tree
// as the VM runs the program, in the same order, short-circuiting where it
// does, and every figure they give is the decimal the VM would give,
// coefficient and exponent. When a figure does not fit in fixed point,
// the closures report it and the expression is evaluated again by the VM,
// so that results never depend on which path gave them. An expression the
// closures do not cover is always evaluated by the VM.

// status is how a closure's evaluation ended.
type status uint8

const (
	exact     status = iota // the value is the one the VM gives
	inexact                 // a figure does not fit in fixed point: let the VM evaluate
	undefined               // a division by zero, which the VM reports with ErrUndefined
	failed                  // another failure, such as round's places: the VM reports it
)

type (
	numFn  func(*Evaluator) (fixed.Decimal, status)
	boolFn func(*Evaluator) (bool, status)
	strFn  func(*Evaluator) (string, status)
)

// slot says where the value of a name comes from: a field of the row (by
// its index in the rulebook's fields), a key column (by its index), the
// month, or a text value of a Condition (by its index).
type slot struct {
	kind  slotKind
	index int
}

type slotKind uint8

const (
	numField slotKind = iota
	textField
	keyColumn
	monthColumn
	condText
)

// builder compiles a checked expression tree into closures.
type builder struct{ slots map[string]slot }

// newBuilder binds the names of the rulebook's rows as Load does: the
// keys, then the fields, then the month.
func newBuilder(rb *rules.Rulebook) builder {
	slots := map[string]slot{}
	for i, k := range rb.Keys {
		slots[k] = slot{keyColumn, i}
	}
	for i, f := range rb.Fields {
		kind := textField
		if f.Type.Numeric() {
			kind = numField
		}
		slots[f.Name] = slot{kind, i}
	}
	slots[rules.MonthColumn] = slot{kind: monthColumn}
	return builder{slots}
}

// num compiles a node that gives a number, and reports false for one the
// closures do not cover.
func (b builder) num(n ast.Node) (numFn, bool) {
	if n.Type() != decType {
		return nil, false
	}
	switch n := n.(type) {
	case *ast.ConstantNode:
		d, ok := n.Value.(dec)
		return constNum(d), ok
	case *ast.IdentifierNode:
		if s, ok := b.slots[n.Value]; ok && s.kind == numField {
			return field(s.index), true
		}
	case *ast.ConditionalNode:
		c, ok1 := b.cond(n.Cond)
		x, ok2 := b.num(n.Exp1)
		y, ok3 := b.num(n.Exp2)
		return choose(c, x, y), ok1 && ok2 && ok3
	case *ast.CallNode:
		return b.call(n)
	}
	return nil, false
}

// fieldOf returns the index of the numeric field the node names, and
// false for a node that is not one.
func (b builder) fieldOf(n ast.Node) (int, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return 0, false
	}
	s, ok := b.slots[id.Value]
	return s.index, ok && s.kind == numField
}

// constNum gives a literal, or reports inexact for one that does not fit.
func constNum(d dec) numFn {
	x, ok := fixed.FromDecimal(d)
	st := exact
	if !ok {
		st = inexact
	}
	return func(*Evaluator) (fixed.Decimal, status) { return x, st }
}

// field gives the value of the i-th field.
func field(i int) numFn {
	return func(e *Evaluator) (fixed.Decimal, status) {
		if f := e.field(i); f.ok {
			return f.v, exact
		}
		return fixed.Decimal{}, inexact
	}
}

// fieldQuo is field(i) / field(j), the commonest measure, in one closure.
func fieldQuo(i, j int) numFn {
	return func(e *Evaluator) (fixed.Decimal, status) {
		a, b := e.field(i), e.field(j)
		if !a.ok || !b.ok {
			return fixed.Decimal{}, inexact
		}
		return fixedQuo(a.v, b.v)
	}
}

// field returns the i-th field of the loaded row: from the row's prepared
// numbers, or converted once per row.
func (e *Evaluator) field(i int) *fixedField {
	if e.prepared != nil {
		return &e.prepared[i]
	}
	s := &e.nums[i]
	if s.gen != e.gen {
		e.convert(i)
	}
	return &s.fixedField
}

// choose is cond ? x : y, and if/else, evaluating one branch only.
func choose(c boolFn, x, y numFn) numFn {
	return func(e *Evaluator) (fixed.Decimal, status) {
		t, st := c(e)
		switch {
		case st != exact:
			return fixed.Decimal{}, st
		case t:
			return x(e)
		}
		return y(e)
	}
}

// args compiles a call's arguments, all numbers.
func (b builder) args(n *ast.CallNode) ([]numFn, bool) {
	out := make([]numFn, len(n.Arguments))
	for i, a := range n.Arguments {
		var ok bool
		if out[i], ok = b.num(a); !ok {
			return nil, false
		}
	}
	return out, true
}

// call compiles a call of a helper that gives a number.
func (b builder) call(n *ast.CallNode) (numFn, bool) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil, false
	}
	args, ok := b.args(n)
	if !ok {
		return nil, false
	}
	switch name := id.Value; {
	case name == "div" && len(args) == 2:
		i, ok1 := b.fieldOf(n.Arguments[0])
		j, ok2 := b.fieldOf(n.Arguments[1])
		if ok1 && ok2 {
			return fieldQuo(i, j), true
		}
		return arith[name](args[0], args[1]), true
	case len(args) == 2 && arith[name] != nil:
		return arith[name](args[0], args[1]), true
	case len(args) == 1 && (name == "neg" || name == "abs"):
		return unary(args[0], name == "abs"), true
	case len(args) >= 1 && (name == "min" || name == "max"):
		sign := -1
		if name == "max" {
			sign = 1
		}
		return extremeOf(args, sign), true
	case len(args) == 2 && name == "round":
		return roundTo(args[0], args[1]), true
	}
	return nil, false
}

// arith makes the closures of the helpers of two numbers that give a
// number.
var arith = map[string]func(x, y numFn) numFn{
	"add": binary(func(a, b fixed.Decimal) (fixed.Decimal, status) { return result(a.Add(b)) }),
	"sub": binary(func(a, b fixed.Decimal) (fixed.Decimal, status) { return result(a.Sub(b)) }),
	"mul": binary(func(a, b fixed.Decimal) (fixed.Decimal, status) { return result(a.Mul(b)) }),
	"div": binary(fixedQuo),
	"pct": binary(func(a, b fixed.Decimal) (fixed.Decimal, status) {
		a, ok := a.Mul(fixedHundred)
		if !ok {
			return a, inexact
		}
		return fixedQuo(a, b)
	}),
}

// binary makes the closure of op on two numbers: x, then y, and op on
// them when both are exact.
func binary(op func(a, b fixed.Decimal) (fixed.Decimal, status)) func(x, y numFn) numFn {
	return func(x, y numFn) numFn {
		return func(e *Evaluator) (fixed.Decimal, status) {
			a, b, st := both(e, x, y)
			if st != exact {
				return a, st
			}
			return op(a, b)
		}
	}
}

var fixedHundred, _ = fixed.FromDecimal(hundred)

// both evaluates x, then y, stopping at the first that is not exact.
func both(e *Evaluator, x, y numFn) (fixed.Decimal, fixed.Decimal, status) {
	a, st := x(e)
	if st != exact {
		return a, a, st
	}
	b, st := y(e)
	return a, b, st
}

// result turns an operation's ok into a status.
func result(d fixed.Decimal, ok bool) (fixed.Decimal, status) {
	if !ok {
		return d, inexact
	}
	return d, exact
}

// fixedQuo is quo in fixed point: a / b to DivisionPlaces places.
func fixedQuo(a, b fixed.Decimal) (fixed.Decimal, status) {
	if b.IsZero() {
		return a, undefined
	}
	return result(a.Quo(b, DivisionPlaces))
}

// unary is abs(x), or neg(x) (-x), which never fail.
func unary(x numFn, abs bool) numFn {
	return func(e *Evaluator) (fixed.Decimal, status) {
		a, st := x(e)
		if abs {
			return a.Abs(), st
		}
		return a.Neg(), st
	}
}

// extremeOf is min (sign -1) or max (+1): of equal values, the first.
func extremeOf(args []numFn, sign int) numFn {
	return func(e *Evaluator) (fixed.Decimal, status) {
		m, st := args[0](e)
		for _, a := range args[1:] {
			if st != exact {
				break
			}
			var v fixed.Decimal
			if v, st = a(e); v.Cmp(m) == sign {
				m = v
			}
		}
		return m, st
	}
}

// roundTo is round(x, places): places must be a whole number from 0 to
// DivisionPlaces, or the VM reports the failure.
func roundTo(x, places numFn) numFn {
	return func(e *Evaluator) (fixed.Decimal, status) {
		a, p, st := both(e, x, places)
		if st != exact {
			return a, st
		}
		n, ok := p.Int64()
		if !ok || n < 0 || n > DivisionPlaces {
			return a, failed
		}
		return result(a.Round(int(n)))
	}
}

// cond compiles a node that gives true or false.
func (b builder) cond(n ast.Node) (boolFn, bool) {
	if n.Type() != boolType {
		return nil, false
	}
	switch n := n.(type) {
	case *ast.BoolNode:
		return constBool(n.Value), true
	case *ast.ConstantNode:
		v, ok := n.Value.(bool)
		return constBool(v), ok
	case *ast.UnaryNode:
		x, ok := b.cond(n.Node)
		return not(x), ok && (n.Operator == "!" || n.Operator == "not")
	case *ast.ConditionalNode:
		c, ok1 := b.cond(n.Cond)
		x, ok2 := b.cond(n.Exp1)
		y, ok3 := b.cond(n.Exp2)
		return chooseBool(c, x, y), ok1 && ok2 && ok3
	case *ast.CallNode:
		return b.compare(n)
	case *ast.BinaryNode:
		return b.binary(n)
	}
	return nil, false
}

// constBool gives true or false.
func constBool(v bool) boolFn { return func(*Evaluator) (bool, status) { return v, exact } }

// not is !x and not x.
func not(x boolFn) boolFn {
	return func(e *Evaluator) (bool, status) {
		v, st := x(e)
		return !v, st
	}
}

// chooseBool is choose for true or false.
func chooseBool(c, x, y boolFn) boolFn {
	return func(e *Evaluator) (bool, status) {
		t, st := c(e)
		switch {
		case st != exact:
			return false, st
		case t:
			return x(e)
		}
		return y(e)
	}
}

// compare compiles a comparison of numbers: eq, ne, lt, le, gt or ge.
func (b builder) compare(n *ast.CallNode) (boolFn, bool) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil, false
	}
	holds, ok := comparisons[id.Value]
	if !ok || len(n.Arguments) != 2 {
		return nil, false
	}
	args, ok := b.args(n)
	if !ok {
		return nil, false
	}
	x, y := args[0], args[1]
	return func(e *Evaluator) (bool, status) {
		a, c, st := both(e, x, y)
		if st != exact {
			return false, st
		}
		return holds(a.Cmp(c)), exact
	}, true
}

// comparisons says, for each comparison helper, whether it holds given
// how its operands compare.
var comparisons = map[string]func(int) bool{
	"eq": func(c int) bool { return c == 0 },
	"ne": func(c int) bool { return c != 0 },
	"lt": func(c int) bool { return c < 0 },
	"le": func(c int) bool { return c <= 0 },
	"gt": func(c int) bool { return c > 0 },
	"ge": func(c int) bool { return c >= 0 },
}

// binary compiles and, or, and the comparisons of text and of truth
// values left as operators.
func (b builder) binary(n *ast.BinaryNode) (boolFn, bool) {
	switch n.Operator {
	case "and", "&&", "or", "||":
		x, ok1 := b.cond(n.Left)
		y, ok2 := b.cond(n.Right)
		return logic(x, y, n.Operator == "or" || n.Operator == "||"), ok1 && ok2
	}
	if n.Left.Type() == boolType && (n.Operator == "==" || n.Operator == "!=") {
		x, ok1 := b.cond(n.Left)
		y, ok2 := b.cond(n.Right)
		return sameTruth(x, y, n.Operator == "=="), ok1 && ok2
	}
	holds, ok := textOps[n.Operator]
	x, ok1 := b.str(n.Left)
	y, ok2 := b.str(n.Right)
	if !ok || !ok1 || !ok2 {
		return nil, false
	}
	return func(e *Evaluator) (bool, status) {
		a, st := x(e)
		if st != exact {
			return false, st
		}
		c, st := y(e)
		return holds(a, c), st
	}, true
}

// logic is and (or false) or or (or true), evaluating y only when x does
// not decide, as the VM does.
func logic(x, y boolFn, or bool) boolFn {
	return func(e *Evaluator) (bool, status) {
		a, st := x(e)
		if st != exact || a == or {
			return a, st
		}
		return y(e)
	}
}

// sameTruth is x == y (eq) or x != y on true or false.
func sameTruth(x, y boolFn, eq bool) boolFn {
	return func(e *Evaluator) (bool, status) {
		a, st := x(e)
		if st != exact {
			return false, st
		}
		b, st := y(e)
		return (a == b) == eq, st
	}
}

// textOps are the operators on text.
var textOps = map[string]func(a, b string) bool{
	"==": func(a, b string) bool { return a == b },
	"!=": func(a, b string) bool { return a != b },
	"<":  func(a, b string) bool { return a < b },
	"<=": func(a, b string) bool { return a <= b },
	">":  func(a, b string) bool { return a > b },
	">=": func(a, b string) bool { return a >= b },

	"contains":   strings.Contains,
	"startsWith": strings.HasPrefix,
	"endsWith":   strings.HasSuffix,
}

// str compiles a node that gives text.
func (b builder) str(n ast.Node) (strFn, bool) {
	if n.Type() != stringType {
		return nil, false
	}
	switch n := n.(type) {
	case *ast.StringNode:
		return constStr(n.Value), true
	case *ast.ConstantNode:
		v, ok := n.Value.(string)
		return constStr(v), ok
	case *ast.IdentifierNode:
		s, ok := b.slots[n.Value]
		return text(s), ok && s.kind != numField
	case *ast.ConditionalNode:
		c, ok1 := b.cond(n.Cond)
		x, ok2 := b.str(n.Exp1)
		y, ok3 := b.str(n.Exp2)
		return chooseStr(c, x, y), ok1 && ok2 && ok3
	case *ast.BinaryNode:
		x, ok1 := b.str(n.Left)
		y, ok2 := b.str(n.Right)
		return concat(x, y), ok1 && ok2 && n.Operator == "+"
	}
	return nil, false
}

// constStr gives a text literal.
func constStr(v string) strFn { return func(*Evaluator) (string, status) { return v, exact } }

// text gives a key column's value, the month as YYYY-MM, or a text
// field's value.
func text(s slot) strFn {
	switch s.kind {
	case keyColumn:
		return func(e *Evaluator) (string, status) { return e.row.Keys[s.index], exact }
	case monthColumn:
		return func(e *Evaluator) (string, status) { return e.monthText(), exact }
	case condText:
		return func(e *Evaluator) (string, status) { return e.texts[s.index], exact }
	}
	return func(e *Evaluator) (string, status) {
		v, ok := e.row.Values[s.index].(string)
		if !ok {
			return "", inexact
		}
		return v, exact
	}
}

// chooseStr is choose for text.
func chooseStr(c boolFn, x, y strFn) strFn {
	return func(e *Evaluator) (string, status) {
		t, st := c(e)
		switch {
		case st != exact:
			return "", st
		case t:
			return x(e)
		}
		return y(e)
	}
}

// concat is x + y on text.
func concat(x, y strFn) strFn {
	return func(e *Evaluator) (string, status) {
		a, st := x(e)
		if st != exact {
			return "", st
		}
		b, st := y(e)
		return a + b, st
	}
}

// fixedField is a field's value in fixed point; ok is false when it does
// not fit (or is not a decimal.Decimal).
type fixedField struct {
	v  fixed.Decimal
	ok bool
}

// toFixed converts a row's value.
func toFixed(v any) fixedField {
	d, ok := v.(decimal.Decimal)
	if !ok {
		return fixedField{}
	}
	f, ok := fixed.FromDecimal(d)
	return fixedField{f, ok}
}

// numSlot is a numeric field of the loaded row in fixed point.
type numSlot struct {
	fixedField
	gen uint64 // the load it was converted for
}

// convert converts the i-th field of the loaded row.
func (e *Evaluator) convert(i int) {
	e.nums[i] = numSlot{toFixed(e.row.Values[i]), e.gen}
}

// FixedValue returns the i-th value in fixed point, and false for one
// that is not a number or does not fit: from the prepared row, or
// converting it. It allocates nothing (the engine reads a lot-month's
// charge with it).
func (r *Row) FixedValue(i int) (fixed.Decimal, bool) {
	var f fixedField
	if r.isPrepared() {
		f = r.prepared[i]
	} else {
		f = toFixed(r.Values[i])
	}
	return f.v, f.ok
}

// isPrepared reports whether the row's prepared numbers are its Values':
// a copy of the row given other Values (a new slice) is not prepared.
func (r *Row) isPrepared() bool {
	return r.prepared != nil && len(r.prepared) == len(r.Values) && (len(r.Values) == 0 || r.preparedFor == &r.Values[0])
}

// Prepare converts the row's numbers to fixed point once, so that the
// evaluators that load it need not each convert them. Call it when the
// row is complete and before it is shared between goroutines, and again
// after changing an element of its Values; a row whose Values are
// replaced by another slice is not prepared until Prepare runs again.
func (r *Row) Prepare() {
	r.prepared = slices.Grow(r.prepared[:0], len(r.Values))[:len(r.Values)]
	for i, v := range r.Values {
		r.prepared[i] = toFixed(v)
	}
	r.preparedFor, r.fixedOnly = nil, false
	if len(r.Values) > 0 {
		r.preparedFor = &r.Values[0]
	}
}

// SetFixed gives the row's i-th value, a number, in fixed point only: v,
// or, when ok is false, a number that does not fit there. It is for a row
// whose numbers are worked out in fixed point, such as one aggregated
// over months, so that none need be a decimal: the numbers SetFixed gives
// replace Values' (which are not read for them), and an expression that
// cannot be evaluated on them in fixed point fails with ErrNeedsDecimals
// instead of being evaluated by expr's VM on Values. Prepare makes the
// row an ordinary one again; so does giving it other Values.
func (r *Row) SetFixed(i int, v fixed.Decimal, ok bool) {
	if !r.isPrepared() {
		r.Prepare()
	}
	r.prepared[i], r.fixedOnly = fixedField{v, ok}, true
}

// monthText returns the loaded row's month as YYYY-MM, formatting each
// month once.
func (e *Evaluator) monthText() string {
	if s, ok := e.months[e.month]; ok {
		return s
	}
	if len(e.months) >= 4096 {
		clear(e.months)
	}
	s := e.month.String()
	e.months[e.month] = s
	return s
}
