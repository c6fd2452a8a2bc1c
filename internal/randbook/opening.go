package randbook

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/rules"
)

// Opening writes a rulebook's opening: key from each lot's state at the
// end of month m (lots[i]'s key values, in the rulebook's key order, and
// states[i]), as a contract's history moved into kpicredit would give it.
func Opening(rb *rules.Rulebook, m rules.Month, lots [][]string, states []engine.State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "opening:\n  month: %s\n  lots:\n", m)
	for i, s := range states {
		keys := make([]string, len(rb.Keys))
		for j, k := range rb.Keys {
			keys[j] = fmt.Sprintf("%s: %q", k, lots[i][j])
		}
		fmt.Fprintf(&b, "    - lot: {%s}\n", strings.Join(keys, ", "))
		if s.Year.Months > 0 {
			fmt.Fprintf(&b, "      year: {charges: %s, credits: %s, months: %d}\n", s.Year.Charges, s.Year.Credits, s.Year.Months)
		}
		b.WriteString("      kpis:")
		if len(s.KPIs) == 0 {
			b.WriteString(" {}")
		}
		b.WriteString("\n")
		for _, id := range slices.Sorted(maps.Keys(s.KPIs)) {
			k := s.KPIs[id]
			fmt.Fprintf(&b, "        %s: {streak: %d, met_run: %d", id, k.Streak, k.MetRun)
			if !k.Pool.IsZero() {
				fmt.Fprintf(&b, ", earn_back_pool: %s", k.Pool)
			}
			b.WriteString("}\n")
		}
		writeMonths(&b, rb, s)
		writeCarried(&b, s)
	}
	return b.String()
}

// writeMonths writes a state's recent months: their charges, credits and
// failures, and the fields and relief of those a period KPI looks back to.
func writeMonths(b *strings.Builder, rb *rules.Rulebook, s engine.State) {
	months := map[rules.Month]bool{}
	for _, r := range s.Recent {
		months[r.Month] = true
	}
	for _, r := range s.Rows {
		months[r.Month] = true
	}
	if len(months) == 0 {
		return
	}
	b.WriteString("      months:\n")
	for _, m := range slices.Sorted(maps.Keys(months)) {
		fmt.Fprintf(b, "        - month: %s\n", m)
		if i := slices.IndexFunc(s.Recent, func(r credits.MonthState) bool { return r.Month == m }); i >= 0 {
			writeRecent(b, s.Recent[i])
		}
		if i := slices.IndexFunc(s.Rows, func(r engine.RowState) bool { return r.Month == m }); i >= 0 {
			writeRow(b, rb, s.Rows[i])
		}
	}
}

func writeRecent(b *strings.Builder, r credits.MonthState) {
	if r.HasCharge {
		fmt.Fprintf(b, "          charge: %s\n          credits: %s\n", r.Charge, r.Credits)
	}
	if len(r.Failures) > 0 {
		var fs []string
		for _, f := range r.Failures {
			fs = append(fs, fmt.Sprintf("%s: %s", f.KPI, f.Level))
		}
		fmt.Fprintf(b, "          failures: {%s}\n", strings.Join(fs, ", "))
	}
}

func writeRow(b *strings.Builder, rb *rules.Rulebook, r engine.RowState) {
	var fs []string
	for _, f := range rb.Fields {
		if v, ok := r.Fields[f.Name]; ok {
			fs = append(fs, fmt.Sprintf("%s: %s", f.Name, v))
		}
	}
	fmt.Fprintf(b, "          fields: {%s}\n", strings.Join(fs, ", "))
	if len(r.Relief) > 0 {
		var rs []string
		for _, id := range slices.Sorted(maps.Keys(r.Relief)) {
			rs = append(rs, fmt.Sprintf("%s: %q", id, r.Relief[id]))
		}
		fmt.Fprintf(b, "          relief: {%s}\n", strings.Join(rs, ", "))
	}
}

// writeCarried writes a state's bonus points banked and the triggers
// holding.
func writeCarried(b *strings.Builder, s engine.State) {
	if len(s.Bonus) > 0 {
		b.WriteString("      bonus:\n")
		for _, x := range s.Bonus {
			fmt.Fprintf(b, "        - {earned: %s, until: %s, points: %s}\n", x.Earned, x.Last, x.Points)
		}
	}
	if len(s.Holding) > 0 {
		var ids []string
		for _, id := range s.Holding {
			ids = append(ids, fmt.Sprintf("%q", id))
		}
		fmt.Fprintf(b, "      triggers: [%s]\n", strings.Join(ids, ", "))
	}
}
