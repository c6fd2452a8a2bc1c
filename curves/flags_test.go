package curves_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// flagTexts lists a curve's flags of the kinds given (all when none),
// each as "kind: text".
func flagTexts(c *curves.Curve, kinds ...curves.FlagKind) []string {
	var out []string
	for _, f := range c.Flags {
		for _, k := range kinds {
			if f.Kind == k {
				out = append(out, f.Kind.String()+": "+f.Text)
			}
		}
	}
	return out
}

var cliffs = []curves.FlagKind{curves.Cliff, curves.EscalatedCliff}

// Cliff edges of the example contract, worked by hand. A cliff is a step
// of 0.1 percentage point that moves the credit by more than 1% of the
// charge.
func TestExampleCliffs(t *testing.T) {
	rb := example(t)
	small := compute(t, rb, nil, curves.Options{Charge: d("800000"), At: original})
	two := compute(t, rb, nil, curves.Options{Charge: d("2000000"), At: original})
	typical := compute(t, rb, nil, curves.Options{Data: exampleData(t, rb), At: original})
	for _, tc := range []struct {
		name string
		set  *curves.Set
		kpi  string
		want []string
	}{
		// KPI-06 fixed £10,000 minor, £30,000 serious, escalation up to x2.
		// At £800,000, 1% is £8,000: £10,000 at the target (1.25%) and the
		// £20,000 more at the serious bound (2.5%) are cliffs. At x2 the
		// same steps jump £20,000 and £40,000: no step the first failure
		// does not already flag.
		{"KPI-06 at £800,000", small, "KPI-06", []string{
			"cliff: a step of 0.1 percentage point from 95% to 94.9% moves the credit by £10,000.00 (1.25% of the charge)",
			"cliff: a step of 0.1 percentage point from 90% to 89.9% moves the credit by £20,000.00 (2.5% of the charge)",
		}},
		// At the typical £3,167,787.60, 1% is £31,677.88: £10,000 (0.32%)
		// and £20,000 (0.63%) are not cliffs, but at x2 the serious step
		// is £60,000 - £20,000 = £40,000, 1.2627%.
		{"KPI-06 at the typical charge", typical, "KPI-06", []string{
			"escalated_cliff: at the highest escalation (x2), a step of 0.1 percentage point from 90% to 89.9% moves the credit by £40,000.00 (1.2627% of the charge)",
		}},
		// KPI-09 0.5%, 1%, 2%, 3% of the charge: the steps at 97% and 96%
		// are exactly 1% (£20,000 of £2,000,000), not more. At x1.5 they
		// are 1.5%: £30,000.
		{"KPI-09 at £2,000,000", two, "KPI-09", []string{
			"escalated_cliff: at the highest escalation (x1.5), a step of 0.1 percentage point from 97% to 96.9% moves the credit by £30,000.00 (1.5% of the charge)",
			"escalated_cliff: at the highest escalation (x1.5), a step of 0.1 percentage point from 96% to 95.9% moves the credit by £30,000.00 (1.5% of the charge)",
		}},
		// KPI-01 earns 2, 4, 6, 10 points in the property area, which lets
		// 2 through and charges 0.3% of the charge (£6,000) a point, x1.5
		// from the 11th, x2 from the 21st: alone, £0, £12,000, £24,000,
		// £48,000. The critical step, £24,000, is 1.2%. At x2 the points are
		// 4, 8, 12, 20: 2, 6, 8 + 2 x 1.5 = 11 and 8 + 10 x 1.5 = 23 paid
		// points, £12,000, £36,000, £66,000, £138,000; the serious step
		// (£24,000) and the severe (£30,000) are cliffs the first failure
		// does not have.
		{"KPI-01 at £2,000,000", two, "KPI-01", []string{
			"cliff: a step of 0.1 percentage point from 96% to 95.9% moves the credit by £24,000.00 (1.2% of the charge)",
			"escalated_cliff: at the highest escalation (x2), a step of 0.1 percentage point from 98% to 97.9% moves the credit by £24,000.00 (1.2% of the charge)",
			"escalated_cliff: at the highest escalation (x2), a step of 0.1 percentage point from 97% to 96.9% moves the credit by £30,000.00 (1.5% of the charge)",
		}},
		// KPI-07 slides 2% over 20 points: 0.01% of the charge per step.
		{"KPI-07 has none", two, "KPI-07", nil},
		// KPI-12, 1% per percentage point pro rata: 0.1% per step.
		{"KPI-12 has none", two, "KPI-12", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, flagTexts(curveOf(t, tc.set, tc.kpi, rules.BaselineID), cliffs...))
		})
	}
	// The worse point of each cliff step is marked.
	c := curveOf(t, small, "KPI-06", rules.BaselineID)
	require.Equal(t, "cliff;over_at_risk", pointAt(t, c, "0.949").Flags.String())
	require.Equal(t, "cliff;over_at_risk", pointAt(t, c, "0.899").Flags.String())
	require.Equal(t, "over_at_risk", pointAt(t, c, "0.9").Flags.String())
	require.Equal(t, "", pointAt(t, c, "0.95").Flags.String())
}

// A run of steps that each qualify is one flag, at its largest step.
func TestCliffRun(t *testing.T) {
	// £1 per 0.001 below 0.9, in whole units, up to a floor: every step
	// from 0.9 down is £1; at a charge of £50, 1% is £0.50.
	rb := parse(t, one+`kpis:
  - {id: K, measure: a / b, target: 0.9, serious: 0.895, credit: {per_shortfall: {money: 1, per: 0.001, whole_units: true}}}
caps: {monthly_percent_of_charge: 10}
`)
	c := compute(t, rb, nil, curves.Options{Charge: d("50")}).KPIs[0].Curves[0]
	// The cap (£5) and at-risk share (10% / 1: £5) take the span to 0.894
	// (6 units of 0.001 past the target), widened by ten units: 0.884.
	require.Equal(t, []string{
		"cliff: every step of 0.1 percentage point from 90% to 88.4% moves the credit by more than 1% of the charge; the most, from 90% to 89.9%, by £1.00 (2% of the charge)",
	}, flagTexts(c, cliffs...))
	f := c.Flags[0]
	require.Equal(t, []string{"0.9", "0.884", "0.9", "0.899", "1"},
		[]string{f.From.String(), f.To.String(), f.Before.String(), f.After.String(), f.Jump.String()})

	// £1 per 0.003 pro rata: £0.33, £0.67, £1.00, ... The steps jump £0.33,
	// £0.34, £0.33, ...: all more than 1% of £10; the most is the second.
	// No cap and no at-risk share: the span reaches 10 x 0.003 past the
	// target, widened by ten units.
	rb = parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, credit: {per_shortfall: {money: 1, per: 0.003}}}\n")
	c = compute(t, rb, nil, curves.Options{Charge: d("10")}).KPIs[0].Curves[0]
	require.Equal(t, []string{
		"cliff: every step of 0.1 percentage point from 90% to 86% moves the credit by more than 1% of the charge; the most, from 89.9% to 89.8%, by £0.34 (3.4% of the charge)",
	}, flagTexts(c, cliffs...))
}

// Credits larger than the share of the charge a KPI puts at risk, worked
// by hand at a charge of £2,000,000 (£800,000 for KPI-06). With no
// at_risk_percent the share is the monthly cap over the number of KPIs:
// 7.5% / 15 = 0.5%, £10,000 (£4,000).
func TestExampleOverAtRisk(t *testing.T) {
	rb := example(t)
	var scs []*rules.Scenario
	for _, o := range []rules.Overlay{
		{ID: "risk-2", KPIs: map[string]map[string]any{"KPI-07": {"at_risk_percent": 2}}},
		{ID: "risk-1.9", KPIs: map[string]map[string]any{"KPI-07": {"at_risk_percent": 1.9}}},
	} {
		sc, err := rb.AddOverlay(o)
		require.NoError(t, err)
		scs = append(scs, sc)
	}
	two := compute(t, rb, scs, curves.Options{Charge: d("2000000"), At: original})
	small := compute(t, rb, nil, curves.Options{Charge: d("800000"), At: original})
	over := []curves.FlagKind{curves.OverAtRisk, curves.EscalatedOverAtRisk}
	for _, tc := range []struct {
		name          string
		set           *curves.Set
		kpi, scenario string
		want          []string
	}{
		// KPI-06: £30,000 for a serious failure (3.75% of £800,000) from
		// just below 90%; more than £4,000 from the first miss, £10,000.
		{"KPI-06", small, "KPI-06", rules.BaselineID, []string{
			"over_at_risk: the largest credit, £30,000.00 (3.75% of the charge) from just below 90%, exceeds the 0.5% at risk (£4,000.00; monthly cap 7.5% / 15 KPIs) from just below 95%; at the highest escalation (x2), it is £60,000.00 (7.5% of the charge)",
		}},
		// KPI-07 slides to 2% (£40,000) at the floor, 75%. Declared at risk
		// 2%: not exceeded (equal is not more).
		{"KPI-07 at risk 2%", two, "KPI-07", "risk-2", nil},
		// At risk 1.9% (£38,000): the credit 200,000 x (0.95 - measure)
		// is £38,000 at 76%, £38,200 at 75.9%.
		{"KPI-07 at risk 1.9%", two, "KPI-07", "risk-1.9", []string{
			"over_at_risk: the largest credit, £40,000.00 (2% of the charge) from 75%, exceeds the 1.9% at risk (£38,000.00; declared) from 75.9%",
		}},
		// KPI-05: 0.25% (£5,000) per whole night over 21, with no worst
		// end; 2 nights make £10,000, not more; 3 nights (24) make £15,000.
		{"KPI-05 grows without limit", two, "KPI-05", rules.BaselineID, []string{
			"over_at_risk: the credit grows without limit as the shortfall grows; it exceeds the 0.5% at risk (£10,000.00; monthly cap 7.5% / 15 KPIs) from 24",
		}},
		// KPI-12: 1% of the charge per percentage point below 99%, down to
		// 0%: 99%, £1,980,000. 98.5% earns £10,000, 98.4% £12,000.
		{"KPI-12 at its worst end", two, "KPI-12", rules.BaselineID, []string{
			"over_at_risk: the largest credit, £1,980,000.00 (99% of the charge) from 0%, exceeds the 0.5% at risk (£10,000.00; monthly cap 7.5% / 15 KPIs) from 98.4%",
		}},
		// KPI-03: 1 and 3 points in the property area, 2 of them free: at
		// most 1 x 0.3% = 0.3% of the charge.
		{"KPI-03 stays within", two, "KPI-03", rules.BaselineID, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, flagTexts(curveOf(t, tc.set, tc.kpi, tc.scenario), over...))
		})
	}
	c := curveOf(t, two, "KPI-12", rules.BaselineID)
	require.True(t, c.Max.At.Measure.IsZero())
	require.Equal(t, rules.Critical, c.Max.At.Level)
	require.True(t, curveOf(t, two, "KPI-05", rules.BaselineID).Max.Unbounded)
}

// Only the escalated credit exceeds: KPI-11's fixed £15,000 (0.75% of
// £2,000,000) fits a declared 1%, its x2 does not.
func TestEscalatedOverAtRisk(t *testing.T) {
	rb := example(t)
	sc, err := rb.AddOverlay(rules.Overlay{ID: "s", KPIs: map[string]map[string]any{
		"KPI-11": {"at_risk_percent": 1, "escalation": []any{1, 2}}}})
	require.NoError(t, err)
	c := curveOf(t, compute(t, rb, []*rules.Scenario{sc}, curves.Options{Charge: d("2000000"), At: original}), "KPI-11", "s")
	require.Equal(t, []string{
		"escalated_over_at_risk: at the highest escalation (x2), the largest credit, £30,000.00 (1.5% of the charge) from just below 90%, exceeds the 1% at risk (£20,000.00; declared) from just below 90%; at the first failure it is at most £15,000.00 (0.75% of the charge)",
	}, flagTexts(c, curves.OverAtRisk, curves.EscalatedOverAtRisk))
	require.Equal(t, "escalated_over_at_risk", pointAt(t, c, "0.899").Flags.String())
	require.Equal(t, "", pointAt(t, c, "0.9").Flags.String(), "£10,000 x2 = £20,000 is not more")
}

// With no monthly cap and no at_risk_percent there is no share to exceed.
func TestNoAtRisk(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, credit: {fixed: {minor: 1000}}}\n")
	c := compute(t, rb, nil, curves.Options{Charge: d("1000000")}).KPIs[0].Curves[0]
	require.Nil(t, c.AtRisk)
	require.Nil(t, c.Cap)
	require.Empty(t, c.Flags)
}

// Levels no month of the example's data reached, worked from data.csv:
// safeguarding referrals were at worst 10 of 11 (90.9091%, KPI-10 critical
// is below 90%); data returns 11 of 12 (91.67%, KPI-11 serious is below
// 90%); certificates 4,454 of 4,597 (96.89%, KPI-12 critical is below
// 96%); nights in initial accommodation 21,469 / 755 = 28.44 (KPI-05
// severe is above 35). Every other level was reached.
func TestExampleUnreached(t *testing.T) {
	rb := example(t)
	sc, err := rb.AddOverlay(rules.Overlay{ID: "remeasured", KPIs: map[string]map[string]any{
		"KPI-10": {"measure": "safeguarding_referred_24h / safeguarding_cases * 1"}}})
	require.NoError(t, err)
	set := compute(t, rb, []*rules.Scenario{sc}, curves.Options{Charge: d("2000000"), Data: exampleData(t, rb)})
	got := map[string][]string{}
	for _, k := range set.KPIs {
		if texts := flagTexts(k.Curves[0], curves.Unreached); texts != nil {
			got[k.ID] = texts
		}
	}
	require.Equal(t, map[string][]string{
		"KPI-05": {"unreached: no month of the data reached severe (above 35); the worst measure judged is 28.4358"},
		"KPI-10": {"unreached: no month of the data reached critical (below 90%); the worst measure judged is 90.9091%"},
		"KPI-11": {"unreached: no month of the data reached serious (below 90%); the worst measure judged is 91.6667%"},
		"KPI-12": {"unreached: no month of the data reached critical (below 96%); the worst measure judged is 96.8893%"},
	}, got)
	c := curveOf(t, set, "KPI-10", rules.BaselineID)
	require.Equal(t, "over_at_risk;unreached", pointAt(t, c, "0.8999999999999999").Flags.String())
	require.Equal(t, "over_at_risk", pointAt(t, c, "0.9").Flags.String())
	// A changed measure expression is not judged on the baseline's measures.
	require.Empty(t, flagTexts(curveOf(t, set, "KPI-10", "remeasured"), curves.Unreached))
	// Without data no level is flagged.
	for _, k := range compute(t, rb, nil, curves.Options{Charge: d("2000000")}).KPIs {
		require.Empty(t, flagTexts(k.Curves[0], curves.Unreached), k.ID)
	}
}

// A KPI the data never judged has every level it can reach unreached.
func TestUnreachedWithoutMeasures(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, serious: 0.8, credit: {fixed: {minor: 1, serious: 2}}}\n")
	data := curves.NewData()
	data.AddCharge("A", d("100"))
	c := compute(t, rb, nil, curves.Options{Data: data}).KPIs[0].Curves[0]
	require.Equal(t, []string{
		"unreached: no month of the data was judged, so none reached minor (below the target 90%)",
		"unreached: no month of the data was judged, so none reached serious (below 80%)",
	}, flagTexts(c, curves.Unreached))
}
