package pq

import (
	"fmt"
	"sync/atomic"
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
// use. WriteBlock takes it: the Writer encodes its values where they
// are, without a copy, then empties it for NewBlock to hand out again.
type Block struct {
	rowBuf
	w     *Writer
	state atomic.Int32 // building, written or free
}

// The states of a Block.
const (
	building = iota // handed out by NewBlock
	written         // given to WriteBlock, being encoded
	free            // encoded and emptied, in its Writer's free list
)

// NewBlock returns an empty Block of the Writer's columns: one written
// before and since emptied, or a new one. It may be called from any
// goroutine.
func (w *Writer) NewBlock() *Block {
	w.freeMu.Lock()
	var b *Block
	if n := len(w.free); n > 0 {
		b, w.free = w.free[n-1], w.free[:n-1]
	}
	w.freeMu.Unlock()
	if b == nil {
		b = &Block{rowBuf: newRowBuf(w.cols), w: w}
	}
	b.state.Store(building)
	return b
}

// EndRow completes the row built with the Append methods, as the Writer's
// EndRow does; the problem with a row, a *CellError, names its row in the
// Block.
func (b *Block) EndRow() error { return b.endRow() }

// Rows returns the number of complete rows in the Block.
func (b *Block) Rows() int { return b.rows }

// WriteBlock writes a Block's complete rows after those written so far,
// as if they had been appended here: the same row groups, pages and bytes.
// The Block is the Writer's from then on, and must not be used again.
func (w *Writer) WriteBlock(b *Block) error {
	switch {
	case b.w != w:
		return fmt.Errorf("a block of another Parquet writer")
	case b.state.Load() != building:
		return fmt.Errorf("a block written already")
	case w.col != 0:
		return fmt.Errorf("a block written in the middle of a row")
	}
	if err := w.usable(); err != nil {
		return err
	}
	b.discardRow()
	b.state.Store(written)
	if w.rows > 0 {
		w.encodeBatch(true) // the rows appended before the block's
	}
	w.wait()
	rows := b.rows // b is the encoding's once its last rows are handed over
	if rows == 0 {
		w.recycle(b)
	}
	for from := 0; from < rows && w.err == nil; {
		to := min(rows, from+int(rowGroupRows-w.rgRows))
		after := func() {}
		if to == rows {
			after = func() { w.recycle(b) }
		}
		w.startEncoding(b.bufs, from, to, true, after)
		w.n += int64(to - from)
		if from = to; from < rows {
			w.wait() // the rows of the next row group wait for this one's flush
		}
	}
	return w.err
}

// maxFree is how many empty Blocks a Writer keeps for NewBlock; more are
// left to the collector, so that a burst of Blocks built at once does not
// stay in memory.
const maxFree = 8

// recycle empties an encoded Block and puts it in the free list, if
// there is room.
func (w *Writer) recycle(b *Block) {
	for i := range b.bufs {
		clear(b.bufs[i].vals) // drop the pointers into strings
		b.bufs[i].vals, b.bufs[i].arena = b.bufs[i].vals[:0], b.bufs[i].arena[:0]
	}
	clear(b.valid)
	b.rows, b.n, b.col, b.rowErr = 0, 0, 0, nil
	b.state.Store(free)
	w.freeMu.Lock()
	if len(w.free) < maxFree {
		w.free = append(w.free, b)
	}
	w.freeMu.Unlock()
}
