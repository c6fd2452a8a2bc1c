// Package runner is the batch job: Load reads a job's files (rulebook,
// scenario files, data, relief, and the event files that fill a
// rulebook's event fields, with their reconciliation and QA sample) with
// every problem in one list, and Run
// prices the baseline and every scenario over every lot and month, in
// parallel, each month under the terms in force (the amendments, and a
// scenario's overlay from its from month), into a Result that is looked
// up by name (Baseline, Run, Month, Comparisons, each run's Triggers).
// Explain shows how one KPI's credit of one lot-month arose, under which
// terms, and the events behind an event-based KPI; Adopt rewrites a
// rulebook with an agreed scenario made an amendment.
//
// It depends on engine (pricing), input (reading data and relief), events
// (measuring fields from event files), kpi and rules; it writes nothing. Package output writes a Result's files and
// package report condenses it for people; the kpicredit command is a thin
// shell over the three.
package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kpicredit/kpicredit/credits"
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
	// Events is what the event files gave, their fields already in the
	// data's rows; nil without events.
	Events *Events
	// Files are the files Load read, the rulebook's default event files
	// included: Files.Inputs lists them for a manifest.
	Files Files
	// Scenarios to run besides the baseline; nil runs every scenario of
	// the rulebook.
	Scenarios []*rules.Scenario
	// Workers bounds how many lots (of the baseline or of a scenario) are
	// priced at once; 0 means one per CPU.
	Workers int
	// SweepDetail keeps every KPI's detail for a sweep's members too, so
	// that kpi_results holds them; without it they keep only totals.
	SweepDetail bool
	// Detail, if set, takes each lot's months of every run that keeps its
	// detail (the baseline, the scenarios, a sweep's members with
	// SweepDetail), with every KPI's detail, as soon as the lot is priced,
	// in place of the Result: those runs' Lots stay nil, so that the detail
	// of a large contract or of many scenarios is never held whole (package
	// output's Stream writes it as it comes). It is called once for every
	// run and lot, Months nil for a run that keeps no detail, from the
	// goroutine that priced the lot, several at once, in no set order
	// (roughly run by run, lot by lot); an error stops the run. The months
	// are filled again by later lots once it returns.
	Detail func(LotDetail) error
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

// LotDetail is one lot's months of one run, for Job.Detail.
type LotDetail struct {
	Run    int    // the run's index in Result.Runs: 0 for the baseline
	ID     string // the run's ID
	Lot    int    // the lot's index in the data
	Months []*engine.LotMonth
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
	Events *Events // the job's; nil without events
	Runs   []*ScenarioRun
}

// ScenarioRun is one scenario's results for every lot and month.
type ScenarioRun struct {
	ID       string
	Scenario *rules.Scenario // nil for the baseline
	// Timeline is the terms the run priced each month under, compiled.
	Timeline engine.Timeline
	// Triggers lists every trigger that fired, lot by lot, month by month
	// (sweep members included).
	Triggers []TriggerFire
	// Lots holds, for each lot of the data in order, its months in order,
	// with every KPI's detail. It is nil for a sweep's members unless the
	// job asks for their detail: a large sweep keeps only its totals; and
	// when Job.Detail took the detail.
	Lots     [][]*engine.LotMonth
	detailed bool // priced with every KPI's detail (see Detailed)
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

// Detailed reports whether the run was priced with every KPI's detail,
// and so keeps its months' totals (Months): its Lots hold the detail, but
// where it went to Job.Detail.
func (r *ScenarioRun) Detailed() bool { return r.detailed }

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
// detail (see Lots; run.Months holds the same lot-months' totals).
func (r *Result) Month(run *ScenarioRun, lot []string, m rules.Month) (*engine.LotMonth, bool) {
	li, ok := r.Data.Lot(lot...)
	if !ok || run.Lots == nil || m < r.Data.First || m > r.Data.Last {
		return nil, false
	}
	return run.Lots[li][m-r.Data.First], true
}

// Run evaluates the baseline and the scenarios over the data. The
// baseline's expressions are evaluated once for every lot-month (kept
// for the scenarios when there are any); a scenario evaluates only the
// KPIs whose expressions it changes. The
// lots of every run are priced in parallel, the baseline's first, so that
// a run of the baseline alone uses every CPU as a sweep of thousands
// does; the result does not depend on how they are scheduled.
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
	res := &Result{Rules: job.Rules, Data: job.Data, Relief: job.Relief, Events: job.Events, Runs: make([]*ScenarioRun, len(scenarios)+1)}
	baseline, err := base.CompileTimeline(job.Rules.Timeline(), "", nil)
	if err != nil {
		return nil, err
	}
	res.Runs[0] = &ScenarioRun{ID: Baseline, Timeline: baseline}
	for i, s := range scenarios {
		tl, err := base.CompileTimeline(s.Timeline(), "scenarios."+s.ID, baseline)
		if err != nil {
			return nil, err
		}
		res.Runs[i+1] = &ScenarioRun{ID: s.ID, Scenario: s, Timeline: tl}
	}
	var values [][]engine.Cached // none to share when the baseline runs alone
	if len(res.Runs) > 1 {
		if values, err = baseValues(ctx, job, baseline); err != nil {
			return nil, err
		}
	}
	if err := newSchedule(job, res, baseline, values).run(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// schedule prices every lot of every run of a Result, each (run, lot)
// a work item, the runs in order and the baseline's first. A run is set
// up when its first lot starts, and its totals added up, in lot order,
// when its last lot ends; a sweep's member waits for the baseline's
// lot at its end, to share the baseline's totals that it equals.
type schedule struct {
	job      Job
	res      *Result
	baseline engine.Timeline
	values   [][]engine.Cached
	waived   []map[rules.Month][]Waived
	baseDone []chan struct{} // closed as each of the baseline's lots ends
	runs     []runSlot
	done     atomic.Int64
}

// runSlot is one run's place in the schedule.
type runSlot struct {
	once sync.Once
	s    *scenarioRun
	left atomic.Int32 // lots not yet priced
}

// newSchedule sets up the schedule of a Result's runs, whose baseline's
// timeline and values are given.
func newSchedule(job Job, res *Result, baseline engine.Timeline, values [][]engine.Cached) *schedule {
	n := len(job.Data.Lots)
	sc := &schedule{job: job, res: res, baseline: baseline, values: values, waived: job.waivedByLot(),
		baseDone: make([]chan struct{}, n), runs: make([]runSlot, len(res.Runs))}
	for i := range sc.baseDone {
		sc.baseDone[i] = make(chan struct{})
	}
	for i := range sc.runs {
		sc.runs[i].left.Store(int32(n))
	}
	return sc
}

// run prices every (run, lot) on the job's workers.
func (sc *schedule) run(ctx context.Context) error {
	lots := len(sc.job.Data.Lots)
	return par.Run(ctx, sc.job.Workers, len(sc.runs)*lots, func(i int) error {
		return sc.item(ctx, i/lots, i%lots)
	})
}

// item prices lot li of run ri; the last lot of a run adds up its totals.
func (sc *schedule) item(ctx context.Context, ri, li int) error {
	if ri == 0 {
		defer close(sc.baseDone[li]) // even on failure: no member waits for ever
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	slot := &sc.runs[ri]
	slot.once.Do(func() {
		run := sc.res.Runs[ri]
		detail := keepDetail(sc.job, run)
		slot.s = newScenarioRun(sc.job, sc.baseline, run, sc.values, detail, detail)
		slot.s.index = ri
		slot.s.waived = sc.waived
		if ri > 0 {
			slot.s.base = sc.res.Runs[0]
			slot.s.baseLot = func(li int) { <-sc.baseDone[li] }
		}
	})
	s := slot.s
	if err := s.lot(li); err != nil {
		return err
	}
	if sc.job.Progress != nil {
		sc.job.Progress(int(sc.done.Add(1)), len(sc.runs)*len(sc.job.Data.Lots))
	}
	if slot.left.Add(-1) == 0 {
		s.total()
		slot.s = nil // the run keeps its totals; its workings go
	}
	return nil
}

// baseValues evaluates and judges the baseline's expressions for every
// lot-month, each month under the baseline's terms in force, the lots in
// parallel: values[lot][month] holds them by the KPIs of those terms. KPIs
// measured over longer periods are left out: the engine judges them on
// the period's months. The values are Evaluator.Fast's and the
// judgements Program.JudgeTo's, their measures and volumes in fixed point
// where they fit: the engine's results complete them where kept. A lot's
// months share one array of each.
func baseValues(ctx context.Context, job Job, baseline engine.Timeline) ([][]engine.Cached, error) {
	lots := job.Data.Lots
	values := make([][]engine.Cached, len(lots))
	err := par.Run(ctx, job.Workers, len(lots), func(li int) error {
		evs := make([]*kpi.Evaluator, len(baseline))
		rows := lots[li].Rows
		values[li] = make([]engine.Cached, len(rows))
		var vals []kpi.Value
		var judged []kpi.Result
		for mi := range rows {
			si := stageAt(baseline, rows[mi].Month)
			prog := baseline[si].Engine.Program()
			if evs[si] == nil {
				evs[si] = prog.NewEvaluator()
			}
			ev := evs[si]
			if err := ev.Load(&rows[mi]); err != nil {
				return err
			}
			ks := baseline[si].Engine.Rules().KPIs
			if len(vals) < len(ks) {
				vals, judged = make([]kpi.Value, len(ks)*(len(rows)-mi)), make([]kpi.Result, len(ks)*(len(rows)-mi))
			}
			c := engine.Cached{Values: vals[:len(ks):len(ks)], Judged: judged[:len(ks):len(ks)]}
			vals, judged = vals[len(ks):], judged[len(ks):]
			for k := range c.Values {
				if ks[k].Period.Kind != rules.Monthly {
					continue
				}
				v, err := ev.Fast(k)
				if err != nil {
					return placeEvalError(err, "", lots[li].Name(), rows[mi].Month)
				}
				c.Values[k] = v
				prog.JudgeTo(k, &c.Values[k], &c.Judged[k])
			}
			values[li][mi] = c
		}
		return nil
	})
	return values, err
}

// stageAt is the index of the stage of a timeline that governs month m.
func stageAt(t engine.Timeline, m rules.Month) int {
	i := len(t) - 1
	for i > 0 && t[i].From > m {
		i--
	}
	return i
}

// segment is a stretch of months with one engine for the run and one
// for the baseline's values it reuses.
type segment struct {
	from  rules.Month
	stage engine.Stage
	reuse engine.Reuse // the stage's KPIs -> the baseline's sharing their values
}

// plan splits a run's timeline where it or the baseline's changes terms.
func plan(tl, baseline engine.Timeline) []segment {
	var from []rules.Month
	for _, st := range append(append(engine.Timeline{}, tl...), baseline...) {
		from = append(from, st.From)
	}
	slices.Sort(from)
	from = slices.Compact(from)
	out := make([]segment, len(from))
	for i, m := range from {
		st, bs := tl.At(m), baseline.At(m)
		out[i] = segment{from: m, stage: *st, reuse: st.Engine.ReuseFrom(bs.Engine)}
	}
	return out
}

// scenarioRun runs every lot under one scenario.
type scenarioRun struct {
	job    Job
	run    *ScenarioRun
	values [][]engine.Cached // the baseline's (baseValues), or nil: every month evaluated here
	plan   []segment
	// detail keeps every lot-month's KPI detail, with explanations (Lots);
	// months keeps each lot-month's totals (Months). Both imply months.
	detail, months bool
	lotSums        []RunSum                   // each lot's totals, added up in lot order
	lotTriggers    [][]TriggerFire            // each lot's triggers fired, gathered in lot order
	waived         []map[rules.Month][]Waived // by lot and month
	// base is the baseline's run, whose KPI totals of a lot the run's
	// share where they are the same, once baseLot(li) says its lot li is
	// priced; nil for the baseline itself.
	base    *ScenarioRun
	baseLot func(li int)
	index   int // the run's in Result.Runs; -1 for a run of its own (Prepared)
}

// keepDetail says whether Run keeps a run's detail: always for the
// baseline and scenarios, for a sweep's members only when the job asks.
func keepDetail(job Job, run *ScenarioRun) bool {
	return run.Scenario == nil || run.Scenario.Sweep == nil || job.SweepDetail
}

// newScenarioRun sets up a run of every lot under the run's timeline,
// reusing the values of the baseline's, keeping each lot-month's detail
// (and so its totals) or only its totals, or neither.
func newScenarioRun(job Job, baseline engine.Timeline, run *ScenarioRun, values [][]engine.Cached, detail, months bool) *scenarioRun {
	n := len(job.Data.Lots)
	s := &scenarioRun{job: job, run: run, values: values, plan: plan(run.Timeline, baseline),
		detail: detail, months: months || detail, lotSums: make([]RunSum, n), lotTriggers: make([][]TriggerFire, n)}
	run.detailed = detail
	if s.detail && !s.streams() {
		run.Lots = make([][]*engine.LotMonth, n)
	}
	if s.months {
		run.Months = make([][]MonthTotal, n)
	}
	run.KPIs = make([][]KPITotal, n)
	return s
}

// streams reports whether the run's detail goes to Job.Detail.
func (s *scenarioRun) streams() bool {
	return s.detail && s.job.Detail != nil
}

// total adds up the lots' totals and gathers their triggers, in lot
// order.
func (s *scenarioRun) total() {
	var t RunSum
	s.run.Triggers = nil
	for li := range s.lotSums {
		t.merge(&s.lotSums[li])
		s.run.Triggers = append(s.run.Triggers, s.lotTriggers[li]...)
	}
	s.run.Total = t.Total()
}

// lot runs one lot month by month under the terms in force each month
// (the baseline's before a scenario's From month, the scenario's over the
// amendments from it), carrying streaks across every change of terms,
// from the lot's opening state if it has one, and taking what was waived
// of each month's credits out of the earn-back pools after the month.
func (s *scenarioRun) lot(li int) error {
	lot := s.job.Data.Lots[li]
	l, err := s.run.Timeline.NewLotFor(lot.Keys)
	if err != nil {
		return fmt.Errorf("opening state of lot %s: %w", lot.Name(), err)
	}
	l.SetExplain(s.detail)
	l.SetFiguresOnly(!s.detail) // the lot's own month, reused; see add
	if s.streams() {
		if p, ok := recycled.Get().(*[]*engine.LotMonth); ok {
			l.Recycle(*p) // the months of a lot handed on before
		}
	}
	acc := accs.Get().(*lotAcc)
	defer acc.release()
	if s.months {
		acc.totals = make([]MonthTotal, len(lot.Rows))
	}
	seg := 0
	for mi := range lot.Rows {
		row := &lot.Rows[mi]
		for seg+1 < len(s.plan) && s.plan[seg+1].from <= row.Month {
			seg++
		}
		sg := &s.plan[seg]
		l.Use(sg.stage.Engine)
		var cached engine.Cached // the baseline's values, when it ran first
		if s.values != nil {
			cached = s.values[li][mi]
		}
		lm, err := l.MonthReusing(row, s.job.Relief.Lookup(lot.Keys, row.Month), cached, sg.reuse)
		if err != nil {
			return placeEvalError(err, s.run.ID, lot.Name(), row.Month)
		}
		lm.Terms = sg.stage.Terms
		if s.detail {
			s.job.Events.noteExclusions(sg.stage.Engine.Rules(), li, lm)
		}
		for _, w := range s.waived[li][row.Month] {
			l.Waive(w.KPI, w.Amount)
		}
		s.add(acc, li, mi, lm)
	}
	return s.keep(li, acc)
}

// keep keeps what the run keeps of lot li: its KPIs' totals (sharing the
// baseline's where they are the same), its totals and triggers, and its
// months when the run keeps them, or hands them to Job.Detail.
func (s *scenarioRun) keep(li int, acc *lotAcc) error {
	var like []KPITotal
	if s.base != nil {
		s.baseLot(li)
		like = s.base.KPIs[li]
	}
	s.run.KPIs[li] = acc.kpis.totals(like)
	s.lotSums[li], s.lotTriggers[li] = acc.sum, slices.Clip(acc.fired)
	acc.fired = nil // kept
	if s.months {
		s.run.Months[li], acc.totals = acc.totals, nil
	}
	switch {
	case s.streams():
		months := acc.months
		acc.months = nil
		if err := s.job.Detail(LotDetail{Run: s.index, ID: s.run.ID, Lot: li, Months: months}); err != nil {
			return err
		}
		recycled.Put(&months) // Detail keeps nothing of them
	case s.job.Detail != nil && s.index >= 0:
		return s.job.Detail(LotDetail{Run: s.index, ID: s.run.ID, Lot: li}) // no detail: its turn passes
	case s.detail:
		s.run.Lots[li], acc.months = acc.months, nil
	}
	return nil
}

// lotAcc gathers one lot's months as they are priced. Its KPI sums are
// reused from lot to lot (accs).
type lotAcc struct {
	months []*engine.LotMonth // with detail only
	totals []MonthTotal       // with months only
	kpis   kpiSums
	fired  []TriggerFire
	sum    RunSum
}

// accs holds lotAccs for reuse.
var accs = sync.Pool{New: func() any { return new(lotAcc) }}

// release clears the accumulator and returns it to accs.
func (a *lotAcc) release() {
	*a = lotAcc{kpis: a.kpis[:0]}
	accs.Put(a)
}

// add adds lot li's month mi to what the run keeps of it. Without detail
// the month is the lot's own, reused next month, and priced figures only:
// the sums add its fixed-point figures where it has them, and a month
// kept whole has its decimals completed and its bonus copied.
func (s *scenarioRun) add(acc *lotAcc, li, mi int, lm *engine.LotMonth) {
	for _, f := range lm.Credits.Triggers {
		acc.fired = append(acc.fired, TriggerFire{Lot: li, Month: lm.Row.Month, Terms: lm.Terms, Fired: f})
	}
	failures, measured := acc.kpis.add(lm.Credits)
	acc.sum.addMonth(lm.Credits, failures, measured)
	if s.months {
		if !s.detail {
			keepFigures(lm.Credits)
		}
		acc.totals[mi] = totalMonth(lm, failures, measured)
		if s.streams() { // the month is recycled once handed on: the totals get a bonus of their own
			acc.totals[mi].Bonus = ownBonus(acc.totals[mi].Bonus)
		}
	}
	if s.detail {
		acc.months = append(acc.months, lm)
	}
}

// recycled holds the months of lots handed to Job.Detail, for the
// next lots to fill again (engine.Lot.Recycle).
var recycled sync.Pool

// ownBonus returns a copy of a month's bonus, or nil.
func ownBonus(b *credits.BonusMonth) *credits.BonusMonth {
	if b == nil {
		return nil
	}
	keep := *b
	return &keep
}

// keepFigures sets a figures-only month's decimals and gives it a bonus of
// its own, as the lot reuses the month's.
func keepFigures(c *credits.Month) {
	c.Complete()
	c.Bonus = ownBonus(c.Bonus)
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
