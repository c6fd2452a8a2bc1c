// Package runner is the batch job: it reads a contract's monthly data,
// evaluates the baseline rulebook and every scenario over it, and writes
// Parquet, CSV and summary reports. The kpicredit command is a thin shell
// over it; a Go service can call it directly.
package runner

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/kpicredit/kpicredit/rules"
)

// Baseline is the scenario id of the rulebook as it stands.
const Baseline = "baseline"

// Job is what to run: a rulebook (with its scenarios), data and relief.
type Job struct {
	Rules  *rules.Rulebook
	Data   *Dataset
	Relief *ReliefTable // may be nil
	// Scenarios to run besides the baseline; nil runs every scenario of
	// the rulebook.
	Scenarios []*rules.Scenario
	// Workers bounds how many scenarios run at once; 0 means one per CPU.
	Workers int
	// Progress, if set, is called after each scenario-lot with how many
	// of the total are done. It may be called from several goroutines.
	Progress func(done, total int)
}

// Result is a finished run: the baseline first, then each scenario.
type Result struct {
	Rules  *rules.Rulebook
	Data   *Dataset
	Relief *ReliefTable
	Runs   []*ScenarioRun
}

// ScenarioRun is one scenario's results for every lot and month.
type ScenarioRun struct {
	ID       string
	Scenario *rules.Scenario // nil for the baseline
	// Lots holds, for each lot of the data in order, its months in order.
	Lots [][]*LotMonth
}

// Run evaluates the baseline and the scenarios over the data. Scenarios
// run in parallel; the result does not depend on how they are scheduled.
func Run(ctx context.Context, job Job) (*Result, error) {
	base, err := Compile(job.Rules)
	if err != nil {
		return nil, err
	}
	scenarios := job.Scenarios
	if scenarios == nil {
		scenarios = job.Rules.Scenarios
	}
	res := &Result{Rules: job.Rules, Data: job.Data, Relief: job.Relief, Runs: make([]*ScenarioRun, len(scenarios)+1)}
	res.Runs[0] = &ScenarioRun{ID: Baseline}
	engines := []*Engine{base}
	for i, s := range scenarios {
		e, err := Compile(s.Rules())
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.ID, err)
		}
		engines = append(engines, e)
		res.Runs[i+1] = &ScenarioRun{ID: s.ID, Scenario: s}
	}
	total := len(res.Runs) * len(job.Data.Lots)
	var done atomic.Int64
	tick := func() {
		if job.Progress != nil {
			job.Progress(int(done.Add(1)), total)
		}
	}
	err = parallel(ctx, job.Workers, len(res.Runs), func(i int) error {
		return runScenario(ctx, job, base, engines[i], res.Runs[i], tick)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// runScenario runs every lot under the scenario's engine, with the
// baseline's before the scenario's From month.
func runScenario(ctx context.Context, job Job, base, e *Engine, run *ScenarioRun, tick func()) error {
	from := job.Data.First
	if s := run.Scenario; s != nil && s.From.Set && s.From.Month > from {
		from = s.From.Month
	}
	run.Lots = make([][]*LotMonth, len(job.Data.Lots))
	for li, lot := range job.Data.Lots {
		if err := ctx.Err(); err != nil {
			return err
		}
		l := base.NewLot()
		months := make([]*LotMonth, len(lot.Rows))
		for mi := range lot.Rows {
			row := &lot.Rows[mi]
			if row.Month >= from {
				l.Use(e)
			}
			lm, err := l.Month(row, job.Relief.Lookup(lot.Keys, row.Month))
			if err != nil {
				return fmt.Errorf("%s: lot %s, %s: %w", run.ID, lot.Name(), row.Month, err)
			}
			months[mi] = lm
		}
		run.Lots[li] = months
		tick()
	}
	return nil
}

// parallel runs fn(0..n-1) on up to workers goroutines and returns the
// first error; after an error the remaining work is skipped.
func parallel(ctx context.Context, workers, n int, fn func(i int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
