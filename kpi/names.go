package kpi

import (
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Name is a name an expression refers to — a key column, month or a
// field — and where: From and To are rune offsets in its source, so that
// the name is []rune(source)[From:To].
type Name struct {
	Name     string
	From, To int
}

// Names lists the names an expression's source refers to, in the order
// they appear, from its syntax tree: text in quotes and the helpers'
// names are not names. It is for showing an expression with its values
// (see runner.Explain); an expression that does not parse has none.
func Names(source string) []Name {
	tree, err := parser.Parse(source)
	if err != nil {
		return nil
	}
	v := names{callees: map[ast.Node]bool{}}
	ast.Walk(&tree.Node, &v)
	var out []Name
	for _, id := range v.ids {
		if !v.callees[id] {
			loc := id.Location()
			out = append(out, Name{Name: id.Value, From: loc.From, To: loc.To})
		}
	}
	slices.SortStableFunc(out, func(a, b Name) int { return a.From - b.From })
	return out
}

// names collects the identifiers of a tree and the callees of its calls,
// which name functions, not values.
type names struct {
	ids     []*ast.IdentifierNode
	callees map[ast.Node]bool
}

// Visit records an identifier or a call's callee.
func (v *names) Visit(n *ast.Node) {
	switch n := (*n).(type) {
	case *ast.IdentifierNode:
		v.ids = append(v.ids, n)
	case *ast.CallNode:
		v.callees[n.Callee] = true
	}
}
