// Package randbook writes random but valid rulebooks and data for property
// tests: every scheme, direction, failure level (bands left empty by a
// bound equal to the one before included), escalation, service areas, caps
// and earn-back, drawn from a seeded source; WithTerms adds measurement
// periods, bonus points, a rolling cap, triggers and an amendment, and
// Opening writes a rulebook's opening state from lots' states.
package randbook

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// KPI writes one KPI as a YAML list item: a random direction, target,
// bounds and scheme, over a measure that runs from 0 to 100.
func KPI(r *rand.Rand, id, measure string) string {
	lower := r.IntN(2) == 0
	target := 50 + r.IntN(45)
	sign, dir := -1, "higher"
	if lower {
		sign, dir, target = 1, "lower", 5+r.IntN(45)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  - id: %s\n    measure: %s\n    direction: %s\n    target: %d\n", id, measure, dir, target)
	levels := 1 + r.IntN(4)
	// empty[i] is true when level i's band is empty: the next bound equals
	// where the level starts (a step of 0), so no measure reaches it.
	empty := make([]bool, levels)
	bound := target
	for i, name := range []string{"serious", "severe", "critical"}[:levels-1] {
		step := r.IntN(11)
		empty[i], bound = step == 0, bound+sign*step
		fmt.Fprintf(&b, "    %s: %d\n", name, bound)
	}
	amounts := func(scale int) string {
		var parts []string
		a := 0
		for i, name := range []string{"minor", "serious", "severe", "critical"}[:levels] {
			a += r.IntN(scale)
			if empty[i] && r.IntN(2) == 0 {
				continue // a level that cannot be reached needs no amount
			}
			parts = append(parts, fmt.Sprintf("%s: %d", name, a))
		}
		return strings.Join(parts, ", ")
	}
	switch r.IntN(5) {
	case 0:
		fmt.Fprintf(&b, "    credit: {fixed: {%s}}\n", amounts(1000))
	case 1:
		fmt.Fprintf(&b, "    credit: {percent_of_charge: {%s}}\n", amounts(5))
	case 2:
		fmt.Fprintf(&b, "    credit: {points: {%s}}\n", amounts(5))
	case 3:
		fmt.Fprintf(&b, "    credit: {sliding: {max_percent_of_charge: %d, floor: %d}}\n", 1+r.IntN(5), target+sign*(1+r.IntN(40)))
	default:
		fmt.Fprintf(&b, "    credit: {per_shortfall: {percent_of_charge: 0.%d, per: %d, whole_units: %v}}\n", 1+r.IntN(9), 1+r.IntN(3), r.IntN(2) == 0)
	}
	return b.String()
}

// Contract is a random rulebook and data for it.
type Contract struct {
	Rules string // YAML
	Data  string // CSV
	KPIs  int
}

// New draws a contract: up to six KPIs over fields d1/n1 ... (done and
// events), escalation, a monthly cap, an annual cap, earn-back, perhaps a
// service area over the points KPIs, and a scenario identical to the
// baseline ("same") beside one that changes targets ("changed").
func New(r *rand.Rand) Contract {
	n := 1 + r.IntN(6)
	var b strings.Builder
	b.WriteString("contract: Random\ncurrency: GBP\nrounding: ")
	b.WriteString([]string{"half_up", "half_even"}[r.IntN(2)])
	b.WriteString("\nkeys: [provider, region]\ncharge: charge\npoint_value: 100.00\nstart: 2024-01\nfields:\n  charge: money\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  d%d: int\n  n%d: int\n", i, i)
	}
	b.WriteString("kpis:\n")
	var points []string
	for i := 1; i <= n; i++ {
		k := KPI(r, fmt.Sprintf("K%d", i), fmt.Sprintf("d%d / n%d * 100", i, i))
		k += fmt.Sprintf("    volume: n%d\n    min_volume: %d\n    escalation: [1, %d, %d]\n", i, r.IntN(4), 1+r.IntN(2), 2+r.IntN(2))
		if strings.Contains(k, "points:") {
			points = append(points, fmt.Sprintf("K%d", i))
		}
		b.WriteString(k)
	}
	fmt.Fprintf(&b, "caps: {monthly_percent_of_charge: %d, ", 1+r.IntN(15))
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "annual_amount: %d}\n", 1000+r.IntN(50000))
	} else {
		fmt.Fprintf(&b, "annual_percent_of_charge: %d}\n", 1+r.IntN(8))
	}
	fmt.Fprintf(&b, "earn_back: {percent: %d, after_met_months: %d}\n", r.IntN(101), 1+r.IntN(4))
	if len(points) > 0 && r.IntN(2) == 0 {
		fmt.Fprintf(&b, "service_areas:\n  - {id: A, kpis: [%s], threshold: %d, point_value: 50.00, tiers: [{from: %d, multiplier: 1}, {from: %d, multiplier: 1.5}]}\n",
			strings.Join(points, ", "), r.IntN(5), 1+r.IntN(3), 5+r.IntN(10))
	}
	fmt.Fprintf(&b, "scenarios:\n  - id: same\n    from: 2024-0%d\n  - id: changed\n    from: 2024-0%d\n    caps: {monthly_percent_of_charge: %d}\n", 1+r.IntN(9), 1+r.IntN(9), 1+r.IntN(15))
	return Contract{Rules: b.String(), Data: data(r, n), KPIs: n}
}

// data draws 1 to 4 lots over 6 to 18 months from January 2024.
func data(r *rand.Rand, kpis int) string {
	var b strings.Builder
	b.WriteString("provider,region,month,charge")
	for i := 1; i <= kpis; i++ {
		fmt.Fprintf(&b, ",d%d,n%d", i, i)
	}
	b.WriteString("\n")
	lots, months := 1+r.IntN(4), 6+r.IntN(13)
	for l := range lots {
		for m := range months {
			fmt.Fprintf(&b, "P%d,R%d,%04d-%02d,%d.%02d", l%2, l/2, 2024+m/12, m%12+1, 1000+r.IntN(100000), r.IntN(100))
			for range kpis {
				n := r.IntN(50)
				d := 0
				if n > 0 {
					d = n - r.IntN(1+n/4)
				}
				fmt.Fprintf(&b, ",%d,%d", d, n)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// WithTerms adds to a contract what its terms may have over time: some of
// a KPI judged over a quarter or a rolling window, bonus points earned
// beyond the targets, a rolling 12-month cap, escalation reset by relief,
// triggers, and an amendment that changes the caps from a later month.
func WithTerms(r *rand.Rand, c Contract) Contract {
	src := c.Rules
	k := 1 + r.IntN(c.KPIs)
	measure := fmt.Sprintf("    measure: d%d / n%d * 100\n", k, k)
	switch r.IntN(3) {
	case 0:
		src = strings.Replace(src, measure, measure+"    period: quarter\n", 1)
	case 1:
		src = strings.Replace(src, measure, measure+fmt.Sprintf("    period: {rolling: %d}\n", 2+r.IntN(3)), 1)
	}
	for i := 1; i <= c.KPIs; i++ {
		src = bonusBound(r, src, i)
	}
	if r.IntN(2) == 0 {
		src = strings.Replace(src, "caps: {", fmt.Sprintf("caps: {rolling_12_percent_of_charge: %d, ", 1+r.IntN(6)), 1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bonus: {points: %d, expiry_months: %d}\n", 1+r.IntN(3), 1+r.IntN(6))
	fmt.Fprintf(&b, "escalation_across_relief: %s\n", []string{"keep", "reset"}[r.IntN(2)])
	fmt.Fprintf(&b, "triggers:\n  - {id: t1, failures: %d, within: %d, level: minor}\n", 1+r.IntN(3), 3+r.IntN(10))
	fmt.Fprintf(&b, "  - {id: t2, failures: 1, within: 1, kpi: K%d, level: serious}\n", k)
	fmt.Fprintf(&b, "amendments:\n  - {id: A1, agreed: 2024-01-01, from: 2024-%02d, caps: {rolling_12_percent_of_charge: %d}}\n",
		2+r.IntN(8), 1+r.IntN(6))
	i := strings.Index(src, "scenarios:\n")
	c.Rules = src[:i] + b.String() + src[i:]
	return c
}

// bonusBound gives KPI Ki a bonus bound at or beyond its target, half
// the time. KPI writes its direction and target right after its measure.
func bonusBound(r *rand.Rand, src string, i int) string {
	at := strings.Index(src, fmt.Sprintf("  - id: K%d\n", i))
	if at < 0 || r.IntN(2) == 0 {
		return src
	}
	rest := src[at:]
	d, t := strings.Index(rest, "    direction: "), strings.Index(rest, "    target: ")
	var dir string
	var target int
	if _, err := fmt.Sscanf(rest[d:], "    direction: %s\n", &dir); err != nil {
		return src
	}
	if _, err := fmt.Sscanf(rest[t:], "    target: %d\n", &target); err != nil {
		return src
	}
	bound := min(100, target+r.IntN(5))
	if dir == "lower" {
		bound = max(0, target-r.IntN(5))
	}
	line := fmt.Sprintf("    target: %d\n", target)
	return src[:at+t] + strings.Replace(rest[t:], line, line+fmt.Sprintf("    bonus: %d\n", bound), 1)
}
