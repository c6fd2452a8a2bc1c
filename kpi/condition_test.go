package kpi_test

import (
	"errors"
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// condEnv declares the names the condition tests use: text and numbers.
var condEnv = map[string]any{"priority": "", "status": "", "cost": decimal.Decimal{}, "hours": decimal.Decimal{}}

// evalCondition evaluates a condition on values by name, with the fast
// path or the VM only.
func evalCondition(t *testing.T, c *kpi.Condition, vals map[string]string, vm bool) (bool, int, error) {
	t.Helper()
	x := c.NewEvaluator()
	if vm {
		x.UseVM()
	}
	for i, name := range c.Names() {
		if _, number := condEnv[name].(decimal.Decimal); number {
			x.Number(i, decimal.RequireFromString(vals[name]))
		} else {
			x.Text(i, vals[name])
		}
	}
	ok, err := x.Eval()
	return ok, x.VMRuns(), err
}

// A condition gives the VM's result, exactly, on the fast path where the
// values fit in fixed point and by the VM where they do not; a division
// by zero is undefined, another failure the VM's.
func TestCondition(t *testing.T) {
	const big = "123456789012345678901234.5" // does not fit in fixed point
	for _, tc := range []struct {
		src    string
		vals   map[string]string
		want   bool
		err    string
		vmRuns int
	}{
		{`priority == "urgent" && cost >= 0.1 + 0.2`, map[string]string{"priority": "urgent", "cost": "0.3"}, true, "", 0},
		{`priority == "urgent" && cost >= 0.1 + 0.2`, map[string]string{"priority": "urgent", "cost": "0.29"}, false, "", 0},
		{`priority == "urgent" && cost >= 0.1 + 0.2`, map[string]string{"priority": "routine", "cost": "1"}, false, "", 0},
		{`status != "cancelled" and (cost / hours > 2 or priority startsWith "em")`, map[string]string{"status": "done", "priority": "emergency", "cost": "1", "hours": "1"}, true, "", 0},
		{`cost / hours > 2`, map[string]string{"cost": "1", "hours": "0"}, false, "division by zero: undefined", 0},
		{`cost > 1`, map[string]string{"cost": big}, true, "", 1},
		{`round(cost, hours) > 1`, map[string]string{"cost": "2", "hours": "40"}, false, "round", 1},
	} {
		t.Run(tc.src, func(t *testing.T) {
			c, p := kpi.CompileCondition(rules.Expr{Source: tc.src}, "where", condEnv)
			require.Nil(t, p)
			assert.True(t, c.Covered(), "the closures cover the condition")
			for _, vm := range []bool{false, true} {
				got, runs, err := evalCondition(t, c, tc.vals, vm)
				if tc.err != "" {
					require.ErrorContains(t, err, tc.err, "vm %v", vm)
					assert.Equal(t, tc.err == "division by zero: undefined", errors.Is(err, kpi.ErrUndefined))
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tc.want, got, "vm %v", vm)
				if !vm {
					assert.Equal(t, tc.vmRuns, runs, "evaluations by the VM")
				}
			}
		})
	}
}

// A condition the fast path covers allocates nothing.
func TestConditionAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	c, p := kpi.CompileCondition(rules.Expr{Source: `priority == "urgent" && cost >= 0.1 + 0.2`}, "where", condEnv)
	require.Nil(t, p)
	x := c.NewEvaluator()
	cost := decimal.RequireFromString("12.5")
	require.Zero(t, testing.AllocsPerRun(100, func() {
		x.Text(0, "urgent")
		x.Number(1, cost)
		if ok, err := x.Eval(); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}))
}

// Problems are placed at the expression in the rulebook.
func TestCompileConditionProblems(t *testing.T) {
	at := rules.Pos{File: "r.yaml", Line: 4, Column: 10}
	for _, tc := range []struct{ src, want string }{
		{"cost * 2", `r.yaml:4:10: where: must give true or false, but gives a number in "cost * 2"`},
		{"colour == 1", `r.yaml:4:10: where: unknown name colour in "colour == 1"`},
	} {
		_, p := kpi.CompileCondition(rules.Expr{Source: tc.src, Pos: at}, "where", condEnv)
		require.NotNil(t, p)
		assert.Equal(t, tc.want, p.Error())
	}
}
