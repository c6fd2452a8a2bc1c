// Package runner is the batch job: Load reads a job's files (rulebook,
// scenario files, data, relief) with every problem in one list, and Run
// prices the baseline and every scenario over every lot and month, in
// parallel, into a Result that is looked up by name (Baseline, Run, Month,
// Comparisons). Explain shows how one KPI's credit of one lot-month arose.
//
// It depends on engine (pricing), input (reading data and relief), kpi and
// rules; it writes nothing. Package output writes a Result's files and
// package report condenses it for people; the kpicredit command is a thin
// shell over the three.
package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/internal/par"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Baseline is the scenario id of the rulebook as it stands.
const Baseline = rules.BaselineID

// Job is what to run: a rulebook (with its scenarios), data and relief.
type Job struct {
	Rules  *rules.Rulebook
	Data   *input.Dataset
	Relief *input.ReliefTable // may be nil
	// Scenarios to run besides the baseline; nil runs every scenario of
	// the rulebook.
	Scenarios []*rules.Scenario
	// Workers bounds how many scenarios run at once; 0 means one per CPU.
	Workers int
	// SweepDetail keeps every KPI's detail for a sweep's members too, so
	// that kpi_results holds them; without it they keep only totals.
	SweepDetail bool
	// Progress, if set, is called after each scenario-lot with how many
	// of the total are done. It may be called from several goroutines.
	Progress func(done, total int)
	// Waived lists what was waived of credits (package closing takes it
	// from its ledger). Waivers apply after the caps: each amount comes out
	// of its KPI's earn-back pool after its month, in every run (see
	// credits.Lot.Waive), and changes nothing else. A waiver of a lot or
	// month the data does not have changes nothing.
	Waived []Waived
}

// Waived is an amount waived of one KPI's credit of one lot-month.
type Waived struct {
	Lot    []string // key values, in the rulebook's key order
	Month  rules.Month
	KPI    string
	Amount decimal.Decimal
}

// waivedByLot indexes the job's waivers by lot (in the data's order) and
// month.
func (j *Job) waivedByLot() []map[rules.Month][]Waived {
	out := make([]map[rules.Month][]Waived, len(j.Data.Lots))
	for _, w := range j.Waived {
		if li, ok := j.Data.Lot(w.Lot...); ok {
			if out[li] == nil {
				out[li] = map[rules.Month][]Waived{}
			}
			out[li][w.Month] = append(out[li][w.Month], w)
		}
	}
	return out
}

// check reports a Job that cannot run: no rulebook, no data, a nil
// scenario, a negative number of workers, or data unfit for the rulebook
// (see Dataset).
func (j *Job) check() error {
	switch {
	case j.Rules == nil:
		return errors.New("runner: the job has no rulebook")
	case j.Data == nil:
		return errors.New("runner: the job has no data")
	case slices.Contains(j.Scenarios, nil):
		return errors.New("runner: the job lists a nil scenario")
	case j.Workers < 0:
		return fmt.Errorf("runner: the job's Workers is %d; it must be 0 (one per CPU) or more", j.Workers)
	}
	if err := j.Data.Check(j.Rules); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	return nil
}

// Result is a finished run: the baseline first, then each scenario.
type Result struct {
	Rules  *rules.Rulebook
	Data   *input.Dataset
	Relief *input.ReliefTable
	Runs   []*ScenarioRun
}

// ScenarioRun is one scenario's results for every lot and month.
type ScenarioRun struct {
	ID       string
	Scenario *rules.Scenario // nil for the baseline
	// Lots holds, for each lot of the data in order, its months in order,
	// with every KPI's detail. It is nil for a sweep's members unless the
	// job asks for their detail: a large sweep keeps only its totals.
	Lots [][]*engine.LotMonth
	// Months holds, for each lot, its months' totals; nil where Lots is.
	Months [][]MonthTotal
	// KPIs holds, for each lot, each KPI's totals over the months.
	KPIs [][]KPITotal
	// Total adds up every lot and month.
	Total RunTotal
}

// Check reports a Result that Run did not make: nil, or without its
// rulebook, data or baseline.
func (r *Result) Check() error {
	if r == nil || r.Rules == nil || r.Data == nil || len(r.Runs) == 0 || r.Runs[0] == nil {
		return errors.New("runner: not a result of Run: it lacks its rulebook, data or baseline")
	}
	return nil
}

// Detailed reports whether the run kept every KPI's detail.
func (r *ScenarioRun) Detailed() bool { return r.Lots != nil }

// Baseline returns the run of the rulebook as it stands.
func (r *Result) Baseline() *ScenarioRun { return r.Runs[0] }

// Run returns the run of the scenario with the given id (Baseline, or
// "baseline", for the baseline), and false when there is none.
func (r *Result) Run(id string) (*ScenarioRun, bool) {
	i := slices.IndexFunc(r.Runs, func(run *ScenarioRun) bool { return run.ID == id })
	if i < 0 {
		return nil, false
	}
	return r.Runs[i], true
}

// Month returns the detail of one lot-month of a run: the lot by its key
// values, in the rulebook's key order, and the month. It returns false
// when the data has no such lot or month, or the run did not keep its
// detail (see Detailed; run.Months holds the same lot-months' totals).
func (r *Result) Month(run *ScenarioRun, lot []string, m rules.Month) (*engine.LotMonth, bool) {
	li, ok := r.Data.Lot(lot...)
	if !ok || !run.Detailed() || m < r.Data.First || m > r.Data.Last {
		return nil, false
	}
	return run.Lots[li][m-r.Data.First], true
}

// Run evaluates the baseline and the scenarios over the data. The
// baseline's expressions are evaluated once for every lot-month; a
// scenario evaluates only the KPIs whose expressions it changes. Scenarios
// run in parallel; the result does not depend on how they are scheduled.
func Run(ctx context.Context, job Job) (*Result, error) {
	if err := job.check(); err != nil {
		return nil, err
	}
	base, err := engine.Compile(job.Rules)
	if err != nil {
		return nil, err
	}
	scenarios := job.Scenarios
	if scenarios == nil {
		scenarios = job.Rules.Scenarios
	}
	res := &Result{Rules: job.Rules, Data: job.Data, Relief: job.Relief, Runs: make([]*ScenarioRun, len(scenarios)+1)}
	res.Runs[0] = &ScenarioRun{ID: Baseline}
	engines := []*engine.Engine{base}
	for i, s := range scenarios {
		e, err := base.Derive(s)
		if err != nil {
			return nil, err
		}
		engines = append(engines, e)
		res.Runs[i+1] = &ScenarioRun{ID: s.ID, Scenario: s}
	}
	values, err := baseValues(ctx, job, base)
	if err != nil {
		return nil, err
	}
	total := len(res.Runs) * len(job.Data.Lots)
	var done atomic.Int64
	tick := func() {
		if job.Progress != nil {
			job.Progress(int(done.Add(1)), total)
		}
	}
	baseReuse := base.ReuseFrom(base)
	err = par.Run(ctx, job.Workers, len(res.Runs), func(i int) error {
		detail := keepDetail(job, res.Runs[i])
		return newScenarioRun(job, base, engines[i], res.Runs[i], values, baseReuse, detail, detail).lots(ctx, tick)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// baseValues evaluates the baseline's expressions for every lot-month,
// the lots in parallel: values[lot][month][kpi].
func baseValues(ctx context.Context, job Job, base *engine.Engine) ([][][]kpi.Value, error) {
	lots := job.Data.Lots
	values := make([][][]kpi.Value, len(lots))
	err := par.Run(ctx, job.Workers, len(lots), func(li int) error {
		ev := base.Program().NewEvaluator()
		rows := lots[li].Rows
		values[li] = make([][]kpi.Value, len(rows))
		for mi := range rows {
			if err := ev.Load(&rows[mi]); err != nil {
				return err
			}
			vs := make([]kpi.Value, len(base.Rules().KPIs))
			for k := range vs {
				v, err := ev.Value(k)
				if err != nil {
					return placeEvalError(err, "", lots[li].Name(), rows[mi].Month)
				}
				vs[k] = v
			}
			values[li][mi] = vs
		}
		return nil
	})
	return values, err
}

// scenarioRun runs every lot under one scenario.
type scenarioRun struct {
	job          Job
	base, engine *engine.Engine
	run          *ScenarioRun
	values       [][][]kpi.Value
	reuse        []int // the scenario's KPIs -> baseline KPIs sharing values
	baseReuse    []int // the baseline's KPIs -> themselves
	// detail keeps every lot-month's KPI detail, with explanations (Lots);
	// months keeps each lot-month's totals (Months). Both imply months.
	detail, months bool
	from           rules.Month                // the first month of the scenario's rules
	lotTotals      []RunTotal                 // each lot's totals, added up in lot order
	waived         []map[rules.Month][]Waived // by lot and month
}

// keepDetail says whether Run keeps a run's detail: always for the
// baseline and scenarios, for a sweep's members only when the job asks.
func keepDetail(job Job, run *ScenarioRun) bool {
	return run.Scenario == nil || run.Scenario.Sweep == nil || job.SweepDetail
}

// newScenarioRun sets up a run of every lot, keeping each lot-month's
// detail (and so its totals) or only its totals, or neither.
func newScenarioRun(job Job, base, eng *engine.Engine, run *ScenarioRun, values [][][]kpi.Value, baseReuse []int,
	detail, months bool) *scenarioRun {
	s := &scenarioRun{job: job, base: base, engine: eng, run: run, values: values,
		reuse: eng.ReuseFrom(base), baseReuse: baseReuse, from: job.Data.First, detail: detail, months: months || detail,
		waived: job.waivedByLot()}
	if sc := run.Scenario; sc != nil && sc.From != nil && *sc.From > s.from {
		s.from = *sc.From
	}
	n := len(job.Data.Lots)
	if s.detail {
		run.Lots = make([][]*engine.LotMonth, n)
	}
	if s.months {
		run.Months = make([][]MonthTotal, n)
	}
	run.KPIs = make([][]KPITotal, n)
	s.lotTotals = make([]RunTotal, n)
	return s
}

// lots runs each lot in turn, then adds up the run's total.
func (s *scenarioRun) lots(ctx context.Context, tick func()) error {
	for li := range s.job.Data.Lots {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.lot(li); err != nil {
			return err
		}
		tick()
	}
	s.total()
	return nil
}

// total adds up the lots' totals, in lot order.
func (s *scenarioRun) total() {
	s.run.Total = NewRunTotal()
	for _, t := range s.lotTotals {
		s.run.Total.Merge(t)
	}
}

// lot runs one lot with the baseline's rules before the scenario's From
// month and the scenario's from it, carrying streaks across, from the
// lot's opening state if it has one, and taking what was waived of each
// month's credits out of the earn-back pools after the month.
func (s *scenarioRun) lot(li int) error {
	lot := s.job.Data.Lots[li]
	l, err := s.base.NewLotFor(lot.Keys)
	if err != nil {
		return fmt.Errorf("opening state of lot %s: %w", lot.Name(), err)
	}
	l.SetExplain(s.detail)
	var months []*engine.LotMonth
	var totals []MonthTotal
	if s.months {
		totals = make([]MonthTotal, len(lot.Rows))
	}
	var kpis []KPITotal
	sum := NewRunTotal()
	for mi := range lot.Rows {
		row := &lot.Rows[mi]
		reuse := s.baseReuse
		if row.Month >= s.from {
			l.Use(s.engine)
			reuse = s.reuse
		}
		lm, err := l.MonthReusing(row, s.job.Relief.Lookup(lot.Keys, row.Month), s.values[li][mi], reuse)
		if err != nil {
			return placeEvalError(err, s.run.ID, lot.Name(), row.Month)
		}
		for _, w := range s.waived[li][row.Month] {
			l.Waive(w.KPI, w.Amount)
		}
		t := totalMonth(lm)
		sum.Add(&t)
		kpis = addKPIs(kpis, lm)
		if s.months {
			totals[mi] = t
		}
		if s.detail {
			months = append(months, lm)
		}
	}
	s.run.KPIs[li], s.lotTotals[li] = kpis, sum
	if s.detail {
		s.run.Lots[li] = months
	}
	if s.months {
		s.run.Months[li] = totals
	}
	return nil
}

// placeEvalError names the scenario and lot in an expression's failure,
// or wraps any other error with them.
func placeEvalError(err error, scenario, lot string, m rules.Month) error {
	if ee := (*kpi.EvalError)(nil); errors.As(err, &ee) {
		ee.Scenario, ee.Lot = scenario, lot
		return err
	}
	if scenario != "" {
		return fmt.Errorf("%s: lot %s, %s: %w", scenario, lot, m, err)
	}
	return fmt.Errorf("lot %s, %s: %w", lot, m, err)
}
