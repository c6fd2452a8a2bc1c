package rules

import (
	"bytes"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file writes an adopted scenario into a rulebook's text without
// re-encoding the rest of it: the text is cut and joined at the lines the
// syntax tree's positions give, so comments, blank lines and alignment
// stay as they were.

// edit replaces del lines from line at (0-based) with lines.
type edit struct {
	at, del int
	lines   []string
}

// span is the lines of a list item: from its head comments to its last
// line, end excluded.
type span struct{ start, end, dash, dashCol int }

// splice writes the rulebook's text with the scenario inserted into its
// amendments and, when it is the rulebook's own, removed from its
// scenarios. It returns the text and where each of its lines was (see
// apply).
func splice(a Adoption, rb *Rulebook, src *source) ([]byte, []int, error) {
	lines := splitLines(a.Source)
	eol := "\n"
	if len(lines) > 0 && strings.HasSuffix(lines[0], "\r\n") {
		eol = "\r\n"
	}
	from := rb.Start
	if src.spec.From != nil {
		from = nil // it has its own
	}
	text := func(dashCol, contentCol int) []string { return src.text(dashCol, contentCol, a.Agreed, from, eol) }
	edits := insertion(lines, rb, src, eol, text)
	if src.item && a.ScenarioFile == "" {
		edits = append(edits, removal(lines, src)...)
	}
	out, origin := apply(lines, edits)
	return out, origin, nil
}

// insertion is the edits that put the amendment's text into the
// rulebook's amendments: into its list after every amendment in force by
// the scenario's month, in its indentation and spacing; under an empty
// amendments key; or in a new amendments section before scenarios (or at
// the end). text writes the amendment with its dash and keys at the
// columns given.
func insertion(lines []string, rb *Rulebook, src *source, eol string, text func(dash, content int) []string) []edit {
	dashCol, contentCol := 3, 5
	if scen := entryOf(rb.root, "scenarios"); scen.value != nil && len(scen.value.Content) > 0 {
		dashCol, contentCol = itemSpan(lines, scen.value, 0).dashCol, deref(scen.value.Content[0]).Column
	}
	switch am := entryOf(rb.root, "amendments"); {
	case am.value != nil && len(am.value.Content) > 0:
		return []edit{intoList(lines, rb, src, am.value, eol, text)}
	case am.key != nil: // amendments: with no items, or []
		kl := am.key.Line - 1
		line := lines[kl]
		if am.value.Kind == yaml.SequenceNode && am.value.Line == am.key.Line {
			cut := am.value.Column - 1
			end := cut + strings.Index(line[cut:], "]") + 1
			line = strings.TrimRight(line[:cut], " ") + line[end:]
		}
		return []edit{{at: kl, del: 1, lines: []string{line}},
			{at: kl + 1, lines: text(am.key.Column+2, am.key.Column+4)}}
	}
	section := append([]string{"amendments:" + eol}, text(dashCol, contentCol)...)
	if scen := entryOf(rb.root, "scenarios"); scen.key != nil {
		return []edit{{at: headStart(lines, scen.key.Line-1, 0), lines: append(section, eol)}}
	}
	edits := []edit{{at: len(lines), lines: append([]string{eol}, section...)}}
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		edits = append(edits, edit{at: n - 1, del: 1, lines: []string{lines[n-1] + eol}})
	}
	return edits
}

// intoList inserts the amendment into a block list of amendments after the
// last one listed in force by its month (the rulebook's start for a
// scenario without a from), in the list's indentation, separated by a
// blank line when its items are.
func intoList(lines []string, rb *Rulebook, src *source, list *yaml.Node, eol string, text func(dash, content int) []string) edit {
	items := list.Content
	f := *rb.Start // adoptable has made sure there is one, or a from
	if src.spec.From != nil {
		f = *src.spec.From
	}
	idx := 0
	for i, x := range rb.Amendments {
		if x.From <= f {
			idx = i + 1
		}
	}
	blank := len(items) > 1 && isBlank(lines[itemSpan(lines, list, 1).start-1])
	out := text(itemSpan(lines, list, 0).dashCol, deref(items[0]).Column)
	if idx == len(items) {
		if blank {
			out = append([]string{eol}, out...)
		}
		return edit{at: trimmed(lines, itemSpan(lines, list, len(items)-1)), lines: out}
	}
	if blank {
		out = append(out, eol)
	}
	return edit{at: itemSpan(lines, list, idx).start, lines: out}
}

// removal is the edits that take the scenario out of the rulebook's list;
// a list left empty becomes [].
func removal(lines []string, src *source) []edit {
	items := src.list.Content
	i := slices.IndexFunc(items, func(n *yaml.Node) bool { return deref(n) == src.node })
	sp := itemSpan(lines, src.list, i)
	end := trimmed(lines, sp)
	if i+1 < len(items) {
		end = itemSpan(lines, src.list, i+1).start
	} else if i > 0 {
		for sp.start > 0 && strings.TrimSpace(lines[sp.start-1]) == "" {
			sp.start-- // the blank lines that separated it from the one before
		}
	}
	out := []edit{{at: sp.start, del: end - sp.start}}
	if len(items) == 1 {
		key := listKey(lines, sp.dash)
		line := lines[key]
		c := strings.Index(line, ":")
		out = append(out, edit{at: key, del: 1, lines: []string{line[:c+1] + " []" + line[c+1:]}})
	}
	return out
}

// listKey finds the line of the key a block list starting at line dash
// belongs to: the nearest line above it with less indentation.
func listKey(lines []string, dash int) int {
	ind := indent(lines[dash])
	for l := dash - 1; l >= 0; l-- {
		if t := strings.TrimSpace(lines[l]); t != "" && !strings.HasPrefix(t, "#") && indent(lines[l]) <= ind && strings.Contains(t, ":") {
			return l
		}
	}
	return 0
}

// apply makes the edits, the last in the text first so that each one's
// line numbers hold. It returns the text and, for each of its lines, the
// line of the original it is (0-based), or -1 for a line an edit wrote.
func apply(lines []string, edits []edit) ([]byte, []int) {
	slices.SortStableFunc(edits, func(a, b edit) int {
		if a.at != b.at {
			return b.at - a.at
		}
		return b.del - a.del
	})
	out := slices.Clone(lines)
	origin := make([]int, len(lines))
	for i := range origin {
		origin[i] = i
	}
	for _, e := range edits {
		out = slices.Replace(out, e.at, e.at+e.del, e.lines...)
		written := make([]int, len(e.lines))
		for i := range written {
			written[i] = -1
		}
		origin = slices.Replace(origin, e.at, e.at+e.del, written...)
	}
	var b bytes.Buffer
	for _, l := range out {
		b.WriteString(l)
	}
	return b.Bytes(), origin
}

// keyEntry is a top-level key and its value.
type keyEntry struct{ key, value *yaml.Node }

func entryOf(root *yaml.Node, key string) keyEntry {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			return keyEntry{root.Content[i], deref(root.Content[i+1])}
		}
	}
	return keyEntry{}
}

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

func isComment(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), "#") }

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

// headStart is the first of the comment lines directly above line l,
// indented at least minIndent, or l.
func headStart(lines []string, l, minIndent int) int {
	for l > 0 && isComment(lines[l-1]) && indent(lines[l-1]) >= minIndent {
		l--
	}
	return l
}

// itemSpan finds the lines of the i-th item of a block list: from the
// comments directly above its dash to the line before the next item's
// span, or, for the last, to the first line less indented than its
// content.
func itemSpan(lines []string, list *yaml.Node, i int) span {
	n := deref(list.Content[i])
	kl := n.Line - 1
	sp := span{dash: kl, dashCol: n.Column}
	if j := strings.LastIndex(lines[kl][:min(n.Column-1, len(lines[kl]))], "-"); j >= 0 && isBlank(lines[kl][:j]) {
		sp.dashCol = j + 1
	} else {
		for l := kl - 1; l >= 0; l-- {
			if strings.TrimSpace(lines[l]) == "-" {
				sp.dash, sp.dashCol = l, indent(lines[l])+1
				break
			}
		}
	}
	sp.start = headStart(lines, sp.dash, sp.dashCol-1)
	if i+1 < len(list.Content) {
		sp.end = itemSpan(lines, list, i+1).start
		return sp
	}
	sp.end = len(lines)
	for l := kl + 1; l < len(lines); l++ {
		ind := indent(lines[l])
		if isBlank(lines[l]) {
			continue
		}
		if isComment(lines[l]) && ind < sp.dashCol-1 || !isComment(lines[l]) && ind < n.Column-1 {
			sp.end = l
			break
		}
	}
	return sp
}

// trimmed is a span's end without its trailing blank and comment lines.
func trimmed(lines []string, sp span) int {
	end := sp.end
	for end > sp.dash+1 && (isBlank(lines[end-1]) || isComment(lines[end-1])) {
		end--
	}
	return end
}

// text writes the scenario as an item of the amendments list, its dash at
// column dashCol and its keys at contentCol, with agreed (and from, when
// given) added after its from or id line; line ends are eol.
func (s *source) text(dashCol, contentCol int, agreed string, from *Month, eol string) []string {
	lines, n := s.lines, s.node
	if n.Style&yaml.FlowStyle != 0 {
		lines, n = encodeBlock(n), nil
	}
	var sp span
	switch {
	case n == nil:
		sp = span{start: 0, end: len(lines), dash: 0, dashCol: 1}
		n = &yaml.Node{Line: 1, Column: 1}
	case s.item:
		sp = itemSpan(lines, s.list, slices.IndexFunc(s.list.Content, func(x *yaml.Node) bool { return deref(x) == s.node }))
		sp.end = trimmed(lines, sp)
	default: // a file's whole document
		sp = span{start: headStart(lines, n.Line-1, 0), end: len(lines), dash: n.Line - 1, dashCol: n.Column}
		for sp.end > sp.dash+1 && isBlank(lines[sp.end-1]) {
			sp.end--
		}
	}
	anchor := n.Line - 1
	if s.node != nil && s.node.Style&yaml.FlowStyle == 0 {
		if v := getKey(s.node, "from"); v != nil {
			anchor = v.Line - 1
		} else if v := getKey(s.node, "id"); v != nil {
			anchor = v.Line - 1
		}
	}
	pad := func(k int) string { return strings.Repeat(" ", max(k, 0)) }
	var out []string
	for l := sp.start; l < sp.end; l++ {
		line := strings.TrimRight(lines[l], "\r\n")
		ind := indent(line)
		switch {
		case l == sp.dash && l != n.Line-1: // a dash on a line of its own
			continue
		case l == n.Line-1:
			line = pad(dashCol-1) + "-" + pad(contentCol-dashCol-1) + line[min(n.Column-1, len(line)):]
		case isBlank(line):
			line = ""
		case l < n.Line-1: // comments above it: at the dash
			line = pad(ind-(sp.dashCol-1)+dashCol-1) + line[ind:]
		case ind >= n.Column-1:
			line = pad(ind-(n.Column-1)+contentCol-1) + line[ind:]
		default:
			line = pad(ind-(sp.dashCol-1)+dashCol-1) + line[ind:]
		}
		out = append(out, line+eol)
		if l == anchor {
			if from != nil {
				out = append(out, pad(contentCol-1)+"from: "+from.String()+eol)
			}
			out = append(out, pad(contentCol-1)+"agreed: "+agreed+eol)
		}
	}
	return out
}

// encodeBlock writes a mapping in block style, two spaces an indent, for
// a scenario written in flow style, which cannot be cut into lines.
func encodeBlock(n *yaml.Node) []string {
	cp := *n
	cp.Style &^= yaml.FlowStyle
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	_ = enc.Encode(&cp) // a node read from YAML always encodes
	_ = enc.Close()
	return splitLines(b.Bytes())
}
