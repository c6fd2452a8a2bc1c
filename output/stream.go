package output

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/runner"
)

// A Stream writes what a run's outputs read of every KPI-month — the
// rows of kpi_results of every run that keeps its detail, and the
// baseline's curves' data — as the run prices each lot, so that no run's
// detail is held whole: set the job's Detail to its Lot method, and
// Output.Stream to it. Each lot's rows are built on the goroutine that
// priced it and written in order, run by run, lot by lot; Write takes
// them from the Stream. The files are those, byte for byte, of a run
// that keeps its detail.
type Stream struct {
	t     outTable
	data  *input.Dataset
	parq  *parquetTable
	csv   *csvTable // nil without CSV
	pbuf  bytes.Buffer
	cbuf  bytes.Buffer
	mu    sync.Mutex // guards the rest, and writing
	curve curvesData
	next  int              // the (run, lot) whose rows are written next: run × lots + lot
	ready map[int]*lotRows // (run, lot)s priced before their turn, by the same number
	err   error            // the first error, which stops the stream
	done  bool             // Write took the stream
	free  chan *lotRows    // lots written, for more rows
}

// lotRows is a lot's rows of a run, built for their turn.
type lotRows struct {
	run    int
	lot    int
	curves lotCurves // the baseline's only
	block  *pq.Block // nil for a run that keeps no detail
	csv    []byte
	err    error // the problem with the row after the block's, if any
}

// NewStream returns a Stream of a job's kpi_results (and its CSV copy,
// with csv) and curves' data.
func NewStream(job runner.Job, csv bool) (*Stream, error) {
	s := &Stream{data: job.Data, ready: map[int]*lotRows{}, free: make(chan *lotRows, 8)}
	s.t = kpiResults(&runner.Result{Rules: job.Rules, Data: job.Data})
	var err error
	if s.parq, err = newParquetTable(&s.pbuf, s.t, job.Rules.MinorUnits); err != nil {
		return nil, err
	}
	if csv {
		if s.csv, err = newCSVTable(&s.cbuf, s.t, job.Rules.MinorUnits); err != nil {
			return nil, err
		}
		s.csv.cw.Flush() // the header, before the lots' rows
	}
	return s, nil
}

// Lot takes a lot's priced months of a run (runner.Job's Detail): it
// builds the lot's rows, and for the baseline copies what the curves
// need, keeping nothing of the months, then writes those of every lot
// whose turn has come. The lots may come in any order and from several
// goroutines at once.
func (s *Stream) Lot(d runner.LotDetail) error {
	n := len(s.data.Lots)
	if d.Lot < 0 || d.Lot >= n || d.Run < 0 {
		return fmt.Errorf("output: lot %d of run %d given to the stream is out of range", d.Lot, d.Run)
	}
	k := d.Run*n + d.Lot
	lr := s.build(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return s.err
	case s.done || k < s.next || s.ready[k] != nil:
		s.err = fmt.Errorf("output: lot %d of run %s given to the stream twice or after Write", d.Lot, d.ID)
		return s.err
	}
	s.ready[k] = lr
	for lr := s.ready[s.next]; lr != nil; lr = s.ready[s.next] {
		delete(s.ready, s.next)
		if s.err = s.write(lr); s.err != nil {
			return s.err
		}
		s.next++
	}
	return nil
}

// build builds a lot's rows, up to the first that cannot be written.
func (s *Stream) build(d runner.LotDetail) *lotRows {
	var lr *lotRows
	select {
	case lr = <-s.free:
		lr.csv, lr.err = nil, nil
	default:
		lr = &lotRows{}
	}
	lr.run, lr.lot = d.Run, d.Lot
	if d.Months == nil {
		return lr // a run that keeps no detail: nothing to write
	}
	lot, months := s.data.Lots[d.Lot], d.Months
	lr.block = s.parq.pw.NewBlock()
	if d.Run == 0 {
		lr.curves.copy(months) // the months are not kept: the run recycles them
	}
	var cbuf bytes.Buffer
	var ct *csvTable
	if s.csv != nil {
		ct = newCSVRows(&cbuf, s.t, s.csv.places)
	}
	var row []cell
	for _, lm := range months {
		lr.err = kpiRows(row, d.ID, lot, lm, func(r []cell) error {
			row = r
			if err := writeRow(lr.block, s.t.cols, r); err != nil {
				return s.parq.rowError(err, r) // a *pq.CellError's row is the block's until write numbers it
			}
			if ct != nil {
				return ct.add(r)
			}
			return nil
		})
		if lr.err != nil {
			break
		}
	}
	if ct != nil {
		ct.cw.Flush()
		lr.csv = cbuf.Bytes()
	}
	return lr
}

// write writes a lot's rows and adds the baseline's months to the curves'
// data.
func (s *Stream) write(lr *lotRows) error {
	if lr.block != nil {
		err := s.parq.writeBlock(lr.block)
		lr.block = nil // the writer's now
		if err != nil {
			return err
		}
	}
	if s.csv != nil {
		if _, err := s.cbuf.Write(lr.csv); err != nil {
			return err
		}
	}
	if ce := (*pq.CellError)(nil); errors.As(lr.err, &ce) {
		row := *ce
		row.Row = s.parq.pw.Rows() + 1 // the file's: the lot's rows before it are written
		return s.parq.wrap(&row)
	} else if lr.err != nil {
		return s.parq.wrap(lr.err)
	}
	if lr.run == 0 {
		s.curve.addCopy(s.data.Lots[lr.lot], &lr.curves)
	}
	select {
	case s.free <- lr:
	default:
	}
	return nil
}

// finish returns the files and kpi_results' row count. The stream must
// have had every lot of every run of res.
func (s *Stream) finish(res *runner.Result) ([]file, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := slices.ContainsFunc(res.Runs, func(r *runner.ScenarioRun) bool { return r.Lots != nil })
	switch {
	case s.err != nil:
		return nil, 0, s.err
	case s.done:
		return nil, 0, errors.New("output: a stream is written once")
	case res.Data != s.data || kept || s.next != len(res.Runs)*len(res.Data.Lots):
		return nil, 0, fmt.Errorf("output: the stream is not of this run: it has %d of its %d runs' lots, and a run kept its detail: %t",
			s.next, len(res.Runs)*len(res.Data.Lots), kept)
	}
	s.done = true
	n, err := s.parq.close()
	if err != nil {
		return nil, 0, err
	}
	files := []file{{"kpi_results.parquet", s.pbuf.Bytes()}}
	if s.csv != nil {
		if err := s.csv.close(); err != nil {
			return nil, 0, err
		}
		files = append(files, file{"kpi_results.csv", s.cbuf.Bytes()})
	}
	return files, n, nil
}

// curvesOf returns the curves' data of res's baseline: the stream's, when
// it had the baseline's detail.
func curvesOf(res *runner.Result, s *Stream) *curvesData {
	if s != nil {
		return &s.curve
	}
	var c curvesData
	for li, lot := range res.Data.Lots {
		c.add(lot, res.Baseline().Lots[li])
	}
	return &c
}
