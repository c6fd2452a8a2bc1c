// Package pq writes the runner's Parquet outputs and reads Parquet input data.
//
// Writing is column-typed: a [Writer] takes a list of [Column]s (strings,
// months, fixed-point decimals, integers, timestamps) and produces a deterministic file
// whose columns keep the given order. Reading is untyped: [ReadTable] turns
// every cell of a flat Parquet file into text, so that CSV and Parquet inputs
// share one validation path.
//
// It depends on period (months) and limits (input limits), and on
// parquet-go; input reads with it, output and ledger write with it.
package pq

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Kind is the type of a column written by a [Writer].
type Kind uint8

const (
	// String is a UTF-8 string (BYTE_ARRAY annotated STRING), PLAIN
	// encoded. Write takes a Go string.
	String Kind = iota
	// Month is a calendar month stored as a DATE holding the first day of the
	// month. Write takes a period.Month.
	Month
	// Decimal is a fixed-point number stored as DECIMAL(18, Scale) in an
	// INT64. Write takes a decimal.Decimal or a *decimal.Decimal.
	Decimal
	// Int64 is a signed 64-bit integer. Write takes an int or an int64.
	Int64
	// WideDecimal is a fixed-point number stored as DECIMAL(38, Scale) in a
	// 16-byte FIXED_LEN_BYTE_ARRAY, for values beyond 18 digits (measures with
	// many decimal places). Write takes what it takes for Decimal.
	WideDecimal
	// Timestamp is an instant stored as a TIMESTAMP in microseconds,
	// adjusted to UTC. Write takes a time.Time.
	Timestamp
)

const (
	// Precision is the number of decimal digits of every Decimal column: the
	// most an INT64 holds for any value.
	Precision = 18
	// WidePrecision is the number of decimal digits of every WideDecimal
	// column: the most a 16-byte integer holds for any value, and the most
	// common readers (DuckDB, Spark, Arrow's decimal128) support.
	WidePrecision = 38
)

// wideSize is the byte size of a WideDecimal value.
const wideSize = 16

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case String:
		return "String"
	case Month:
		return "Month"
	case Decimal:
		return "Decimal"
	case Int64:
		return "Int64"
	case WideDecimal:
		return "WideDecimal"
	case Timestamp:
		return "Timestamp"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Column describes one column of a file written by a [Writer].
type Column struct {
	// Name is the column name in the file.
	Name string
	// Kind is the column type.
	Kind Kind
	// Scale is the number of decimal places of a Decimal column, 0 to 18
	// (the column is DECIMAL(18, Scale)), or of a WideDecimal column, 0 to 38
	// (DECIMAL(38, Scale)). It must be 0 for other kinds.
	Scale int32
	// Nullable makes the column OPTIONAL, so that it may hold NULLs.
	Nullable bool
}

// validate checks a column list for NewWriter.
func validate(cols []Column) error {
	if len(cols) == 0 {
		return fmt.Errorf("no columns")
	}
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return err
		}
		if seen[c.Name] {
			return fmt.Errorf("duplicate column %q", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

func (c Column) validate() error {
	if c.Name == "" {
		return fmt.Errorf("column with an empty name")
	}
	switch c.Kind {
	case String, Month, Int64, Timestamp:
		if c.Scale != 0 {
			return fmt.Errorf("column %s: scale %d on a %s column", c.Name, c.Scale, c.Kind)
		}
	case Decimal, WideDecimal:
		if p := c.precision(); c.Scale < 0 || c.Scale > p {
			return fmt.Errorf("column %s: scale %d out of range 0..%d", c.Name, c.Scale, p)
		}
	default:
		return fmt.Errorf("column %s: unknown kind %s", c.Name, c.Kind)
	}
	return nil
}

// precision returns the precision of a decimal column.
func (c Column) precision() int32 {
	if c.Kind == WideDecimal {
		return WidePrecision
	}
	return Precision
}

// node returns the Parquet leaf node of the column.
func (c Column) node() parquet.Node {
	var n parquet.Node
	switch c.Kind {
	case String:
		// PLAIN, not RLE_DICTIONARY: parquet-go's AVX2 routine that finds
		// runs of dictionary indexes splits runs that its portable code
		// keeps whole, so dictionary pages would differ in their bytes
		// between CPUs with and without AVX2 (and every non-x86 CPU).
		// zstd compresses the repeated strings almost as well.
		n = parquet.Encoded(parquet.String(), &parquet.Plain)
	case Month:
		n = parquet.Date()
	case Decimal:
		n = parquet.Decimal(int(c.Scale), Precision, parquet.Int64Type)
	case WideDecimal:
		n = parquet.Decimal(int(c.Scale), WidePrecision, parquet.FixedLenByteArrayType(wideSize))
	case Timestamp:
		n = parquet.Timestamp(parquet.Microsecond)
	default:
		n = parquet.Int(64)
	}
	if c.Nullable {
		n = parquet.Optional(n)
	}
	return parquet.Compressed(n, &parquet.Zstd)
}

// schemaOf returns the file schema of cols, in the order of cols.
func schemaOf(name string, cols []Column) *parquet.Schema {
	g := &orderedGroup{fields: make([]parquet.Field, len(cols))}
	for i, c := range cols {
		g.fields[i] = &orderedField{Node: c.node(), name: c.Name, index: i}
	}
	return parquet.NewSchema(name, g)
}

// orderedGroup is a Parquet group node whose fields keep the order they were
// given in. parquet.Group is a map and sorts its fields by name; the writer
// lays out columns in the order Fields returns them, so this node gives files
// the logical column order of their documentation.
type orderedGroup struct {
	parquet.Group // the defaults of a required group; holds no fields
	fields        []parquet.Field
}

// Fields returns the fields in their given order.
func (g *orderedGroup) Fields() []parquet.Field { return g.fields }

// String prints the group as a Parquet schema.
func (g *orderedGroup) String() string {
	var b strings.Builder
	_ = parquet.PrintSchema(&b, "", g)
	return b.String()
}

// GoType returns a struct type with one field per column, in order.
func (g *orderedGroup) GoType() reflect.Type {
	fields := make([]reflect.StructField, len(g.fields))
	for i, f := range g.fields {
		fields[i] = reflect.StructField{
			Name: "F" + strconv.Itoa(i),
			Type: f.GoType(),
			Tag:  reflect.StructTag(`parquet:` + strconv.Quote(f.Name())),
		}
	}
	return reflect.StructOf(fields)
}

// orderedField is a field of an orderedGroup.
type orderedField struct {
	parquet.Node
	name  string
	index int
}

// Name returns the field name.
func (f *orderedField) Name() string { return f.name }

// Value returns the field of a value of the group's GoType, or the entry of a
// map keyed by field name.
func (f *orderedField) Value(base reflect.Value) reflect.Value {
	for base.Kind() == reflect.Interface || base.Kind() == reflect.Pointer {
		if base.IsNil() {
			return reflect.Value{}
		}
		base = base.Elem()
	}
	switch base.Kind() {
	case reflect.Struct:
		return base.Field(f.index)
	case reflect.Map:
		return base.MapIndex(reflect.ValueOf(f.name))
	}
	return reflect.Value{}
}
