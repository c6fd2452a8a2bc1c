package kpi

import (
	"slices"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// operatorEnv declares the names of the expressions below; operatorRow
// gives them values.
var (
	operatorEnv = map[string]any{"done": dec{}, "jobs": dec{}, "rate": dec{}, "note": "", "month": ""}
	operatorRow = map[string]any{"done": decimal.NewFromInt(2), "jobs": decimal.NewFromInt(3),
		"rate": decimal.RequireFromString("-1.5"), "note": "n", "month": "2025-03"}
)

// rawOps are the opcodes of expr's own arithmetic and comparisons, which
// fail on decimals with "invalid operation" (or, for ==, compare their
// representations).
var rawOps = []vm.Opcode{vm.OpNegate, vm.OpEqual, vm.OpEqualInt,
	vm.OpLess, vm.OpMore, vm.OpLessOrEqual, vm.OpMoreOrEqual,
	vm.OpAdd, vm.OpSubtract, vm.OpMultiply, vm.OpDivide, vm.OpModulo, vm.OpExponent}

// Every operator on numbers becomes exact decimal arithmetic, however it
// nests in helpers, conditions and if/else: the program gives the exact
// value, and one without text holds none of expr's own arithmetic or
// comparisons.
func TestOperatorsNested(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"abs(pct(jobs, 2) + 1)", "151"},
		{"max((jobs > 0 ? done / jobs : rate) * 100, 0)", "66.66666666666667"},
		{"max((jobs > 3 ? done / jobs : rate) * 100, 0)", "0"},
		{"abs(rate) > (jobs > 2 ? done : jobs) ? 1 : 0", "0"},
		{"max(0, done >= (jobs > 2 ? (done > 1 ? 2 : 3) : 4) ? 1 : -1)", "1"},
		{"(done > 1 ? jobs : done) <= (rate < 0 ? abs(rate) * 2 : 0) ? 1 : 2", "1"},
		{"min(1, (jobs == 3 ? done : jobs) != (rate != 0 ? 2 : 0) ? 5 : 7)", "1"},
		{"-abs(rate) + 1", "-0.5"},
		{"abs(-pct(done, jobs))", "66.6666666666666667"},
		{"-min(done, jobs) * -max(done, jobs)", "6"},
		{"round(-(done / jobs), 2)", "-0.67"},
		{"max(-round(rate, 0), -abs(rate - 1))", "2"},
		{"+abs(rate) - +1", "0.5"},
		{"abs(if jobs > done { done - jobs } else { jobs - done })", "1"},
		{"(if rate < 0 { -rate } else { rate }) * 2", "3"},
		{"min((if done == 2 { jobs } else { 0 }) + 1, 10)", "4"},
		{"max(if rate > 0 { 1 } else if done > jobs { 2 } else { abs(rate) * 2 }, 0) - 1", "2"},
		{"round(pct(min(done, jobs) + 1, max(jobs, 1) * 2) - abs(rate), 2)", "48.5"},
		{"pct(abs(rate - done), round(jobs / 7, 1) + 1)", "250"},
		{"max(min(done * 2, jobs + 1), abs(rate) * 2) - min(-done, -jobs)", "7"},
		{"abs(0.1 + 0.2 - 0.3) == 0 ? 1 : 0", "1"},
		{"max(0.1 + 0.2 == 0.3 ? 1 : 0, 0)", "1"},
		{"abs((note == 'n' and done < jobs) || not (rate >= 0) ? rate : done)", "1.5"},
		{"month < '2025-04' ? abs(rate * 2) : 0", "3"},
	} {
		prog, err := compileExpr(rules.Expr{Source: tc.src}, operatorEnv, "number")
		require.NoError(t, err, tc.src)
		for _, op := range prog.Bytecode {
			require.False(t, !strings.Contains(tc.src, "'") && slices.Contains(rawOps, op), "%s compiles to opcode %d:\n%s", tc.src, op, prog.Disassemble())
		}
		got, err := vm.Run(prog, operatorRow)
		require.NoError(t, err, tc.src)
		require.True(t, decimal.RequireFromString(tc.want).Equal(got.(dec)), "%s gives %s, want %s", tc.src, got, tc.want)
	}
}

// Conditions (applies) rewrite their operators on numbers too.
func TestOperatorsInConditions(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"abs(rate) > (jobs > 0 ? 1 : 2)", true},
		{"-abs(rate) < min(done, jobs) and pct(done, jobs) != 0", true},
		{"(if done > 1 { rate } else { 0 }) * 2 == -3", true},
		{"round(done / jobs, 1) > 0.7 || note != 'n'", false},
	} {
		prog, err := compileExpr(rules.Expr{Source: tc.src}, operatorEnv, "bool")
		require.NoError(t, err, tc.src)
		got, err := vm.Run(prog, operatorRow)
		require.NoError(t, err, tc.src)
		require.Equal(t, tc.want, got, tc.src)
	}
}

// A type error inside a helper's arguments is found at load, placed at
// the operator or argument, as it is at the top of an expression.
func TestTypeErrorsInsideHelpers(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"abs(abs(note))", "cannot use string as argument (type decimal.Decimal) to call abs  (1:9)"},
		{"max(done + note, 1)", "invalid operation: + (mismatched types decimal.Decimal and string) (1:10)"},
		{"abs(done == note ? 1 : 0)", "invalid operation: == (mismatched types decimal.Decimal and string) (1:10)"},
		{"abs(round(done))", "not enough arguments to call round (1:5)"},
		{"min(abs(1, 2), 3)", "too many arguments to call abs (1:5)"},
		{"abs(-note)", "invalid operation: - (mismatched type string) (1:5)"},
		{"abs(jobs > 0 ? 1 : note)", "the branches of ?: give a number and text; both must give the same kind of value (1:20)"},
		{"max(if jobs > 0 { 1 } else { note }, 0)", "the branches of if/else give a number and text; both must give the same kind of value (1:30)"},
		{"if jobs > 0 { 1 } else if done > 0 { note } else { month }", "the branches of if/else give a number and text; both must give the same kind of value (1:52)"},
		{"jobs > 0 ? done > 1 : 1", "the branches of ?: give true or false and a number; both must give the same kind of value (1:23)"},
	} {
		_, err := compileExpr(rules.Expr{Source: tc.src}, operatorEnv, "number")
		var fe *file.Error
		require.ErrorAs(t, err, &fe, tc.src)
		require.Equal(t, tc.want, fe.Error()[:len(tc.want)], tc.src)
	}
}

// checkResolved fails loudly on an operator on numbers left unresolved,
// on a helper given something else than numbers, and on a part of the
// expression of no known type, whatever let them through.
func TestCheckResolved(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"abs(done + 1)", "the operator + on a number is left unresolved and would fail when evaluated (1:10)"},
		{"max(1, rate < done ? 1 : 0)", "the operator < on a number is left unresolved and would fail when evaluated (1:13)"},
		{"abs(-done)", "the operator - on a number is left unresolved and would fail when evaluated (1:5)"},
		{"abs(note)", "abs takes numbers, but its argument 1 gives text (1:5)"},
		{"pct(done, month)", "pct takes numbers, but its argument 2 gives text (1:11)"},
		{"round(1, true)", "round takes numbers, but its argument 2 gives true or false (1:10)"},
		{"'a' + 'b' == note and done > 1 ? 1 : 0", "the operator > on a number is left unresolved and would fail when evaluated (1:28)"},
		{"max == min ? 1 : 0", "max is a function: call it, as in max(x) (1:1)"},
		{"done.x", "cannot tell whether this gives a number, text, or true or false (1:6)"},
	} {
		err := typer{env: operatorEnv}.checkResolved(parseOnly(t, tc.src), tc.src)
		require.Error(t, err, tc.src)
		require.Equal(t, tc.want, err.Error()[:len(tc.want)], tc.src)
	}
	for _, src := range []string{"abs(add(done, 1))", "note + 'x' == 'nx' ? 1 : 0", "month >= '2025-01' and not (note == 'n')"} {
		require.NoError(t, typer{env: operatorEnv}.checkResolved(parseOnly(t, src), src), src)
	}
}

// parseOnly parses an expression as Compile does, with decimal literals,
// but leaves its operators as they are.
func parseOnly(t *testing.T, src string) ast.Node {
	c := conf.CreateNew()
	for _, opt := range append([]expr.Option{expr.DisableAllBuiltins()}, functions...) {
		opt(c)
	}
	for name := range c.Disabled {
		delete(c.Builtins, name)
	}
	tree, err := parser.ParseWithConfig(src, c)
	require.NoError(t, err, src)
	ast.Walk(&tree.Node, &literals{src: []rune(src)})
	return tree.Node
}
