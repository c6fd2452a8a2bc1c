package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// readDocument reads one YAML document of at most limits.MaxYAMLBytes,
// turning every problem — text that is not UTF-8 or holds a control
// character, a syntax error, nesting too deep, a tag, an alias inside
// what it names — into a problem with a position.
func readDocument(name string, r io.Reader) (*yaml.Node, error) {
	src, err := io.ReadAll(io.LimitReader(r, limits.MaxYAMLBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if p, msg := checkText(src); msg != "" {
		p.File = name
		return nil, single(p, "", "%s", msg)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, single(Pos{File: name, Line: 1}, "", "the file is empty")
		}
		return nil, yamlSyntaxError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, single(Pos{File: name, Line: extra.Line, Column: extra.Column}, "",
			"holds more than one YAML document")
	}
	if len(doc.Content) == 0 {
		return nil, single(Pos{File: name, Line: 1}, "", "the file is empty")
	}
	if n, msg := checkTree(doc.Content[0], 1, nil); n != nil {
		return nil, single(Pos{File: name, Line: n.Line, Column: n.Column}, "", "%s", msg)
	}
	return doc.Content[0], nil
}

// checkText finds the first thing in a file's text that a rulebook may
// not hold: bytes that are not UTF-8, a control character (any but tab and
// line ends), a byte order mark after the start, or text beyond
// limits.MaxYAMLBytes. It returns where it is and what is wrong, or "".
func checkText(src []byte) (Pos, string) {
	line, col := 1, 1
	for i := 0; i < len(src); {
		if i == limits.MaxYAMLBytes {
			return Pos{Line: line, Column: col}, fmt.Sprintf("the file is larger than %d bytes (1 MiB)", limits.MaxYAMLBytes)
		}
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return Pos{Line: line, Column: col}, "the file is not valid UTF-8 text"
		case r == '\ufeff' && i > 0:
			return Pos{Line: line, Column: col}, "a byte order mark (U+FEFF) after the start of the file"
		case r < ' ' && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r <= 0x9f:
			return Pos{Line: line, Column: col}, fmt.Sprintf("a control character (U+%04X): the file must be plain text", r)
		case r == '\n':
			line, col = line+1, 0
		}
		col++
		i += size
	}
	return Pos{}, ""
}

// checkTree finds the first node nested deeper than limits.MaxYAMLDepth,
// carrying an explicit tag, or an alias (*name) inside the value it names
// (which would read as a value inside itself); depth is n's. It returns
// the node and what is wrong with it, or nil.
func checkTree(n *yaml.Node, depth int, open []*yaml.Node) (*yaml.Node, string) {
	switch {
	case depth > limits.MaxYAMLDepth:
		return n, fmt.Sprintf("mappings and lists nest more than %d deep", limits.MaxYAMLDepth)
	case n.Style&yaml.TaggedStyle != 0:
		return n, fmt.Sprintf("the tag %s is not accepted: write values without YAML tags (quote a value to make it text)", limits.Name(n.Tag))
	case n.Kind == yaml.AliasNode && slices.Contains(open, n.Alias):
		kind := map[yaml.Kind]string{yaml.SequenceNode: "list", yaml.MappingNode: "mapping"}[n.Alias.Kind]
		return n, fmt.Sprintf("alias *%s refers to the %s that contains it", limits.Name(n.Value), kind)
	}
	open = append(open, n)
	for _, c := range n.Content {
		if bad, msg := checkTree(c, depth+1, open); bad != nil {
			return bad, msg
		}
	}
	return nil, ""
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlSyntaxError places a YAML parser error. The parser leaves out the
// line of an error on the first line; it is given as line 1.
func yamlSyntaxError(name string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	p := Pos{File: name, Line: 1}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			p.Line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
		// The YAML parser counts these errors' lines from 0, the rest from 1.
		if m[1] != "" && (strings.HasPrefix(msg, "did not find expected") || strings.HasPrefix(msg, "found a tab character")) {
			p.Line++
		}
	}
	if strings.HasPrefix(msg, "exceeded max depth") {
		// The parser's own bound, far beyond limits.MaxYAMLDepth.
		msg = fmt.Sprintf("mappings and lists nest more than %d deep", limits.MaxYAMLDepth)
	}
	return single(p, "", "invalid YAML: %s", msg)
}
