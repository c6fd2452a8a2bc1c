package credits

// PriceInDecimals makes the lot price every month in decimals, as it does
// when a figure does not fit in fixed point, so that tests can compare
// the two paths.
func PriceInDecimals(l *Lot) { l.decimal = true }

// ExplainAsBefore returns the explanations of a month the lot priced,
// each KPI's and each area's How, as the fmt-based writer they replace
// wrote them.
func ExplainAsBefore(l *Lot, lm *Month) (kpis, areas []string) { return l.refExplainMonth(lm) }

// ExplainIntoAsBefore writes the explanations of a month the lot priced
// with Explain off, as the fmt-based writer did, for benchmarks.
func ExplainIntoAsBefore(l *Lot, lm *Month) { l.refExplainInto(lm) }
