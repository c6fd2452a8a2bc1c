// Package curves shows how proportionate a rulebook's service credits are:
// for each KPI, the credit as a function of its measure at a typical
// charge, for the baseline and each scenario, with flags for
// disproportionate shapes. Compute builds a Set; WriteHTML writes
// curves.html (inline SVG charts, no script, nothing fetched) and WriteCSV
// curves.csv. All arithmetic is exact decimal; docs/curves.md says the same
// for users.
//
// # The charge
//
// Every curve is priced at one monthly charge: Options.Charge, or else the
// data's typical charge — each lot's median monthly charge, then the median
// of those across lots (the median of an even count is the mean of the
// middle two), computed exactly and rounded once to the currency's minor
// unit with the baseline's rounding mode.
//
// # What a curve prices
//
// A point of a curve is the credit of one KPI, at one measure, for a lot
// in a month where every other KPI of its rulebook is not applicable, before
// the monthly and annual caps, priced by package credits exactly as a run
// prices it (rounded once to the minor unit). So:
//
//   - Credit is the credit of a first failure (a lot with no history: the
//     first escalation entry, usually x1); Escalated that of a failure at the
//     highest multiplier (the last entry), priced in a lot whose failure
//     streak has reached it.
//   - A KPI in a service area earns points, and the area converts them:
//     the point shows the area's credit for that KPI's points alone, with
//     the area's threshold and tiers applied to them, which is what the
//     area charges when its other KPIs earn no points. (With them failing too
//     the threshold is already used up, and the KPI's points cost more at
//     the margin.)
//   - The monthly cap is not applied: the curve shows the rule. Charts draw
//     the cap as a horizontal line when it is near the curves. Earn-back
//     and the annual cap do not enter.
//
// # Which terms
//
// A rulebook's terms change while the contract runs (amendments). The
// baseline's curves use the terms in force in one month, Options.At: the
// contract as it stands in the data's last month for a run, every
// amendment in force by then applied; the latest terms, every amendment
// applied, when At is zero. A scenario's curve uses its own terms that
// month (its overlay applied last, over the amendments, less those it
// revokes), or from its first month when that is later.
//
// # The grid
//
// A KPI whose target, bounds and sliding floor (in every rulebook that has
// it) and whose measures in the data all lie within 0 to 1 is taken to
// measure a share; its measures run from 0 to 1. Its grid's unit is 0.001
// (0.1 percentage point); any other KPI's is 1 (one unit of volume, nights,
// ...), or a larger power of ten when the span would otherwise hold more
// than MaxSteps units.
//
// The span runs from the lowest to the highest anchor over every rulebook
// with the KPI — its target, its bounds, a sliding floor, and, for a
// per_shortfall credit, the measure one unit of per past the larger of the
// monthly cap and the at-risk amount (ten units of per when there is
// neither) — widened on each side by a quarter of that span rounded up to a
// whole unit (at least ten units), to whole units, and kept within 0 to 1
// for a share (at or above 0 when every anchor is). The grid is every whole
// number of units in the span, plus every target and bound and each
// whole-unit step of a per_shortfall credit in whole_units, exactly and on
// each side (one unit of the 16th decimal place away, the finest measure
// the data can hold), plus each sliding floor. Between points a curve is
// straight: constant between bounds, linear on a sliding or pro-rata
// per_shortfall credit.
//
// # Flags
//
// Cliff edge: two points of the grid one unit apart (0.1 percentage point
// for a share, 1 otherwise) whose credits differ by more than
// Options.CliffPercent (1 by default) percent of the charge, that share
// rounded to the minor unit as a cap is. Adjacent steps that each qualify
// form one run, reported once at its largest step (the one nearest the
// target among equals), with the measures just before and after it and the
// jump; the worse point of each qualifying step is marked in the CSV.
//
// Over at-risk: the largest credit over every measure the KPI can take
// exceeds the share of the charge the KPI puts at risk: its
// at_risk_percent, or else the monthly cap divided by the number of KPIs of
// its rulebook; neither, no flag. The amount is the share of the charge
// rounded to the minor unit, and "exceeds" is strictly more. The largest
// credit is found on the grid and at the worst end of a share's range (0
// for higher-is-better, 1 for lower-is-better) or at 0 for a
// higher-is-better measure taken not to go below it; a per_shortfall credit
// of a measure with no worst end grows without limit and always exceeds.
// The flag says where the credit first exceeds the amount, going from the
// target outward.
//
// Unreached level: a failure level the KPI can reach by its bounds
// (rules.KPI.Reachable) that none of the data's measures falls in, under
// the curve's own target and bounds. The measures are those of months
// judged (met or failed) under the first rulebook with the KPI, usually the
// baseline; a curve whose measure expression differs from that rulebook's
// gets no unreached flags, and without data none is raised.
//
// A flag at the highest escalation multiplier (escalated_cliff,
// escalated_over_at_risk) is raised only where the first failure does not
// already raise the same kind: a cliff step the first failure does not
// have, an at-risk share only the escalated credit exceeds.
//
// # Output
//
// A curve whose points, cap, at-risk share and flags are those of an
// earlier curve of its KPI (SameAs) is drawn and written once; the page
// names the others beside it. The CSV has one row per point of every other
// curve, by KPI, curve and ascending measure. The same inputs give the same
// bytes.
//
// It depends on rules, kpi, credits and money, not on the engine or any
// file format.
package curves
