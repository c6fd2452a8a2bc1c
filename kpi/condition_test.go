package kpi_test

import (
	"testing"

	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A condition compiles against any names, with KPI expressions' exact
// decimals, and reports problems at their place in the rulebook.
func TestCompileCondition(t *testing.T) {
	env := map[string]any{"priority": "", "cost": decimal.Decimal{}}
	prog, p := kpi.CompileCondition(rules.Expr{Source: `priority == "urgent" && cost >= 0.1 + 0.2`}, "where", env)
	require.Nil(t, p)
	for _, tc := range []struct {
		priority, cost string
		want           bool
	}{{"urgent", "0.3", true}, {"urgent", "0.29", false}, {"routine", "1", false}} {
		out, err := vm.Run(prog, map[string]any{"priority": tc.priority, "cost": decimal.RequireFromString(tc.cost)})
		require.NoError(t, err)
		assert.Equal(t, tc.want, out, "%v", tc)
	}
	_, p = kpi.CompileCondition(rules.Expr{Source: "cost * 2", Pos: rules.Pos{File: "r.yaml", Line: 4, Column: 10}}, "where", env)
	require.NotNil(t, p)
	assert.Equal(t, `r.yaml:4:10: where: must give true or false, but gives a number in "cost * 2"`, p.Error())
	_, p = kpi.CompileCondition(rules.Expr{Source: "colour == 1", Pos: rules.Pos{File: "r.yaml", Line: 4, Column: 10}}, "where", env)
	require.NotNil(t, p)
	assert.Equal(t, `r.yaml:4:10: where: unknown name colour in "colour == 1"`, p.Error())
}
