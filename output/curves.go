package output

import (
	"bytes"
	"context"
	"errors"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/shopspring/decimal"
	"strings"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/report"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// CurvesData gathers what package curves needs from a run's baseline:
// each lot's monthly charges, for the typical charge, and each KPI's
// measures in the months it was judged (met or failed; not excused, not
// measured or not applicable), for the levels no month reached.
// The baseline must have kept its detail (runner.ScenarioRun.Lots).
func CurvesData(res *runner.Result) *curves.Data { return curvesOf(res, nil).data() }

// curvesData gathers CurvesData lot by lot, in the data's order.
type curvesData struct {
	d    *curves.Data
	kpis kpiMeasures
}

// add adds a lot's months.
func (c *curvesData) add(lot *input.LotData, months []*engine.LotMonth) {
	c.addCopy(lot, copyCurves(months))
}

// lotCurves is what the curves need of a lot's months, copied: each
// month's charge, KPIs and the results that have a measure to record.
type lotCurves struct {
	charges []decimal.Decimal
	kpis    [][]*rules.KPI
	judged  [][]judgedResult
}

// judgedResult is a KPI's result, by its index in the month, as much of it
// as the curves read.
type judgedResult struct {
	i int
	r kpi.Result
}

// copyCurves copies what the curves need of a lot's months.
func copyCurves(months []*engine.LotMonth) *lotCurves {
	lc := &lotCurves{charges: make([]decimal.Decimal, len(months)), kpis: make([][]*rules.KPI, len(months)),
		judged: make([][]judgedResult, len(months))}
	for mi, lm := range months {
		lc.charges[mi] = lm.Credits.Charge
		lc.kpis[mi] = make([]*rules.KPI, len(lm.Credits.KPIs))
		for i := range lm.Credits.KPIs { // by index: a KPICredit is large to copy
			lc.kpis[mi][i] = lm.Credits.KPIs[i].KPI
			if r := &lm.Results[i]; r.HasMeasure && (r.Status == rules.Met || r.Status.Failed()) {
				lc.judged[mi] = append(lc.judged[mi], judgedResult{i, kpi.Result{Status: r.Status, Measure: r.Measure,
					HasMeasure: true, Fixed: kpi.Fixed{Measure: r.Fixed.Measure, HasMeasure: r.Fixed.HasMeasure}}})
			}
		}
	}
	return lc
}

// addCopy adds a lot's months, copied.
func (c *curvesData) addCopy(lot *input.LotData, lc *lotCurves) {
	if c.d == nil {
		c.d = curves.NewData()
	}
	name := strings.Join(lot.Keys, "\x00")
	for mi, charge := range lc.charges {
		c.d.AddCharge(name, charge)
		judged := lc.judged[mi]
		for i, k := range lc.kpis[mi] {
			m := c.kpis.of(c.d, i, k)
			if len(judged) > 0 && judged[0].i == i {
				m.AddResult(&judged[0].r)
				judged = judged[1:]
			}
		}
	}
}

// data returns what was gathered.
func (c *curvesData) data() *curves.Data {
	if c.d == nil {
		c.d = curves.NewData()
	}
	return c.d
}

// kpiMeasures remembers, for each index of a lot-month's KPIs, the KPI
// last seen there and its measures in a Data, so that a result is
// recorded without looking its KPI up by id: the KPIs of every month
// under the same terms are the same.
type kpiMeasures struct {
	kpis []*rules.KPI
	sets []curves.KPIMeasures
}

// of returns the measures of k, the i-th KPI of a lot-month, in data.
func (c *kpiMeasures) of(data *curves.Data, i int, k *rules.KPI) curves.KPIMeasures {
	for len(c.kpis) <= i {
		c.kpis, c.sets = append(c.kpis, nil), append(c.sets, curves.KPIMeasures{})
	}
	if c.kpis[i] != k {
		c.kpis[i], c.sets[i] = k, data.KPI(k.ID)
	}
	return c.sets[i]
}

// runCurves computes the credit curves a run writes beside its summary:
// the baseline's and each scenario's but sweep members' (a sweep has a
// chart of its own in the summary, and a thousand members would each draw
// every KPI), at the data's typical charge, under the terms in force in
// the data's last month. It returns nil, and no error, when that charge
// is zero, as there is then no charge to price at.
func runCurves(ctx context.Context, res *runner.Result, data *curves.Data) (*curves.Set, error) {
	var scenarios []*rules.Scenario
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep == nil {
			scenarios = append(scenarios, run.Scenario)
		}
	}
	set, err := curves.Compute(ctx, res.Rules, scenarios, curves.Options{Data: data, At: res.Data.Last})
	if errors.Is(err, curves.ErrNoCharge) || errors.Is(err, curves.ErrZeroCharge) {
		return nil, nil
	}
	return set, err
}

// CurvesLink summarises a set's flags for a link to its page at href:
// how many KPIs raise each kind of flag, at the first failure or the
// highest escalation, in any of their curves. It is nil for a nil set.
func CurvesLink(set *curves.Set, href string) *report.CurvesLink {
	if set == nil {
		return nil
	}
	l := &report.CurvesLink{Href: href, KPIs: len(set.KPIs)}
	for _, k := range set.KPIs {
		var kinds curves.FlagSet
		for _, c := range k.Curves {
			for _, f := range c.Flags {
				kinds = kinds.With(f.Kind)
			}
		}
		if kinds.Has(curves.Cliff) || kinds.Has(curves.EscalatedCliff) {
			l.Cliff++
		}
		if kinds.Has(curves.OverAtRisk) || kinds.Has(curves.EscalatedOverAtRisk) {
			l.OverAtRisk++
		}
		if kinds.Has(curves.Unreached) {
			l.Unreached++
		}
	}
	return l
}

// curvesFiles renders a set as curves.html and curves.csv.
func curvesFiles(set *curves.Set) ([]file, error) {
	var h, c bytes.Buffer
	if err := set.WriteHTML(&h); err != nil {
		return nil, err
	}
	if err := set.WriteCSV(&c); err != nil {
		return nil, err
	}
	return []file{{"curves.html", h.Bytes()}, {"curves.csv", c.Bytes()}}, nil
}

// WriteCurves writes a set's curves.html and curves.csv into out.Dir as
// Write writes a run's files: rendered first, then swapped into place
// under the directory's lock, so that a failure leaves the directory as it
// was. The directory may hold only those two files unless out.Force is
// set, which keeps the others (a run's outputs among them). out.CSV and
// out.Inputs are not used: both files are always written, and there is no
// manifest.
func WriteCurves(ctx context.Context, set *curves.Set, out Output) error {
	if set == nil {
		return errors.New("output: no curves to write")
	}
	t, err := resolveTarget(out.Dir, curvesNames)
	if err != nil {
		return err
	}
	if _, err := t.foreign(out.Force); err != nil {
		return err
	}
	files, err := curvesFiles(set)
	if err != nil {
		return err
	}
	return t.write(ctx, out.Force, files)
}
