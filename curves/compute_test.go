package curves_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// parse reads a rulebook given as text.
func parse(t testing.TB, src string) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Parse("r.yaml", strings.NewReader(src), nil)
	require.NoError(t, err)
	return rb
}

// one is a rulebook head for one-KPI cases; cases append a KPI list.
const one = `contract: X
currency: GBP
keys: [lot]
charge: c
point_value: 100
fields: {c: money, a: int, b: int}
`

func compute(t testing.TB, rb *rules.Rulebook, scs []*rules.Scenario, opts curves.Options) *curves.Set {
	t.Helper()
	set, err := curves.Compute(context.Background(), rb, scs, opts)
	require.NoError(t, err)
	return set
}

// curveOf returns the curve of a KPI under a scenario (or the baseline).
func curveOf(t testing.TB, set *curves.Set, kpiID, scenario string) *curves.Curve {
	t.Helper()
	k := kpiOf(t, set, kpiID)
	for _, c := range k.Curves {
		if c.Scenario == scenario {
			return c
		}
	}
	require.FailNow(t, "no curve", "%s has no curve for %s", kpiID, scenario)
	return nil
}

func kpiOf(t testing.TB, set *curves.Set, id string) *curves.KPICurves {
	t.Helper()
	for _, k := range set.KPIs {
		if k.ID == id {
			return k
		}
	}
	require.FailNow(t, "no KPI", id)
	return nil
}

// pointAt returns the curve's point at exactly the measure.
func pointAt(t testing.TB, c *curves.Curve, m string) curves.Point {
	t.Helper()
	for _, p := range c.Points {
		if p.Measure.Equal(d(m)) {
			return p
		}
	}
	require.FailNow(t, "no point", "%s has no point at %s", c.KPI.ID, m)
	return curves.Point{}
}

func TestComputeErrors(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, credit: {fixed: {minor: 10}}}\n")
	noCharges := curves.NewData()
	noCharges.AddMeasure("K", d("0.5"))
	zeroCharges := curves.NewData()
	zeroCharges.AddCharge("A", decimal.Zero)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		opts curves.Options
		want string
		is   error
	}{
		{name: "negative charge", opts: curves.Options{Charge: d("-1")}, want: "curves: negative charge -1"},
		{name: "no charge and no data", is: curves.ErrNoCharge},
		{name: "data without charges", opts: curves.Options{Data: noCharges}, is: curves.ErrNoCharge},
		{name: "data whose charges are nil", opts: curves.Options{Data: zeroCharges},
			want: "curves: the data's typical charge is zero; give a charge", is: curves.ErrZeroCharge},
		{name: "negative cliff percent", opts: curves.Options{Charge: d("100"), CliffPercent: d("-0.5")},
			want: "curves: negative cliff percent -0.5"},
		{name: "cancelled", ctx: cancelled, opts: curves.Options{Charge: d("100")}, is: context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			set, err := curves.Compute(ctx, rb, nil, tc.opts)
			require.Nil(t, set)
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
			if tc.want != "" {
				require.EqualError(t, err, tc.want)
			}
		})
	}
}

// A given charge wins over the data's; the data's says how it was found.
func TestChargeSource(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, credit: {fixed: {minor: 10}}}\n")
	data := curves.NewData()
	data.AddCharge("A", d("1000"))
	set := compute(t, rb, nil, curves.Options{Data: data})
	require.Equal(t, "1000", set.Charge.String())
	require.Equal(t, "the median of 1 lot' median monthly charges", set.ChargeFrom)
	set = compute(t, rb, nil, curves.Options{Data: data, Charge: d("500")})
	require.Equal(t, "500", set.Charge.String())
	require.Equal(t, "given", set.ChargeFrom)
}

func TestGrid(t *testing.T) {
	for _, tc := range []struct {
		name         string
		kpi          string
		observed     []string
		share        bool
		unit, lo, hi string
	}{
		// Anchors 0.90 and 0.95: a quarter of 0.05 is 0.0125, rounded up
		// to 0.013 on each side.
		{name: "a share", kpi: "{id: K, measure: a / b, target: 0.95, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}",
			share: true, unit: "0.001", lo: "0.887", hi: "0.963"},
		// Target 1 and floor 0.5: widened by 0.125, but a share stops at 1.
		{name: "a share stops at 1", kpi: "{id: K, measure: a / b, target: 1, credit: {sliding: {max_percent_of_charge: 1, floor: 0.5}}}",
			share: true, unit: "0.001", lo: "0.375", hi: "1"},
		{name: "a measure seen above 1 is not a share", observed: []string{"1.2"},
			kpi:   "{id: K, measure: a / b, target: 0.95, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}",
			share: false, unit: "1", lo: "0", hi: "11"},
		// Anchors 10 and 14: widened by ten units (more than a quarter of
		// 4) on each side, but not below 0.
		{name: "a count", kpi: "{id: K, measure: a, direction: lower, target: 10, serious: 14, credit: {fixed: {minor: 1, serious: 2}}}",
			unit: "1", lo: "0", hi: "24"},
		// A target alone: ten units on each side.
		{name: "a target alone", kpi: "{id: K, measure: a / b, target: 0.9, credit: {fixed: {minor: 1}}}",
			share: true, unit: "0.001", lo: "0.89", hi: "0.91"},
		// Anchors 100,000 and 150,000, widened by 12,500: 75,000 units
		// of 1 and 7,500 of 10 are too many; 750 of 100 are not.
		{name: "a wide span takes a larger unit", kpi: "{id: K, measure: a, direction: lower, target: 100000, serious: 150000, credit: {fixed: {minor: 1, serious: 2}}}",
			unit: "100", lo: "87500", hi: "162500"},
		// A negative anchor lets the grid go below 0.
		{name: "below 0", kpi: "{id: K, measure: a - b, target: 0, serious: -4, credit: {fixed: {minor: 1, serious: 2}}}",
			unit: "1", lo: "-14", hi: "10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb := parse(t, one+"kpis:\n  - "+tc.kpi+"\n")
			data := curves.NewData()
			for _, m := range tc.observed {
				data.AddMeasure("K", d(m))
			}
			k := compute(t, rb, nil, curves.Options{Charge: d("1000"), Data: data}).KPIs[0]
			require.Equal(t, tc.share, k.Share)
			require.Equal(t, tc.unit, k.Unit.String())
			require.Equal(t, tc.lo, k.Lo.String())
			require.Equal(t, tc.hi, k.Hi.String())
			pts := k.Curves[0].Points
			require.True(t, pts[0].Measure.Equal(k.Lo))
			require.True(t, pts[len(pts)-1].Measure.Equal(k.Hi))
			for i := 1; i < len(pts); i++ {
				require.True(t, pts[i-1].Measure.LessThan(pts[i].Measure), "ascending")
			}
		})
	}
}

// Every bound stands on the grid with a point on each side, one unit of
// the 16th place away; a whole-unit per_shortfall credit steps at every
// whole unit of shortfall, and a sliding floor has its point.
func TestBreakpoints(t *testing.T) {
	rb := parse(t, one+`kpis:
  - {id: K1, measure: a / b, target: 0.9555, serious: 0.9, credit: {fixed: {minor: 1, serious: 2}}}
  - {id: K2, measure: a, direction: lower, target: 10.5, credit: {per_shortfall: {money: 5, per: 2, whole_units: true}}}
  - {id: K3, measure: a / b, target: 0.9, credit: {sliding: {max_percent_of_charge: 1, floor: 0.8005}}}
`)
	set := compute(t, rb, nil, curves.Options{Charge: d("1000")})
	k1 := curveOf(t, set, "K1", rules.BaselineID)
	for _, tc := range []struct {
		m      string
		level  rules.Status
		credit string
		onGrid bool
		beside int
	}{
		{"0.9555", rules.Met, "0", false, 0},
		{"0.9554999999999999", rules.Minor, "1", false, -1},
		{"0.9555000000000001", rules.Met, "0", false, 1},
		{"0.955", rules.Minor, "1", true, 0},
		{"0.9", rules.Minor, "1", true, 0},
		{"0.8999999999999999", rules.Serious, "2", false, -1},
	} {
		p := pointAt(t, k1, tc.m)
		require.Equal(t, tc.level, p.Level, tc.m)
		require.Equal(t, tc.credit, p.Credit.String(), tc.m)
		require.Equal(t, tc.onGrid, p.OnGrid, tc.m)
		require.Equal(t, tc.beside, p.Beside, tc.m)
	}
	require.Equal(t, "0.9555", pointAt(t, k1, "0.9554999999999999").Ref.String())
	// K2: £5 per whole 2 nights over 10.5: nothing up to 12.5, £5 from it.
	k2 := curveOf(t, set, "K2", rules.BaselineID)
	require.Equal(t, "0", pointAt(t, k2, "12.4999999999999999").Credit.String())
	require.Equal(t, "5", pointAt(t, k2, "12.5").Credit.String())
	require.Equal(t, "10", pointAt(t, k2, "14.5").Credit.String())
	// K3: the floor is priced at its whole 1% of £1,000.
	require.Equal(t, "10", pointAt(t, curveOf(t, set, "K3", rules.BaselineID), "0.8005").Credit.String())
}

// The first failure takes the first escalation entry, which need not be 1;
// the escalated credit the last.
func TestEscalationEnds(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, credit: {fixed: {minor: 10}}, escalation: [1.5, 2, 3]}\n")
	c := compute(t, rb, nil, curves.Options{Charge: d("1000")}).KPIs[0].Curves[0]
	p := pointAt(t, c, "0.89")
	require.Equal(t, "15", p.Credit.String())
	require.Equal(t, "30", p.Escalated.String())
	require.Equal(t, "3", c.Multiplier.String())
	require.Equal(t, "15", c.Max.Credit.String())
	require.Equal(t, "30", c.MaxEscalated.Credit.String())
}

// Scenarios: a curve like an earlier one is named SameAs it; a KPI a
// scenario removes lists it as absent; one it adds is absent from the
// baseline.
func TestScenarioCurves(t *testing.T) {
	rb := example(t) // its own scenarios, then these (AddOverlay adds them)
	for _, o := range []rules.Overlay{
		{ID: "no-kpi-04", Remove: []string{"KPI-04"}},
		{ID: "declared", KPIs: map[string]map[string]any{"KPI-06": {"at_risk_percent": 0.5}}},
		{ID: "new-kpi", Add: []map[string]any{{"id": "KPI-99", "name": "New", "measure": "calls_answered_60s / calls",
			"target": 0.8, "credit": map[string]any{"fixed": map[string]any{"minor": 1000}}}}},
	} {
		_, err := rb.AddOverlay(o)
		require.NoError(t, err)
	}
	set := compute(t, rb, rb.Scenarios, curves.Options{Charge: d("2000000")})
	// The notice-target sweep's 0.95 is the baseline's own target.
	require.Equal(t, rules.BaselineID, curveOf(t, set, "KPI-07", "notice-target-sweep/target=0.95").SameAs)
	require.Equal(t, "", curveOf(t, set, "KPI-07", "notice-target-sweep/target=0.96").SameAs)
	// The curves show the latest terms, with CCN-007's monthly cap of 5%:
	// KPI-07's at-risk share is 5% / 15 KPIs. The draft change notice
	// keeps that cap, so its KPI-07 curve is the baseline's; without
	// CCN-007 the cap is 7.5% again, 7.5% / 15 at risk.
	require.Equal(t, "0.33333333", curveOf(t, set, "KPI-07", rules.BaselineID).AtRisk.String())
	require.Equal(t, rules.BaselineID, curveOf(t, set, "KPI-07", "draft-ccn-012").SameAs)
	require.Equal(t, "", curveOf(t, set, "KPI-07", "without-ccn-007").SameAs)
	require.Equal(t, "0.5", curveOf(t, set, "KPI-07", "without-ccn-007").AtRisk.String())
	// Removing KPI-04 leaves 14 KPIs: 5% / 14 at risk, unlike the
	// baseline's 5% / 15.
	require.Equal(t, "", curveOf(t, set, "KPI-07", "no-kpi-04").SameAs)
	require.Equal(t, "0.35714286", curveOf(t, set, "KPI-07", "no-kpi-04").AtRisk.String())
	require.Equal(t, []string{"no-kpi-04"}, kpiOf(t, set, "KPI-04").Absent)
	// Declaring 0.5% at risk for KPI-06 changes its curve's flags, and no
	// other KPI's curve.
	require.Equal(t, "", curveOf(t, set, "KPI-06", "declared").SameAs)
	require.Equal(t, rules.BaselineID, curveOf(t, set, "KPI-07", "declared").SameAs)
	k99 := kpiOf(t, set, "KPI-99")
	require.Equal(t, set.KPIs[len(set.KPIs)-1], k99, "added KPIs come last")
	require.Equal(t, "New", k99.Name)
	require.Len(t, k99.Curves, 1)
	require.Len(t, k99.Absent, len(rb.Scenarios), "the baseline and every scenario but new-kpi")
	require.Equal(t, rules.BaselineID, k99.Absent[0])
}

// The curves show the terms in force in the month asked for: before
// CCN-007 (September 2025) the monthly cap is 7.5%, 0.5% at risk for each
// of 15 KPIs, and from it 5%. A scenario from a later month shows its own
// terms from that month, so the draft notice from March 2026 has
// CCN-007's cap even at August 2025.
func TestCurvesAtAMonth(t *testing.T) {
	rb := example(t)
	for _, tc := range []struct {
		at             rules.Month
		baseline, drft string
	}{
		{rules.NewMonth(2025, 8), "0.5", "0.33333333"},
		{rules.NewMonth(2025, 9), "0.33333333", "0.33333333"},
		{0, "0.33333333", "0.33333333"},
	} {
		t.Run(tc.at.String(), func(t *testing.T) {
			set := compute(t, rb, rb.Scenarios, curves.Options{Charge: d("2000000"), At: tc.at})
			require.Equal(t, tc.baseline, curveOf(t, set, "KPI-07", rules.BaselineID).AtRisk.String())
			require.Equal(t, tc.drft, curveOf(t, set, "KPI-07", "draft-ccn-012").AtRisk.String())
			require.Equal(t, "0.5", curveOf(t, set, "KPI-07", "without-ccn-007").AtRisk.String())
		})
	}
}

// A lower-is-better share is at its worst at 1: the largest fixed credit
// is earned from just above the worst bound, and a credit of £1 per 0.0001
// in whole units steps too often (5,000 times) for a point at each step.
func TestLowerShare(t *testing.T) {
	rb := parse(t, one+`kpis:
  - {id: K1, measure: a / b, direction: lower, target: 0.02, serious: 0.05, credit: {fixed: {minor: 100, serious: 600}}}
  - {id: K2, measure: a / b, target: 0.9, serious: 0.4, credit: {per_shortfall: {money: 1, per: 0.0001, whole_units: true}}}
caps: {monthly_percent_of_charge: 10}
`)
	set := compute(t, rb, nil, curves.Options{Charge: d("10000")})
	c := curveOf(t, set, "K1", rules.BaselineID)
	require.Equal(t, 1, c.Max.At.Beside)
	require.Equal(t, "0.05", c.Max.At.Ref.String())
	// £100 at the target is exactly 1% of £10,000, not more; the £500 more
	// past the serious bound is 5%. At risk: 10% / 2 KPIs = 5%, £500.
	require.Equal(t, []string{
		"cliff: a step of 0.1 percentage point from 5% to 5.1% moves the credit by £500.00 (5% of the charge)",
		"over_at_risk: the largest credit, £600.00 (6% of the charge) from just above 5%, exceeds the 5% at risk (£500.00; monthly cap 10% / 2 KPIs) from just above 5%",
	}, flagTexts(c, curves.Cliff, curves.OverAtRisk))
	k2 := kpiOf(t, set, "K2")
	require.Equal(t, 1+int(k2.Hi.Sub(k2.Lo).Div(k2.Unit).IntPart())+4, len(k2.Curves[0].Points),
		"the grid (which holds the target and bound) and a point on each side of those two")
}

// The largest credit of a lower-is-better share that grows to its end, 1.
func TestLowerShareWorstEnd(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, direction: lower, target: 0.1, credit: {per_shortfall: {percent_of_charge: 1, per: 0.01}}}\n")
	c := compute(t, rb, nil, curves.Options{Charge: d("1000")}).KPIs[0].Curves[0]
	require.Equal(t, "1", c.Max.At.Measure.String())
	require.Equal(t, "900", c.Max.Credit.String(), "90 points over at 1% of £1,000 each")
	require.False(t, c.Max.Unbounded)
}

// An escalation that starts below 1 still escalates: x0.5 first, x1 last.
func TestEscalationBelowOne(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a / b, target: 0.9, credit: {fixed: {minor: 10}}, escalation: [0.5, 1]}\n")
	c := compute(t, rb, nil, curves.Options{Charge: d("1000")}).KPIs[0].Curves[0]
	require.True(t, c.Escalates())
	p := pointAt(t, c, "0.89")
	require.Equal(t, []string{"5", "10"}, []string{p.Credit.String(), p.Escalated.String()})
}

// A unit larger than 1 is named in the flags.
func TestWideUnitText(t *testing.T) {
	rb := parse(t, one+"kpis:\n  - {id: K, measure: a, direction: lower, target: 100000, serious: 150000, credit: {fixed: {minor: 100, serious: 200}}}\n")
	c := compute(t, rb, nil, curves.Options{Charge: d("1000")}).KPIs[0].Curves[0]
	require.Equal(t, []string{
		"cliff: a step of 100 units from 100000 to 100100 moves the credit by £100.00 (10% of the charge)",
		"cliff: a step of 100 units from 150000 to 150100 moves the credit by £100.00 (10% of the charge)",
	}, flagTexts(c, curves.Cliff))
}

func TestFlagNames(t *testing.T) {
	require.Equal(t, "unknown", curves.FlagKind(0).String())
	require.Equal(t, "unknown", curves.FlagKind(9).String())
	var s curves.FlagSet
	require.Equal(t, "", s.String())
	s = s.With(curves.Unreached).With(curves.Cliff)
	require.True(t, s.Has(curves.Cliff))
	require.False(t, s.Has(curves.OverAtRisk))
	require.Equal(t, "cliff;unreached", s.String())
}
