package runner

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Query picks one KPI of one lot-month, under the baseline or a scenario.
type Query struct {
	Lot      map[string]string // key column -> value
	Month    rules.Month
	KPI      string
	Scenario string // "" or "baseline" for the baseline
}

// Explain runs the queried lot up to the month and writes how the KPI's
// credit arose: its inputs, the measure's arithmetic, status, streak,
// scheme, escalation, service area, caps and the final credit. For a KPI
// that reads event fields, it also reads the event files again to show
// the events behind them: their counts, the events that missed their
// clock (up to events.DefaultExplainLimit a field) with the clock's
// times, and the events excluded, with their reasons.
func Explain(ctx context.Context, w io.Writer, job Job, q Query) error {
	if err := job.check(); err != nil {
		return err
	}
	lot, err := findLot(job.Data, q.Lot)
	if err != nil {
		return err
	}
	if q.Month < job.Data.First || q.Month > job.Data.Last {
		return fileProblem(job.Data.File, fmt.Sprintf("month %s is outside the data (%s to %s)", q.Month, job.Data.First, job.Data.Last))
	}
	job.Scenarios, job.SweepDetail = []*rules.Scenario{}, true
	if q.Scenario != "" && q.Scenario != Baseline {
		i := slices.IndexFunc(job.Rules.Scenarios, func(s *rules.Scenario) bool { return s.ID == q.Scenario })
		if i < 0 {
			return fileProblem(job.Rules.File, fmt.Sprintf("no scenario %s", limits.Quote(q.Scenario)))
		}
		job.Scenarios = []*rules.Scenario{job.Rules.Scenarios[i]}
	}
	job.Data = &input.Dataset{Rules: job.Rules, File: job.Data.File, Lots: []*input.LotData{lot}, First: job.Data.First, Last: q.Month}
	lot = &input.LotData{Keys: lot.Keys, Rows: lot.Rows[:q.Month-job.Data.First+1]}
	job.Data.Lots = []*input.LotData{lot}
	res, err := Run(ctx, job)
	if err != nil {
		return err
	}
	run := res.Runs[len(res.Runs)-1]
	lm := run.Lots[0][len(lot.Rows)-1]
	i := slices.IndexFunc(lm.Credits.KPIs, func(kc credits.KPICredit) bool { return kc.KPI.ID == q.KPI })
	if i < 0 {
		return fileProblem(job.Rules.File, fmt.Sprintf("no KPI %s in %s", limits.Quote(q.KPI), run.ID))
	}
	ex, err := explainEvents(job, lot, lm, i)
	if err != nil {
		return err
	}
	writeExplanation(w, job.Rules, run, lot, lm, i)
	if ex != nil {
		writeEvents(w, job.Events, ex, lot.Keys, lm.Row.Month)
	}
	return nil
}

// eventExplanation is the events behind the event fields a KPI reads.
type eventExplanation struct {
	*events.Explanation
	fields []string
}

// explainEvents explains the event fields the i-th KPI of the lot-month
// reads; nil for a KPI that reads none.
func explainEvents(job Job, lot *input.LotData, lm *engine.LotMonth, i int) (*eventExplanation, error) {
	if job.Events == nil {
		return nil, nil
	}
	var fields []string
	for _, f := range usedFields(job.Rules, lm.Credits.KPIs[i].KPI) {
		if job.Rules.EventField(f) != nil {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return nil, nil
	}
	ex, err := job.Events.Explain(lot.Keys, lm.Row.Month, 0)
	if err != nil {
		return nil, eventProblem(err)
	}
	return &eventExplanation{ex, fields}, nil
}

// writeEvents shows the events behind the KPI's event fields, and where
// the data file reported other figures for them.
func writeEvents(w io.Writer, ev *Events, ex *eventExplanation, lot []string, m rules.Month) {
	fmt.Fprintf(w, "\nevents:   the fields %s, measured from the event files:\n", strings.Join(ex.fields, ", "))
	var b strings.Builder
	ex.WriteText(&b, ex.fields...)
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line != "" {
			fmt.Fprintf(w, "  %s", line)
		}
	}
	for _, d := range ev.Reconciliation {
		if d.Month == m && slices.Equal(d.Lot, lot) && slices.Contains(ex.fields, d.Field) {
			fmt.Fprintf(w, "  the data file reported %s = %s; the computed %s is used (see reconciliation)\n", d.Field, d.Reported, d.Computed)
		}
	}
}

// fileProblem is a problem with a query that names its file only: a lot,
// month, scenario or KPI the file does not hold.
func fileProblem(file, msg string) *rules.Problem {
	return &rules.Problem{Pos: rules.Pos{File: file}, Msg: msg}
}

func findLot(ds *input.Dataset, want map[string]string) (*input.LotData, error) {
	for k := range want {
		if !slices.Contains(ds.Rules.Keys, k) {
			return nil, fileProblem(ds.File, fmt.Sprintf("--lot names %s, which is not a key column (%s)", limits.Quote(k), strings.Join(ds.Rules.Keys, ", ")))
		}
	}
	var missing, named []string
	for _, k := range ds.Rules.Keys {
		if v, ok := want[k]; ok {
			named = append(named, k+"="+v)
		} else {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fileProblem(ds.File, fmt.Sprintf("--lot must name every key column; %s missing", strings.Join(missing, ", ")))
	}
	for _, l := range ds.Lots {
		match := true
		for i, k := range ds.Rules.Keys {
			match = match && want[k] == l.Keys[i]
		}
		if match {
			return l, nil
		}
	}
	return nil, fileProblem(ds.File, fmt.Sprintf("no lot %s in the data", limits.Name(strings.Join(named, ","))))
}

func writeExplanation(w io.Writer, base *rules.Rulebook, run *ScenarioRun, lot *input.LotData, lm *engine.LotMonth, i int) {
	rb := run.Timeline.At(lm.Row.Month).Engine.Rules()
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	k := lm.Credits.KPIs[i].KPI
	p("%s %s — %s", k.ID, k.Name, run.ID)
	p("lot:    %s", lotLabel(rb, lot))
	p("month:  %s", lm.Row.Month)
	writeTerms(p, base, run, lm.Row.Month, k.ID)
	row := lm.Row
	if lm.Periods != nil && lm.Periods[i].Row != nil {
		row = lm.Periods[i].Row
		writePeriod(p, rb, k, lm.Periods[i])
	}
	writeMeasure(p, rb, lm, row, i)
	writeCredit(p, rb, lm, i)
}

// writePeriod shows the months a KPI measured over a quarter or a rolling
// window was judged on, and how its fields were aggregated.
func writePeriod(p func(string, ...any), rb *rules.Rulebook, k *rules.KPI, pd engine.Period) {
	months := make([]string, len(pd.Months))
	for j, m := range pd.Months {
		months[j] = m.String()
	}
	p("\nperiod:   %s, %s to %s; judged on %s", k.Period, pd.First, pd.Last, strings.Join(months, ", "))
	var aggs []string
	for _, f := range usedFields(rb, k) {
		if fd, ok := rb.Field(f); ok && fd.Type.Numeric() {
			aggs = append(aggs, f+" "+fd.Aggregate.String())
		}
	}
	p("          fields aggregated over those months: %s", strings.Join(aggs, ", "))
}

// writeTerms says which terms governed the month, and what each
// amendment in force (and the scenario) changed for the KPI.
func writeTerms(p func(string, ...any), base *rules.Rulebook, run *ScenarioRun, m rules.Month, kpiID string) {
	if len(base.Amendments) == 0 && run.Scenario == nil {
		return
	}
	var ep *rules.Epoch
	if run.Scenario != nil {
		ep = rules.EpochAt(run.Scenario.Timeline(), m)
	} else {
		ep = rules.EpochAt(base.Timeline(), m)
	}
	if ep.Terms == "" {
		p("terms:  the original terms (no amendment in force)")
	} else {
		a := ep.InForce[len(ep.InForce)-1]
		p("terms:  %s (agreed %s, in force from %s): %s", a.ID, a.Agreed, a.From, a.Description)
	}
	prev := base
	for _, a := range ep.InForce {
		say := fmt.Sprintf("%s (from %s)", a.ID, a.From)
		writeChanges(p, say, rules.Changes(prev, a.Rules(), kpiID))
		prev = a.Rules()
	}
	if sc := run.Scenario; sc != nil && ep.Rules != rules.EpochAt(base.Timeline(), m).Rules {
		say := "scenario " + sc.ID
		if sc.From != nil {
			say += fmt.Sprintf(" (from %s)", sc.From)
		}
		if len(sc.Revoke) > 0 {
			say += ", revoking " + strings.Join(sc.Revoke, ", ")
		}
		writeChanges(p, say, rules.Changes(rules.EpochAt(base.Timeline(), m).Rules, ep.Rules, kpiID))
	}
}

// writeChanges lists what one amendment or scenario changed for a KPI.
func writeChanges(p func(string, ...any), who string, changes []rules.Change) {
	if len(changes) == 0 {
		p("        %s: nothing for this KPI", who)
		return
	}
	p("        %s:", who)
	for _, c := range changes {
		before, after := c.Before, c.After
		if before == "" {
			before = "(none)"
		}
		if after == "" {
			after = "(none)"
		}
		p("          %s: %s -> %s", c.Key, limits.Quote(before), limits.Quote(after))
	}
}

// writeMeasure shows the inputs, the measure's arithmetic and its status.
func writeMeasure(p func(string, ...any), rb *rules.Rulebook, lm *engine.LotMonth, row *kpi.Row, i int) {
	kc, r := lm.Credits.KPIs[i], lm.Results[i]
	k := kc.KPI
	p("\ninputs:")
	for _, f := range usedFields(rb, k) {
		v := valueOf(rb, row, f)
		if fd, ok := rb.Field(f); ok && fd.Type == rules.TypeMoney {
			v = money.Format(v.(decimal.Decimal), rb.Currency, rb.MinorUnits)
		}
		p("  %-28s %v", f, v)
	}
	p("\nmeasure:  %s", k.Measure.Source)
	p("        = %s", substitute(rb, row, k.Measure.Source))
	if r.HasMeasure {
		p("        = %s", r.Measure)
	}
	if !k.Volume.IsZero() {
		p("volume:   %s = %s", k.Volume.Source, optionalText(r.Volume, r.HasVolume))
		if k.MinVolume != nil {
			p("          min_volume %s", k.MinVolume)
		}
	}
	if !k.Applies.IsZero() {
		p("applies:  %s", k.Applies.Source)
	}
	p("target:   %s (%s is better)%s", k.Target, k.Direction, boundsText(k))
	p("\nstatus:   %s", kc.Status)
	if kc.Reason != "" {
		p("reason:   %s", kc.Reason)
	}
	if kc.Status.Failed() {
		p("streak:   %d consecutive failure(s); escalation %s", kc.Streak, kc.Multiplier)
	}
}

// writeCredit shows the scheme, any service area, the caps and the credit.
func writeCredit(p func(string, ...any), rb *rules.Rulebook, lm *engine.LotMonth, i int) {
	c := lm.Credits
	kc := c.KPIs[i]
	money := func(d decimal.Decimal) string { return money.Format(d, rb.Currency, rb.MinorUnits) }
	p("scheme:   %s", kc.KPI.Credit.Kind)
	for _, a := range c.Areas {
		if a.Area.ID == kc.Area {
			p("area:     %s points %s; %s", kc.Points, kc.Area, a.How)
			p("          this KPI's share %s", money(kc.AreaShare))
		}
	}
	p("amount:   %s before caps", money(kc.Amount))
	p("\nlot-month: charge %s; KPI credits before cap %s", money(c.Charge), money(c.BeforeCap))
	if c.HasCap {
		p("           monthly cap %s", money(c.Cap))
	}
	if c.HasAnnualCap {
		p("           annual cap left %s", money(c.AnnualCapLeft))
	}
	if c.HasRollingCap {
		p("           rolling 12-month cap left %s", money(c.RollingCapLeft))
	}
	p("           credited %s", money(c.Credits))
	if b := c.Bonus; b != nil {
		p("           bonus points: earned %s, used %s, expired %s; banked after the month %s", b.Earned, b.Used, b.Expired, b.Bank)
	}
	for _, f := range c.Triggers {
		what := "any KPI"
		if f.Trigger.KPI != "" {
			what = f.Trigger.KPI
		}
		p("           trigger %s fired: %s at %s or worse of %s in the last %s (%s)", f.Trigger.ID,
			plural(f.Count, "failure"), f.Trigger.Level, what, plural(f.Trigger.Within, "month"), f.KPIs)
	}
	p("\ncredit:   %s (cap share of %s)", money(kc.Credit), money(kc.Amount))
	if !kc.EarnBack.IsZero() {
		p("earn-back: %s", money(kc.EarnBack))
	}
	p("\n%s", kc.Explanation)
}

func lotLabel(rb *rules.Rulebook, lot *input.LotData) string {
	parts := make([]string, len(rb.Keys))
	for i, k := range rb.Keys {
		parts[i] = k + "=" + lot.Keys[i]
	}
	return strings.Join(parts, ", ")
}

func boundsText(k *rules.KPI) string {
	var s string
	for _, l := range rules.Levels[1:] {
		if b := k.Bound(l); b != nil {
			s += fmt.Sprintf("; %s beyond %s", l, b)
		}
	}
	return s
}

func optionalText(d decimal.Decimal, ok bool) string {
	if !ok {
		return "(none)"
	}
	return d.String()
}

// usedFields lists the columns the KPI's expressions refer to, the charge
// first.
func usedFields(rb *rules.Rulebook, k *rules.KPI) []string {
	out := []string{rb.Charge}
	for _, e := range []rules.Expr{k.Measure, k.Volume, k.Applies} {
		for _, n := range kpi.Names(e.Source) {
			if valueKnown(rb, n.Name) && !slices.Contains(out, n.Name) {
				out = append(out, n.Name)
			}
		}
	}
	return out
}

func valueKnown(rb *rules.Rulebook, name string) bool {
	_, isField := rb.Field(name)
	return isField || slices.Contains(rb.Keys, name) || name == rules.MonthColumn
}

func valueOf(rb *rules.Rulebook, row *kpi.Row, name string) any {
	if i := slices.Index(rb.Keys, name); i >= 0 {
		return row.Keys[i]
	}
	if name == rules.MonthColumn {
		return row.Month.String()
	}
	for i, f := range rb.Fields {
		if f.Name == name {
			return row.Values[i]
		}
	}
	return nil
}

// plural writes a count of things, e.g. "1 failure", "3 failures".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// substitute writes the expression with each column replaced by its value.
func substitute(rb *rules.Rulebook, row *kpi.Row, src string) string {
	text := []rune(src)
	var b strings.Builder
	at := 0
	for _, n := range kpi.Names(src) {
		if !valueKnown(rb, n.Name) {
			continue
		}
		b.WriteString(string(text[at:n.From]))
		if s, ok := valueOf(rb, row, n.Name).(string); ok {
			fmt.Fprintf(&b, "%q", s)
		} else {
			fmt.Fprint(&b, valueOf(rb, row, n.Name))
		}
		at = n.To
	}
	b.WriteString(string(text[at:]))
	return b.String()
}
