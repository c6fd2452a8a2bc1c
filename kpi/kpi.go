// Package kpi compiles the KPI expressions of a rulebook once, type-checked
// against its declared fields, and evaluates them for a lot and month with
// exact decimal arithmetic.
//
// Expressions are written in the expr language. Every number in them is an
// exact decimal: literals such as 0.98 are read from their text, and + - *
// and comparisons are exact, so 0.1 + 0.2 == 0.3 holds. A quotient that does
// not terminate is rounded to DivisionPlaces decimal places, half away from
// zero, and so is a measure or volume left with more places (a product of
// quotients, say), so that a status is judged on the value the outputs
// hold; that is the only rounding before a credit is priced. Besides the
// operators, expressions may use min, max, abs, round(x, places),
// pct(a, b) (a / b * 100), cond ? a : b and if cond { a } else { b }, and
// refer to the key columns, month (as "YYYY-MM") and the declared fields;
// the rest of expr's language (let, lists and in, nil, ??, ranges,
// matches, member access, $env) is rejected when the rulebook loads, and
// so is a mistake of types anywhere in an expression: one that loads
// never fails for its types when evaluated.
//
// A measure with no value, such as 0/0, makes the KPI not_measured; it is
// never an error, Inf or a panic.
//
// Compile also works out the values each measure can give from its
// expression (int and money fields are never negative; literals, each
// operator and helper, both branches of a condition) and reports a target,
// bound or floor that range puts out of reach. A measure outside the range
// of its KPI's declared unit is an *EvalError wrapping ErrOutOfRange.
//
// Evaluation takes a fast path where it can. expr parses and type-checks
// each expression, and its checked tree is compiled once into closures
// over fixed-point numbers (package fixed), which allocate nothing; a
// figure that does not fit in fixed point (a quotient of 922.34 or more,
// a product of two quotients) makes that evaluation run on expr's VM in
// shopspring decimals instead. Both give the same figures, coefficient
// and exponent, the same errors and the same messages. Values and
// results carry the measure and volume in fixed point too (Fixed);
// Evaluator.Fast and EvaluateFast leave the decimals for Complete to
// set, and with a prepared row (Row.Prepare) evaluate a month's KPIs
// with no allocation at all; JudgeFast evaluates and judges a KPI into
// the caller's Result. A row's numbers may also be given in fixed point
// only (Row.SetFixed, as for fields aggregated over months): an
// expression that cannot be evaluated on them there fails with
// ErrNeedsDecimals, for the caller to evaluate it on decimals.
//
// Check is the rules.Checker kpicredit loads rulebooks with. kpi depends
// on rules (the rulebook), fixed and limits; package engine evaluates
// with it.
package kpi

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Limits on an expression, so that a hostile rulebook cannot exhaust the
// compiler or make evaluation slow; package limits holds their values.
const (
	MaxSourceLen = limits.MaxExprChars // characters of one expression
	MaxNodes     = limits.MaxExprNodes // nodes of its syntax tree
	MaxDepth     = limits.MaxExprDepth // brackets nested inside one another
)

// Program is a rulebook's compiled expressions. It is safe for concurrent
// use; each goroutine evaluates with its own Evaluator.
type Program struct {
	rb   *rules.Rulebook
	kpis []compiled
}

type compiled struct {
	measure, volume, applies *expression
	// rng holds the values the measure can give, as its expression and
	// the fields' types imply.
	rng  rules.Range
	refs refs // the KPI's target, bounds, min_volume and range in fixed point
}

// expression is a compiled expression: the VM's program, and the same
// tree compiled into closures over fixed-point numbers (see fast.go),
// num for a number and cond for true or false; both nil when the
// closures do not cover the expression.
type expression struct {
	prog *vm.Program
	num  numFn
	cond boolFn
}

// newExpression compiles prog's checked tree into closures, binding
// names as b does.
func newExpression(prog *vm.Program, b builder) *expression {
	x := &expression{prog: prog}
	switch node := prog.Node(); node.Type() {
	case decType:
		if f, ok := b.num(node); ok {
			x.num = f
		}
	case boolType:
		if f, ok := b.cond(node); ok {
			x.cond = f
		}
	}
	return x
}

// Compile compiles every KPI's measure, volume and applies expression,
// reporting each problem with its position in the rulebook as a
// *rules.ValidationError.
func Compile(rb *rules.Rulebook) (*Program, error) {
	return compile(rb, nil)
}

// Derive compiles another rulebook with the same fields — a scenario of
// p's — reusing p's compiled expressions where the source is the same.
func (p *Program) Derive(rb *rules.Rulebook) (*Program, error) {
	return compile(rb, p)
}

func compile(rb *rules.Rulebook, base *Program) (*Program, error) {
	p := &Program{rb: rb, kpis: make([]compiled, len(rb.KPIs))}
	env := sampleEnv(rb)
	names := newBuilder(rb)
	known := map[string]*expression{}
	ranges := map[string]rules.Range{} // by measure source
	if base != nil {
		for i, k := range base.rb.KPIs {
			c := base.kpis[i]
			known["number "+k.Measure.Source], known["number "+k.Volume.Source] = c.measure, c.volume
			known["bool "+k.Applies.Source] = c.applies
			ranges[k.Measure.Source] = c.rng
		}
	}
	var problems []*rules.Problem
	do := func(e rules.Expr, key string, want string) *expression {
		if e.IsZero() {
			return nil
		}
		if x, ok := known[want+" "+e.Source]; ok {
			return x
		}
		var x *expression
		prog, err := compileExpr(e, env, want)
		if err != nil {
			problems = append(problems, exprProblem(e, key, err))
		} else {
			x = newExpression(prog, names)
		}
		known[want+" "+e.Source] = x
		return x
	}
	for i, k := range rb.KPIs {
		if k.Measure.IsZero() {
			problems = append(problems, &rules.Problem{Pos: k.Pos, Key: k.ID + ".measure", Msg: "the KPI has no measure"})
		}
		c := compiled{
			measure: do(k.Measure, k.ID+".measure", "number"),
			volume:  do(k.Volume, k.ID+".volume", "number"),
			applies: do(k.Applies, k.ID+".applies", "bool"),
			refs:    newRefs(k),
		}
		if c.measure != nil {
			var unreachable []*rules.Problem
			c.rng, unreachable = checkRange(rb, k, c.measure, ranges)
			problems = append(problems, unreachable...)
		}
		p.kpis[i] = c
	}
	if problems != nil {
		return nil, &rules.ValidationError{Problems: problems}
	}
	return p, nil
}

// checkRange works out the values the KPI's measure can give, reusing
// the range of the same source in ranges, and reports the target, bounds
// and floor the range puts out of reach.
func checkRange(rb *rules.Rulebook, k *rules.KPI, measure *expression, ranges map[string]rules.Range) (rules.Range, []*rules.Problem) {
	rng, ok := ranges[k.Measure.Source]
	if !ok {
		rng = measureRange(rb, measure.prog.Node())
		ranges[k.Measure.Source] = rng
	}
	return rng, k.Unreachable(rng, "the measure "+limits.Quote(k.Measure.Source))
}

// Rules returns the rulebook the program was compiled from.
func (p *Program) Rules() *rules.Rulebook { return p.rb }

// MeasureRange returns the values the i-th KPI's measure can give, as its
// expression and the fields' types imply: int and money fields are never
// negative, so fixed / jobs is never below 0. A KPI's declared unit is not
// taken into account; its Range holds that.
func (p *Program) MeasureRange(i int) rules.Range { return p.kpis[i].rng }

// sampleEnv declares each name an expression may use with a value of its type.
func sampleEnv(rb *rules.Rulebook) map[string]any {
	env := map[string]any{rules.MonthColumn: ""}
	for _, k := range rb.Keys {
		env[k] = ""
	}
	for _, f := range rb.Fields {
		if f.Type.Numeric() {
			env[f.Name] = decimal.Decimal{}
		} else {
			env[f.Name] = ""
		}
	}
	return env
}

func compileExpr(e rules.Expr, env map[string]any, want string) (*vm.Program, error) {
	if len(e.Source) > MaxSourceLen {
		return nil, fmt.Errorf("expression is %d characters long; at most %d", len(e.Source), MaxSourceLen)
	}
	if d := nesting(e.Source); d > MaxDepth {
		return nil, fmt.Errorf("expression nests brackets %d deep; at most %d", d, MaxDepth)
	}
	// expr runs the patches that do not repeat (literals, allowed) first,
	// then decimalOps until it changes nothing, then retype; its checker
	// then checks the rewritten tree afresh (see operators.go).
	types := typer{env: env}
	lang := &allowed{src: e.Source}
	opts := []expr.Option{
		expr.Env(env),
		expr.MaxNodes(MaxNodes),
		expr.DisableAllBuiltins(),
		expr.Patch(&literals{src: []rune(e.Source)}),
		expr.Patch(lang),
		expr.Patch(&decimalOps{typer: types}),
		expr.Patch(retype{}),
	}
	opts = append(opts, functions...)
	prog, err := expr.Compile(e.Source, opts...)
	if lang.err != nil {
		return nil, lang.err
	}
	if err != nil {
		return nil, err
	}
	if err := types.checkResolved(prog.Node(), e.Source); err != nil {
		return nil, err
	}
	if err := checkLiterals(prog.Node()); err != nil {
		return nil, err
	}
	got := prog.Node().Type()
	switch {
	case want == "number" && got != decType:
		return nil, fmt.Errorf("must give a number, but gives %s", typeName(got))
	case want == "bool" && got != boolType:
		return nil, fmt.Errorf("must give true or false, but gives %s", typeName(got))
	}
	return prog, nil
}

// nesting returns how deep brackets nest in an expression, outside quotes.
func nesting(src string) int {
	depth, deepest := 0, 0
	var quote rune
	escaped := false
	for _, c := range src {
		switch {
		case quote != 0 && escaped:
			escaped = false
		case quote != 0 && c == '\\':
			escaped = true
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// MaxLiteralDigits bounds the digits and decimal exponent of a number
// literal, so that arithmetic on it stays small.
const MaxLiteralDigits = limits.MaxLiteralDigits

// checkLiterals rejects number literals too large or too precise to be
// meant, such as 1e999999, whose arithmetic would need vast memory, and
// a literal round(x, places) could never take.
func checkLiterals(root ast.Node) error {
	var err error
	ast.Find(root, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.ConstantNode:
			v, ok := n.Value.(decimal.Decimal)
			if exp := v.Exponent(); ok && (exp > MaxLiteralDigits || exp < -MaxLiteralDigits || len(v.Coefficient().String()) > MaxLiteralDigits) {
				err = fmt.Errorf("a number literal is too large or too precise (at most %d digits and places)", MaxLiteralDigits)
			}
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "round" && len(n.Arguments) == 2 {
				if c, ok := n.Arguments[1].(*ast.ConstantNode); ok {
					if places, ok := c.Value.(decimal.Decimal); ok {
						err = checkPlaces(places)
					}
				}
			}
		}
		return false
	})
	return err
}

func typeName(t interface{ String() string }) string {
	if t == nil {
		return "a value of unknown type"
	}
	return goTypeName(t.String())
}

// exprProblem places a compile error inside the rulebook: the expression's
// own line and column are added to where its text starts.
func exprProblem(e rules.Expr, key string, err error) *rules.Problem {
	pos := e.Pos
	msg := err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		msg = fe.Message
		if fe.Line <= 1 && pos.Column > 0 {
			pos.Column += fe.Column
		} else if fe.Line > 1 {
			pos.Line += fe.Line - 1
			pos.Column = fe.Column + 1
		}
	}
	switch name, unknown := strings.CutPrefix(msg, "unknown name "); {
	case (strings.HasPrefix(msg, "invalid float literal") || strings.HasPrefix(msg, "invalid integer literal")) &&
		strings.Contains(msg, "value out of range"):
		msg = fmt.Sprintf("a number literal is too large or too precise (at most %d digits and places)", MaxLiteralDigits)
	case badLiteral.MatchString(msg):
		msg = fmt.Sprintf("%s is not a number (write digits with an optional decimal point, e.g. 1234.50)",
			limits.Quote(badLiteral.FindStringSubmatch(msg)[1]))
	case mismatched.MatchString(msg):
		msg = mismatched.ReplaceAllStringFunc(msg, func(m string) string {
			t := mismatched.FindStringSubmatch(m)
			return fmt.Sprintf("(%s and %s do not go together)", goTypeName(t[1]), goTypeName(t[2]))
		})
	case strings.Contains(msg, "exceeds maximum allowed nodes"):
		pos, msg = e.Pos, fmt.Sprintf("expression is too large: more than %d values, names and operations", MaxNodes)
	case unknown && regexp.MustCompile(`\b`+regexp.QuoteMeta(name)+`\s*\(`).MatchString(e.Source):
		msg = fmt.Sprintf("unknown function %s (expressions may use %s)", name, strings.Join(helperNames, ", "))
	}
	return &rules.Problem{Pos: pos, Key: key, Msg: fmt.Sprintf("%s in %s", msg, limits.Quote(e.Source))}
}

// badLiteral is how expr words a number literal it cannot read.
var badLiteral = regexp.MustCompile(`^invalid (?:float|integer) literal: strconv\.Parse\w+: parsing "(.*)": invalid syntax`)

// mismatched is how expr words an operation on values of two types.
var mismatched = regexp.MustCompile(`\(mismatched types (\S+) and (\S+)\)`)

// goTypeName names a Go type, by the name expr's checker gives it, as the
// rulebook reference does.
func goTypeName(t string) string {
	switch t {
	case "decimal.Decimal":
		return "a number"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "interface {}":
		return "values of different types"
	}
	return t
}

// helperNames are the functions an expression may call.
var helperNames = []string{"min", "max", "abs", "round", "pct"}
