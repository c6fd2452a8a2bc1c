package pq

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// field is a column of a file written with parquet-go directly, as other
// tools write them.
type field struct {
	name string
	node parquet.Node
}

// foreignFile writes rows of raw values (nil for NULL) under a schema of the
// given fields, in order.
func foreignFile(t testing.TB, fields []field, rows [][]any) []byte {
	t.Helper()
	g := &orderedGroup{}
	for i, f := range fields {
		g.fields = append(g.fields, &orderedField{Node: f.node, name: f.name, index: i})
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[any](&buf, parquet.NewSchema("foreign", g))
	for _, r := range rows {
		row := make(parquet.Row, len(r))
		for i, x := range r {
			v, def := rawValue(x), 0
			if fields[i].node.Optional() && !v.IsNull() {
				def = 1
			}
			row[i] = v.Level(0, def, i)
		}
		_, err := w.WriteRows([]parquet.Row{row})
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// flba marks a fixed-length byte array value.
type flba []byte

func rawValue(x any) parquet.Value {
	switch v := x.(type) {
	case nil:
		return parquet.NullValue()
	case flba:
		return parquet.FixedLenByteArrayValue(v)
	case []byte:
		return parquet.ByteArrayValue(v)
	case string:
		return parquet.ByteArrayValue([]byte(v))
	case time.Time:
		return parquet.Int32Value(int32(v.Unix() / secondsPerDay))
	}
	return parquet.ValueOf(x)
}

// twos returns the big-endian two's complement of n in size bytes.
func twos(n *big.Int, size int) []byte {
	if n.Sign() < 0 {
		n = new(big.Int).Add(n, new(big.Int).Lsh(big.NewInt(1), uint(8*size)))
	}
	return n.FillBytes(make([]byte, size))
}

func bigInt(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return n
}

func TestReadTableTypes(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	micros := func(tm time.Time) int64 { return tm.UnixMicro() }
	fields := []field{
		{"month", parquet.String()},
		{"dbl", parquet.Leaf(parquet.DoubleType)},
		{"flt", parquet.Leaf(parquet.FloatType)},
		{"i32", parquet.Int(32)},
		{"plain32", parquet.Leaf(parquet.Int32Type)},
		{"u32", parquet.Uint(32)},
		{"u64", parquet.Uint(64)},
		{"flag", parquet.Leaf(parquet.BooleanType)},
		{"date", parquet.Date()},
		{"dec32", parquet.Decimal(2, 9, parquet.Int32Type)},
		{"decflba", parquet.Decimal(4, 30, parquet.FixedLenByteArrayType(13))},
		{"decba", parquet.Decimal(3, 40, parquet.ByteArrayType)},
		{"ts", parquet.Timestamp(parquet.Microsecond)},
		{"opt", parquet.Optional(parquet.Leaf(parquet.DoubleType))},
		{"bin", parquet.Leaf(parquet.ByteArrayType)},
	}
	rows := [][]any{
		{"2025-03", 0.1, float32(0.1), int32(-7), int32(5), int32(-1), int64(-1), true, date(2025, 3, 1),
			int32(1230), flba(twos(bigInt("-123456789012345678901234"), 13)), twos(bigInt("5"), 1),
			micros(date(2025, 3, 1)), nil, []byte("raw")},
		{"2025-13", 1e21, float32(-2.5), int32(math.MinInt32), int32(0), int32(7), int64(7), false, date(2025, 3, 15),
			int32(-5), flba(twos(bigInt("99"), 13)), twos(bigInt("-100000"), 3),
			micros(date(2025, 3, 1).Add(12 * time.Hour)), 3.25, []byte{}},
	}
	got, err := readTable(foreignFile(t, fields, rows))
	require.NoError(t, err)
	assert.Equal(t, []string{"month", "dbl", "flt", "i32", "plain32", "u32", "u64", "flag", "date",
		"dec32", "decflba", "decba", "ts", "opt", "bin"}, got.header)
	assert.Equal(t, [][]string{
		{"2025-03", "0.1", "0.1", "-7", "5", "4294967295", "18446744073709551615", "true", "2025-03",
			"12.30", "-12345678901234567890.1234", "0.005", "2025-03", "", "raw"},
		{"2025-13", "1000000000000000000000", "-2.5", "-2147483648", "0", "7", "7", "false", "2025-03-15",
			"-0.05", "0.0099", "-100.000", "2025-03-01T12:00:00", "3.25", ""},
	}, got.rows)
}

func TestReadTableUnsupported(t *testing.T) {
	tests := []struct {
		name  string
		field field
		err   string
	}{
		{"repeated", field{"tags", parquet.Repeated(parquet.String())}, "column tags: nested and repeated columns are not supported"},
		{"group", field{"lot", parquet.Group{"provider": parquet.String()}}, "column lot: nested and repeated"},
		{"time", field{"at", parquet.Time(parquet.Millisecond)}, "column at: type TIME"},
		{"int96", field{"old", parquet.Leaf(parquet.Int96Type)}, "column old: type INT96 is not supported"},
		{"uuid", field{"id", parquet.UUID()}, "column id: type UUID is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := foreignFile(t, []field{{"region", parquet.String()}, tt.field}, nil)
			_, err := readTable(data)
			require.ErrorContains(t, err, tt.err)
			require.NotContains(t, err.Error(), "not a valid Parquet file", "the file is valid; the column is not supported")
		})
	}
}

func TestReadTableCallbackErrors(t *testing.T) {
	data := writeFile(t, resultCols, [][]any{resultRow(1), resultRow(2), resultRow(3)})
	stop := errors.New("stop")
	err := ReadTable(bytes.NewReader(data), int64(len(data)), func([]string) error { return stop }, nil)
	assert.Same(t, stop, err)
	err = ReadTable(bytes.NewReader(data), int64(len(data)), nil, func(n int64, _ []string) error {
		if n == 2 {
			return stop
		}
		return nil
	})
	assert.Same(t, stop, err)
}

// A callback's error stops the reading of a file of many batches at its
// row, in order, and the file is not read after ReadTable returns: its
// reader goroutine has ended.
func TestReadTableStopsReading(t *testing.T) {
	rows := make([][]any, 3*batchRows+7)
	for i := range rows {
		rows[i] = resultRow(i)
	}
	data := writeFile(t, resultCols, rows)
	stop := errors.New("stop")
	for _, at := range []int64{1, batchRows, batchRows + 1, int64(len(rows))} {
		var seen int64
		r := &countingReader{r: bytes.NewReader(data)}
		err := ReadTable(r, int64(len(data)), nil, func(n int64, _ []string) error {
			seen = n
			if n == at {
				return stop
			}
			return nil
		})
		require.Same(t, stop, err, "at %d", at)
		require.Equal(t, at, seen)
		reads := r.n.Load()
		time.Sleep(10 * time.Millisecond)
		require.Equal(t, reads, r.n.Load(), "read after ReadTable returned, at %d", at)
	}
}

// countingReader counts the reads of a file.
type countingReader struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.n.Add(1)
	return c.r.ReadAt(p, off)
}

// corrupt returns damaged copies of a valid file: every truncation and
// single-byte flips.
func corrupt(data []byte) (truncated, flipped [][]byte) {
	for n := 0; n < len(data); n++ {
		truncated = append(truncated, data[:n])
	}
	for i := range data {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(data)
			b[i] ^= x
			flipped = append(flipped, b)
		}
	}
	return truncated, flipped
}

func TestReadTableCorrupt(t *testing.T) {
	data := writeFile(t, resultCols[:6], [][]any{resultRow(1)[:6], resultRow(2)[:6]})
	truncated, flipped := corrupt(data)
	for _, b := range truncated {
		_, err := readTable(b)
		require.Error(t, err, "truncated to %d bytes", len(b))
	}
	failed := 0
	for _, b := range flipped {
		if _, err := readTable(b); err != nil {
			failed++
		}
	}
	t.Logf("%d truncations failed; %d of %d byte flips failed, the rest read without panic",
		len(truncated), failed, len(flipped))

	for _, b := range [][]byte{nil, []byte("PAR1"), []byte("PAR1\xff\xff\xff\xffPAR1"), []byte("not a parquet file at all")} {
		_, err := readTable(b)
		require.ErrorContains(t, err, "not a valid Parquet file")
	}
}
