package kpi

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Row is one lot's data for one month.
type Row struct {
	Keys  []string    // the key columns' values, in the rulebook's key order
	Month rules.Month // the month the row reports
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

	// withheld is set when the measure is defined but not reported because
	// the volume is below min_volume; Measure holds it for Excuse.
	withheld bool
}

// Excuse marks the result excused by a relief entry, unless the KPI does
// not apply at all. The measure and volume, whenever they are defined, are
// reported for the record, even when the volume is below min_volume.
func (r *Result) Excuse(reason string) {
	if r.Status == rules.NotApplicable {
		return
	}
	r.Status, r.Reason = rules.Excused, reason
	if r.withheld {
		r.HasMeasure, r.withheld = true, false
	}
}

// Evaluator evaluates a Program's expressions for one row at a time. It
// reuses its buffers between calls and is not safe for concurrent use.
type Evaluator struct {
	p     *Program
	vm    vm.VM
	env   map[string]any
	month rules.Month
}

// NewEvaluator returns an Evaluator for the program.
func (p *Program) NewEvaluator() *Evaluator {
	return &Evaluator{p: p, env: make(map[string]any, len(p.rb.Keys)+len(p.rb.Fields)+1)}
}

// EvalError is an expression that failed for a row other than by having
// no value: for example round(x, places) with places taken from the data
// and out of range. The cause is the rulebook meeting data it did not
// expect, so callers treat it as invalid input.
type EvalError struct {
	KPI   string
	Field string // measure, volume or applies
	// Scenario and Lot are set by callers that know the row's; "" for the
	// baseline and for no lot.
	Scenario, Lot string
	Month         rules.Month
	Expr          rules.Expr
	Err           error
}

// Error places the failure at the expression and names the KPI, the row
// and the cause, on one line.
func (e *EvalError) Error() string {
	row := e.Month.String()
	if e.Lot != "" {
		row = "lot " + e.Lot + ", " + row
	}
	if e.Scenario != "" {
		row = "scenario " + e.Scenario + ", " + row
	}
	msg := e.Err.Error()
	if fe := (*file.Error)(nil); errors.As(e.Err, &fe) {
		msg = fe.Message // without expr's snippet of the source
	}
	return fmt.Sprintf("%s: %s.%s: %s failed for %s: %s", e.Expr.Pos, e.KPI, e.Field, e.Expr.Source, row, msg)
}

// InvalidInput reports true: the rulebook met data it did not expect,
// which is the user's to fix (see runner.IsInvalidInput).
func (e *EvalError) InvalidInput() bool { return true }

// Unwrap returns the underlying failure, e.g. one wrapping ErrArgument.
func (e *EvalError) Unwrap() error { return e.Err }

// Value is what a KPI's expressions give for a row, before the measure is
// judged against the KPI's target: the parts a scenario that keeps the
// expressions can reuse.
type Value struct {
	Applies    bool // false when the applies expression is false
	Volume     decimal.Decimal
	HasVolume  bool
	Measure    decimal.Decimal
	HasMeasure bool   // false when the measure is undefined
	Undefined  string // why the measure is undefined
}

// Evaluate works out every KPI's result for the row, appending to out
// (which may be nil) and returning it, in rulebook order.
func (e *Evaluator) Evaluate(row *Row, out []Result) ([]Result, error) {
	if err := e.Load(row); err != nil {
		return out, err
	}
	for i, k := range e.p.rb.KPIs {
		v, err := e.Value(i)
		if err != nil {
			return out, err
		}
		out = append(out, Judge(k, v))
	}
	return out, nil
}

// Load makes row the one that Value evaluates.
func (e *Evaluator) Load(row *Row) error {
	rb := e.p.rb
	if len(row.Keys) != len(rb.Keys) || len(row.Values) != len(rb.Fields) {
		return fmt.Errorf("kpi: row has %d keys and %d values; the rulebook declares %d and %d",
			len(row.Keys), len(row.Values), len(rb.Keys), len(rb.Fields))
	}
	for i, k := range rb.Keys {
		e.env[k] = row.Keys[i]
	}
	for i, f := range rb.Fields {
		e.env[f.Name] = row.Values[i]
	}
	e.month = row.Month
	e.env[rules.MonthColumn] = row.Month.String()
	return nil
}

// Value evaluates the expressions of the i-th KPI for the loaded row.
func (e *Evaluator) Value(i int) (Value, error) {
	k, c := e.p.rb.KPIs[i], &e.p.kpis[i]
	v := Value{Applies: true}
	if c.applies != nil {
		out, err := e.vm.Run(c.applies, e.env)
		if err != nil {
			return v, e.fail(k, k.Applies, err, &v)
		}
		if v.Applies = out == true; !v.Applies {
			return v, nil
		}
	}
	if c.volume != nil {
		out, err := e.vm.Run(c.volume, e.env)
		if err != nil {
			return v, e.fail(k, k.Volume, err, &v)
		}
		v.Volume, v.HasVolume = places(out.(decimal.Decimal)), true
	}
	out, err := e.vm.Run(c.measure, e.env)
	if err != nil {
		return v, e.fail(k, k.Measure, err, &v)
	}
	v.Measure, v.HasMeasure = places(out.(decimal.Decimal)), true
	if !k.Range.Contains(v.Measure) {
		return v, &EvalError{KPI: k.ID, Field: "measure", Month: e.month, Expr: k.Measure, Err: outOfRange(k, v.Measure)}
	}
	return v, nil
}

// ErrOutOfRange is wrapped by the evaluation error of a measure outside
// the range its KPI's unit allows, such as a share of 1.2 from data that
// report more jobs fixed than jobs.
var ErrOutOfRange = errors.New("measure out of range")

func outOfRange(k *rules.KPI, m decimal.Decimal) error {
	what := "the KPI's range"
	if k.Unit != rules.Number {
		what = "the range of a " + k.Unit.String()
	}
	return fmt.Errorf("gives %s, outside %s, %s: %w", ShortString(m), k.Range, what, ErrOutOfRange)
}

// places rounds a measure or volume with more than DivisionPlaces decimal
// places (a product of quotients, say) to that many, half away from zero,
// so that a status is judged on the value the outputs hold.
func places(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() < -DivisionPlaces {
		return d.Round(DivisionPlaces)
	}
	return d
}

// fail records an undefined value (a division by zero) or returns an
// *EvalError for any other failure.
func (e *Evaluator) fail(k *rules.KPI, ex rules.Expr, err error, v *Value) error {
	if errors.Is(err, ErrUndefined) {
		v.Undefined = "measure undefined: division by zero"
		if ex == k.Applies {
			v.Applies = true
		}
		return nil
	}
	field := "measure"
	switch ex {
	case k.Applies:
		field = "applies"
	case k.Volume:
		field = "volume"
	}
	return &EvalError{KPI: k.ID, Field: field, Month: e.month, Expr: ex, Err: err}
}

// Judge turns a KPI's value into its result: not applicable, not measured
// (an undefined measure, or a volume below min_volume), or classified
// against the target and bounds. A not-measured result reports no measure;
// one below min_volume keeps it for Excuse to report.
func Judge(k *rules.KPI, v Value) Result {
	switch {
	case !v.Applies:
		return Result{Status: rules.NotApplicable}
	case k.MinVolume != nil && v.HasVolume && v.Volume.LessThan(*k.MinVolume):
		return Result{Status: rules.NotMeasured, Volume: v.Volume, HasVolume: true,
			Measure: v.Measure, withheld: v.HasMeasure,
			Reason: fmt.Sprintf("volume %s < min_volume %s", v.Volume, k.MinVolume)}
	case v.Undefined != "":
		return Result{Status: rules.NotMeasured, Reason: v.Undefined, Volume: v.Volume, HasVolume: v.HasVolume}
	}
	return Result{Status: k.Classify(v.Measure), Measure: v.Measure, HasMeasure: true,
		Volume: v.Volume, HasVolume: v.HasVolume}
}
