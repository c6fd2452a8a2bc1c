package runner

import (
	"context"
	"errors"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/internal/par"
	"github.com/kpicredit/kpicredit/rules"
)

// Prepared is a job whose baseline has run, kept with its expressions'
// values so that one scenario at a time can be priced against it quickly,
// as an interactive what-if does: RunScenario evaluates only the
// expressions the scenario changes and prices its lots in parallel. Every
// run is priced under its terms month by month, as Run prices it. It
// holds the data in memory and is safe for concurrent use.
type Prepared struct {
	job      Job
	base     *engine.Engine
	terms    engine.Timeline // the baseline's
	values   [][]engine.Cached
	waived   []map[rules.Month][]Waived // by lot and month
	baseline *ScenarioRun
}

// Prepare runs the job's baseline (not its scenarios), keeping each
// lot-month's totals and each KPI's totals per lot, but not the KPI
// detail.
func Prepare(ctx context.Context, job Job) (*Prepared, error) {
	if err := job.check(); err != nil {
		return nil, err
	}
	base, err := engine.Compile(job.Rules)
	if err != nil {
		return nil, err
	}
	terms, err := base.CompileTimeline(job.Rules.Timeline(), "", nil)
	if err != nil {
		return nil, err
	}
	values, err := baseValues(ctx, job, terms)
	if err != nil {
		return nil, err
	}
	p := &Prepared{job: job, base: base, terms: terms, values: values, waived: job.waivedByLot()}
	p.baseline, err = p.run(ctx, &ScenarioRun{ID: Baseline, Timeline: terms})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Rules returns the baseline rulebook.
func (p *Prepared) Rules() *rules.Rulebook { return p.job.Rules }

// Job returns the job prepared.
func (p *Prepared) Job() Job { return p.job }

// Baseline returns the baseline's run: Months, KPIs and Total, without
// Lots.
func (p *Prepared) Baseline() *ScenarioRun { return p.baseline }

// RunScenario prices one scenario of the baseline rulebook (one from
// Rulebook.ParseScenarios, say) against the prepared baseline, with the
// same figures Run gives it: Months, KPIs, Total and Triggers, without
// Lots. The scenario applies last, over every amendment in force, from
// its From month on.
func (p *Prepared) RunScenario(ctx context.Context, sc *rules.Scenario) (*ScenarioRun, error) {
	if sc == nil {
		return nil, errors.New("runner: no scenario to run")
	}
	tl, err := p.base.CompileTimeline(sc.Timeline(), "scenarios."+sc.ID, p.terms)
	if err != nil {
		return nil, err
	}
	return p.run(ctx, &ScenarioRun{ID: sc.ID, Scenario: sc, Timeline: tl})
}

// run prices every lot under the run's timeline, in parallel, keeping
// totals only.
func (p *Prepared) run(ctx context.Context, run *ScenarioRun) (*ScenarioRun, error) {
	s := newScenarioRun(p.job, p.terms, run, p.values, false, true)
	s.index = -1 // not a run of a Result: nothing to hand on
	s.waived = p.waived
	if p.baseline != nil {
		s.base, s.baseLot = p.baseline, func(int) {}
	}
	if err := par.Run(ctx, p.job.Workers, len(p.job.Data.Lots), s.lot); err != nil {
		return nil, err
	}
	s.total()
	return run, nil
}
