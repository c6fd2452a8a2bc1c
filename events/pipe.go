package events

// batchRows is how many rows a batch carries from the goroutine reading a
// file to the one adding its events up.
const batchRows = 2048

// batch is rows of a file: their lines and their cells, ncols a row, and
// what the reading goroutine made of them (see parser).
type batch struct {
	lines  []int64
	cells  []string
	err    error // the reader's error after the rows, if any
	panic  any   // what the reader panicked with, to panic with again
	parsed bool  // prep has parsed the rows
	rowsParsed
}

// pipe reads a file on a goroutine of its own while fn takes its rows, in
// order, on the calling goroutine, so that reading the file and working
// out its events use two cores. read calls emit with each row; the cells
// it passes need only last for the call. prep parses each batch before fn
// sees its rows: on the reading goroutine (prep(b, 0)) while fn is behind
// (batches are waiting for it), else on the calling one (prep(b, 1)), so
// that the parsing goes to whichever has time. The first error in the
// file's order is returned: fn's for a row, else read's.
func pipe(ncols int, read func(emit func(line int64, cells []string) error) error, prep func(b *batch, who int), fn func(b *batch, i int) error) error {
	p := &pipeline{ncols: ncols, full: make(chan *batch, 4), free: make(chan *batch, 6), done: make(chan struct{})}
	for range cap(p.free) {
		p.free <- &batch{lines: make([]int64, 0, batchRows), cells: make([]string, 0, batchRows*ncols)}
	}
	go p.reader(read, prep)
	defer func() {
		close(p.done)
		for range p.full { // let the reader finish
		}
	}()
	for b := range p.full {
		if b.panic != nil {
			panic(b.panic)
		}
		if !b.parsed {
			prep(b, 1)
		}
		for i := range b.lines {
			if err := fn(b, i); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
		clear(b.cells) // let the rows' text go
		p.free <- b
	}
	return nil
}

// pipeline is a pipe's channels: full batches to take, free ones to fill,
// and done once the taker stops.
type pipeline struct {
	ncols      int
	full, free chan *batch
	done       chan struct{}
}

// reader runs read, sending its rows in batches; it ends with read's error
// in the last batch, or what read panicked with.
func (p *pipeline) reader(read func(emit func(line int64, cells []string) error) error, prep func(*batch, int)) {
	defer close(p.full)
	b := <-p.free
	defer func() {
		if v := recover(); v != nil {
			select { // the caller panics with it, where a run recovers
			case p.full <- &batch{panic: v}:
			case <-p.done:
			}
		}
	}()
	err := read(func(line int64, cells []string) error {
		b.lines = append(b.lines, line)
		b.cells = append(b.cells, cells...)
		if len(b.lines) < batchRows {
			return nil
		}
		var ok bool
		if b, ok = p.send(b, prep); !ok {
			return errStopped
		}
		return nil
	})
	if err == errStopped {
		return
	}
	p.parse(b, prep)
	b.err = err
	select {
	case p.full <- b:
	case <-p.done:
	}
}

// send parses and sends a full batch and returns an empty one, or false
// once the taker has stopped.
func (p *pipeline) send(b *batch, prep func(*batch, int)) (*batch, bool) {
	p.parse(b, prep)
	select {
	case p.full <- b:
	case <-p.done:
		return nil, false
	}
	select {
	case b = <-p.free:
	case <-p.done:
		return nil, false
	}
	b.lines, b.cells = b.lines[:0], b.cells[:0]
	return b, true
}

// parse parses a batch on the reading goroutine if the taker is behind.
func (p *pipeline) parse(b *batch, prep func(*batch, int)) {
	if b.parsed = len(p.full) >= 2; b.parsed {
		prep(b, 0)
	}
}

// errStopped stops the reader once the caller has stopped taking rows.
var errStopped = &UsageError{Msg: "events: stopped"}
