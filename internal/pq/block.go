package pq

import "fmt"

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
			w.bufs[i].vals = append(w.bufs[i].vals, b.bufs[i].vals[done:done+k]...)
		}
		done += k
		w.rows += k
		w.n += int64(k)
		w.batchFull()
	}
	b.written = true // a second WriteBlock is refused
	return w.err
}

// Reset empties a written Block for more rows. The rows written keep
// their values: each column's values are copied when written, and its
// bytes (of wide decimals) are left to them, the Block taking new ones.
func (b *Block) Reset() {
	for i := range b.bufs {
		clear(b.bufs[i].vals) // drop the pointers into strings and arenas
		b.bufs[i].vals, b.bufs[i].arena = b.bufs[i].vals[:0], nil
	}
	b.rows, b.n, b.col, b.rowErr, b.written = 0, 0, 0, nil, false
}
