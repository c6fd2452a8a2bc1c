package pq

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/period"
	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allKinds has a column of every kind, nullable and not.
var allKinds = []Column{
	{Name: "s", Kind: String},
	{Name: "long", Kind: String, Nullable: true},
	{Name: "m", Kind: Month},
	{Name: "nm", Kind: Month, Nullable: true},
	{Name: "d2", Kind: Decimal, Scale: 2},
	{Name: "nd6", Kind: Decimal, Scale: 6, Nullable: true},
	{Name: "i", Kind: Int64},
	{Name: "ni", Kind: Int64, Nullable: true},
	{Name: "w", Kind: WideDecimal, Scale: 16},
	{Name: "nw", Kind: WideDecimal, Scale: 16, Nullable: true},
	{Name: "t", Kind: Timestamp, Nullable: true},
}

// randomRow returns a row of allKinds: NULLs, strings of up to 3000
// bytes, decimals of up to 38 digits, of both signs.
func randomRow(r *rand.Rand) []any {
	null := func(v any) any {
		if r.IntN(5) == 0 {
			return nil
		}
		return v
	}
	long := strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(3000))
	return []any{
		[]string{"baseline", "scenario-a", ""}[r.IntN(3)],
		null(long),
		period.New(1990+r.IntN(50), 1+r.IntN(12)),
		null(period.New(1+r.IntN(9999), 1+r.IntN(12))),
		decimal.New(r.Int64N(2e18)-1e18+1, -2),
		null(decimal.New(r.Int64N(2e12)-1e12, -int32(r.IntN(7)))),
		r.Int64() - r.Int64(),
		null(r.IntN(1000)),
		randomWide(r),
		null(randomWide(r)),
		null(time.UnixMicro(r.Int64N(1e17)).UTC()),
	}
}

// randomWide returns a decimal of at most 22 whole digits and 16 places,
// its coefficient within or beyond an int64.
func randomWide(r *rand.Rand) decimal.Decimal {
	d := decimal.New(r.Int64()-r.Int64(), -int32(r.IntN(17)))
	if r.IntN(3) == 0 {
		d = d.Mul(decimal.New(r.Int64N(1e6), -16)).Truncate(16)
	}
	return d
}

// Through the batches encoded on several goroutines, each column's values
// written in runs, the Writer gives the bytes of the writer that handed
// parquet-go one row at a time: with several row groups, batches that end
// short of one, and pages that fill within a batch, in every column (small
// pages) and at the page size files are written with (fixed widths).
func TestWriterMatchesRowByRow(t *testing.T) {
	defer func(g int64, c, p int) { rowGroupRows, chunkRows, pageBufferSize = g, c, p }(rowGroupRows, chunkRows, pageBufferSize)
	fixedWidths := slices.DeleteFunc(slices.Clone(allKinds), func(c Column) bool { return c.Name == "long" })
	tests := []struct {
		name                string
		rows, chunks, group int
		workers, pageSize   int
		cols                []Column
		pages               int // at least, in each column of the first row group
	}{
		{name: "parallel", rows: 2600, chunks: 64, group: 1000, workers: 4, pageSize: 1 << 10, pages: 3},
		{name: "parallel, batches across row groups", rows: 2500, chunks: 300, group: 1000, workers: 3, pageSize: 1 << 10, pages: 3},
		{name: "in line", rows: 2600, chunks: 64, group: 1000, workers: 1, pageSize: 1 << 10, pages: 3},
		{name: "files' page size, long strings", rows: 2600, chunks: 64, group: 1000, workers: 2, pageSize: parquet.DefaultPageBufferSize},
		{name: "files' page size, fixed widths", rows: 70000, chunks: 4096, group: MaxRowsPerRowGroup, workers: 2,
			pageSize: parquet.DefaultPageBufferSize, cols: fixedWidths, pages: 2},
		{name: "one batch", rows: 10, chunks: 4096, group: 1000, workers: 2, pageSize: parquet.DefaultPageBufferSize},
		{name: "no rows", rows: 0, chunks: 64, group: 1000, workers: 2, pageSize: parquet.DefaultPageBufferSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rowGroupRows, chunkRows, pageBufferSize = int64(tt.group), tt.chunks, tt.pageSize
			cols := allKinds
			if tt.cols != nil {
				cols = tt.cols
			}
			rows := randomRows(tt.rows, len(cols) < len(allKinds))
			want, got := writeOld(t, cols, rows), writeNew(t, cols, rows, tt.workers)
			require.True(t, bytes.Equal(want, got), "the files differ")
			if tt.rows > tt.group {
				assertLayout(t, got, (tt.rows+tt.group-1)/tt.group)
			}
			assertPages(t, got, tt.pages)
		})
	}
}

// randomRows returns n rows of allKinds, without the long strings when
// short is set.
func randomRows(n int, short bool) [][]any {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	rows := make([][]any, n)
	for i := range rows {
		if rows[i] = randomRow(r); short {
			rows[i] = slices.Delete(rows[i], 1, 2)
		}
	}
	return rows
}

// writeOld writes rows with the writer that hands parquet-go one row at
// a time.
func writeOld(t *testing.T, cols []Column, rows [][]any) []byte {
	var buf bytes.Buffer
	ow, err := newOldWriter(&buf, cols)
	require.NoError(t, err)
	for _, row := range rows {
		require.NoError(t, ow.Write(row...))
	}
	require.NoError(t, ow.Close())
	return buf.Bytes()
}

// writeNew writes rows with a Writer on workers goroutines.
func writeNew(t *testing.T, cols []Column, rows [][]any, workers int) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	require.NoError(t, err)
	w.workers = workers
	for _, row := range rows {
		require.NoError(t, w.Write(row...))
	}
	require.NoError(t, w.Close())
	assert.Equal(t, int64(len(rows)), w.Rows())
	return buf.Bytes()
}

// assertLayout checks that a file has groups row groups and that its long
// strings take several pages in the first.
func assertLayout(t *testing.T, data []byte, groups int) {
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, f.RowGroups(), groups)
	idx := f.OffsetIndexes()
	require.NotEmpty(t, idx)
	assert.Greater(t, len(idx[1].PageLocations), 2, "pages of the long strings")
}

// assertPages checks that each column of a file's first row group has at
// least min pages.
func assertPages(t *testing.T, data []byte, min int) {
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	if min == 0 || len(f.RowGroups()) == 0 {
		return
	}
	for i, idx := range f.OffsetIndexes()[:len(f.Schema().Columns())] {
		assert.GreaterOrEqual(t, len(idx.PageLocations), min, "pages of column %d", i)
	}
}

// The int64 paths of unscaled and putWide agree with math/big on random
// values and on the boundaries: the same bytes, or errors alike.
func TestDecimalPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	values := []decimal.Decimal{
		decimal.New(1, 18), decimal.New(-1, 18), decimal.New(999_999_999_999_999_999, 0),
		decimal.New(-999_999_999_999_999_999, 0), decimal.New(math.MaxInt64, 0), decimal.New(math.MinInt64, 0),
		decimal.New(math.MaxInt64, -16), decimal.New(math.MinInt64+1, -16), decimal.New(1, 22), decimal.New(-1, 21),
		decimal.RequireFromString("99999999999999999999999999999999999999"),
		decimal.RequireFromString("-9999999999999999999999.9999999999999999"),
		decimal.RequireFromString("10000000000000000000000"), decimal.New(5, -17), decimal.Zero,
	}
	for range 20000 {
		d := decimal.New(r.Int64()>>r.IntN(64), int32(r.IntN(50))-25)
		if r.IntN(2) == 0 {
			d = d.Neg()
		}
		values = append(values, d)
	}
	for _, d := range values {
		for _, scale := range []int32{0, 2, 6, 16, 18, 20, 38} {
			if scale <= Precision {
				got, err := unscaled(d, scale)
				want, wantErr := unscaledBig(d, scale)
				require.Equal(t, wantErr, err, "%s at %d", d, scale)
				require.Equal(t, want, got, "%s at %d", d, scale)
			}
			got, want := make([]byte, wideSize), make([]byte, wideSize)
			err, wantErr := putWide(got, d, scale), putUnscaledWide(want, d, scale)
			require.Equal(t, wantErr, err, "%s at %d", d, scale)
			require.Equal(t, want, got, "%s at %d", d, scale)
		}
	}
}

// AppendScaled writes what AppendDecimal writes for decimal.New(coef, exp):
// the same bytes, and the same problem for a value that does not fit its
// column (too many places, too large, math.MinInt64), which drops its row.
func TestAppendScaledIsAppendDecimal(t *testing.T) {
	cols := []Column{{Name: "d2", Kind: Decimal, Scale: 2}, {Name: "d6", Kind: Decimal, Scale: 6, Nullable: true},
		{Name: "w", Kind: WideDecimal, Scale: 16}}
	r := rand.New(rand.NewPCG(9, 4))
	type value struct {
		coef int64
		exp  int32
	}
	values := []value{{0, -30}, {1, -2}, {1, -3}, {math.MinInt64, 0}, {math.MaxInt64, 0}, {999_999_999_999_999_999, -2},
		{-999_999_999_999_999_999, 0}, {5, 20}, {12345, -16}, {12345, -17}, {-7, 3}}
	for range 5000 {
		values = append(values, value{r.Int64() >> r.IntN(64) * int64(1-2*r.IntN(2)), int32(r.IntN(40)) - 24})
	}
	var a, b bytes.Buffer
	wa, err := NewWriter(&a, cols)
	require.NoError(t, err)
	wb, err := NewWriter(&b, cols)
	require.NoError(t, err)
	for i, v := range values {
		for range cols {
			wa.AppendDecimal(decimal.New(v.coef, v.exp))
			wb.AppendScaled(v.coef, v.exp)
		}
		ea, eb := wa.EndRow(), wb.EndRow()
		require.Equal(t, fmt.Sprint(ea), fmt.Sprint(eb), "value %d: %d e%d", i, v.coef, v.exp)
	}
	require.NoError(t, wa.Close())
	require.NoError(t, wb.Close())
	require.Less(t, wa.Rows(), int64(len(values)), "some values do not fit")
	require.Greater(t, wa.Rows(), int64(len(values)/10), "many do")
	require.True(t, bytes.Equal(a.Bytes(), b.Bytes()), "the files differ")
}
