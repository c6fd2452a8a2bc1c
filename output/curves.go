package output

import (
	"bytes"
	"context"
	"errors"
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
func CurvesData(res *runner.Result) *curves.Data {
	data := curves.NewData()
	base := res.Baseline()
	var kpis kpiMeasures
	for li, lot := range res.Data.Lots {
		name := strings.Join(lot.Keys, "\x00")
		for _, lm := range base.Lots[li] {
			data.AddCharge(name, lm.Credits.Charge)
			for i := range lm.Credits.KPIs { // by index: a KPICredit is large to copy
				kpis.of(data, i, lm.Credits.KPIs[i].KPI).AddResult(&lm.Results[i])
			}
		}
	}
	return data
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
func runCurves(ctx context.Context, res *runner.Result) (*curves.Set, error) {
	var scenarios []*rules.Scenario
	for _, run := range res.Runs[1:] {
		if run.Scenario.Sweep == nil {
			scenarios = append(scenarios, run.Scenario)
		}
	}
	set, err := curves.Compute(ctx, res.Rules, scenarios, curves.Options{Data: CurvesData(res), At: res.Data.Last})
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
