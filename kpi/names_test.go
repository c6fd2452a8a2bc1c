package kpi

import (
	"slices"
	"testing"

	"github.com/expr-lang/expr/conf"
	"github.com/kpicredit/kpicredit/rules"
)

// A column named like a function an expression may call would shadow it
// (and crash expr's type checks): rules must reserve every function kpi
// registers.
func TestFunctionsAreReserved(t *testing.T) {
	c := conf.CreateNew()
	for _, opt := range functions {
		opt(c)
	}
	if len(c.Functions) < len(helperNames) {
		t.Fatalf("found %d functions, fewer than the %d helpers", len(c.Functions), len(helperNames))
	}
	for name := range c.Functions {
		if !slices.Contains(rules.ReservedNames, name) {
			t.Errorf("function %s is not in rules.ReservedNames", name)
		}
	}
}
