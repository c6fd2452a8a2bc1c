package rules

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// reader turns YAML nodes into values, collecting a problem for every node
// that does not fit instead of stopping at the first.
type reader struct {
	problems
	// files maps nodes that came from another file (a scenario file) to
	// that file's name; every other node belongs to problems.file.
	files map[*yaml.Node]string
	// overlay marks the nodes a scenario brought, when reading its
	// rulebook, so a problem they cause can be placed at them.
	overlay map[*yaml.Node]bool
	// specs holds the scenarios read, to be applied once the baseline is valid.
	specs         []*scenarioSpec
	amendments    []*scenarioSpec
	specProblems  []*Problem
	amendProblems []*Problem
	// swept is where a sweep's value went, when reading terms that a
	// sweep's member runs under.
	swept *sweptKPI
}

func (r *reader) pos(n *yaml.Node) Pos {
	file := r.file
	if f, ok := r.files[n]; ok {
		file = f
	}
	if n == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: n.Line, Column: n.Column}
}

func (r *reader) errorf(n *yaml.Node, key, format string, args ...any) {
	r.add(r.pos(n), key, format, args...)
}

// entry is one key of a mapping with the node of its key and of its value.
type entry struct {
	key   *yaml.Node
	value *yaml.Node
}

// mapping reads a mapping node, reporting unknown and repeated keys. It
// returns the entries by key name; nil if n is not a mapping.
func (r *reader) mapping(n *yaml.Node, key string, known ...string) map[string]entry {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		r.errorf(n, key, "must be a mapping, not %s", describe(n))
		return nil
	}
	out := make(map[string]entry, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		name := k.Value
		switch {
		case k.Kind != yaml.ScalarNode:
			r.errorf(k, key, "keys must be plain names")
			continue
		case known != nil && !slices.Contains(known, name):
			r.errorf(k, join(key, name), "unknown key (expected one of: %s)", strings.Join(known, ", "))
			continue
		}
		if _, dup := out[name]; dup {
			r.errorf(k, join(key, name), "key is repeated")
			continue
		}
		out[name] = entry{k, v}
	}
	return out
}

// required reports a missing key of mapping n.
func (r *reader) required(m map[string]entry, n *yaml.Node, key string, names ...string) {
	for _, name := range names {
		if _, ok := m[name]; !ok {
			r.errorf(n, key, "missing required key %q", name)
		}
	}
}

func (r *reader) scalar(n *yaml.Node, key, want string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, key, "must be %s, not %s", want, describe(n))
		return "", false
	}
	return n.Value, true
}

// str reads text: not empty, and without control characters other than
// tabs and line breaks.
func (r *reader) str(n *yaml.Node, key string) (string, bool) {
	n = deref(n)
	s, ok := r.scalar(n, key, "text")
	if !ok {
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		r.errorf(n, key, "must not be empty")
		return "", false
	}
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		c, _ := utf8.DecodeRuneInString(s[i:])
		r.errorf(n, key, "must not hold control characters, but holds U+%04X", c)
		return "", false
	}
	return s, true
}

// isControl reports a control character other than a tab or line break.
func isControl(c rune) bool {
	return unicode.IsControl(c) && c != '\t' && c != '\n' && c != '\r'
}

// id reads the id of a KPI, service area or scenario: one line of at most
// limits.MaxNameBytes bytes, as messages and outputs show it whole.
func (r *reader) id(n *yaml.Node, key string) (string, bool) {
	s, ok := r.str(n, key)
	if ok && limits.Name(s) != s {
		r.errorf(n, key, "an id must be one line of at most %d bytes without control or formatting characters", limits.MaxNameBytes)
		return "", false
	}
	return s, ok
}

// dec reads a number exactly from its text, never through a float: at
// most limits.MaxLiteralDigits digits and places, as in an expression.
func (r *reader) dec(n *yaml.Node, key string) (Decimal, bool) {
	n = deref(n)
	s, ok := r.scalar(n, key, "a number")
	if !ok {
		return Decimal{}, false
	}
	if n.Tag != "!!int" && n.Tag != "!!float" || strings.ContainsAny(s, "xXoObB_:") {
		r.errorf(n, key, "must be a number, not %s", limits.Quote(s))
		return Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		r.errorf(n, key, "must be a decimal number, not %s", limits.Quote(s))
		return Decimal{}, false
	}
	if exp := d.Exponent(); exp > limits.MaxLiteralDigits || exp < -limits.MaxLiteralDigits ||
		len(new(big.Int).Abs(d.Coefficient()).String()) > limits.MaxLiteralDigits {
		r.errorf(n, key, "must be a number of at most %d digits and places, not %s", limits.MaxLiteralDigits, limits.Quote(s))
		return Decimal{}, false
	}
	return d, true
}

// nonNeg reads a number that must not be negative.
func (r *reader) nonNeg(n *yaml.Node, key string) (Decimal, bool) {
	d, ok := r.dec(n, key)
	if ok && d.IsNegative() {
		r.errorf(n, key, "must not be negative, got %s", d)
		return d, false
	}
	return d, ok
}

func (r *reader) decPtr(n *yaml.Node, key string) *Decimal {
	d, ok := r.nonNeg(n, key)
	if !ok {
		return nil
	}
	return &d
}

func (r *reader) integer(n *yaml.Node, key string, min int) (int, bool) {
	n = deref(n)
	s, ok := r.scalar(n, key, "a whole number")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		r.errorf(n, key, "must be a whole number, not %s", limits.Quote(s))
		return 0, false
	}
	if v < min {
		r.errorf(n, key, "must be at least %d, got %d", min, v)
		return 0, false
	}
	return v, true
}

func (r *reader) boolean(n *yaml.Node, key string) bool {
	n = deref(n)
	s, ok := r.scalar(n, key, "true or false")
	if !ok {
		return false
	}
	if n.Tag != "!!bool" {
		r.errorf(n, key, "must be true or false, not %s", limits.Quote(s))
		return false
	}
	return s == "true" || s == "True" || s == "TRUE"
}

func (r *reader) month(n *yaml.Node, key string) *Month {
	s, ok := r.scalar(n, key, "a month (YYYY-MM)")
	if !ok {
		return nil
	}
	m, err := ParseMonth(s)
	if err != nil {
		r.errorf(n, key, "%v", err)
		return nil
	}
	return &m
}

func (r *reader) seq(n *yaml.Node, key string) []*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, key, "must be a list, not %s", describe(n))
		return nil
	}
	return n.Content
}

// strList reads a list of distinct non-empty strings.
func (r *reader) strList(n *yaml.Node, key string) []string {
	var out []string
	seen := map[string]bool{}
	for i, item := range r.seq(n, key) {
		item = deref(item)
		k := key + "[" + strconv.Itoa(i) + "]"
		s, ok := r.str(item, k)
		if !ok {
			continue
		}
		if seen[s] {
			r.errorf(item, k, "%s is listed twice", limits.Quote(s))
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// expr reads an expression and where its text starts in the file.
func (r *reader) expr(n *yaml.Node, key string) Expr {
	n = deref(n)
	s, ok := r.str(n, key)
	if !ok {
		return Expr{}
	}
	p := r.pos(n)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		p.Column++
	case yaml.LiteralStyle, yaml.FoldedStyle:
		p.Line++
		p.Column = 0
	}
	return Expr{Source: s, Pos: p}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "empty"
	}
	return limits.Quote(n.Value)
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// deref follows an alias (*name) to the node it names. The YAML parser
// rejects an anchor that contains itself, so this cannot loop.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// idOr returns the value of mapping n's id key, for naming its problems,
// or key when it has none.
func idOr(n *yaml.Node, key string) string {
	if n.Kind == yaml.MappingNode {
		if id := getKey(n, "id"); id != nil && id.Kind == yaml.ScalarNode && id.Value != "" {
			return id.Value
		}
	}
	return key
}
