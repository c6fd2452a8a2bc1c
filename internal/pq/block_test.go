package pq

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Rows written in Blocks of random sizes, built on several goroutines at
// once and mixed with rows appended to the Writer itself, give the bytes
// of the writer that handed parquet-go one row at a time: with batches,
// row groups and pages that end inside blocks.
func TestBlocksMatchRowByRow(t *testing.T) {
	defer func(g int64, c, p int) { rowGroupRows, chunkRows, pageBufferSize = g, c, p }(rowGroupRows, chunkRows, pageBufferSize)
	rowGroupRows, chunkRows, pageBufferSize = 700, 64, 1<<10
	for seed := range uint64(4) {
		rows := randomRows(1500+int(seed)*300, false)
		want := writeOld(t, allKinds, rows)

		var got bytes.Buffer
		w, err := NewWriter(&got, allKinds)
		require.NoError(t, err)
		r := rand.New(rand.NewPCG(seed, 11))
		var parts [][][]any
		for i := 0; i < len(rows); {
			n := min(len(rows)-i, r.IntN(400))
			parts = append(parts, rows[i:i+n])
			i += n
		}
		blocks := make([]*Block, len(parts))
		var wg sync.WaitGroup
		for k, part := range parts {
			if k%3 == 2 {
				continue // appended to the Writer itself
			}
			wg.Go(func() {
				b := w.NewBlock()
				for _, row := range part {
					for _, v := range row {
						b.appendAny(v)
					}
					if err := b.EndRow(); err != nil {
						panic(err)
					}
				}
				blocks[k] = b
			})
		}
		wg.Wait()
		for k, part := range parts {
			if blocks[k] == nil {
				for _, row := range part {
					require.NoError(t, w.Write(row...))
				}
				continue
			}
			require.Equal(t, len(part), blocks[k].Rows())
			require.NoError(t, w.WriteBlock(blocks[k]))
		}
		require.NoError(t, w.Close())
		require.Equal(t, int64(len(rows)), w.Rows())
		require.True(t, bytes.Equal(want, got.Bytes()), "seed %d: the files differ", seed)
	}
}

// A bad value in a Block drops its row with a *CellError naming the
// block's row and the column; a Block is written once, to its own Writer,
// and not in the middle of a row.
func TestBlockErrors(t *testing.T) {
	cols := []Column{{Name: "s", Kind: String}, {Name: "d", Kind: Decimal, Scale: 2}}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	require.NoError(t, err)
	b := w.NewBlock()
	b.AppendString("a")
	b.AppendDecimal(decimal.RequireFromString("1.25"))
	require.NoError(t, b.EndRow())
	b.AppendString("b")
	b.AppendDecimal(decimal.RequireFromString("1.255"))
	err = b.EndRow()
	var ce *CellError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, int64(2), ce.Row)
	require.Equal(t, "d", ce.Column)
	require.Contains(t, err.Error(), "row 2 column d: ")
	b.AppendString("c")
	require.Error(t, b.EndRow(), "too few values")
	require.Equal(t, 1, b.Rows())

	other, err := NewWriter(&bytes.Buffer{}, cols)
	require.NoError(t, err)
	require.Error(t, other.WriteBlock(b))
	w.AppendString("half a row")
	require.Error(t, w.WriteBlock(b))
	w.AppendDecimal(decimal.Zero)
	require.NoError(t, w.EndRow())
	require.NoError(t, w.WriteBlock(b))
	require.Error(t, w.WriteBlock(b), "twice")
	empty := w.NewBlock()
	require.NoError(t, w.WriteBlock(empty), "a block of no rows")
	require.Same(t, empty, w.NewBlock(), "an empty block is free again at once")
	b = w.NewBlock()
	b.AppendString("d")
	b.AppendDecimal(decimal.RequireFromString("2"))
	require.NoError(t, b.EndRow())
	require.NoError(t, w.WriteBlock(b), "a block handed out again")
	require.NoError(t, w.Close())
	require.Equal(t, int64(3), w.Rows())
}

// Blocks handed out again by NewBlock once written, filled while the
// Writer still encodes the rows of the one before, give the same bytes:
// the Writer encodes a Block's values before it empties it. A Block's
// encoding is over when the next WriteBlock returns, so two Blocks at
// most serve the whole file.
func TestBlockReusedMatchesRowByRow(t *testing.T) {
	defer func(g int64, c, p int) { rowGroupRows, chunkRows, pageBufferSize = g, c, p }(rowGroupRows, chunkRows, pageBufferSize)
	rowGroupRows, chunkRows, pageBufferSize = 700, 64, 1<<10
	rows := randomRows(2000, false)
	want := writeOld(t, allKinds, rows)
	var got bytes.Buffer
	w, err := NewWriter(&got, allKinds)
	require.NoError(t, err)
	w.workers = 2
	seen := map[*Block]bool{}
	for i := 0; i < len(rows); i += 37 {
		b := w.NewBlock()
		seen[b] = true
		for _, row := range rows[i:min(i+37, len(rows))] {
			for _, v := range row {
				b.appendAny(v)
			}
			require.NoError(t, b.EndRow())
		}
		require.NoError(t, w.WriteBlock(b))
	}
	require.NoError(t, w.Close())
	require.True(t, bytes.Equal(want, got.Bytes()), "the files differ")
	require.LessOrEqual(t, len(seen), 2, "blocks handed out") // 1 when each encoding ends before the next block is asked for
}
