package rules

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Overlay is a scenario built in code rather than read from a file. Its
// fields mean what the same keys of a scenario file mean (a file can also
// replace point_value, service_areas and earn_back, and sweep); values are
// Go strings, numbers (int, int64, float64, decimal.Decimal or a pointer to
// one), bools, []any, []string and map[string]any, written as they would
// be in YAML. A float64 is taken as its shortest decimal form: 0.97 is
// exactly 0.97.
type Overlay struct {
	ID          string
	Description string
	From        Month                     // 0 (January of year 0) for none: the overlay applies from the first month
	KPIs        map[string]map[string]any // partial overrides by KPI id
	Remove      []string                  // KPI ids
	Add         []map[string]any          // whole new KPIs
	Caps        map[string]any
	Revoke      []string // amendment ids taken out of the terms from From on
}

// AddOverlay applies an overlay to the rulebook and adds it as a scenario,
// reporting problems, a value of a type it cannot use included, as a
// *ValidationError placed at "overlay <id>"; on a problem the rulebook is
// left as it was.
func (b *Rulebook) AddOverlay(o Overlay) (*Scenario, error) {
	m := map[string]any{"id": o.ID}
	if o.Description != "" {
		m["description"] = o.Description
	}
	if o.From != 0 {
		m["from"] = o.From.String()
	}
	if o.KPIs != nil {
		kpis := map[string]any{}
		for id, fields := range o.KPIs {
			kpis[id] = fields
		}
		m["kpis"] = kpis
	}
	if o.Remove != nil {
		m["remove"] = o.Remove
	}
	if o.Add != nil {
		add := make([]any, len(o.Add))
		for i, k := range o.Add {
			add[i] = k
		}
		m["add"] = add
	}
	if o.Caps != nil {
		m["caps"] = o.Caps
	}
	if o.Revoke != nil {
		m["revoke"] = o.Revoke
	}
	name := "overlay " + o.ID
	node, err := toNode(m)
	if err != nil {
		return nil, &ValidationError{Problems: []*Problem{{Pos: Pos{File: name}, Msg: err.Error()}}}
	}
	rd := &reader{problems: problems{file: name}}
	specs := rd.scenarios(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{node}})
	n := len(b.Scenarios)
	if err := b.addScenarios(specs, rd.list); err != nil {
		return nil, err
	}
	return b.Scenarios[n], nil
}

// toNode builds a YAML node from a Go value, numbers tagged as numbers so
// they read back exactly; map keys are sorted.
func toNode(v any) (*yaml.Node, error) {
	scalar := func(tag, s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s} }
	switch x := v.(type) {
	case nil:
		return scalar("!!null", "null"), nil
	case string:
		return scalar("!!str", x), nil
	case bool:
		return scalar("!!bool", strconv.FormatBool(x)), nil
	case int:
		return scalar("!!int", strconv.Itoa(x)), nil
	case int64:
		return scalar("!!int", strconv.FormatInt(x, 10)), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%v is not a number an overlay can use", x)
		}
		return scalar("!!float", strconv.FormatFloat(x, 'f', -1, 64)), nil
	case decimal.Decimal:
		return scalar("!!float", x.String()), nil
	case *decimal.Decimal:
		if x == nil {
			return scalar("!!null", "null"), nil
		}
		return scalar("!!float", x.String()), nil
	case Month:
		return scalar("!!str", x.String()), nil
	case []string:
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		return toNode(items)
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, item := range x {
			c, err := toNode(item)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			c, err := toNode(x[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, scalar("!!str", k), c)
		}
		return n, nil
	}
	return nil, fmt.Errorf("cannot use a value of type %T in an overlay", v)
}
