package kpi

import (
	"errors"
	"fmt"
	"slices"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/kpicredit/kpicredit/fixed"
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

	prepared    []fixedField // Values in fixed point, once Prepare has run
	preparedFor *any         // &Values[0] when it ran: a row given other Values is not prepared
	fixedOnly   bool         // SetFixed gave numbers that Values does not hold
}

// Result is one KPI's outcome for a lot-month.
type Result struct {
	Status     rules.Status
	Measure    decimal.Decimal // valid when HasMeasure
	HasMeasure bool
	Volume     decimal.Decimal // valid when HasVolume
	HasVolume  bool
	Reason     string // why the KPI is not measured, or the relief's reason
	// Fixed holds the measure and volume in fixed point, where they fit.
	Fixed Fixed

	// withheld is set when the measure is defined but not reported because
	// the volume is below min_volume; Measure holds it for Excuse, and so
	// does Fixed.Measure when withheldFixed is set.
	withheld, withheldFixed bool
	unset                   unset
	minVolume               *decimal.Decimal // for Reason, when reasonUnset
}

// Fixed is a KPI's measure and volume as fixed-point numbers, for
// arithmetic that allocates nothing (see package fixed). HasMeasure is
// set when the measure is present (the Value's or Result's HasMeasure)
// and fits in fixed point; Measure then is the same number as the
// decimal Measure, coefficient and exponent. The same goes for the
// volume. Whoever changes a Value's or Result's Measure or Volume must
// clear or change Fixed too.
type Fixed struct {
	Measure, Volume       fixed.Decimal
	HasMeasure, HasVolume bool
}

// unset says which of a Value's or Result's fields are not set yet: a
// value from Evaluator.Fast holds its measure and volume only in Fixed
// when they fit there, a result judged from it leaves the text of a
// volume below min_volume to be written, and Complete sets them.
type unset uint8

const (
	measureUnset unset = 1 << iota
	volumeUnset
	reasonUnset
)

// Excuse marks the result excused by a relief entry, unless the KPI does
// not apply at all. The measure and volume, whenever they are defined, are
// reported for the record, even when the volume is below min_volume.
func (r *Result) Excuse(reason string) {
	if r.Status == rules.NotApplicable {
		return
	}
	r.Status, r.Reason = rules.Excused, reason
	r.unset &^= reasonUnset // the relief's reason replaces min_volume's
	if r.withheld {
		r.HasMeasure, r.withheld = true, false
		r.Fixed.HasMeasure, r.withheldFixed = r.withheldFixed, false
	}
}

// Complete returns the result with every field set. A result of
// Evaluator.EvaluateFast, or judged from a Value of Evaluator.Fast, holds
// its measure and volume only in Fixed where they fit there, and leaves
// the Reason of a volume below min_volume unwritten, so as to allocate
// nothing; Complete sets Measure, Volume and Reason. It allocates for
// those only.
func (r Result) Complete() Result {
	r.complete()
	return r
}

// decimalOf is f as a decimal, coefficient and exponent. The commonest
// are made once and shared, as decimals are never changed in place:
// small counts, and a ratio of 1 to the places of a division.
func decimalOf(f fixed.Decimal) decimal.Decimal {
	switch c, s := f.Coef(), f.Scale(); {
	case s == 0 && c >= 0 && c < int64(len(smallCounts)):
		return smallCounts[c]
	case s == DivisionPlaces && c == wholeRatio.CoefficientInt64():
		return wholeRatio
	}
	return f.Decimal()
}

// smallCounts are the decimals of 0 to 4095, at exponent 0.
var smallCounts = func() (d [4096]decimal.Decimal) {
	for i := range d {
		d[i] = decimal.New(int64(i), 0)
	}
	return d
}()

// wholeRatio is 1 to DivisionPlaces places: a ratio of equals.
var wholeRatio = decimal.New(1e16, -DivisionPlaces)

func (r *Result) complete() {
	if r.unset == 0 {
		return
	}
	if r.unset&measureUnset != 0 {
		r.Measure = decimalOf(r.Fixed.Measure)
	}
	if r.unset&volumeUnset != 0 {
		r.Volume = decimalOf(r.Fixed.Volume)
	}
	if r.unset&reasonUnset != 0 {
		r.Reason = belowMinVolume(r.Volume, *r.minVolume)
	}
	r.unset, r.minVolume = 0, nil
}

// Evaluator evaluates a Program's expressions for one row at a time. It
// reuses its buffers between calls and is not safe for concurrent use.
type Evaluator struct {
	p     *Program
	row   *Row
	month rules.Month
	gen   uint64    // counts the rows loaded; a numSlot converted for another is stale
	nums  []numSlot // the row's numeric fields in fixed point, by field
	// prepared is the row's own, when it has been prepared (see
	// Row.Prepare); nums is not used then. fixedOnly is the row's: its
	// numbers are prepared's, not Values' (Row.SetFixed).
	prepared  []fixedField
	fixedOnly bool
	months    map[rules.Month]string
	texts     []string // a Condition's text values, by index

	// The VM evaluates what the closures cannot; env is set from the
	// row when it first does.
	vm     vm.VM
	env    map[string]any
	envSet bool
	useVM  bool // the VM evaluates everything (tests compare the two)
	vmRuns int  // expressions the VM evaluated
}

// NewEvaluator returns an Evaluator for the program.
func (p *Program) NewEvaluator() *Evaluator {
	return &Evaluator{p: p, nums: make([]numSlot, len(p.rb.Fields)),
		months: map[rules.Month]string{},
		env:    make(map[string]any, len(p.rb.Keys)+len(p.rb.Fields)+1)}
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
	// Fixed holds the measure and volume in fixed point, where they fit.
	Fixed Fixed

	unset unset
}

// Complete returns the value with Measure and Volume set, which a value
// from Evaluator.Fast holds only in Fixed where they fit there. It
// allocates for those only.
func (v Value) Complete() Value {
	if v.unset&measureUnset != 0 {
		v.Measure = decimalOf(v.Fixed.Measure)
	}
	if v.unset&volumeUnset != 0 {
		v.Volume = decimalOf(v.Fixed.Volume)
	}
	v.unset = 0
	return v
}

// Evaluate works out every KPI's result for the row, appending to out
// (which may be nil) and returning it, in rulebook order.
func (e *Evaluator) Evaluate(row *Row, out []Result) ([]Result, error) {
	return e.evaluate(row, out, true)
}

// EvaluateFast is Evaluate leaving the results' Measure and Volume unset
// where Fixed holds them, and Reason for a volume below min_volume (see
// Result.Complete). With rows whose measures and volumes fit in fixed
// point, it allocates nothing once out has room for the results and the
// evaluator has seen the row's month; prepared rows (Row.Prepare) save
// converting their numbers each time.
func (e *Evaluator) EvaluateFast(row *Row, out []Result) ([]Result, error) {
	return e.evaluate(row, out, false)
}

func (e *Evaluator) evaluate(row *Row, out []Result, decimals bool) ([]Result, error) {
	if err := e.Load(row); err != nil {
		return out, err
	}
	kpis := e.p.rb.KPIs
	out = slices.Grow(out, len(kpis))
	for i, k := range kpis {
		var v Value
		if err := e.fast(i, &v); err != nil {
			return out, err
		}
		out = out[:len(out)+1]
		r := &out[len(out)-1]
		judge(k, &v, &e.p.kpis[i].refs, r)
		if decimals {
			r.complete()
		}
	}
	return out, nil
}

// Load makes row the one that Value and Fast evaluate. The row must not
// change until another is loaded.
func (e *Evaluator) Load(row *Row) error {
	rb := e.p.rb
	if len(row.Keys) != len(rb.Keys) || len(row.Values) != len(rb.Fields) {
		return fmt.Errorf("kpi: row has %d keys and %d values; the rulebook declares %d and %d",
			len(row.Keys), len(row.Values), len(rb.Keys), len(rb.Fields))
	}
	e.row, e.month, e.envSet = row, row.Month, false
	e.gen++
	e.prepared, e.fixedOnly = nil, false
	if row.isPrepared() {
		e.prepared, e.fixedOnly = row.prepared, row.fixedOnly
	}
	return nil
}

// setEnv gives the VM the loaded row's values.
func (e *Evaluator) setEnv() {
	if e.envSet {
		return
	}
	rb := e.p.rb
	for i, k := range rb.Keys {
		e.env[k] = e.row.Keys[i]
	}
	for i, f := range rb.Fields {
		e.env[f.Name] = e.row.Values[i]
	}
	e.env[rules.MonthColumn] = e.monthText()
	e.envSet = true
}

// Value evaluates the expressions of the i-th KPI for the loaded row.
func (e *Evaluator) Value(i int) (Value, error) {
	v, err := e.Fast(i)
	return v.Complete(), err
}

// Fast is Value leaving Measure and Volume unset where Fixed holds them
// (see Value.Complete). For a measure and volume that fit in fixed
// point, it allocates nothing.
func (e *Evaluator) Fast(i int) (Value, error) {
	var v Value
	err := e.fast(i, &v)
	return v, err
}

// fast is Fast into v, which is the zero Value.
func (e *Evaluator) fast(i int, v *Value) error {
	k, c := e.p.rb.KPIs[i], &e.p.kpis[i]
	v.Applies = true
	if c.applies != nil {
		t, err := e.truth(c.applies)
		if err != nil {
			return e.fail(k, k.Applies, err, v)
		}
		if v.Applies = t; !v.Applies {
			return nil
		}
	}
	if c.volume != nil {
		if f, st := e.closures(c.volume); st == exact && f.Scale() <= DivisionPlaces {
			v.Fixed.Volume, v.Fixed.HasVolume, v.unset = f, true, volumeUnset
		} else if n, err := e.number(c.volume, f, st); err != nil {
			return e.fail(k, k.Volume, err, v)
		} else {
			v.Volume, v.Fixed.Volume, v.Fixed.HasVolume = n.d, n.f, n.fits
			if !n.hasD {
				v.unset |= volumeUnset
			}
		}
		v.HasVolume = true
	}
	if f, st := e.closures(c.measure); st == exact && f.Scale() <= DivisionPlaces {
		v.Fixed.Measure, v.Fixed.HasMeasure, v.unset = f, true, v.unset|measureUnset
	} else if n, err := e.number(c.measure, f, st); err != nil {
		return e.fail(k, k.Measure, err, v)
	} else {
		v.Measure, v.Fixed.Measure, v.Fixed.HasMeasure = n.d, n.f, n.fits
		if !n.hasD {
			v.unset |= measureUnset
		}
	}
	v.HasMeasure = true
	if !v.within(k.Range, &c.refs) {
		return &EvalError{KPI: k.ID, Field: "measure", Month: e.month, Expr: k.Measure, Err: outOfRange(k, v.Complete().Measure)}
	}
	return nil
}

// closures evaluates a measure or volume with its closures; without
// them, or when the VM must evaluate everything, its status is inexact.
func (e *Evaluator) closures(x *expression) (fixed.Decimal, status) {
	if x.num == nil || e.useVM {
		return fixed.Decimal{}, inexact
	}
	return x.num(e)
}

// number is a measure or volume: in fixed point when it fits there, as a
// decimal when the VM gave it.
type number struct {
	f          fixed.Decimal // valid when fits
	fits, hasD bool
	d          decimal.Decimal // valid when hasD: the VM gave the number
}

// errDivision is the error of a division by zero found in fixed point,
// as quo words it.
var errDivision = fmt.Errorf("division by zero: %w", ErrUndefined)

// number finishes a measure or volume the closures gave as f with status
// st: it rounds it as places does, reports a division by zero, or has
// the VM evaluate the expression.
func (e *Evaluator) number(x *expression, f fixed.Decimal, st status) (number, error) {
	switch st {
	case exact:
		if f.Scale() > DivisionPlaces {
			var ok bool
			if f, ok = f.Round(DivisionPlaces); !ok {
				break // to the VM
			}
		}
		return number{f: f, fits: true}, nil
	case undefined:
		return number{}, errDivision
	}
	if e.fixedOnly {
		return number{}, ErrNeedsDecimals
	}
	e.setEnv()
	e.vmRuns++
	out, err := e.vm.Run(x.prog, e.env)
	if err != nil {
		return number{}, err
	}
	d := places(out.(decimal.Decimal))
	f, fits := fixed.FromDecimal(d)
	return number{f: f, fits: fits, d: d, hasD: true}, nil
}

// truth evaluates an applies expression, as number does.
func (e *Evaluator) truth(x *expression) (bool, error) {
	if x.cond != nil && !e.useVM {
		switch t, st := x.cond(e); st {
		case exact:
			return t, nil
		case undefined:
			return false, errDivision
		}
	}
	if e.fixedOnly {
		return false, ErrNeedsDecimals
	}
	e.setEnv()
	e.vmRuns++
	out, err := e.vm.Run(x.prog, e.env)
	return out == true, err
}

// ErrNeedsDecimals is the error of Value and Fast for a row whose numbers
// SetFixed gave in fixed point only, when an expression cannot be
// evaluated there: it needs expr's VM, or a figure does not fit. The
// caller evaluates it again on a row with the numbers in Values.
var ErrNeedsDecimals = errors.New("kpi: the expression needs the row's numbers as decimals")

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
	if err == ErrNeedsDecimals {
		return err
	}
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
