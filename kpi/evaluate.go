package kpi

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Row is one lot's data for one month.
type Row struct {
	Keys  []string    // the key columns' values, in the rulebook's key order
	Month rules.Month //
	// Values holds each declared field's value, in the rulebook's field
	// order: a decimal.Decimal for numeric fields, a string for text fields.
	Values []any
}

// Result is one KPI's outcome for a lot-month.
type Result struct {
	Status     rules.Status
	Measure    decimal.Decimal // valid when HasMeasure
	HasMeasure bool
	Volume     decimal.Decimal // valid when HasVolume
	HasVolume  bool
	Reason     string // why the KPI is not measured, or the relief's reason
}

// Excuse marks the result excused by a relief entry, unless the KPI does
// not apply at all. The measure, if any, is kept for the record.
func (r *Result) Excuse(reason string) {
	if r.Status != rules.NotApplicable {
		r.Status, r.Reason = rules.Excused, reason
	}
}

// Evaluator evaluates a Program's expressions for one row at a time. It
// reuses its buffers between calls and is not safe for concurrent use.
type Evaluator struct {
	p   *Program
	vm  vm.VM
	env map[string]any
}

// NewEvaluator returns an Evaluator for the program.
func (p *Program) NewEvaluator() *Evaluator {
	return &Evaluator{p: p, env: make(map[string]any, len(p.rb.Keys)+len(p.rb.Fields)+1)}
}

// EvalError is an expression that failed for a row other than by having
// no value: for example round(x, -1).
type EvalError struct {
	KPI   string
	Month rules.Month
	Expr  rules.Expr
	Err   error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("%s: %s in %s for %s: %v", e.Expr.Pos, e.KPI, e.Month, e.Expr.Source, e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

// Evaluate works out every KPI's result for the row, appending to out
// (which may be nil) and returning it, in rulebook order.
func (e *Evaluator) Evaluate(row *Row, out []Result) ([]Result, error) {
	rb := e.p.rb
	if len(row.Keys) != len(rb.Keys) || len(row.Values) != len(rb.Fields) {
		return out, fmt.Errorf("kpi: row has %d keys and %d values; the rulebook declares %d and %d",
			len(row.Keys), len(row.Values), len(rb.Keys), len(rb.Fields))
	}
	for i, k := range rb.Keys {
		e.env[k] = row.Keys[i]
	}
	for i, f := range rb.Fields {
		e.env[f.Name] = row.Values[i]
	}
	e.env["month"] = row.Month.String()
	for i, k := range rb.KPIs {
		r, err := e.evaluate(k, &e.p.kpis[i], row.Month)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (e *Evaluator) evaluate(k *rules.KPI, c *compiled, month rules.Month) (Result, error) {
	if c.applies != nil {
		v, err := e.vm.Run(c.applies, e.env)
		if err != nil {
			return e.undefined(k, k.Applies, month, err)
		}
		if v != true {
			return Result{Status: rules.NotApplicable}, nil
		}
	}
	var r Result
	if c.volume != nil {
		v, err := e.vm.Run(c.volume, e.env)
		if err != nil {
			return e.undefined(k, k.Volume, month, err)
		}
		r.Volume, r.HasVolume = v.(decimal.Decimal), true
		if k.MinVolume != nil && r.Volume.LessThan(*k.MinVolume) {
			r.Status = rules.NotMeasured
			r.Reason = fmt.Sprintf("volume %s < min_volume %s", r.Volume, k.MinVolume)
			return r, nil
		}
	}
	v, err := e.vm.Run(c.measure, e.env)
	if err != nil {
		u, err := e.undefined(k, k.Measure, month, err)
		u.Volume, u.HasVolume = r.Volume, r.HasVolume
		return u, err
	}
	r.Measure, r.HasMeasure = v.(decimal.Decimal), true
	r.Status = Classify(k, r.Measure)
	return r, nil
}

// undefined turns a division by zero into not_measured and any other
// failure into an *EvalError.
func (e *Evaluator) undefined(k *rules.KPI, ex rules.Expr, month rules.Month, err error) (Result, error) {
	if errors.Is(err, ErrUndefined) {
		return Result{Status: rules.NotMeasured, Reason: "measure undefined: division by zero"}, nil
	}
	return Result{}, &EvalError{KPI: k.ID, Month: month, Expr: ex, Err: err}
}

// Classify returns the status of a measure against the KPI's target and
// bounds. A measure exactly at the target is met; exactly at a bound, it
// belongs to the better level.
func Classify(k *rules.KPI, m decimal.Decimal) rules.Status {
	worse := func(a, b decimal.Decimal) bool { // a is worse than b
		if k.Direction == rules.Lower {
			return a.GreaterThan(b)
		}
		return a.LessThan(b)
	}
	if !worse(m, k.Target) {
		return rules.Met
	}
	status := rules.Minor
	for _, level := range rules.Levels[1:] {
		if b := k.Bound(level); b != nil && worse(m, *b) {
			status = level
		}
	}
	return status
}
