package engine

import (
	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Rules returns the engine's rulebook.
func (e *Engine) Rules() *rules.Rulebook { return e.prog.Rules() }

// Lot evaluates one lot month by month: its KPI expressions, then its
// service credits, carrying streaks and caps from month to month.
type Lot struct {
	engine   *Engine
	eval     *kpi.Evaluator
	credits  *credits.Lot
	obs      []credits.Observation
	hist     history // the recent months, for KPIs measured over periods
	figures  bool    // figures only (SetFiguresOnly)
	month    LotMonth
	results  []kpi.Result // month's Results, when figures only
	recycled []*LotMonth  // months to fill again (Recycle)
}

// LotMonth is a lot's results for one month: per KPI, what was measured
// (Results) and what it costs (Credits.KPIs), both in the order of the
// rulebook the month ran under. KPI finds one KPI's pair by id.
type LotMonth struct {
	Row     *kpi.Row
	Results []kpi.Result
	Credits *credits.Month
	// Terms is the id of the latest amendment in force, "" for the
	// original terms; set by the caller that knows the month's terms.
	Terms string
	// Periods holds, for each KPI measured over a period longer than a
	// month and judged this month, what it was judged on; nil when the
	// month's rulebook has no such KPI, and when the lot does not explain
	// its credits (see SetExplain).
	Periods []Period

	rules *rules.Rulebook // the rulebook the month ran under
}

// Period is what a KPI measured over a quarter or a rolling window was
// judged on in a month.
type Period struct {
	First, Last rules.Month   // the months of the quarter or window
	Months      []rules.Month // those whose data counted: the window's months not relieved
	Row         *kpi.Row      // the fields aggregated over Months
}

// KPI returns the result and the credit of the KPI with the given id, and
// false when the month's rulebook has no such KPI.
func (m *LotMonth) KPI(id string) (*kpi.Result, *credits.KPICredit, bool) {
	for i := range m.Credits.KPIs {
		if m.Credits.KPIs[i].KPI.ID == id {
			return &m.Results[i], &m.Credits.KPIs[i], true
		}
	}
	return nil, nil, false
}

// NewLot starts a lot with no history.
func (e *Engine) NewLot() *Lot {
	l := &Lot{engine: e, eval: e.prog.NewEvaluator(), credits: e.calc.NewLot()}
	l.Reserve(e.span, e.within)
	return l
}

// Reserve makes the lot keep at least its last months months of data,
// for KPIs measured over periods, and within months of failures, for
// triggers: an engine a later Use brings may look further back than the
// current one. Call it before the first month; Timeline.Span says what a
// timeline needs.
func (l *Lot) Reserve(months, within int) {
	l.hist.keep(months)
	l.credits.Keep(within)
}

// NewLotFor starts the lot with the given key values (in the rulebook's
// key order): from its opening state when the rulebook has one
// (rules.Opening; a lot it does not name starts with no history after
// the opening month), else with no history.
func (e *Engine) NewLotFor(keys []string) (*Lot, error) {
	return e.NewLot().open(keys)
}

// NewLotFor starts the lot with the given key values to be run through
// the timeline, keeping the history its terms need (see Lot.Reserve),
// from the rulebook's opening state as Engine.NewLotFor does.
func (t Timeline) NewLotFor(keys []string) (*Lot, error) {
	return t.NewLot().open(keys)
}

// open sets the lot's state to the opening state its rulebook gives the
// lot with the key values, if it has one.
func (l *Lot) open(keys []string) (*Lot, error) {
	o := l.engine.Rules().Opening
	if o == nil {
		return l, nil
	}
	ol, _ := o.Lot(keys)
	if err := l.SetState(OpeningState(o, ol)); err != nil {
		return nil, err
	}
	return l, nil
}

// SetExplain turns the explanation of each KPI's credit on (the default)
// or off. A caller that needs only the figures, such as a large sweep,
// turns it off: no explanation text is then built at all.
func (l *Lot) SetExplain(on bool) { l.credits.Explain = on }

// SetFiguresOnly turns figures-only months on or off (off by default).
// Normally each month is a new LotMonth with every field set, which the
// caller may keep. Figures only, each month (of Month, MonthIn and
// MonthReusing) is the lot's own LotMonth, overwritten by its next month
// with everything it holds (Results, Credits and what they point to); it
// has no explanations and no Periods, and the decimals of its Results
// and Credits are left unset where fixed point holds them
// (kpi.Result.Fixed, credits.Month.HasFixed), as are the words of an
// in_period or below-min_volume reason: Complete sets them. Evaluating
// and pricing a month then allocate nothing, once the lot's buffers have
// grown. A caller that keeps any of a month copies it first.
func (l *Lot) SetFiguresOnly(on bool) { l.figures = on }

// Use switches the lot to another engine from its next month, as a
// scenario or an amendment does from its first month; streaks carry over
// by KPI id.
func (l *Lot) Use(e *Engine) {
	if l.engine == e {
		return
	}
	l.engine, l.eval = e, e.prog.NewEvaluator()
	l.credits.Use(e.calc)
	l.hist.keep(e.span)
}

// MonthIn evaluates the lot's next month under the terms the timeline has
// for it, switching to them first (see Use), and names them in the
// result's Terms.
func (l *Lot) MonthIn(t Timeline, row *kpi.Row, relief Relief) (*LotMonth, error) {
	st := t.At(row.Month)
	l.Use(st.Engine)
	lm, err := l.Month(row, relief)
	if err == nil {
		lm.Terms = st.Terms
	}
	return lm, err
}

// Relief says whether a KPI of a lot-month is excused, and why.
type Relief func(kpiID string) (reason string, ok bool)

// Month evaluates the lot's next month. relief may be nil.
func (l *Lot) Month(row *kpi.Row, relief Relief) (*LotMonth, error) {
	return l.MonthReusing(row, relief, Cached{}, Reuse{})
}

// MonthReusing evaluates the lot's next month reusing what was already
// worked out: cached holds another engine's values for the same row (see
// kpi.Evaluator.Fast), and perhaps their judgements under that engine's
// terms, and reuse, from ReuseFrom, says which of them this engine's KPIs
// share, so that only KPIs whose expressions differ are evaluated and
// only those whose target, bounds, direction or min_volume differ are
// judged. With no cached values it is Month. KPIs measured over a quarter
// or a rolling window are always evaluated, on the months the lot keeps.
//
// The expressions are evaluated in fixed point where the figures fit
// (kpi.Evaluator.Fast) and judged there (kpi.Program.Judge), and the
// credits priced there (credits.Lot), each falling back to exact
// decimals where a figure does not fit.
func (l *Lot) MonthReusing(row *kpi.Row, relief Relief, cached Cached, reuse Reuse) (*LotMonth, error) {
	l.hist.add(row, relief)
	lm := l.newMonth(row)
	if err := l.evaluate(lm, relief, cached, reuse); err != nil {
		return nil, err
	}
	l.obs = grow(l.obs, len(lm.Results))
	clear(l.obs)
	if l.engine.period {
		if err := l.judgePeriods(lm); err != nil {
			return nil, err
		}
	}
	if !l.figures {
		for i := range lm.Results {
			lm.Results[i] = lm.Results[i].Complete()
		}
	}
	l.observe(lm)
	charge := row.Values[l.engine.charge].(rules.Decimal)
	var cm *credits.Month
	var err error
	if l.figures {
		cm, err = l.credits.Figures(row.Month, charge, l.obs)
	} else {
		cm, err = l.credits.MonthInto(lm.Credits, row.Month, charge, l.obs) // a recycled month's, or nil
	}
	if err != nil {
		return nil, err
	}
	lm.Credits = cm
	return lm, nil
}

// newMonth returns the month to fill for row: the lot's own when figures
// only, else a new one.
func (l *Lot) newMonth(row *kpi.Row) *LotMonth {
	n := len(l.engine.Rules().KPIs)
	if !l.figures && len(l.recycled) > 0 {
		lm := l.recycled[len(l.recycled)-1]
		l.recycled = l.recycled[:len(l.recycled)-1]
		results := grow(lm.Results, n)
		clear(results)
		*lm = LotMonth{Row: row, Results: results, rules: l.engine.Rules(), Credits: lm.Credits}
		return lm
	}
	if !l.figures {
		return &LotMonth{Row: row, Results: make([]kpi.Result, n), rules: l.engine.Rules()}
	}
	l.results = grow(l.results, n)
	l.month = LotMonth{Row: row, Results: l.results, rules: l.engine.Rules()}
	return &l.month
}

// evaluate evaluates and judges the month's KPIs measured monthly, from
// cached values and judgements where reuse says so, excusing those relief
// names.
func (l *Lot) evaluate(lm *LotMonth, relief Relief, cached Cached, reuse Reuse) error {
	prog := l.engine.prog
	loaded := false
	for i, k := range prog.Rules().KPIs {
		if k.Period.Kind != rules.Monthly {
			continue // judged by judgePeriods, on the period's months
		}
		r := &lm.Results[i]
		switch j := reuse.at(i, cached); {
		case j >= 0 && cached.Judged != nil && reuse.Judged[i]:
			*r = cached.Judged[j]
		case j >= 0:
			prog.JudgeTo(i, &cached.Values[j], r)
		default:
			if !loaded {
				if err := l.eval.Load(lm.Row); err != nil {
					return err
				}
				loaded = true
			}
			if err := l.eval.JudgeFast(i, r); err != nil {
				return err
			}
		}
		if relief != nil {
			if reason, ok := relief(k.ID); ok {
				r.Excuse(reason)
			}
		}
	}
	return nil
}

// observe sets each KPI's observation from its result: the measure in
// fixed point where the result holds it there and the month is figures
// only, else as a decimal.
func (l *Lot) observe(lm *LotMonth) {
	for i := range lm.Results {
		r, o := &lm.Results[i], &l.obs[i]
		o.Status, o.Measure, o.Reason = r.Status, r.Measure, r.Reason
		if l.figures && r.Fixed.HasMeasure {
			o.Fixed.Measure, o.Fixed.HasMeasure = r.Fixed.Measure, true
		}
	}
}

// Recycle gives the Lot months that Lots priced (of any engine or
// timeline: a month is filled as new, whatever KPIs it had), with every
// KPI's detail, and that nothing uses any more, to be
// filled with its next months in place of new ones: for a caller that
// hands each lot's months on and drops them (runner.Job.Detail).
// Months it fills are as new ones; a month recycled too early, while
// something still reads it, would change under the reader.
func (l *Lot) Recycle(months []*LotMonth) {
	l.recycled = append(l.recycled, months...)
}

// Complete sets the decimals and the words a figures-only month leaves
// unset (see SetFiguresOnly): each result's (kpi.Result.Complete), each
// credit's (credits.Month.Complete) and their reasons. A month not
// figures only is complete already.
func (m *LotMonth) Complete() {
	for i := range m.Results {
		r := &m.Results[i]
		*r = r.Complete()
		if r.Status == rules.InPeriod && r.Reason == "" {
			r.Reason = inPeriod(m.rules.Quarter(m.Row.Month))
		}
	}
	m.Credits.Complete()
	for i := range m.Credits.KPIs {
		kc := &m.Credits.KPIs[i]
		kc.Observation.Complete() // the base
		kc.Measure, kc.Reason = m.Results[i].Measure, m.Results[i].Reason
	}
}

// grow returns s with length n, reusing its array when it has room.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Cached is what was worked out for a lot-month under another engine
// (a run's baseline), for MonthReusing: each of its KPIs' values
// (kpi.Evaluator.Fast), and each one's judgement under its terms
// (kpi.Program.JudgeTo) or nil, both by its KPI's index. A KPI measured
// over a period has neither.
type Cached struct {
	Values []kpi.Value
	Judged []kpi.Result
}

// Reuse says what each KPI of an engine shares with another engine's
// (ReuseFrom): From maps it to the KPI whose values it shares, or -1, and
// Judged says whether it also judges them alike, so that their judgement
// is its own.
type Reuse struct {
	From   []int
	Judged []bool
}

// at is the cached KPI whose values KPI i shares, or -1.
func (r Reuse) at(i int, c Cached) int {
	if c.Values == nil || r.From == nil {
		return -1
	}
	return r.From[i]
}

// ReuseFrom maps each of the engine's KPIs to base's KPI with the same
// measure, volume and applies expressions and measure range, or -1 when
// there is none. A KPI measured over a period longer than a month shares
// nothing: its values come from the period's months. A KPI that also has
// the same direction, target, bounds and min_volume (written alike, as
// the reason a volume below it gives quotes it) judges them alike.
func (e *Engine) ReuseFrom(base *Engine) Reuse {
	b := base.Rules().KPIs
	out := Reuse{From: make([]int, len(e.Rules().KPIs)), Judged: make([]bool, len(e.Rules().KPIs))}
	for i, k := range e.Rules().KPIs {
		out.From[i] = -1
		if k.Period.Kind != rules.Monthly {
			continue
		}
		for j, bk := range b {
			if k.Measure.Source == bk.Measure.Source && k.Volume.Source == bk.Volume.Source && k.Applies.Source == bk.Applies.Source &&
				k.Range.Equal(bk.Range) && bk.Period.Kind == rules.Monthly { // the baseline's values were checked against its range
				out.From[i], out.Judged[i] = j, judgedAlike(k, bk)
				if k.ID == bk.ID {
					break
				}
			}
		}
	}
	return out
}

// judgedAlike reports whether two KPIs judge the same values alike: the
// same direction, target and bounds by value, and the same min_volume as
// written.
func judgedAlike(a, b *rules.KPI) bool {
	if a.Direction != b.Direction || !a.Target.Equal(b.Target) || !sameWritten(a.MinVolume, b.MinVolume) {
		return false
	}
	for i := range a.Bounds {
		if (a.Bounds[i] == nil) != (b.Bounds[i] == nil) || a.Bounds[i] != nil && !a.Bounds[i].Equal(*b.Bounds[i]) {
			return false
		}
	}
	return true
}

// sameWritten reports whether two optional numbers are both absent or
// the same coefficient and exponent.
func sameWritten(a, b *rules.Decimal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Exponent() == b.Exponent() && a.Equal(*b)
}

// State is everything a Lot carries from one month to the next: its
// credits' state (credits.State) and, for KPIs measured over a quarter or
// a rolling window, the recent months' fields and relief. Pricing a lot
// from the state it had after month k gives months k+1 on exactly as
// pricing it from its first month does.
type State struct {
	credits.State
	// Rows lists the recent months that a KPI measured over a period
	// longer than a month still looks back to, oldest first; nil when the
	// lot's terms have no such KPI.
	Rows []RowState
}

// RowState is one of a lot's recent months, as a KPI measured over a
// period sees it.
type RowState struct {
	Month rules.Month
	// Fields holds the month's numeric fields by name.
	Fields map[string]rules.Decimal
	// Relief holds the relief of the month by KPI id, with its reason; nil
	// for none. A state read from a lot lists the KPIs of the terms the
	// lot was last priced under.
	Relief map[string]string
}

// State returns the lot's state after its last month, and false before
// its first.
func (l *Lot) State() (State, bool) {
	cs, ok := l.credits.State()
	if !ok {
		return State{}, false
	}
	return State{State: cs, Rows: l.hist.state(l.engine.Rules(), cs.Month)}, true
}

// SetState starts the lot from a state, as at the end of s.Month: its
// next month must be later. A state no lot can be in wraps
// credits.ErrState, as does a row without one of the numeric fields.
func (l *Lot) SetState(s State) error {
	if err := l.hist.check(l.engine.Rules(), s); err != nil {
		return err
	}
	if err := l.credits.SetState(s.State); err != nil {
		return err
	}
	l.hist.set(l.engine.Rules(), s)
	return nil
}

// Waive takes an amount waived of a KPI's credit out of its earn-back
// pool (see credits.Lot.Waive).
func (l *Lot) Waive(kpiID string, amount rules.Decimal) { l.credits.Waive(kpiID, amount) }
