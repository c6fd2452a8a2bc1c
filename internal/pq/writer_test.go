package pq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnscaled(t *testing.T) {
	tests := []struct {
		in    string
		scale int32
		want  int64
		err   string
	}{
		{in: "1.23", scale: 2, want: 123},
		{in: "12.30", scale: 2, want: 1230},
		{in: "-0.5", scale: 2, want: -50},
		{in: "1e3", scale: 2, want: 100_000},
		{in: "0", scale: 6, want: 0},
		{in: "0e-40", scale: 2, want: 0},
		{in: "7", scale: 0, want: 7},
		{in: "0.000001", scale: 6, want: 1},
		{in: "123456789012.123456", scale: 6, want: 123_456_789_012_123_456},
		{in: "9999999999999999.99", scale: 2, want: 999_999_999_999_999_999},
		{in: "-9999999999999999.99", scale: 2, want: -999_999_999_999_999_999},
		{in: "0.999999999999999999", scale: 18, want: 999_999_999_999_999_999},
		// more than 18 digits, but trailing zeros: the big.Int path
		{in: "1.500000000000000000000000", scale: 2, want: 150},
		{in: "-12345678901234567.80000000", scale: 1, want: -123_456_789_012_345_678},
		{in: "1.234", scale: 2, err: "more than 2 decimal places"},
		{in: "-0.001", scale: 2, err: "more than 2 decimal places"},
		{in: "1e-30", scale: 6, err: "more than 6 decimal places"},
		{in: "1.0000000000000000000001", scale: 2, err: "more than 2 decimal places"},
		{in: "10000000000000000", scale: 2, err: "overflows DECIMAL(18,2)"},
		{in: "-10000000000000000", scale: 2, err: "overflows DECIMAL(18,2)"},
		{in: "92233720368547758.07", scale: 2, err: "overflows DECIMAL(18,2)"},
		{in: "-92233720368547758.08", scale: 2, err: "overflows DECIMAL(18,2)"},
		{in: "1e40", scale: 2, err: "overflows DECIMAL(18,2)"},
		{in: "1", scale: 18, err: "overflows DECIMAL(18,18)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := unscaled(decimal.RequireFromString(tt.in), tt.scale)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPutUnscaledWide(t *testing.T) {
	tests := []struct {
		in    string
		scale int32
		want  string // unscaled, in decimal
		err   string
	}{
		{in: "1.5", scale: 16, want: "15000000000000000"},
		{in: "-0.0000000000000001", scale: 16, want: "-1"},
		{in: "-1", scale: 0, want: "-1"},
		{in: "99999999999999999999999999999999999999", scale: 0, want: "99999999999999999999999999999999999999"},
		{in: "-9999999999999999999999.9999999999999999", scale: 16, want: "-99999999999999999999999999999999999999"},
		{in: "0.12000000000000000000000000000000000000000", scale: 38, want: "12" + strings.Repeat("0", 36)},
		{in: "0.1", scale: 38, want: "1" + strings.Repeat("0", 37)},
		{in: "1", scale: 38, err: "overflows DECIMAL(38,38)"},
		{in: "1e38", scale: 0, err: "overflows DECIMAL(38,0)"},
		{in: "-1e9000", scale: 0, err: "overflows DECIMAL(38,0)"},
		{in: "0.00000000000000001", scale: 16, err: "more than 16 decimal places"},
		{in: "1e-9000", scale: 16, err: "more than 16 decimal places"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			b := make([]byte, wideSize)
			err := putWide(b, decimal.RequireFromString(tt.in), tt.scale)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			got := scaledBig(b, 0)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	cols := []Column{
		{Name: "s", Kind: String},
		{Name: "m", Kind: Month},
		{Name: "d2", Kind: Decimal, Scale: 2},
		{Name: "d6", Kind: Decimal, Scale: 6, Nullable: true},
		{Name: "d0", Kind: Decimal},
		{Name: "i", Kind: Int64},
		{Name: "ns", Kind: String, Nullable: true},
		{Name: "nm", Kind: Month, Nullable: true},
		{Name: "ni", Kind: Int64, Nullable: true},
		{Name: "w", Kind: WideDecimal, Scale: 16, Nullable: true},
	}
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	p := func(s string) *decimal.Decimal { x := d(s); return &x }
	tests := []struct {
		name string
		in   []any
		want []string
	}{
		{
			name: "values",
			in:   []any{"North East", rules.NewMonth(2025, 3), d("1234.5"), p("0.987654"), d("42"), 7, "x", rules.NewMonth(2024, 12), int64(-3), d("0.9791666666666667")},
			want: []string{"North East", "2025-03", "1234.50", "0.987654", "42", "7", "x", "2024-12", "-3", "0.9791666666666667"},
		},
		{
			name: "negative and NULL",
			in:   []any{"", rules.NewMonth(1969, 12), d("-0.01"), (*decimal.Decimal)(nil), d("-999999999999999999"), math.MinInt64, nil, nil, nil, nil},
			want: []string{"", "1969-12", "-0.01", "", "-999999999999999999", "-9223372036854775808", "", "", "", ""},
		},
		{
			name: "limits",
			in:   []any{"ünïcødé ✓", rules.NewMonth(1, 1), d("9999999999999999.99"), d("-0.000001"), d("0"), int64(math.MaxInt64), "", rules.NewMonth(9999, 12), 0, d("-9999999999999999999999.9999999999999999")},
			want: []string{"ünïcødé ✓", "0001-01", "9999999999999999.99", "-0.000001", "0", "9223372036854775807", "", "9999-12", "0", "-9999999999999999999999.9999999999999999"},
		},
		{
			name: "wide beyond int64",
			in:   []any{"a", rules.NewMonth(2000, 2), d("0"), p("0"), d("0"), 0, nil, nil, nil, d("-922337203685.4775809")},
			want: []string{"a", "2000-02", "0.00", "0.000000", "0", "0", "", "", "", "-922337203685.4775809000000000"},
		},
	}
	rows := make([][]any, len(tests))
	for i, tt := range tests {
		rows[i] = tt.in
	}
	got, err := readTable(writeFile(t, cols, rows))
	require.NoError(t, err)
	assert.Equal(t, []string{"s", "m", "d2", "d6", "d0", "i", "ns", "nm", "ni", "w"}, got.header)
	require.Len(t, got.rows, len(tests))
	for i, tt := range tests {
		assert.Equal(t, tt.want, got.rows[i], tt.name)
	}
}

func TestRoundTripMany(t *testing.T) {
	const n = 5000
	rows := make([][]any, n)
	want := make([][]string, n)
	for i := range rows {
		rows[i] = resultRow(i)
		want[i] = cellsOf(resultCols, rows[i])
	}
	got, err := readTable(writeFile(t, resultCols, rows))
	require.NoError(t, err)
	assert.Equal(t, want, got.rows)
}

// cellsOf returns the text ReadTable gives for the values of a row.
func cellsOf(cols []Column, row []any) []string {
	cells := make([]string, len(row))
	for i, x := range row {
		if p, ok := x.(*decimal.Decimal); ok {
			if p == nil {
				continue
			}
			x = *p
		}
		switch v := x.(type) {
		case nil:
		case decimal.Decimal:
			cells[i] = v.StringFixed(cols[i].Scale)
		case int:
			cells[i] = strconv.Itoa(v)
		default:
			cells[i] = fmt.Sprint(v) // string, int64, rules.Month
		}
	}
	return cells
}

func TestWriteErrors(t *testing.T) {
	cols := []Column{
		{Name: "region", Kind: String},
		{Name: "month", Kind: Month},
		{Name: "credit", Kind: Decimal, Scale: 2},
		{Name: "measure", Kind: Decimal, Scale: 6, Nullable: true},
		{Name: "volume", Kind: Int64},
	}
	ok := []any{"Wales", rules.NewMonth(2025, 1), decimal.New(150, -2), nil, 3}
	with := func(i int, v any) []any {
		r := append([]any(nil), ok...)
		r[i] = v
		return r
	}
	tests := []struct {
		name string
		row  []any
		err  string
	}{
		{"too many places", with(2, decimal.RequireFromString("0.001")), "row 2 column credit: 0.001 has more than 2 decimal places"},
		{"overflow", with(3, decimal.RequireFromString("1e12")), "row 2 column measure: 1000000000000 overflows DECIMAL(18,6)"},
		{"NULL", with(2, nil), "row 2 column credit: NULL in a column that is not nullable"},
		{"nil pointer", with(2, (*decimal.Decimal)(nil)), "row 2 column credit: NULL"},
		{"wrong type", with(4, "3"), "row 2 column volume: got string, want int or int64"},
		{"float decimal", with(2, 1.5), "row 2 column credit: got float64, want decimal.Decimal"},
		{"month as string", with(1, "2025-01"), "row 2 column month: got string, want period.Month"},
		{"zero month", with(1, rules.Month(0)), "row 2 column month: month 0 out of range"},
		{"bad UTF-8", with(0, "\xff"), `row 2 column region: "\xff" is not valid UTF-8`},
		{"too few values", ok[:4], "row 2: 4 values for 5 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, cols)
			require.NoError(t, err)
			require.NoError(t, w.Write(ok...))
			err = w.Write(tt.row...)
			require.ErrorContains(t, err, tt.err)
			var re *RangeError
			if assert.Equal(t, tt.name == "overflow", errors.As(err, &re), "a *RangeError") && re != nil {
				assert.Equal(t, "measure", re.Column)
				assert.Equal(t, "DECIMAL(18,6)", re.Type())
				assert.Equal(t, "1000000000000", re.Value.String())
			}
			// The bad row is not written; the writer remains usable.
			require.NoError(t, w.Write(ok...))
			require.NoError(t, w.Close())
			got, err := readTable(buf.Bytes())
			require.NoError(t, err)
			assert.Len(t, got.rows, 2)
		})
	}
}

func TestNewWriterErrors(t *testing.T) {
	tests := []struct {
		name string
		cols []Column
		err  string
	}{
		{"none", nil, "no columns"},
		{"duplicate", []Column{{Name: "a"}, {Name: "a", Kind: Int64}}, `duplicate column "a"`},
		{"empty name", []Column{{Kind: Int64}}, "empty name"},
		{"unknown kind", []Column{{Name: "a", Kind: 9}}, "column a: unknown kind Kind(9)"},
		{"negative scale", []Column{{Name: "a", Kind: Decimal, Scale: -1}}, "column a: scale -1 out of range 0..18"},
		{"scale too large", []Column{{Name: "a", Kind: Decimal, Scale: 19}}, "column a: scale 19 out of range"},
		{"scale on int", []Column{{Name: "a", Kind: Int64, Scale: 2}}, "column a: scale 2 on a Int64 column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWriter(&bytes.Buffer{}, tt.cols)
			require.ErrorContains(t, err, tt.err)
		})
	}
}

func TestWriteDeterministic(t *testing.T) {
	rows := make([][]any, 3000)
	for i := range rows {
		rows[i] = resultRow(i)
	}
	a := writeFile(t, resultCols, rows)
	b := writeFile(t, resultCols, rows)
	require.True(t, bytes.Equal(a, b), "two writes of the same rows differ")
}

// TestFileLayout checks the file as other readers see it: column order,
// types, encodings, compression and created_by.
func TestFileLayout(t *testing.T) {
	rows := make([][]any, 100)
	for i := range rows {
		rows[i] = resultRow(i)
	}
	data := writeFile(t, resultCols, rows)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)

	md := f.Metadata()
	assert.Equal(t, CreatedBy, md.CreatedBy)
	var order []string
	for _, p := range f.Schema().Columns() {
		order = append(order, strings.Join(p, "."))
	}
	assert.Equal(t, []string{"scenario", "provider", "region", "month", "kpi", "measure", "volume",
		"target", "status", "streak", "multiplier", "credit", "reason"}, order)

	require.Len(t, md.RowGroups, 1)
	for i, cc := range md.RowGroups[0].Columns {
		c := resultCols[i]
		m := cc.MetaData
		assert.Equal(t, []string{c.Name}, []string(m.PathInSchema))
		assert.Equal(t, format.Zstd, m.Codec, c.Name)
		if c.Kind == String {
			assert.NotContains(t, m.Encoding, format.RLEDictionary, c.Name)
			assert.NotContains(t, m.Encoding, format.DeltaLengthByteArray, c.Name)
			assert.Contains(t, m.Encoding, format.Plain, c.Name)
		}
		if c.Kind == WideDecimal {
			assert.Nil(t, m.Statistics.MinValue, c.Name)
			assert.Nil(t, m.Statistics.MaxValue, c.Name)
		}
	}
	types := map[string]string{}
	for _, fld := range f.Schema().Fields() {
		types[fld.Name()] = fld.Type().String()
	}
	assert.Equal(t, "DATE", types["month"])
	assert.Equal(t, "DECIMAL(18,6)", types["measure"])
	assert.Equal(t, "DECIMAL(18,2)", types["credit"])
	assert.Equal(t, "STRING", types["status"])
	assert.Equal(t, "INT(64,true)", types["volume"])
	for i, fld := range f.Schema().Fields() {
		assert.Equal(t, resultCols[i].Nullable, fld.Optional(), fld.Name())
	}
}

func TestRowGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million rows")
	}
	cols := []Column{{Name: "i", Kind: Int64}, {Name: "s", Kind: String}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	require.NoError(t, err)
	const n = MaxRowsPerRowGroup + 10
	for i := range n {
		require.NoError(t, w.Write(i, "x"))
	}
	require.NoError(t, w.Close())
	assert.Equal(t, int64(n), w.Rows())

	data := buf.Bytes()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, f.RowGroups(), 2)
	assert.Equal(t, int64(MaxRowsPerRowGroup), f.RowGroups()[0].NumRows())

	var last int64
	err = ReadTable(bytes.NewReader(data), int64(len(data)), nil, func(r int64, cells []string) error {
		if want := r - 1; cells[0] != itoa(want) {
			return errors.New("row " + itoa(r) + " holds " + cells[0])
		}
		last = r
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(n), last)
}

func TestWriterClose(t *testing.T) {
	w, err := NewWriter(&bytes.Buffer{}, []Column{{Name: "a", Kind: Int64}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, w.Close())
	require.ErrorContains(t, w.Write(1), "closed")
}

func TestWriterIOError(t *testing.T) {
	w, err := NewWriter(failWriter{}, []Column{{Name: "a", Kind: Int64}})
	require.NoError(t, err)
	for i := range 10 {
		if err = w.Write(i); err != nil {
			break
		}
	}
	if err == nil {
		err = w.Close()
	}
	require.ErrorContains(t, err, "disk full")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUnscaledHugeExponent checks that exponents far out of range fail fast
// instead of computing huge powers of ten.
func TestUnscaledHugeExponent(t *testing.T) {
	_, err := unscaled(decimal.New(-3, math.MaxInt32), 2)
	require.ErrorContains(t, err, "overflows DECIMAL(18,2)")
	_, err = unscaled(decimal.New(7, math.MinInt32+20), 2)
	require.ErrorContains(t, err, "more than 2 decimal places")
	b := make([]byte, wideSize)
	require.ErrorContains(t, putWide(b, decimal.New(1, math.MaxInt32-20), 4), "overflows DECIMAL(38,4)")
	require.ErrorContains(t, putWide(b, decimal.New(1, math.MinInt32+20), 4), "more than 4 decimal places")
}

func TestOrderedGroup(t *testing.T) {
	s := schemaOf("t", []Column{{Name: "zeta", Kind: String}, {Name: "alpha", Kind: WideDecimal, Scale: 2, Nullable: true}})
	assert.Equal(t, [][]string{{"zeta"}, {"alpha"}}, s.Columns())
	assert.Contains(t, s.String(), "zeta")

	typ := s.GoType()
	require.Equal(t, 2, typ.NumField())
	assert.Equal(t, `parquet:"zeta"`, string(typ.Field(0).Tag))
	assert.Equal(t, `parquet:"alpha"`, string(typ.Field(1).Tag))

	v := reflect.New(typ).Elem()
	v.Field(1).Set(reflect.New(typ.Field(1).Type.Elem()))
	fields := s.Fields()
	assert.Equal(t, v.Field(1).Pointer(), fields[1].Value(v.Addr()).Pointer())
	assert.Equal(t, "y", fields[0].Value(reflect.ValueOf(map[string]string{"zeta": "y"})).String())
}

// The statistics a file records are the true minimum and maximum of each
// column that has them, negative values included, whatever routine the
// Parquet library picks for the CPU; wide decimals record none (the
// library's bounds for 16-byte values are wrong on AVX-512 CPUs and
// unsigned). Enough rows to take the library's vectorised paths.
func TestStatisticsAreTrueBounds(t *testing.T) {
	cols := []Column{
		{Name: "money", Kind: Decimal, Scale: 2},
		{Name: "month", Kind: Month},
		{Name: "n", Kind: Int64},
		{Name: "wide", Kind: WideDecimal, Scale: 16},
	}
	var rows [][]any
	for i := range 300 {
		v := int64((i*7919)%601 - 300) // -300 .. 300, scrambled
		rows = append(rows, []any{decimal.New(v, -2), rules.NewMonth(2000+int(v+300)/12, 1+int(v+300)%12),
			v, decimal.New(v, -16)})
	}
	data := writeFile(t, cols, rows)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	chunks := f.Metadata().RowGroups[0].Columns
	bounds := func(i int) (lo, hi int64) {
		s := chunks[i].MetaData.Statistics
		if len(s.MinValue) == 4 {
			return int64(int32(binary.LittleEndian.Uint32(s.MinValue))), int64(int32(binary.LittleEndian.Uint32(s.MaxValue)))
		}
		return int64(binary.LittleEndian.Uint64(s.MinValue)), int64(binary.LittleEndian.Uint64(s.MaxValue))
	}
	lo, hi := bounds(0)
	assert.Equal(t, []int64{-300, 300}, []int64{lo, hi}, "money, in hundredths")
	lo, hi = bounds(1)
	day := func(y int) int64 { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400 }
	assert.Equal(t, []int64{day(2000), day(2050)}, []int64{lo, hi}, "month, in days since 1970")
	lo, hi = bounds(2)
	assert.Equal(t, []int64{-300, 300}, []int64{lo, hi}, "int64")
	assert.Nil(t, chunks[3].MetaData.Statistics.MinValue, "wide decimal")
	assert.Nil(t, chunks[3].MetaData.Statistics.MaxValue, "wide decimal")
}
