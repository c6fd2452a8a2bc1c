// Package credits turns classified KPI results into service credits: money
// deducted from a lot's monthly charge. It is pure arithmetic over exact
// decimals, with no I/O.
//
// A Calculator prices failures under one rulebook; a Lot carries one lot's
// state (failure streaks, met runs, earn-back pools, the contract year's
// and the last twelve months' totals, the bonus bank, recent failures for
// triggers) from month to month, across a change of rulebook (Use). Feed a
// Lot its months in order.
//
// # Schemes
//
// Each failing KPI is priced by its scheme, then escalated:
//
//   - fixed: the level's amount of money.
//   - percent_of_charge: the level's percent of the lot's monthly charge.
//   - points: the level's points x the rulebook's point_value; for a KPI in
//     a service area the points go to the area instead (below).
//   - sliding: charge x max_percent_of_charge% x min(1, shortfall / span),
//     span being |target - floor| and the shortfall how far the measure
//     misses the target.
//   - per_shortfall: charge x percent_of_charge% (or money) x shortfall /
//     per, the units rounded down to whole units when whole_units is true.
//
// # Escalation
//
// The n-th consecutive failure (at any level) of a KPI in a lot is
// multiplied by the n-th escalation entry; the last entry repeats. A met
// month resets the count; not_measured, not_applicable and excused months
// leave it as it is. A points KPI's escalation multiplies its points.
//
// # Rounding
//
// Every amount is carried as an exact fraction and rounded once, to the
// currency's minor unit with the rulebook's mode (half_up: halves away from
// zero; half_even: halves to the even neighbour): each KPI's credit after
// escalation, each service area's credit, the monthly cap, a percent
// annual cap, each earn-back refund. Nothing else is rounded.
//
// # Service areas
//
// The points of an area's KPIs in a lot-month are pooled. Points up to the
// threshold earn nothing; each point above it is worth point_value (or
// percent_of_charge_per_point of the charge), times the multiplier of its
// tier: a tier starting at From covers the points ranked From and above,
// and points between the threshold and the first tier count once. The
// area's credit is spread back over its KPIs pro rata to their points.
//
// # Caps
//
// The monthly cap is charge x monthly_percent_of_charge%; a lot-month's
// credits are the lesser of the cap and the sum of its KPI credits (area
// shares included). The annual cap limits a lot's credits in a contract
// year (from the rulebook's start month, or January): annual_amount, or
// annual_percent_of_charge% of the year's charges projected from what is
// known by the month — the charges of the year's months so far plus this
// month's charge for each of its other months (those to come, and those
// before the data starts when it starts mid-year) — so a month's figures
// never change when later months arrive. A last year cut short by the
// rulebook's end has only its months. A month gets what the annual cap has
// left after earlier months.
//
// # Spreading a total back over KPIs
//
// Whenever a total (an area's credit, a capped month) is spread over KPIs,
// each KPI gets its pro-rata share rounded down to the minor unit, and the
// units left over go one each to the largest remainders, ties to the KPI
// listed first (the largest-remainder method). The shares sum exactly to
// the total, and no KPI gets more than its amount before the cap. A capped
// month is spread once: its total, the least of the KPIs' amounts, the
// monthly cap and what the annual cap leaves, is spread pro rata to the
// amounts before any cap, so a KPI priced higher never ends with less.
//
// # Earn-back
//
// With earn_back {percent, after_met_months}, a KPI's credits after caps
// accumulate in a pool. On a met month that brings the KPI's run of
// consecutive met months to after_met_months or more, percent% of the pool
// is refunded — a negative EarnBack entry that month — and the pool
// empties. (The run exceeds after_met_months only when a scenario lowered
// it during the run; the refund is then due at once.) A failure restarts the count of met months
// but keeps the pool; not_measured, not_applicable and excused months
// leave both alone. Refunds do not count against the caps.
//
// # State
//
// A Lot's history is its State: per KPI the failure streak, the run of met
// months and the earn-back pool; the contract year's charges, credits and
// months so far; the recent months' charges and credits (for the rolling
// 12-month cap) and failures (for triggers); the bonus points banked; and
// the triggers whose condition holds. Lot.State reads it, Lot.SetState
// starts a lot from it (a rulebook's opening state, or one a service
// saved), and the credits that follow are those the whole history would
// give. Lot.Waive takes a waived amount out of a KPI's earn-back pool.
//
// # Relief
//
// An excused KPI (its Observation's status is Excused) earns nothing and
// leaves its streak and met run unchanged, unless the rulebook's
// escalation_across_relief is reset: its streak then ends. An in_period
// month (a quarterly KPI's month other than the quarter's last) is like an
// excused one, and never resets.
//
// # Quarterly credit bases
//
// An Observation with a Base prices percent_of_charge, sliding and
// per_shortfall on that charge (a quarter's summed charges) instead of the
// month's; caps always use the month's charge.
//
// # Bands
//
// A service area with a band table prices its pooled points as the percent
// of the charge of the highest band they reach, nothing below the first,
// rounded once, spread over its KPIs like any area's credit.
//
// # Rolling 12-month cap
//
// caps.rolling_12_percent_of_charge limits a lot's credits over the month
// and the 11 before it to that percent of those months' charges, a month
// before the lot's first counting this month's charge; it applies after
// the monthly and annual caps, and a month gets what it leaves.
//
// # Bonus points
//
// A KPI met at or beyond its bonus bound earns the rulebook's bonus points,
// banked for the lot from the next month. Banked points offset penalty
// points one for one, oldest first, where they would cost money: each
// service area's points above its threshold (for a banded area, those from
// the first band's From less one), then each points KPI's outside an area.
// Points earned in month E are usable up to E + expiry_months, and expire
// after that month's offsets.
//
// # Triggers
//
// A Lot logs each month's failures (Keep makes it log before its rules
// have triggers); a trigger fires in the month its count of failures at
// its level or worse, in its trailing window, first reaches its
// threshold, and again only after the count has fallen below it.
//
// # Fixed point, and the decimals it falls back to
//
// Every figure above is defined by exact decimal arithmetic (shopspring's
// decimal), and a Lot works each month out first in fixed point (package
// fixed: an int64 coefficient and a scale), which allocates nothing: the
// shortfall, every scheme, escalation, service areas with their tiers
// and bands, the three caps, the spread, earn-back and bonus points. Each
// operation there reports whether its exact result fits; at the first
// that does not (a product beyond 64 bits, more than 18 places, a
// percent of a charge with more than 16 places, a lot whose state holds
// a figure that does not fit), the whole lot-month is priced again in
// decimals, as if the fixed-point attempt had not been made: the lot's
// state changes only once a month's every figure is known. Both paths
// give the same figures, coefficient and exponent — a quotient is
// rounded once, so only its value matters, and every sum, product and
// lesser of two keeps the exponent the decimal arithmetic gives — and
// which one priced a month (Month.HasFixed) changes nothing else. A test
// drives both on the same random rulebooks and months, near the limits of
// fixed point among them, and compares every figure.
//
// Lot.Month returns a new Month with every field set, which the caller
// keeps. Lot.Figures, for a caller that wants only the figures (a sweep's
// scenarios), returns the Lot's own Month, overwritten by its next month,
// pointers included, with no explanations and, when HasFixed, its
// figures in the Fixed fields only: Month.Complete sets the decimals,
// Observation.Complete an observation's measure given in fixed point
// only. A Lot priced with Figures allocates nothing once its buffers have
// grown, but when a trigger fires on the failures of several KPIs (the
// list of them is a new string).
//
// It depends on rules, money and fixed only; package engine feeds it the
// results of package kpi.
package credits
