package kpi

import (
	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/rules"
)

// CompileCondition compiles a boolean expression, such as an event
// source's filter, over the names in env: each declared with a value of
// its type, a decimal.Decimal for a number or a string for text. The
// expression has the language, the exact decimal arithmetic and the
// limits of a KPI expression. A problem comes back as a *rules.Problem
// placed in the rulebook at the expression's own line and column, under
// key. Run the program with an expr vm.VM over an environment of the same
// names; a division by zero fails with an error wrapping ErrUndefined.
func CompileCondition(e rules.Expr, key string, env map[string]any) (*vm.Program, *rules.Problem) {
	prog, err := compileExpr(e, env, "bool")
	if err != nil {
		return nil, exprProblem(e, key, err)
	}
	return prog, nil
}
