package rules

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest rulebook or scenario file read, in bytes.
const MaxFileSize = limits.MaxYAMLBytes

// A Checker checks the expressions of a rulebook and of the scenarios
// given (those being added to it), returning a *ValidationError that
// places each problem. Package rules cannot check expressions itself, as
// the package that compiles them imports it; kpicredit passes kpi.Check:
//
//	rb, err := rules.Load("contract.yaml", kpi.Check)
type Checker func(rb *Rulebook, scenarios []*Scenario) error

// Load reads and validates the rulebook in the named file: its structure,
// values and scenarios, and, with a Checker, the expressions of the KPIs
// and scenarios. check may be nil, leaving expressions to be checked when
// they are compiled. Scenarios added later (LoadScenarios, ReadScenarios,
// AddOverlay) are checked with the same Checker.
func Load(path string, check Checker) (*Rulebook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(path, f, check)
}

// Parse reads and validates a rulebook from r, as Load does; name is used
// in messages. Every problem found is reported in one *ValidationError, in
// file order.
func Parse(name string, r io.Reader, check Checker) (*Rulebook, error) {
	root, err := readDocument(name, r)
	if err != nil {
		return nil, err
	}
	rd := &reader{problems: problems{file: name}}
	rb := rd.rulebook(root)
	if len(rd.list) > 0 {
		if len(rd.amendments) == 0 && len(rd.amendProblems) == 0 { // the opening's terms are these
			rb.openingProblems(rb, &rd.problems)
		}
		rd.list = append(append(rd.list, rd.amendProblems...), rd.specProblems...)
		return nil, rd.err()
	}
	rb.File, rb.root = name, root
	if err := rb.addAmendments(rd.amendments, rd.amendProblems); err != nil {
		return nil, err
	}
	if err := rb.checkOpening(); err != nil {
		return nil, err
	}
	if err := rb.addScenarios(rd.specs, rd.specProblems); err != nil {
		return nil, err
	}
	if check != nil {
		if err := sorted(check(rb, rb.Scenarios)); err != nil {
			return nil, err
		}
	}
	rb.check = check
	return rb, nil
}

// sorted puts the problems of a *ValidationError in file order.
func sorted(err error) error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		sortProblems(ve.Problems)
	}
	return err
}

func single(p Pos, key, format string, args ...any) error {
	ps := problems{file: p.File}
	ps.add(p, key, format, args...)
	return ps.err()
}

func sortProblems(list []*Problem) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].Pos, list[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

var topKeys = []string{"contract", "currency", "minor_units", "rounding", "keys", "charge",
	"point_value", "start", "end", "fields", "kpis", "caps", "earn_back", "service_areas", "triggers", "bonus",
	"escalation_across_relief", "amendments", "scenarios", "invoice_lag", "invoice_party", "authority", "opening", "events"}

// rulebook reads the document, then checks what ties its parts together.
func (r *reader) rulebook(root *yaml.Node) *Rulebook {
	rb := &Rulebook{}
	m := r.mapping(root, "", topKeys...)
	if m == nil {
		return rb
	}
	r.required(m, root, "", "contract", "currency", "keys", "charge", "fields", "kpis")
	if e, ok := m["contract"]; ok {
		rb.Contract, _ = r.str(e.value, "contract")
	}
	r.money(rb, m)
	if e, ok := m["keys"]; ok {
		rb.Keys = r.strList(e.value, "keys")
		if len(rb.Keys) == 0 && e.value.Kind == yaml.SequenceNode {
			r.errorf(e.value, "keys", "must list at least one column")
		}
		r.keyNames(deref(e.value))
	}
	if e, ok := m["start"]; ok {
		rb.Start = r.month(e.value, "start")
	}
	if e, ok := m["end"]; ok {
		rb.End = r.month(e.value, "end")
		if rb.Start != nil && rb.End != nil && *rb.End < *rb.Start {
			r.errorf(e.value, "end", "%s is before start %s", *rb.End, *rb.Start)
		}
	}
	if e, ok := m["fields"]; ok {
		rb.Fields = r.fields(e.value, rb.Keys)
	}
	if e, ok := m["charge"]; ok {
		rb.Charge, _ = r.str(e.value, "charge")
		r.checkCharge(rb, e.value)
	}
	if e, ok := m["events"]; ok {
		rb.Events = r.events(rb, e.value)
	}
	if e, ok := m["earn_back"]; ok {
		rb.EarnBack = r.earnBack(e.value, "earn_back")
	}
	if e, ok := m["kpis"]; ok {
		r.kpis(rb, e.value)
	}
	if e, ok := m["caps"]; ok {
		rb.Caps = r.caps(e.value)
	}
	if e, ok := m["service_areas"]; ok {
		r.areas(rb, e.value)
	}
	r.checkPointValue(rb, m, root)
	r.consequences(rb, m)
	r.closing(rb, m)
	r.overlays(m)
	return rb
}

// overlays reads the amendments and scenarios apart: their overlays can
// only be applied, and their remaining problems found, once the original
// terms are valid.
func (r *reader) overlays(m map[string]entry) {
	if e, ok := m["amendments"]; ok {
		ar := &reader{problems: problems{file: r.file}, files: r.files}
		r.amendments = ar.amendmentList(e.value)
		r.amendProblems = ar.list
	}
	if e, ok := m["scenarios"]; ok {
		sr := &reader{problems: problems{file: r.file}, files: r.files}
		r.specs = sr.scenarios(e.value)
		r.specProblems = sr.list
	}
}

// money reads currency, minor_units, rounding and point_value.
func (r *reader) money(rb *Rulebook, m map[string]entry) {
	if e, ok := m["currency"]; ok {
		rb.Currency, _ = r.str(e.value, "currency")
		units, known := money.MinorUnits(rb.Currency)
		rb.MinorUnits = units
		if _, given := m["minor_units"]; !known && !given && rb.Currency != "" {
			r.errorf(e.value, "currency", "unknown currency %s: give its minor_units (decimal places)", limits.Quote(rb.Currency))
		}
	}
	if e, ok := m["minor_units"]; ok {
		if v, ok := r.integer(e.value, "minor_units", 0); ok {
			if v > 8 {
				r.errorf(e.value, "minor_units", "must be at most 8, got %d", v)
			}
			rb.MinorUnits = int32(v)
		}
	}
	if e, ok := m["rounding"]; ok {
		s, _ := r.str(e.value, "rounding")
		switch s {
		case "half_up":
			rb.Rounding = HalfUp
		case "half_even":
			rb.Rounding = HalfEven
		case "":
		default:
			r.errorf(e.value, "rounding", "unknown rounding %s (expected half_up or half_even)", limits.Quote(s))
		}
	}
	if e, ok := m["point_value"]; ok {
		rb.PointValue, _ = r.nonNeg(e.value, "point_value")
	}
}

var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ReservedNames are the words a column may not be named, since KPI
// expressions use them: the helper functions, the functions numbers'
// operators become, and the expression language's keywords.
var ReservedNames = []string{"min", "max", "abs", "round", "pct", "neg", "add", "sub", "mul", "div",
	"eq", "ne", "lt", "le", "gt", "ge", "let", "in", "not", "and", "or", "matches", "contains",
	"startsWith", "endsWith", "nil", "true", "false", "if", "else"}

// columnName says what is wrong with a key or field column's name, if
// anything.
func columnName(name string) string {
	switch {
	case len(name) > limits.MaxNameBytes:
		return fmt.Sprintf("column name is longer than %d bytes", limits.MaxNameBytes)
	case !namePattern.MatchString(name):
		return "column name must be letters, digits and _, starting with a letter"
	case slices.Contains(ReservedNames, name):
		return fmt.Sprintf("%q is a word expressions use; name the column otherwise", name)
	}
	return ""
}

// keyNames checks the names in the keys list: each a column name, and
// not month.
// outputColumns are the columns the output tables (kpi_results, credits,
// comparison, triggers, reconciliation) have beside the lot's keys and the
// month: a key may not take their names, as a table's columns must differ.
var outputColumns = []string{
	"amount", "annual_cap_left", "area", "area_share", "baseline_before_cap", "baseline_credits",
	"baseline_earn_back", "baseline_failures", "bonus_bank", "bonus_earned", "bonus_expired",
	"bonus_points", "bonus_used", "cap", "charge", "charge_base", "computed", "count", "credit",
	"credits", "credits_before_cap", "difference", "earn_back", "explanation", "failures", "field",
	"kpi", "level", "measure", "multiplier", "net", "points", "reason", "reported", "rolling_cap_left",
	"scenario", "scenario_before_cap", "scenario_credits", "scenario_earn_back", "scenario_failures",
	"source", "status", "streak", "target", "terms", "trigger", "triggers", "volume", "within",
}

// IsOutputColumn reports whether name is a column the output tables have
// beside the lot's keys and the month, which no key may be named.
func IsOutputColumn(name string) bool { return slices.Contains(outputColumns, name) }

func (r *reader) keyNames(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		return // reported by strList
	}
	for i, item := range n.Content {
		item = deref(item)
		key := "keys[" + strconv.Itoa(i) + "]"
		switch k := item.Value; {
		case item.Kind != yaml.ScalarNode:
			// reported by strList
		case columnName(k) != "":
			r.errorf(item, key, "%s", columnName(k))
		case k == MonthColumn:
			r.errorf(item, key, "month is always present and is not a key")
		case IsOutputColumn(k):
			r.errorf(item, key, "%q is a column of the output tables beside the keys; name the key otherwise", k)
		}
	}
}

// fields reads the declared data columns.
func (r *reader) fields(n *yaml.Node, keys []string) []Field {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		r.errorf(n, "fields", "must be a mapping of column name to type (or {type, aggregate}), not %s", describe(n))
		return nil
	}
	var out []Field
	isKey, isField := map[string]bool{}, map[string]bool{}
	for _, k := range keys {
		isKey[k] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := "fields." + k.Value
		switch {
		case columnName(k.Value) != "":
			r.errorf(k, key, "%s", columnName(k.Value))
			continue
		case isKey[k.Value]:
			r.errorf(k, key, "%s is a key column; key columns are text and need no declaration", limits.Quote(k.Value))
			continue
		case k.Value == MonthColumn:
			r.errorf(k, key, "month is always present and needs no declaration")
			continue
		case isField[k.Value]:
			r.errorf(k, key, "key is repeated")
			continue
		}
		t, agg, ok := r.field(v, key)
		if !ok {
			continue
		}
		isField[k.Value] = true
		out = append(out, Field{Name: k.Value, Type: t, Aggregate: agg, Pos: r.pos(k)})
	}
	return out
}

// Field returns the declared field with the given name.
func (b *Rulebook) Field(name string) (Field, bool) {
	for _, f := range b.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

func (r *reader) checkCharge(rb *Rulebook, n *yaml.Node) {
	if rb.Charge == "" || rb.Fields == nil {
		return
	}
	f, ok := rb.Field(rb.Charge)
	switch {
	case !ok:
		r.errorf(n, "charge", "%s is not a declared field", limits.Quote(rb.Charge))
	case f.Type != TypeMoney:
		r.errorf(n, "charge", "field %s must have type money, not %s", limits.Quote(rb.Charge), f.Type)
	}
}

// checkPointValue requires a point value where a points scheme needs one.
func (r *reader) checkPointValue(rb *Rulebook, m map[string]entry, root *yaml.Node) {
	if _, ok := m["point_value"]; ok {
		return
	}
	for _, k := range rb.KPIs {
		if k.Credit.Kind == Points && k.Area == nil {
			r.errorf(root, "point_value", "missing: KPI %s uses a points scheme outside a service area", k.ID)
			return
		}
	}
}

// earnBack reads {percent, after_met_months}.
func (r *reader) earnBack(n *yaml.Node, key string) *EarnBack {
	m := r.mapping(n, key, "percent", "after_met_months")
	if m == nil {
		return nil
	}
	r.required(m, n, key, "percent", "after_met_months")
	eb := &EarnBack{}
	if e, ok := m["percent"]; ok {
		eb.Percent, _ = r.nonNeg(e.value, key+".percent")
		if eb.Percent.GreaterThan(decimal.NewFromInt(100)) {
			r.errorf(e.value, key+".percent", "must be at most 100, got %s", eb.Percent)
		}
	}
	if e, ok := m["after_met_months"]; ok {
		eb.AfterMetMonths, _ = r.integer(e.value, key+".after_met_months", 1)
	}
	return eb
}

// caps reads the monthly and annual caps.
func (r *reader) caps(n *yaml.Node) Caps {
	c := Caps{Pos: r.pos(n)}
	m := r.mapping(n, "caps", "monthly_percent_of_charge", "annual_percent_of_charge", "annual_amount",
		"rolling_12_percent_of_charge")
	if e, ok := m["monthly_percent_of_charge"]; ok {
		c.MonthlyPercent = r.percent(e.value, "caps.monthly_percent_of_charge")
	}
	if e, ok := m["annual_percent_of_charge"]; ok {
		c.AnnualPercent = r.percent(e.value, "caps.annual_percent_of_charge")
	}
	if e, ok := m["annual_amount"]; ok {
		c.AnnualAmount = r.decPtr(e.value, "caps.annual_amount")
		if c.AnnualPercent != nil {
			r.errorf(e.key, "caps", "give annual_percent_of_charge or annual_amount, not both")
		}
	}
	if e, ok := m["rolling_12_percent_of_charge"]; ok {
		c.RollingPercent = r.percent(e.value, "caps.rolling_12_percent_of_charge")
	}
	return c
}

// percent reads a percentage from 0 to 100.
func (r *reader) percent(n *yaml.Node, key string) *Decimal {
	d := r.decPtr(n, key)
	if d != nil && d.GreaterThan(decimal.NewFromInt(100)) {
		r.errorf(n, key, "must be at most 100, got %s", d)
		return nil
	}
	return d
}
