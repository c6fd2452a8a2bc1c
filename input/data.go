// Package input reads what a run takes besides the rulebook: the monthly
// data (CSV or Parquet) and the relief file, checking every cell against
// the rulebook and the limits of package limits. A problem is a
// *rules.Problem placed at its file, line (or Parquet row) and column.
//
// It depends on rules (the fields and keys to expect), kpi (the Row a
// month's data becomes) and the CSV and Parquet readers (internal/csvin,
// internal/pq); runner, above it, runs a Dataset and output writes what
// runner made. The engine does not import it: a service with its own data
// builds kpi.Rows itself.
package input

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// MaxDigits bounds the digits of a number in a data file.
const MaxDigits = limits.MaxDigits

// MoneyHeadroom is how many digits of a DECIMAL(18, minor units) output
// column a data file's money leaves free, so that a lot's credits summed
// over a long contract still fit: money has at most 18 - 3 - minor units
// digits before the decimal point (13 for pounds and pence).
const MoneyHeadroom = 3

// Dataset is validated monthly data: every lot has one row for every month
// from First to Last.
type Dataset struct {
	Rules       *rules.Rulebook
	File        string
	Lots        []*LotData // sorted by their key values
	First, Last rules.Month
}

// LotData is one lot's rows, one a month in order. The rows a reader
// returns are prepared (kpi.Row.Prepare).
type LotData struct {
	Keys []string
	Rows []kpi.Row
}

// Name joins the lot's key values with " / ".
func (l *LotData) Name() string { return strings.Join(l.Keys, " / ") }

// Months is the number of months the data covers.
func (d *Dataset) Months() int { return int(d.Last-d.First) + 1 }

// Lot returns the index in Lots of the lot with the given key values, in
// the rulebook's key order, and false when the data has no such lot.
func (d *Dataset) Lot(keys ...string) (int, bool) {
	i := slices.IndexFunc(d.Lots, func(l *LotData) bool { return slices.Equal(l.Keys, keys) })
	return i, i >= 0
}

// Month returns the lot's row for month m, and false when the data has no
// row for it.
func (l *LotData) Month(m rules.Month) (*kpi.Row, bool) {
	if len(l.Rows) == 0 || m < l.Rows[0].Month || int(m-l.Rows[0].Month) >= len(l.Rows) {
		return nil, false
	}
	return &l.Rows[m-l.Rows[0].Month], true
}

// column says what a data column holds.
type column struct {
	name  string
	key   int // index in the rulebook's keys, or -1
	field int // index in the rulebook's fields, or -1
	month bool
}

// table turns a header and rows of text cells, from CSV or Parquet, into a
// Dataset, checking every cell.
type table struct {
	rb      *rules.Rulebook
	file    string
	parquet bool
	cols    []column
	lots    map[string]*LotData // by their key values joined by NUL
	seen    map[lotMonth]int    // the row each lot-month was read from
	keys    []string            // the key values of the row being read
	lotKey  []byte              // scratch for a lot's key in lots
	slab    []any               // where the next rows' Values come from
	rows    int                 // rows read, the header not counted
	nums    numbers
}

func newTable(rb *rules.Rulebook, file string, parquet bool) *table {
	return &table{rb: rb, file: file, parquet: parquet, lots: map[string]*LotData{}, seen: map[lotMonth]int{},
		keys: make([]string, len(rb.Keys))}
}

func (t *table) errorf(row, col int, column, format string, args ...any) error {
	return place(t.file, row, col, column, t.parquet, fmt.Sprintf(format, args...))
}

// header maps the columns, rejecting unknown, repeated and missing ones:
// a field that the rulebook's events fill may be missing, and its values
// are then nil until the events fill them (events.Result.Fill).
func (t *table) header(row int, names []string) error {
	known := map[string]column{rules.MonthColumn: {name: rules.MonthColumn, key: -1, field: -1, month: true}}
	for i, k := range t.rb.Keys {
		known[k] = column{name: k, key: i, field: -1}
	}
	for i, f := range t.rb.Fields {
		known[f.Name] = column{name: f.Name, key: -1, field: i}
	}
	want := t.expected()
	idx, err := matchHeader(t.file, row, t.parquet, names, want, func(name string) bool { return t.rb.EventField(name) != nil })
	if err != nil {
		return err
	}
	t.cols = make([]column, len(names))
	for w, c := range idx {
		if c >= 0 {
			t.cols[c] = known[want[w]]
		}
	}
	return nil
}

func (t *table) expected() []string {
	names := append(slices.Clone(t.rb.Keys), rules.MonthColumn)
	for _, f := range t.rb.Fields {
		names = append(names, f.Name)
	}
	return names
}

// row checks one row's cells and files it under its lot.
func (t *table) row(n int, cells []string) error {
	if len(cells) != len(t.cols) {
		return t.errorf(n, 0, "", "the row has %d values; the header has %d columns", len(cells), len(t.cols))
	}
	if t.rows++; t.rows*len(t.cols) > limits.MaxCells {
		return t.errorf(n, 0, "", "the data has more than %d values (rows times columns)", limits.MaxCells)
	}
	r := kpi.Row{Values: t.values()}
	for i, c := range t.cols {
		v, err := t.cell(c, strings.TrimSpace(cells[i]))
		if err != nil {
			return t.errorf(n, i+1, c.name, "%v", err)
		}
		switch {
		case c.month:
			r.Month = v.(rules.Month)
			if err := t.rb.InTerm(r.Month); err != nil {
				return t.errorf(n, i+1, c.name, "%v", err)
			}
			if err := t.rb.AfterOpening(r.Month); err != nil {
				return t.errorf(n, i+1, c.name, "%v", err)
			}
		case c.key >= 0:
			t.keys[c.key] = v.(string)
		default:
			r.Values[c.field] = v
		}
	}
	lot := t.lot(t.keys)
	r.Keys = lot.Keys
	if first, dup := t.seen[lotMonth{lot, r.Month}]; dup {
		unit := "line"
		if t.parquet {
			unit = "row"
		}
		return t.errorf(n, 0, "", "a second row for %s in %s (the first is %s %d)", limits.Name(lot.Name()), r.Month, unit, first)
	}
	t.seen[lotMonth{lot, r.Month}] = n
	r.Prepare() // its numbers in fixed point once, for every evaluator that loads it
	lot.Rows = append(lot.Rows, r)
	return nil
}

// values returns a row's Values, cut from an array shared by 256 rows:
// one allocation for them all.
func (t *table) values() []any {
	n := len(t.rb.Fields)
	if len(t.slab) < n {
		t.slab = make([]any, n*256)
	}
	v := t.slab[:n:n]
	t.slab = t.slab[n:]
	return v
}

// lotMonth is a lot's month.
type lotMonth struct {
	lot   *LotData
	month rules.Month
}

// lot returns the lot with the given key values, adding it when it is
// new: its rows share its Keys.
func (t *table) lot(keys []string) *LotData {
	b := t.lotKey[:0]
	for i, k := range keys {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, k...)
	}
	t.lotKey = b
	if lot := t.lots[string(b)]; lot != nil { // looks up without copying
		return lot
	}
	lot := &LotData{Keys: slices.Clone(keys)}
	t.lots[string(b)] = lot
	return lot
}

var (
	decimalText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

// cell reads one value: text for keys and string fields, a month, or an
// exact decimal checked against its field's type.
func (t *table) cell(c column, s string) (any, error) {
	if msg := cellText(s, c.month || c.key >= 0); msg != "" {
		return nil, errors.New(msg)
	}
	switch {
	case c.month:
		return rules.ParseMonth(s)
	case c.key >= 0:
		return s, nil
	}
	f := t.rb.Fields[c.field]
	if f.Type == rules.TypeString {
		return s, nil
	}
	return t.number(f.Type, s)
}

// number reads an exact decimal and checks it against its field's type.
// Trailing zeros are not places: 10000.0000 is whole pounds and 20.00 a
// count, as Parquet DECIMAL(18,4) and DECIMAL(10,2) columns write them.
func (t *table) number(typ rules.FieldType, s string) (any, error) {
	places := int32(kpi.DivisionPlaces) // the places a measure is judged and written at
	if typ == rules.TypeMoney {
		places = t.rb.MinorUnits
	}
	n, err := readNumber(typ, s, places)
	switch {
	case err != nil:
		return nil, err
	case n.short:
		return t.nums.value(n.c, n.e, n.zero), nil
	}
	return n.d, nil
}

// ParseMoney reads an amount of money as a data file's money is read:
// digits with an optional decimal point, at most places decimal places
// (trailing zeros aside), not negative, and small enough for the outputs'
// sums (see MoneyHeadroom). The errors quote s.
func ParseMoney(s string, places int32) (decimal.Decimal, error) {
	n, err := readNumber(rules.TypeMoney, s, places)
	if err != nil || !n.short {
		return n.d, err
	}
	return shortDecimal(n.c, n.e, n.zero), nil
}

// aNumber is a number read from text: c × 10^e (decimal.Zero when zero)
// when short, else d.
type aNumber struct {
	short bool
	c     int64
	e     int32
	zero  bool
	d     decimal.Decimal
}

// readNumber reads s as a number of a field's type with at most places
// decimal places.
func readNumber(typ rules.FieldType, s string, places int32) (aNumber, error) {
	if len(s) > MaxDigits+2 {
		return aNumber{}, fmt.Errorf("%s is too long for a number (at most %d digits)", limits.Quote(s), MaxDigits)
	}
	if c, e, ok := parseShort(s); ok {
		c, e, zero, err := checkShort(typ, s, c, e, places)
		return aNumber{short: true, c: c, e: e, zero: zero}, err
	}
	if !decimalText.MatchString(s) {
		return aNumber{}, fmt.Errorf("%s is not a number (write digits with an optional - and decimal point, e.g. 1234.50)", limits.Quote(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return aNumber{}, fmt.Errorf("%s is not a number", limits.Quote(s))
	}
	d, err = checkNumber(typ, s, d, places)
	return aNumber{d: d}, err
}

// checkNumber checks d, read from s, against its field's type, which
// allows it places decimal places.
func checkNumber(typ rules.FieldType, s string, d decimal.Decimal, places int32) (decimal.Decimal, error) {
	if -d.Exponent() > places || typ == rules.TypeInt {
		d = trimZeros(d)
	}
	switch {
	case -d.Exponent() > places:
		return d, errPlaces(s, places)
	case typ == rules.TypeInt && d.IsNegative():
		return d, errNegativeCount(s)
	case typ == rules.TypeInt && d.Exponent() < 0:
		return d, errFractionalCount(s)
	case typ == rules.TypeMoney && d.IsNegative():
		return d, errNegativeMoney(s)
	}
	if whole := moneyWhole(places); typ == rules.TypeMoney && d.Abs().Cmp(decimal.New(1, whole)) >= 0 {
		return d, errLargeMoney(s, whole)
	}
	return d, nil
}

// moneyWhole is how many digits money with places decimal places may have
// before the decimal point.
func moneyWhole(places int32) int32 { return pq.Precision - MoneyHeadroom - places }

func errPlaces(s string, places int32) error {
	return fmt.Errorf("%s has more than %d decimal places", s, places)
}

func errNegativeCount(s string) error { return fmt.Errorf("a count cannot be negative, got %s", s) }

func errFractionalCount(s string) error {
	return fmt.Errorf("a count must be a whole number, got %s", s)
}

func errNegativeMoney(s string) error { return fmt.Errorf("money cannot be negative here, got %s", s) }

func errLargeMoney(s string, whole int32) error {
	return fmt.Errorf("%s is too large for money (at most %d digits before the decimal point)", s, whole)
}

// trimZeros drops the trailing zeros of d's fraction: 18.500 becomes 18.5
// and 20.00 becomes 20.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	if d.IsZero() {
		return decimal.Zero
	}
	c, e := d.Coefficient(), d.Exponent()
	ten, r := big.NewInt(10), new(big.Int)
	for e < 0 {
		q, _ := new(big.Int).QuoRem(c, ten, r)
		if r.Sign() != 0 {
			break
		}
		c, e = q, e+1
	}
	return decimal.NewFromBigInt(c, e)
}

// finish sorts the lots and their months and checks that every lot has
// every month of the data's range.
func (t *table) finish() (*Dataset, error) {
	if len(t.lots) == 0 {
		if t.parquet {
			return nil, t.errorf(0, 0, "", "the file has no rows")
		}
		return nil, t.errorf(0, 0, "", "no data rows after the header")
	}
	ds := &Dataset{Rules: t.rb, File: t.file}
	first := true
	for _, lot := range t.lots {
		sortRows(lot)
		if first || lot.Rows[0].Month < ds.First {
			ds.First = lot.Rows[0].Month
		}
		if last := lot.Rows[len(lot.Rows)-1].Month; first || last > ds.Last {
			ds.Last = last
		}
		first = false
		ds.Lots = append(ds.Lots, lot)
	}
	slices.SortFunc(ds.Lots, func(a, b *LotData) int { return slices.Compare(a.Keys, b.Keys) })
	for _, lot := range ds.Lots {
		if missing, ok := gap(lot, ds.First, ds.Last); ok {
			return nil, t.errorf(0, 0, "", "lot %s has no row for %s (the data runs from %s to %s)",
				limits.Name(lot.Name()), missing, ds.First, ds.Last)
		}
	}
	if err := ds.checkOpening(t.rb); err != nil {
		return nil, err
	}
	return ds, nil
}

// checkOpening reports a lot of the rulebook's opening state that the data
// does not have, at the lot in the rulebook: a misspelt lot would
// otherwise start with no history.
func (d *Dataset) checkOpening(rb *rules.Rulebook) error {
	o := rb.Opening
	if o == nil {
		return nil
	}
	for i, l := range o.Lots {
		if _, ok := d.Lot(l.Lot...); !ok {
			return &rules.Problem{Pos: l.Pos, Key: fmt.Sprintf("opening.lots[%d].lot", i),
				Msg: fmt.Sprintf("lot %s is not in the data (%s)", limits.Name(strings.Join(l.Lot, " / ")), d.File)}
		}
	}
	return nil
}

func sortRows(lot *LotData) {
	slices.SortFunc(lot.Rows, func(a, b kpi.Row) int { return int(a.Month - b.Month) })
}

// gap returns the first month from first to last that the lot lacks.
func gap(lot *LotData, first, last rules.Month) (rules.Month, bool) {
	m := first
	for _, r := range lot.Rows {
		if r.Month != m {
			return m, true
		}
		m++
	}
	return m, m <= last
}

// Check reports what makes a Dataset built in code unfit for a run: every
// lot needs its key values and one row a month from First to Last, each
// with a value of its field's type (rules.Decimal for numbers, string for
// text), and to start after the rulebook's opening month, with every lot
// the opening names. Datasets read by ReadCSV and ReadParquet pass, once
// the events have filled the fields a file may leave out (see header).
func (d *Dataset) Check(rb *rules.Rulebook) error {
	if d.Last < d.First {
		return fmt.Errorf("dataset: last month %s is before the first %s", d.Last, d.First)
	}
	if err := rb.AfterOpening(d.First); err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	if err := d.checkOpening(rb); err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	for _, l := range d.Lots {
		if l == nil || len(l.Keys) != len(rb.Keys) {
			return fmt.Errorf("dataset: a lot needs %d key values (%s)", len(rb.Keys), strings.Join(rb.Keys, ", "))
		}
		if len(l.Rows) != d.Months() {
			return fmt.Errorf("dataset: lot %s has %d rows for the %d months %s to %s", l.Name(), len(l.Rows), d.Months(), d.First, d.Last)
		}
		for i := range l.Rows {
			if err := checkRow(rb, &l.Rows[i], d.First.Add(i)); err != nil {
				return fmt.Errorf("dataset: lot %s, %s: %w", l.Name(), d.First.Add(i), err)
			}
		}
	}
	return nil
}

func checkRow(rb *rules.Rulebook, r *kpi.Row, want rules.Month) error {
	if r.Month != want {
		return fmt.Errorf("the row is for %s", r.Month)
	}
	if len(r.Keys) != len(rb.Keys) {
		return fmt.Errorf("%d key values for %d keys", len(r.Keys), len(rb.Keys))
	}
	if len(r.Values) != len(rb.Fields) {
		return fmt.Errorf("%d values for %d fields", len(r.Values), len(rb.Fields))
	}
	for i, f := range rb.Fields {
		switch r.Values[i].(type) {
		case rules.Decimal:
			if f.Type != rules.TypeString {
				continue
			}
		case string:
			if f.Type == rules.TypeString {
				continue
			}
		}
		return fmt.Errorf("field %s holds a %T", f.Name, r.Values[i])
	}
	return nil
}
