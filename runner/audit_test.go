package runner_test

import (
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/output"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The audit trail: a sample of kpi_results rows is re-derived from the
// row's own columns (status, measure, charge, multiplier, points) and the
// rulebook recorded in the manifest for its scenario: the amount before
// caps by the scheme's formula, rounded once; a service area's shares from
// its rows' points; and the credit as the amount unless credits.csv shows
// the lot-month was capped, in which case the shares sum to the cap.
func TestAuditTrail(t *testing.T) {
	dir := t.TempDir()
	job, inputs := exampleJob(t)
	runInto(t, job, inputs, dir)
	var m output.Manifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &m))
	books := auditBooks(t, m)

	rows := readCSV(t, filepath.Join(dir, "kpi_results.csv"))
	lotMonths := map[string]map[string]string{}
	for _, r := range readCSV(t, filepath.Join(dir, "credits.csv")) {
		lotMonths[r["scenario"]+"|"+r["provider"]+"|"+r["region"]+"|"+r["month"]] = r
	}
	sample := rand.New(rand.NewPCG(1, 1)).Perm(len(rows))[:3000]
	for _, i := range sample {
		r := rows[i]
		rb := bookFor(books, m, r["scenario"], r["month"])
		k := rb.KPI(r["kpi"])
		require.NotNil(t, k, "row %d: KPI %s", i, r["kpi"])
		if r["area"] == "" {
			require.Equalf(t, rederive(t, rb, k, r), r["amount"], "row %d: %v", i, r)
		}
		lm := lotMonths[r["scenario"]+"|"+r["provider"]+"|"+r["region"]+"|"+r["month"]]
		if lm["credits"] == lm["credits_before_cap"] {
			require.Equal(t, r["amount"], r["credit"], "row %d: an uncapped month credits the amount", i)
		}
	}
	checkAreasAndCaps(t, books, m, rows, lotMonths)
}

// rederive prices a row from its columns and the KPI's scheme.
func rederive(t *testing.T, rb *rules.Rulebook, k *rules.KPI, r map[string]string) string {
	t.Helper()
	status := r["status"]
	level, failed := rules.ParseLevel(status)
	if !failed {
		return "0.00"
	}
	dec := decimal.RequireFromString
	charge, mult, measure := dec(r["charge_base"]), dec(r["multiplier"]), dec(r["measure"])
	s := k.Credit
	num, den := decimal.Zero, decimal.NewFromInt(1)
	hundred := decimal.NewFromInt(100)
	short := k.Target.Sub(measure)
	if k.Direction == rules.Lower {
		short = short.Neg()
	}
	switch s.Kind {
	case rules.Fixed:
		a, _ := s.Amount(level)
		num = a.Mul(mult)
	case rules.PercentOfCharge:
		a, _ := s.Amount(level)
		num, den = charge.Mul(a).Mul(mult), hundred
	case rules.Points:
		a, _ := s.Amount(level)
		require.Equal(t, a.Mul(mult).String(), dec(r["points"]).String())
		num = a.Mul(rb.PointValue).Mul(mult)
	case rules.Sliding:
		span := k.Target.Sub(s.Floor).Abs()
		num, den = charge.Mul(s.MaxPercent).Mul(mult).Mul(decimal.Min(short, span)), hundred.Mul(span)
	case rules.PerShortfall:
		units, unitsDen := short, s.Per
		if s.WholeUnits {
			units, unitsDen = short.Div(s.Per).Floor(), decimal.NewFromInt(1)
		}
		if s.Money != nil {
			num, den = s.Money.Mul(units).Mul(mult), unitsDen
		} else {
			num, den = charge.Mul(*s.Percent).Mul(units).Mul(mult), hundred.Mul(unitsDen)
		}
	}
	return money.RoundQuo(num, den, rb.MinorUnits, rb.Rounding).StringFixed(rb.MinorUnits)
}

// checkAreasAndCaps re-derives every service area's credit from its rows'
// points, and checks that each capped lot-month's credits sum to its cap.
func checkAreasAndCaps(t *testing.T, books map[string][]epochBook, m output.Manifest, rows []map[string]string, lotMonths map[string]map[string]string) {
	t.Helper()
	type group struct {
		points, shares, credits decimal.Decimal
		scenario, month, charge string
	}
	areas, months := map[string]*group{}, map[string]*group{}
	for _, r := range rows {
		lm := r["scenario"] + "|" + r["provider"] + "|" + r["region"] + "|" + r["month"]
		g := months[lm]
		if g == nil {
			g = &group{}
			months[lm] = g
		}
		g.credits = g.credits.Add(decimal.RequireFromString(r["credit"]))
		if r["area"] == "" {
			continue
		}
		a := areas[lm+"|"+r["area"]]
		if a == nil {
			a = &group{scenario: r["scenario"], month: r["month"], charge: r["charge"]}
			areas[lm+"|"+r["area"]] = a
		}
		if r["points"] != "" {
			a.points = a.points.Add(decimal.RequireFromString(r["points"]))
		}
		a.shares = a.shares.Add(decimal.RequireFromString(r["area_share"]))
	}
	for key, a := range areas {
		rb := bookFor(books, m, a.scenario, a.month)
		area := rb.Areas[0]
		require.Equal(t, area.ID, key[strings.LastIndex(key, "|")+1:])
		want := areaCredit(rb, area, a.points, decimal.RequireFromString(a.charge))
		require.Equalf(t, want, a.shares.StringFixed(2), "%s: %s points", key, a.points)
	}
	for key, g := range months {
		require.Equal(t, lotMonths[key]["credits"], g.credits.StringFixed(2), key)
	}
}

// areaCredit prices pooled points: nothing up to the threshold, then each
// point (or part of one) at the multiplier of its tier — the tier from F
// covers the points past F-1 — x the area's value per point.
func areaCredit(rb *rules.Rulebook, a *rules.ServiceArea, points, charge decimal.Decimal) string {
	one := decimal.NewFromInt(1)
	overlap := func(lo, hi decimal.Decimal) decimal.Decimal { // of (lo, hi] with (threshold, points]
		lo, hi = decimal.Max(lo, a.Threshold), decimal.Min(hi, points)
		return decimal.Max(decimal.Zero, hi.Sub(lo))
	}
	weighted := decimal.Zero
	lo, mult := a.Threshold, one
	for _, t := range a.Tiers {
		weighted = weighted.Add(overlap(lo, t.From.Sub(one)).Mul(mult))
		lo, mult = decimal.Max(lo, t.From.Sub(one)), t.Multiplier
	}
	weighted = weighted.Add(overlap(lo, points).Mul(mult))
	if a.Value != nil {
		return money.RoundQuo(weighted.Mul(*a.Value), one, rb.MinorUnits, rb.Rounding).StringFixed(rb.MinorUnits)
	}
	return money.RoundQuo(weighted.Mul(charge).Mul(*a.Percent), decimal.NewFromInt(100), rb.MinorUnits, rb.Rounding).StringFixed(rb.MinorUnits)
}

// epochBook is a set of terms in force from a month ("" for the first).
type epochBook struct {
	from string
	rb   *rules.Rulebook
}

// auditBooks reads each run's terms from the manifest: the baseline's and
// each scenario's from their YAML, and a sweep member's as the baseline
// with the swept field set.
func auditBooks(t *testing.T, m output.Manifest) map[string][]epochBook {
	t.Helper()
	parse := func(name string, terms []output.ManifestTerms) []epochBook {
		var out []epochBook
		for _, e := range terms {
			rb, err := rules.Parse(name, strings.NewReader(e.YAML), nil)
			require.NoError(t, err)
			out = append(out, epochBook{e.From, rb})
		}
		return out
	}
	books := map[string][]epochBook{"baseline": parse("manifest", m.Terms)}
	for _, s := range m.Scenarios {
		if s.Sweep == nil {
			books[s.ID] = parse("manifest:"+s.ID, s.Terms)
			continue
		}
		rb, err := rules.Parse("manifest", strings.NewReader(m.Rulebook.YAML), nil)
		require.NoError(t, err)
		var v any = decimal.RequireFromString(s.Sweep.Value)
		parts := strings.Split(s.Sweep.Field, ".")
		for i := len(parts) - 1; i > 0; i-- {
			v = map[string]any{parts[i]: v}
		}
		sc, err := rb.AddOverlay(rules.Overlay{ID: "audit", KPIs: map[string]map[string]any{s.Sweep.KPI: {parts[0]: v}}})
		require.NoError(t, err)
		for _, e := range sc.Timeline() {
			from := ""
			if e.From != 0 {
				from = e.From.String()
			}
			books[s.ID] = append(books[s.ID], epochBook{from, e.Rules})
		}
	}
	return books
}

// bookFor returns the terms a run priced a month under: the baseline's
// before a scenario's from month, else the latest of the run's terms in
// force by the month.
func bookFor(books map[string][]epochBook, m output.Manifest, scenario, month string) *rules.Rulebook {
	if s := scenarioOf(m, scenario); s != nil && s.From != "" && month < s.From {
		scenario = "baseline"
	}
	var rb *rules.Rulebook
	for _, e := range books[scenario] {
		if e.from <= month {
			rb = e.rb
		}
	}
	return rb
}

func scenarioOf(m output.Manifest, id string) *output.ManifestScenario {
	for i := range m.Scenarios {
		if m.Scenarios[i].ID == id {
			return &m.Scenarios[i]
		}
	}
	return nil
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		r := map[string]string{}
		for i, h := range recs[0] {
			r[h] = rec[i]
		}
		out = append(out, r)
	}
	return out
}
