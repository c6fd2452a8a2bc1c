package output

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/runner"
)

// A Stream writes what a run's outputs read of the baseline's every
// KPI-month — its rows of kpi_results and the curves' data — as the run
// prices each lot, so that the baseline's detail is never held whole:
// set the job's BaselineDetail to its Lot method, and Output.Stream to
// it. Each lot's rows are built on the goroutine that priced it and
// written in the data's order; Write then adds the rows of the scenarios
// that keep their detail and takes the rest from the Stream. The files
// are those, byte for byte, of a run that keeps the baseline's detail.
type Stream struct {
	t     outTable
	data  *input.Dataset
	parq  *parquetTable
	csv   *csvTable // nil without CSV
	pbuf  bytes.Buffer
	cbuf  bytes.Buffer
	mu    sync.Mutex // guards the rest, and writing
	curve curvesData
	next  int              // the lot whose rows are written next
	ready map[int]*lotRows // lots priced before their turn
	err   error            // the first error, which stops the stream
	done  bool             // Write took the stream
	free  chan *lotRows    // lots written, for more rows
}

// lotRows is a lot's rows, built for their turn.
type lotRows struct {
	curves lotCurves
	block  *pq.Block
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

// Lot takes a lot's priced months of the baseline (runner.Job's
// BaselineDetail): it builds the lot's rows and copies what the curves
// need, keeping nothing of the months, then writes those of every lot
// whose turn has come. The lots may come in any order and from several
// goroutines at once.
func (s *Stream) Lot(li int, months []*engine.LotMonth) error {
	if li < 0 || li >= len(s.data.Lots) {
		return fmt.Errorf("output: lot %d given to the stream is out of range", li)
	}
	lr := s.build(s.data.Lots[li], months)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return s.err
	case s.done || li < s.next || s.ready[li] != nil:
		s.err = fmt.Errorf("output: lot %d given to the stream twice or after Write", li)
		return s.err
	}
	s.ready[li] = lr
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
func (s *Stream) build(lot *input.LotData, months []*engine.LotMonth) *lotRows {
	var lr *lotRows
	select {
	case lr = <-s.free:
		lr.csv, lr.err = nil, nil
	default:
		lr = &lotRows{}
	}
	lr.block = s.parq.pw.NewBlock()
	lr.curves.copy(months) // the months are not kept: the run recycles them
	var cbuf bytes.Buffer
	var ct *csvTable
	if s.csv != nil {
		ct = newCSVRows(&cbuf, s.t, s.csv.places)
	}
	var row []cell
	for _, lm := range months {
		lr.err = kpiRows(row, runner.Baseline, lot, lm, func(r []cell) error {
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

// write writes a lot's rows and adds its months to the curves' data.
func (s *Stream) write(lr *lotRows) error {
	err := s.parq.writeBlock(lr.block)
	lr.block = nil // the writer's now
	if err != nil {
		return err
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
	s.curve.addCopy(s.data.Lots[s.next], &lr.curves)
	select {
	case s.free <- lr:
	default:
	}
	return nil
}

// finish adds the rows of res's other runs that kept their detail and
// returns the files and kpi_results' row count. The stream must have had
// every lot of res's baseline.
func (s *Stream) finish(res *runner.Result) ([]file, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return nil, 0, s.err
	case s.done:
		return nil, 0, errors.New("output: a stream is written once")
	case res.Data != s.data || res.Baseline().Lots != nil || s.next != len(res.Data.Lots):
		return nil, 0, fmt.Errorf("output: the stream is not of this run's baseline: it has %d of its %d lots", s.next, len(res.Data.Lots))
	}
	s.done = true
	err := res.EachLotMonth(func(run *runner.ScenarioRun, lot *input.LotData, lm *engine.LotMonth) error {
		return kpiRows(nil, run.ID, lot, lm, func(row []cell) error {
			if err := s.parq.add(row); err != nil {
				return s.parq.wrap(err)
			}
			if s.csv != nil {
				return s.csv.add(row)
			}
			return nil
		})
	})
	if err != nil {
		return nil, 0, err
	}
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
