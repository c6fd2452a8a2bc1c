package runner

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/engine"
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
// scheme, escalation, service area, caps and the final credit.
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
	writeExplanation(w, job.Rules, run, lot, lm, i)
	return nil
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
	rb := base
	if run.Scenario != nil && (run.Scenario.From == nil || lm.Row.Month >= *run.Scenario.From) {
		rb = run.Scenario.Rules()
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	k := lm.Credits.KPIs[i].KPI
	p("%s %s — %s", k.ID, k.Name, run.ID)
	p("lot:    %s", lotLabel(rb, lot))
	p("month:  %s", lm.Row.Month)
	writeMeasure(p, rb, lm, i)
	writeCredit(p, rb, lm, i)
}

// writeMeasure shows the inputs, the measure's arithmetic and its status.
func writeMeasure(p func(string, ...any), rb *rules.Rulebook, lm *engine.LotMonth, i int) {
	kc, r := lm.Credits.KPIs[i], lm.Results[i]
	k := kc.KPI
	p("\ninputs:")
	for _, f := range usedFields(rb, k) {
		v := valueOf(rb, lm, f)
		if fd, ok := rb.Field(f); ok && fd.Type == rules.TypeMoney {
			v = money.Format(v.(decimal.Decimal), rb.Currency, rb.MinorUnits)
		}
		p("  %-28s %v", f, v)
	}
	p("\nmeasure:  %s", k.Measure.Source)
	p("        = %s", substitute(rb, lm, k.Measure.Source))
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
	p("           credited %s", money(c.Credits))
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

func valueOf(rb *rules.Rulebook, lm *engine.LotMonth, name string) any {
	if i := slices.Index(rb.Keys, name); i >= 0 {
		return lm.Row.Keys[i]
	}
	if name == rules.MonthColumn {
		return lm.Row.Month.String()
	}
	for i, f := range rb.Fields {
		if f.Name == name {
			return lm.Row.Values[i]
		}
	}
	return nil
}

// substitute writes the expression with each column replaced by its value.
func substitute(rb *rules.Rulebook, lm *engine.LotMonth, src string) string {
	text := []rune(src)
	var b strings.Builder
	at := 0
	for _, n := range kpi.Names(src) {
		if !valueKnown(rb, n.Name) {
			continue
		}
		b.WriteString(string(text[at:n.From]))
		if s, ok := valueOf(rb, lm, n.Name).(string); ok {
			fmt.Fprintf(&b, "%q", s)
		} else {
			fmt.Fprint(&b, valueOf(rb, lm, n.Name))
		}
		at = n.To
	}
	b.WriteString(string(text[at:]))
	return b.String()
}
