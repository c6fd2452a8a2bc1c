package pq

import (
	"fmt"
	"slices"

	"github.com/parquet-go/parquet-go"
)

// A CellError is a problem with one value of a row: the row (1-based; in
// a Block, the Block's own row) and the column.
type CellError struct {
	Row    int64
	Column string
	Err    error
}

// Error names the row and the column.
func (e *CellError) Error() string {
	return fmt.Sprintf("row %d column %s: %v", e.Row, e.Column, e.Err)
}

// Unwrap returns the problem.
func (e *CellError) Unwrap() error { return e.Err }

// A Block is rows built apart from their Writer, as its Append methods
// and EndRow build them, on any goroutine, to be written to it later, in
// order, by WriteBlock: so that the rows of a file can be built in
// parallel and written in sequence. A Block is not safe for concurrent
// use, and may not be changed once written.
type Block struct {
	rowBuf
	w       *Writer
	written bool
}

// NewBlock returns an empty Block of the Writer's columns. It may be
// called from any goroutine.
func (w *Writer) NewBlock() *Block {
	return &Block{rowBuf: newRowBuf(w.cols), w: w}
}

// EndRow completes the row built with the Append methods, as the Writer's
// EndRow does; the problem with a row, a *CellError, names its row in the
// Block.
func (b *Block) EndRow() error { return b.endRow() }

// Rows returns the number of complete rows in the Block.
func (b *Block) Rows() int { return b.rows }

// WriteBlock writes a Block's complete rows after those written so far,
// as if they had been appended here: the same batches, row groups, pages
// and bytes.
func (w *Writer) WriteBlock(b *Block) error {
	switch {
	case b.w != w:
		return fmt.Errorf("a block of another Parquet writer")
	case b.written:
		return fmt.Errorf("a block written already")
	case w.col != 0:
		return fmt.Errorf("a block written in the middle of a row")
	}
	b.discardRow()
	for done := 0; done < b.rows; {
		if err := w.usable(); err != nil {
			return err
		}
		k := min(b.rows-done, chunkRows-w.rows, int(rowGroupRows-w.rgRows)-w.rows)
		for i := range w.bufs {
			src := b.bufs[i].vals[done : done+k]
			if w.cols[i].Kind == WideDecimal {
				w.bufs[i].appendWide(src)
			} else {
				w.bufs[i].vals = append(w.bufs[i].vals, src...)
			}
		}
		done += k
		w.rows += k
		w.n += int64(k)
		w.batchFull()
	}
	b.written = true // a second WriteBlock is refused
	return w.err
}

// appendWide appends values of wide decimals, with copies of their bytes
// in the batch's own arena, so that the Block's arena can be filled again
// once written. The values keep their definition levels (see put).
func (b *colBuf) appendWide(src []parquet.Value) {
	b.arena = slices.Grow(b.arena, wideSize*len(src))
	for _, v := range src {
		if !v.IsNull() {
			at := len(b.arena)
			b.arena = append(b.arena, v.ByteArray()...)
			c := parquet.FixedLenByteArrayValue(b.arena[at:len(b.arena):len(b.arena)])
			if def := v.DefinitionLevel(); def != 0 {
				c = c.Level(0, def, 0)
			}
			v = c
		}
		b.vals = append(b.vals, v)
	}
}

// Reset empties a written Block for more rows. The rows written keep
// their values: each column's values, and the bytes of wide decimals, are
// copied when written.
func (b *Block) Reset() {
	for i := range b.bufs {
		clear(b.bufs[i].vals) // drop the pointers into strings
		b.bufs[i].vals, b.bufs[i].arena = b.bufs[i].vals[:0], b.bufs[i].arena[:0]
	}
	b.rows, b.n, b.col, b.rowErr, b.written = 0, 0, 0, nil, false
}
