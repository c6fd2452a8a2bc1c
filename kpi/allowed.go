package kpi

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// allowed rejects the parts of expr's language a KPI expression has no
// use for and that would break its guarantees: let (which squares a value
// in a few nodes, past the limits on size), lists and in (which compare
// decimals by their text, not their value), member access, ranges,
// maps, matches, nil, ?? and $env. What is left is arithmetic, comparisons,
// and/or/not, ?: and if/else, text comparisons and the helper functions.
type allowed struct {
	src  string
	err  error
	from int // where the construct err reports starts
}

// allowedOperators are the binary operators left after arithmetic and
// comparisons on numbers become calls of the decimal helpers.
var allowedOperators = map[string]bool{
	"and": true, "or": true, "&&": true, "||": true,
	"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"+": true, "-": true, "*": true, "/": true,
	"contains": true, "startsWith": true, "endsWith": true,
}

// Visit records the node, first in the source, that the language of KPI
// expressions leaves out.
func (a *allowed) Visit(node *ast.Node) {
	loc := (*node).Location()
	if a.err != nil && loc.From >= a.from {
		return
	}
	what := ""
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if n.Value == "$env" {
			what = "$env"
		}
	case *ast.IntegerNode, *ast.FloatNode, *ast.ConstantNode,
		*ast.StringNode, *ast.BoolNode, *ast.ConditionalNode:
	case *ast.CallNode:
		if _, ok := n.Callee.(*ast.IdentifierNode); !ok {
			what = "calling the result of an expression"
		}
	case *ast.UnaryNode:
		if n.Operator != "!" && n.Operator != "not" && n.Operator != "-" && n.Operator != "+" {
			what = "the operator " + n.Operator
		}
	case *ast.BinaryNode:
		if !allowedOperators[n.Operator] {
			what = "the operator " + n.Operator
		}
	case *ast.VariableDeclaratorNode:
		what = "let"
	case *ast.SequenceNode:
		what = "; between expressions"
	case *ast.ArrayNode:
		what = "a list"
	case *ast.MapNode, *ast.PairNode:
		what = "a map"
	case *ast.MemberNode, *ast.ChainNode, *ast.SliceNode:
		what = "member access or indexing"
	case *ast.NilNode:
		what = "nil"
	default:
		what = fmt.Sprintf("this construct (%T)", n)
	}
	if what != "" {
		a.from = loc.From
		e := &file.Error{Location: loc,
			Message: what + " is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions)"}
		a.err = e.Bind(file.NewSource(a.src))
	}
}
