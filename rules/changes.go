package rules

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Change is one key whose value differs between two sets of terms, each
// value written as YAML in flow style ("" where the key is absent).
type Change struct {
	Key           string // e.g. target, credit, caps.monthly_percent_of_charge
	Before, After string
}

// Changes lists what the terms after change against the terms before for
// the KPI with the id: each of its keys (added, removed or changed; the
// KPI itself when it is added or removed), then the caps key by key and
// the rulebook's point_value, service_areas, earn_back, triggers and
// bonus, which bear on every KPI's credit. Both rulebooks must come from
// one rulebook's timeline or its scenarios'.
func Changes(before, after *Rulebook, kpiID string) []Change {
	if before == nil || after == nil {
		return nil
	}
	broot, aroot := before.document(), after.document()
	if broot == nil || aroot == nil {
		return nil
	}
	var out []Change
	bk, ak := kpiNode(broot, kpiID), kpiNode(aroot, kpiID)
	switch {
	case bk == nil && ak != nil:
		out = append(out, Change{Key: "kpi " + kpiID, After: flow(ak)})
	case bk != nil && ak == nil:
		out = append(out, Change{Key: "kpi " + kpiID, Before: flow(bk)})
	case bk != nil:
		out = diffKeys(out, "", bk, ak)
	}
	out = diffKeys(out, "caps.", getKeyOrEmpty(broot, "caps"), getKeyOrEmpty(aroot, "caps"))
	for _, key := range []string{"point_value", "service_areas", "earn_back", "triggers", "bonus"} {
		b, a := getKey(broot, key), getKey(aroot, key)
		if fb, fa := flow(b), flow(a); fb != fa {
			out = append(out, Change{Key: key, Before: fb, After: fa})
		}
	}
	return out
}

// kpiNode returns the mapping of the KPI with the id in a document.
func kpiNode(root *yaml.Node, id string) *yaml.Node {
	kpis := getKey(root, "kpis")
	if kpis == nil {
		return nil
	}
	if i := findKPI(kpis.Content, id); i >= 0 {
		return deref(kpis.Content[i])
	}
	return nil
}

func getKeyOrEmpty(m *yaml.Node, key string) *yaml.Node {
	if n := getKey(m, key); n != nil && n.Kind == yaml.MappingNode {
		return n
	}
	return &yaml.Node{Kind: yaml.MappingNode}
}

// diffKeys adds a change for each key of two mappings whose values differ,
// in the order of the keys in before, then those only in after.
func diffKeys(out []Change, prefix string, before, after *yaml.Node) []Change {
	seen := map[string]bool{}
	for i := 0; i+1 < len(before.Content); i += 2 {
		k := before.Content[i].Value
		seen[k] = true
		if fb, fa := flow(before.Content[i+1]), flow(getKey(after, k)); fb != fa {
			out = append(out, Change{Key: prefix + k, Before: fb, After: fa})
		}
	}
	for i := 0; i+1 < len(after.Content); i += 2 {
		if k := after.Content[i].Value; !seen[k] {
			out = append(out, Change{Key: prefix + k, After: flow(after.Content[i+1])})
		}
	}
	return out
}

// flow writes a node as YAML in flow style on one line: {a: 1, b: [2, 3]};
// "" for nil.
func flow(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	var b strings.Builder
	writeFlow(&b, n)
	return b.String()
}

func writeFlow(b *strings.Builder, n *yaml.Node) {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteString("{")
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(n.Content[i].Value + ": ")
			writeFlow(b, n.Content[i+1])
		}
		b.WriteString("}")
	case yaml.SequenceNode:
		b.WriteString("[")
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFlow(b, c)
		}
		b.WriteString("]")
	default:
		b.WriteString(strings.Join(strings.Fields(n.Value), " "))
	}
}
