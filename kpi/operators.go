package kpi

import (
	"fmt"
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/file"
)

// Operators on numbers become calls of the decimal helpers: a + b is
// add(a, b), a < b is lt(a, b), -a is neg(a). expr's own operator
// overloading (expr.Operator) cannot be trusted with this. It goes by the
// types expr's checker has given the operands, and the checker types a
// call once and never looks inside it again: it takes the call's type as
// set. Its first pass runs before number literals are decimals, so below
// a call such as abs(pct(jobs, 2) + 1) or max((jobs > 0 ? done / jobs :
// rate) * 100, 0) the operands would keep the types of that first pass,
// + or * would be left as it is, and the program would fail when run with
// "invalid operation". For the same reason a type error inside a call, as
// in abs(abs(note)), would go unreported.
//
// So decimalOps rewrites the operators by types it works out from the
// tree itself; retype then clears the checker's types, so that its final
// pass checks the whole tree afresh; and checkResolved verifies the
// compiled tree, failing at load if an operator on numbers is left.

var stringType = reflect.TypeOf("")

// typer works out the Go type of an expression from the tree alone: a
// name's from the environment, a helper's result from its signature. It
// gives nil for a type it cannot tell, such as that of a ?: whose
// branches differ.
type typer struct{ env map[string]any }

func (t typer) of(n ast.Node) reflect.Type {
	switch n := n.(type) {
	case *ast.ConstantNode:
		return reflect.TypeOf(n.Value)
	case *ast.StringNode:
		return stringType
	case *ast.BoolNode:
		return boolType
	case *ast.IdentifierNode:
		if v, ok := t.env[n.Value]; ok {
			return reflect.TypeOf(v)
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && helperTypes[id.Value] != nil {
			return helperTypes[id.Value].Out(0)
		}
	case *ast.ConditionalNode:
		if a := t.of(n.Exp1); a == t.of(n.Exp2) {
			return a
		}
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			return boolType
		}
		return t.of(n.Node)
	case *ast.BinaryNode:
		return t.binary(n)
	}
	return nil
}

// logical are the binary operators that give true or false whatever
// their operands.
var logical = map[string]bool{
	"and": true, "or": true, "&&": true, "||": true,
	"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"contains": true, "startsWith": true, "endsWith": true,
}

func (t typer) binary(n *ast.BinaryNode) reflect.Type {
	switch n.Operator {
	case "+", "-", "*", "/":
		if a := t.of(n.Left); a == t.of(n.Right) {
			return a
		}
		return nil
	}
	if logical[n.Operator] {
		return boolType
	}
	return nil
}

// decimalOps rewrites every operator on numbers as a call of its helper,
// folds - on a number literal into the literal and drops a unary +. It
// walks the tree children first, so one pass also rewrites an operator
// whose operands are rewritten below it; it repeats until a pass changes
// nothing.
type decimalOps struct {
	typer
	applied bool
}

// Reset starts another pass.
func (p *decimalOps) Reset() { p.applied = false }

// ShouldRepeat asks for another pass after a rewrite.
func (p *decimalOps) ShouldRepeat() bool { return p.applied }

// Visit rewrites the node if it is an operator on numbers.
func (p *decimalOps) Visit(node *ast.Node) {
	var n ast.Node
	switch o := (*node).(type) {
	case *ast.BinaryNode:
		name, ok := operatorHelpers[o.Operator]
		if !ok || p.of(o.Left) != decType || p.of(o.Right) != decType {
			return
		}
		n = &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: []ast.Node{o.Left, o.Right}}
	case *ast.UnaryNode:
		if (o.Operator != "-" && o.Operator != "+") || p.of(o.Node) != decType {
			return
		}
		switch c, isConst := o.Node.(*ast.ConstantNode); {
		case o.Operator == "+":
			n = o.Node
		case isConst:
			n = &ast.ConstantNode{Value: c.Value.(dec).Neg()}
		default:
			n = &ast.CallNode{Callee: &ast.IdentifierNode{Value: "neg"}, Arguments: []ast.Node{o.Node}}
		}
	default:
		return
	}
	ast.Patch(node, n)
	p.applied = true
}

// retype clears the type expr's checker gave each node. It runs after
// decimalOps, last, so that the checker's final pass types and checks the
// whole tree afresh rather than keep a call's type from a pass before the
// rewrites and skip what lies inside it.
type retype struct{}

// Visit clears the node's type.
func (retype) Visit(node *ast.Node) { (*node).SetNature(nature.Nature{}) }

// Reset does nothing: retype has nothing to track.
func (retype) Reset() {}

// ShouldRepeat is false: clearing types never calls for another pass,
// but being repeatable puts retype among the passes after decimalOps.
func (retype) ShouldRepeat() bool { return false }

// checkResolved verifies a compiled expression's tree: no operator is left
// on numbers, which would fail when evaluated with "invalid operation";
// both branches of every condition give the same kind of value; every
// helper is given numbers; and every part but a function's name gives a
// number, text, or true or false. expr's checker should have rejected all
// but the first; this makes sure none reaches evaluation. It reports the
// first problem it meets, inner expressions first, placed in src.
func (t typer) checkResolved(root ast.Node, src string) error {
	callees := map[ast.Node]bool{}
	ast.Find(root, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallNode); ok {
			callees[c.Callee] = true
		}
		return false
	})
	var e *file.Error
	ast.Find(root, func(n ast.Node) bool {
		if e == nil && !callees[n] {
			e = t.unresolved(n)
		}
		return false
	})
	if e == nil {
		return nil
	}
	return e.Bind(file.NewSource(src))
}

// unresolved describes what is wrong with the node itself, or gives nil.
// Every part of an expression but a function's name must give a number,
// text, or true or false.
func (t typer) unresolved(n ast.Node) *file.Error {
	if e := t.misused(n); e != nil || t.of(n) != nil {
		return e
	}
	return &file.Error{Location: n.Location(), Message: "cannot tell whether this gives a number, text, or true or false"}
}

// misused reports an operator left on numbers, a condition whose branches
// differ, a helper given something else than numbers, or a function's
// name used as a value.
func (t typer) misused(n ast.Node) *file.Error {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if _, ok := t.env[n.Value]; !ok && helperTypes[n.Value] != nil {
			return &file.Error{Location: n.Location(), Message: fmt.Sprintf("%s is a function: call it, as in %s(x)", n.Value, n.Value)}
		}
	case *ast.BinaryNode:
		if operatorHelpers[n.Operator] != "" && (t.of(n.Left) == decType || t.of(n.Right) == decType) {
			return leftOn(n, n.Operator)
		}
	case *ast.UnaryNode:
		if (n.Operator == "-" || n.Operator == "+") && t.of(n.Node) == decType {
			return leftOn(n, n.Operator)
		}
	case *ast.ConditionalNode:
		if a, b := t.of(n.Exp1), t.of(n.Exp2); a != b || a == nil {
			what, at := "?:", n.Exp2
			if !n.Ternary {
				what = "if/else"
			}
			for c, ok := at.(*ast.ConditionalNode); ok; c, ok = at.(*ast.ConditionalNode) {
				at = c.Exp2 // a condition is placed at its end, or nowhere
			}
			return &file.Error{Location: at.Location(),
				Message: fmt.Sprintf("the branches of %s give %s and %s; both must give the same kind of value", what, typeName(a), typeName(b))}
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && helperTypes[id.Value] != nil {
			for i, a := range n.Arguments {
				if got := t.of(a); got != decType {
					return &file.Error{Location: a.Location(),
						Message: fmt.Sprintf("%s takes numbers, but its argument %d gives %s", id.Value, i+1, typeName(got))}
				}
			}
		}
	}
	return nil
}

func leftOn(n ast.Node, op string) *file.Error {
	return &file.Error{Location: n.Location(),
		Message: fmt.Sprintf("the operator %s on a number is left unresolved and would fail when evaluated", op)}
}
