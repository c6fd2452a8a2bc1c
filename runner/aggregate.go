package runner

import (
	"slices"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// MonthTotal is a lot's month under one run: what credits.parquet and the
// summaries need, without the per-KPI detail.
type MonthTotal struct {
	Month         rules.Month
	Terms         string // the latest amendment in force; "" for the original terms
	Charge        decimal.Decimal
	BeforeCap     decimal.Decimal
	Cap           decimal.Decimal // valid when HasCap
	HasCap        bool
	AnnualCapLeft decimal.Decimal // valid when HasAnnualCap
	HasAnnualCap  bool
	// RollingCapLeft is what the rolling 12-month cap left; valid when
	// HasRollingCap.
	RollingCapLeft decimal.Decimal
	HasRollingCap  bool
	Credits        decimal.Decimal     // after caps
	EarnBack       decimal.Decimal     // <= 0
	Bonus          *credits.BonusMonth // the lot's bonus points; nil without any
	Failures       int                 // failed KPIs
	Measured       int                 // KPIs met or failed
	Triggers       int                 // triggers that fired
}

// Capped reports whether the monthly cap cut the month's credits.
func (m *MonthTotal) Capped() bool { return m.HasCap && m.BeforeCap.GreaterThan(m.Cap) }

// KPITotal is one KPI's figures over a lot's months under one run.
type KPITotal struct {
	KPI string
	// BeforeCap is the KPI's credits before the monthly, annual and rolling caps:
	// the sum of its credits.KPICredit.Amount.
	BeforeCap   decimal.Decimal
	Credits     decimal.Decimal // after caps, before earn-back
	EarnBack    decimal.Decimal // refunds earned (<= 0)
	Failures    int             // lot-months at minor, serious, severe or critical
	Met         int             // lot-months met
	NotMeasured int             // lot-months not measured (no value, or below min_volume)
	Excused     int             // lot-months excused by relief
}

// totalMonth condenses a lot-month.
func totalMonth(lm *engine.LotMonth) MonthTotal {
	c := lm.Credits
	t := MonthTotal{Month: c.Month, Terms: lm.Terms, Charge: c.Charge, BeforeCap: c.BeforeCap, Cap: c.Cap, HasCap: c.HasCap,
		AnnualCapLeft: c.AnnualCapLeft, HasAnnualCap: c.HasAnnualCap, RollingCapLeft: c.RollingCapLeft,
		HasRollingCap: c.HasRollingCap, Credits: c.Credits, EarnBack: c.EarnBack, Bonus: c.Bonus, Triggers: len(c.Triggers)}
	for _, kc := range c.KPIs {
		if kc.Status.Failed() {
			t.Failures++
		}
		if kc.Status.Failed() || kc.Status == rules.Met {
			t.Measured++
		}
	}
	return t
}

// addKPIs adds a lot-month's KPIs to a lot's totals, in order of first
// appearance (a scenario's added KPIs after the baseline's).
func addKPIs(totals []KPITotal, lm *engine.LotMonth) []KPITotal {
	for k := range lm.Credits.KPIs {
		kc := &lm.Credits.KPIs[k]
		i := k // usually the KPIs come in the same order every month
		if i >= len(totals) || totals[i].KPI != kc.KPI.ID {
			i = slices.IndexFunc(totals, func(t KPITotal) bool { return t.KPI == kc.KPI.ID })
		}
		if i < 0 {
			totals = append(totals, KPITotal{KPI: kc.KPI.ID, BeforeCap: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero})
			i = len(totals) - 1
		}
		t := &totals[i]
		addNonZero(&t.BeforeCap, kc.Amount)
		addNonZero(&t.Credits, kc.Credit)
		addNonZero(&t.EarnBack, kc.EarnBack)
		switch {
		case kc.Status.Failed():
			t.Failures++
		case kc.Status == rules.Met:
			t.Met++
		case kc.Status == rules.NotMeasured:
			t.NotMeasured++
		case kc.Status == rules.Excused:
			t.Excused++
		}
	}
	return totals
}

// addNonZero adds d to *sum, skipping the work when d is zero, as most
// KPIs' amounts are in most months.
func addNonZero(sum *decimal.Decimal, d decimal.Decimal) {
	if !d.IsZero() {
		*sum = sum.Add(d)
	}
}

// RunTotal is a run's figures over every lot and month.
type RunTotal struct {
	Charge       decimal.Decimal // the charges of every lot-month
	BeforeCap    decimal.Decimal // credits before the monthly, annual and rolling caps
	Credits      decimal.Decimal // after caps
	EarnBack     decimal.Decimal // <= 0
	Failures     int             // KPI-months failed
	Measured     int             // KPI-months met or failed
	CappedMonths int             // lot-months the monthly cap cut
	Triggers     int             // triggers fired
}

// Add adds a lot-month's totals.
func (t *RunTotal) Add(m *MonthTotal) {
	t.Charge = t.Charge.Add(m.Charge)
	t.BeforeCap = t.BeforeCap.Add(m.BeforeCap)
	t.Credits = t.Credits.Add(m.Credits)
	t.EarnBack = t.EarnBack.Add(m.EarnBack)
	t.Failures += m.Failures
	t.Measured += m.Measured
	t.Triggers += m.Triggers
	if m.Capped() {
		t.CappedMonths++
	}
}

// TriggerFire is a trigger that fired for a lot in a month of a run.
type TriggerFire struct {
	Lot   int // the lot's index in the data
	Month rules.Month
	Terms string // the latest amendment in force; "" for the original terms
	credits.Fired
}

// NewRunTotal returns a total of nothing: every amount zero.
func NewRunTotal() RunTotal {
	return RunTotal{Charge: decimal.Zero, BeforeCap: decimal.Zero, Credits: decimal.Zero, EarnBack: decimal.Zero}
}

// Merge adds another total's figures, such as one lot's.
func (t *RunTotal) Merge(o RunTotal) {
	t.Charge = t.Charge.Add(o.Charge)
	t.BeforeCap = t.BeforeCap.Add(o.BeforeCap)
	t.Credits = t.Credits.Add(o.Credits)
	t.EarnBack = t.EarnBack.Add(o.EarnBack)
	t.Failures += o.Failures
	t.Measured += o.Measured
	t.CappedMonths += o.CappedMonths
	t.Triggers += o.Triggers
}
