package output

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/report"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
)

// CurvesData gathers what package curves needs from a run's baseline:
// each lot's monthly charges, for the typical charge, and each KPI's
// measures in the months it was judged (met or failed; not excused, not
// measured or not applicable), for the levels no month reached.
// The baseline must have kept its detail (runner.ScenarioRun.Lots).
func CurvesData(res *runner.Result) *curves.Data { return curvesOf(res, nil).data() }

// curvesData gathers CurvesData lot by lot, in the data's order.
type curvesData struct {
	d       *curves.Data
	kpis    kpiMeasures
	scratch lotCurves // add's copy of a lot's months
}

// add adds a lot's months.
func (c *curvesData) add(lot *input.LotData, months []*engine.LotMonth) {
	c.scratch.copy(months)
	c.addCopy(lot, &c.scratch)
}

// lotCurves is what the curves need of a lot's months, copied: each
// month's charge and KPIs, and the results that have a measure to record.
// Its slices are reused by the next copy.
type lotCurves struct {
	charges []decimal.Decimal // each month's charge
	ends    []int             // each month's end in kpis
	kpis    []*rules.KPI      // the months' KPIs, month after month
	judged  []judgedResult    // in kpis' order
}

// judgedResult is a KPI-month's result as much of it as the curves read,
// by its KPI's index in lotCurves.kpis.
type judgedResult struct {
	at       int
	status   rules.Status
	measure  decimal.Decimal
	fixed    fixed.Decimal
	hasFixed bool
}

// copy copies what the curves need of a lot's months.
func (lc *lotCurves) copy(months []*engine.LotMonth) {
	lc.charges, lc.ends, lc.kpis, lc.judged = lc.charges[:0], lc.ends[:0], lc.kpis[:0], lc.judged[:0]
	for _, lm := range months {
		lc.charges = append(lc.charges, lm.Credits.Charge)
		for i := range lm.Credits.KPIs { // by index: a KPICredit is large to copy
			if r := &lm.Results[i]; r.HasMeasure && (r.Status == rules.Met || r.Status.Failed()) {
				lc.judged = append(lc.judged, judgedResult{len(lc.kpis), r.Status, r.Measure, r.Fixed.Measure, r.Fixed.HasMeasure})
			}
			lc.kpis = append(lc.kpis, lm.Credits.KPIs[i].KPI)
		}
		lc.ends = append(lc.ends, len(lc.kpis))
	}
}

// addCopy adds a lot's months, copied.
func (c *curvesData) addCopy(lot *input.LotData, lc *lotCurves) {
	if c.d == nil {
		c.d = curves.NewData()
	}
	name := strings.Join(lot.Keys, "\x00")
	judged, first := lc.judged, 0
	for mi, charge := range lc.charges {
		c.d.AddCharge(name, charge)
		for at := first; at < lc.ends[mi]; at++ {
			m := c.kpis.of(c.d, at-first, lc.kpis[at])
			if len(judged) > 0 && judged[0].at == at {
				j := &judged[0]
				m.AddResult(&kpi.Result{Status: j.status, Measure: j.measure, HasMeasure: true,
					Fixed: kpi.Fixed{Measure: j.fixed, HasMeasure: j.hasFixed}})
				judged = judged[1:]
			}
		}
		first = lc.ends[mi]
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
