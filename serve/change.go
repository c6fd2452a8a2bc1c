package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"go.yaml.in/yaml/v3"
)

// edit is an analyst's change to the baseline as the page sends it:
// each value as typed, by KPI and field path (target, serious,
// credit.sliding.floor, ...), the caps by key, and the month it applies
// from ("" for every month). An empty value leaves the field as it is.
type edit struct {
	From string                       `json:"from"`
	KPIs map[string]map[string]string `json:"kpis"`
	Caps map[string]string            `json:"caps"`
}

// field is one value an analyst may change, with the baseline's value.
type field struct {
	Path  string `json:"path"`  // the key's path under the KPI or caps, e.g. credit.sliding.floor
	Label string `json:"label"` // what the page calls it
	Value string `json:"value"` // the baseline's value as the rulebook writes it; "" for none
	Kind  string `json:"kind"`  // measure, money, percent, points, per or bool: how the page hints at it
}

// maxValue bounds a value's length: no number an analyst types is longer.
const maxValue = 64

// requestError is a request the page would never send: a field it does
// not offer, a KPI the rulebook lacks, malformed JSON. It is answered with
// 400 and a plain message, not with positioned problems.
type requestError struct{ msg string }

// Error returns the message.
func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error { return &requestError{fmt.Sprintf(format, args...)} }

// decodeChange reads a change as JSON, refusing unknown keys and anything
// after it.
func decodeChange(r io.Reader) (edit, error) {
	var c edit
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
			return c, mb
		}
		return c, badRequest("the change is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return c, badRequest("the change is followed by more data")
	}
	return c, nil
}

// check refuses a change the page would never send: a KPI or a field the
// page does not offer, or a value longer than any number. Whether the
// values make sense the rulebook loader says, at their positions.
func (s *Server) check(c edit) error {
	if len(c.From) > maxValue {
		return badRequest("from: the value is longer than %d bytes", maxValue)
	}
	for id, fields := range c.KPIs {
		offered, ok := s.fields[id]
		if !ok {
			return badRequest("KPI %s is not one of the rulebook's", limits.Quote(id))
		}
		if err := checkFields(id, fields, offered); err != nil {
			return err
		}
	}
	return checkFields("caps", c.Caps, s.capFields)
}

func checkFields(where string, values map[string]string, offered []field) error {
	for path, v := range values {
		if !slices.ContainsFunc(offered, func(f field) bool { return f.Path == path }) {
			return badRequest("%s: %s cannot be changed here", where, limits.Quote(path))
		}
		if len(v) > maxValue {
			return badRequest("%s.%s: the value is longer than %d bytes", where, path, maxValue)
		}
	}
	return nil
}

// number is a value written as a plain decimal number; anything else is
// written as quoted text, for the loader to refuse at its position.
var number = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// scalar writes a value as YAML: a decimal number or a boolean plain, any
// other text quoted, so that nothing typed can add keys or tags.
func scalar(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: v}
	if !number.MatchString(v) && v != "true" && v != "false" {
		n.Tag, n.Style = "!!str", yaml.DoubleQuotedStyle
	}
	return n
}

func key(k string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: k} }

// text writes a string, plain when it reads back as the same string.
func text(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// set puts a value at a dotted path in a mapping, making the mappings on
// the way.
func set(m *yaml.Node, path, v string) {
	name, rest, nested := strings.Cut(path, ".")
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name && nested {
			set(m.Content[i+1], rest, v)
			return
		}
	}
	if !nested {
		m.Content = append(m.Content, key(name), scalar(v))
		return
	}
	child := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, key(name), child)
	set(child, rest, v)
}

// yamlDoc writes the change as a scenario file with the given id: the
// KPIs in the rulebook's order, each KPI's fields and the caps in the
// page's order, empty values left out. The same change always gives the
// same bytes.
func (s *Server) yamlDoc(c edit, id string) []byte {
	root := &yaml.Node{Kind: yaml.MappingNode}
	root.HeadComment = s.header(id)
	root.Content = append(root.Content, key("id"), text(id), key("description"), text(s.describe(c)))
	if from := strings.TrimSpace(c.From); from != "" {
		root.Content = append(root.Content, key("from"), text(from))
	}
	kpis := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range s.terms.KPIs {
		m := s.mapping(wholeScheme(c.KPIs[k.ID], s.fields[k.ID]), s.fields[k.ID])
		if m != nil {
			kpis.Content = append(kpis.Content, key(k.ID), m)
		}
	}
	if len(kpis.Content) > 0 {
		root.Content = append(root.Content, key("kpis"), kpis)
	}
	if m := s.mapping(c.Caps, s.capFields); m != nil {
		root.Content = append(root.Content, key("caps"), m)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		panic(fmt.Sprintf("serve: encoding a scenario: %v", err)) // nodes built here always encode
	}
	return b.Bytes()
}

// wholeScheme adds to a KPI's values, when they change an amount of its
// credit scheme, the scheme's other amounts as the terms in force in the
// data's last month have them: a change applies over every amendment in
// every month from its from on, so it states the whole scheme, and a
// month whose terms have another scheme takes this one whole.
func wholeScheme(values map[string]string, offered []field) map[string]string {
	isScheme := func(path string) bool { return strings.HasPrefix(path, "credit.") }
	changes := false
	for path, v := range values {
		changes = changes || isScheme(path) && strings.TrimSpace(v) != ""
	}
	if !changes {
		return values
	}
	out := maps.Clone(values)
	for _, f := range offered {
		if isScheme(f.Path) && strings.TrimSpace(out[f.Path]) == "" {
			out[f.Path] = f.Value
		}
	}
	return out
}

// mapping is the values given, in the order of the fields offered; nil
// when none is given.
func (s *Server) mapping(values map[string]string, offered []field) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range offered {
		if v := strings.TrimSpace(values[f.Path]); v != "" {
			set(m, f.Path, v)
		}
	}
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

// header is the comment at the top of a scenario file: where it came
// from, and the command that reproduces its figures.
func (s *Server) header(id string) string {
	cmd := "kpicredit run --rules " + s.names.Rules + " --data " + s.names.Data
	if s.names.Relief != "" {
		cmd += " --relief " + s.names.Relief
	}
	return "A what-if scenario made with kpicredit serve against " + s.names.Rules + ".\n" +
		"Its figures are those of:\n  " + cmd + " --scenario " + id + ".yaml --out DIR"
}

// describe says what the change does, in a line of at most 200 bytes.
func (s *Server) describe(c edit) string {
	var parts []string
	for _, k := range s.terms.KPIs {
		for _, f := range s.fields[k.ID] {
			if v := strings.TrimSpace(c.KPIs[k.ID][f.Path]); v != "" {
				parts = append(parts, k.ID+" "+f.Path+" "+v)
			}
		}
	}
	for _, f := range s.capFields {
		if v := strings.TrimSpace(c.Caps[f.Path]); v != "" {
			parts = append(parts, f.Path+" "+v)
		}
	}
	d := "What-if: " + strings.Join(parts, "; ")
	if len(parts) == 0 {
		d = "What-if: no change"
	}
	if from := strings.TrimSpace(c.From); from != "" {
		d += ", from " + from
	}
	return truncate(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, d), 200)
}

// truncate shortens s to at most n bytes, ending it with "..." when it
// cuts, and never inside a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldsOf lists the fields of a KPI the page offers: its target and
// bounds, and its scheme's amounts.
func fieldsOf(k *rules.KPI) []field {
	measure := "measure"
	out := []field{{Path: "target", Label: "Target", Value: k.Target.String(), Kind: measure}}
	for _, l := range rules.Levels[1:] {
		f := field{Path: l.String(), Label: capitalize(l.String()) + " from", Kind: measure}
		if b := k.Bound(l); b != nil {
			f.Value = b.String()
		}
		out = append(out, f)
	}
	return append(out, schemeFields(&k.Credit)...)
}

// schemeFields lists a scheme's amounts: by level for fixed,
// percent_of_charge and points; the rate and floor of a sliding scheme;
// the rate and step of a per_shortfall one.
func schemeFields(sc *rules.Scheme) []field {
	kind := sc.Kind.String()
	prefix := "credit." + kind + "."
	switch sc.Kind {
	case rules.Sliding:
		return []field{
			{Path: prefix + "max_percent_of_charge", Label: "Most, % of charge", Value: sc.MaxPercent.String(), Kind: "percent"},
			{Path: prefix + "floor", Label: "Floor (most from)", Value: sc.Floor.String(), Kind: "measure"},
		}
	case rules.PerShortfall:
		rate := field{Path: prefix + "percent_of_charge", Label: "% of charge per step", Kind: "percent"}
		if sc.Percent != nil {
			rate.Value = sc.Percent.String()
		} else if sc.Money != nil {
			rate = field{Path: prefix + "money", Label: "Money per step", Value: sc.Money.String(), Kind: "money"}
		}
		return []field{rate,
			{Path: prefix + "per", Label: "Step of shortfall", Value: sc.Per.String(), Kind: "per"},
			{Path: prefix + "whole_units", Label: "Whole steps only", Value: fmt.Sprint(sc.WholeUnits), Kind: "bool"}}
	}
	unit := map[rules.SchemeKind]string{rules.Fixed: "money", rules.PercentOfCharge: "percent", rules.Points: "points"}[sc.Kind]
	var out []field
	for _, l := range rules.Levels {
		f := field{Path: prefix + l.String(), Label: capitalize(l.String()) + " credit", Kind: unit}
		if a, ok := sc.Amount(l); ok {
			f.Value = a.String()
		}
		out = append(out, f)
	}
	return out
}

// capFieldsOf lists the caps the page offers, with the terms' in force
// in the data's last month; the rolling 12-month cap when they have one.
func capFieldsOf(c rules.Caps) []field {
	str := func(d *rules.Decimal) string {
		if d == nil {
			return ""
		}
		return d.String()
	}
	out := []field{
		{Path: "monthly_percent_of_charge", Label: "Monthly cap, % of charge", Value: str(c.MonthlyPercent), Kind: "percent"},
		{Path: "annual_percent_of_charge", Label: "Annual cap, % of the year's charges", Value: str(c.AnnualPercent), Kind: "percent"},
	}
	if c.RollingPercent != nil {
		out = append(out, field{Path: "rolling_12_percent_of_charge", Label: "Rolling 12-month cap, % of the 12 months' charges",
			Value: str(c.RollingPercent), Kind: "percent"})
	}
	return out
}
