package runner

import (
	"slices"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/fixed"
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

// Capped reports whether the monthly cap cut the month's credits. It
// compares in fixed point where both figures fit, which allocates nothing.
func (m *MonthTotal) Capped() bool {
	if !m.HasCap {
		return false
	}
	b, okB := fixed.FromDecimal(m.BeforeCap)
	c, okC := fixed.FromDecimal(m.Cap)
	if okB && okC {
		return b.Cmp(c) > 0
	}
	return m.BeforeCap.GreaterThan(m.Cap)
}

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

// totalMonth condenses a lot-month whose failed and measured KPIs are
// counted.
func totalMonth(lm *engine.LotMonth, failures, measured int) MonthTotal {
	c := lm.Credits
	return MonthTotal{Month: c.Month, Terms: lm.Terms, Charge: c.Charge, BeforeCap: c.BeforeCap, Cap: c.Cap, HasCap: c.HasCap,
		AnnualCapLeft: c.AnnualCapLeft, HasAnnualCap: c.HasAnnualCap, RollingCapLeft: c.RollingCapLeft,
		HasRollingCap: c.HasRollingCap, Credits: c.Credits, EarnBack: c.EarnBack, Bonus: c.Bonus, Triggers: len(c.Triggers),
		Failures: failures, Measured: measured}
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

// RunSum adds up lot-months' totals as RunTotal.Add does, to the same
// figures, exponents included, in fixed point while they fit there (see
// fixed.Sum), so that adding allocates nothing. The zero RunSum is a total
// of nothing.
type RunSum struct {
	charge, beforeCap, credits, earnBack fixed.Sum
	failures, measured, cappedMonths     int
	triggers                             int
}

// Add adds a lot-month's totals.
func (t *RunSum) Add(m *MonthTotal) {
	t.charge.Add(m.Charge)
	t.beforeCap.Add(m.BeforeCap)
	t.credits.Add(m.Credits)
	t.earnBack.Add(m.EarnBack)
	t.failures += m.Failures
	t.measured += m.Measured
	t.triggers += m.Triggers
	if m.Capped() {
		t.cappedMonths++
	}
}

// addMonth adds a lot-month, with its failed and measured KPIs counted:
// its fixed-point figures when it was priced in fixed point (a month
// priced figures only has no others), else its decimals.
func (t *RunSum) addMonth(c *credits.Month, failures, measured int) {
	var capped bool
	if f := &c.Fixed; c.HasFixed {
		t.charge.AddFixed(f.Charge)
		t.beforeCap.AddFixed(f.BeforeCap)
		t.credits.AddFixed(f.Credits)
		t.earnBack.AddFixed(f.EarnBack)
		capped = c.HasCap && f.BeforeCap.Cmp(f.Cap) > 0
	} else {
		t.charge.Add(c.Charge)
		t.beforeCap.Add(c.BeforeCap)
		t.credits.Add(c.Credits)
		t.earnBack.Add(c.EarnBack)
		capped = c.HasCap && c.BeforeCap.GreaterThan(c.Cap)
	}
	t.failures += failures
	t.measured += measured
	t.triggers += len(c.Triggers)
	if capped {
		t.cappedMonths++
	}
}

// merge adds another lot's sums.
func (t *RunSum) merge(o *RunSum) {
	t.charge.Merge(&o.charge)
	t.beforeCap.Merge(&o.beforeCap)
	t.credits.Merge(&o.credits)
	t.earnBack.Merge(&o.earnBack)
	t.failures += o.failures
	t.measured += o.measured
	t.cappedMonths += o.cappedMonths
	t.triggers += o.triggers
}

// Total returns the sums as a RunTotal.
func (t *RunSum) Total() RunTotal {
	return RunTotal{Charge: t.charge.Decimal(), BeforeCap: t.beforeCap.Decimal(), Credits: t.credits.Decimal(),
		EarnBack: t.earnBack.Decimal(), Failures: t.failures, Measured: t.measured, CappedMonths: t.cappedMonths,
		Triggers: t.triggers}
}

// kpiSum adds up one KPI's months of a lot, as KPITotal holds them.
type kpiSum struct {
	id                                  string
	beforeCap, credits, earnBack        fixed.Sum
	failures, met, notMeasured, excused int
}

// kpiSums adds up each KPI's months of a lot, in order of first
// appearance (a scenario's added KPIs after the baseline's).
type kpiSums []kpiSum

// add adds a lot-month's KPIs, returning the month's failed and measured
// KPIs.
func (ks *kpiSums) add(c *credits.Month) (failures, measured int) {
	for k := range c.KPIs {
		kc := &c.KPIs[k]
		t := ks.find(k, kc.KPI.ID)
		if c.HasFixed {
			t.addFixed(&kc.Fixed)
		} else {
			t.add(kc)
		}
		switch {
		case kc.Status.Failed():
			t.failures++
			failures++
			measured++
		case kc.Status == rules.Met:
			t.met++
			measured++
		case kc.Status == rules.NotMeasured:
			t.notMeasured++
		case kc.Status == rules.Excused:
			t.excused++
		}
	}
	return failures, measured
}

// add adds a KPI's month's amounts; zeros add nothing, so that a KPI that
// never earns a credit totals a plain 0.
func (t *kpiSum) add(kc *credits.KPICredit) {
	if !kc.Amount.IsZero() {
		t.beforeCap.Add(kc.Amount)
	}
	if !kc.Credit.IsZero() {
		t.credits.Add(kc.Credit)
	}
	if !kc.EarnBack.IsZero() {
		t.earnBack.Add(kc.EarnBack)
	}
}

// addFixed adds a KPI's month's amounts in fixed point, as add does.
func (t *kpiSum) addFixed(f *credits.KPIFixed) {
	if !f.Amount.IsZero() {
		t.beforeCap.AddFixed(f.Amount)
	}
	if !f.Credit.IsZero() {
		t.credits.AddFixed(f.Credit)
	}
	if !f.EarnBack.IsZero() {
		t.earnBack.AddFixed(f.EarnBack)
	}
}

// find returns the sums of the KPI with the id, usually at index k, as
// the KPIs come in the same order every month; new sums for a KPI not
// seen before.
func (ks *kpiSums) find(k int, id string) *kpiSum {
	s := *ks
	if k < len(s) && s[k].id == id {
		return &s[k]
	}
	for i := range s {
		if s[i].id == id {
			return &s[i]
		}
	}
	*ks = append(s, kpiSum{id: id})
	return &(*ks)[len(*ks)-1]
}

// totals returns the KPIs' totals. Where a total is like's exactly (a
// sweep's member's and the baseline's, say), it shares like's decimals,
// and where every total is, the totals are like itself: what is the same
// as the baseline's takes no more memory. like may be nil.
func (ks kpiSums) totals(like []KPITotal) []KPITotal {
	var out []KPITotal
	if len(ks) != len(like) {
		out = make([]KPITotal, 0, len(ks))
	}
	for i := range ks {
		l := likeOf(like, i, ks[i].id)
		t := ks[i].total(l)
		if out == nil && (l != &like[i] || t != *l) {
			out = append(make([]KPITotal, 0, len(ks)), like[:i]...)
		}
		if out != nil {
			out = append(out, t)
		}
	}
	if out == nil {
		return like
	}
	return out
}

// likeOf returns the totals of the KPI with the id among like, usually at
// index i; nil when like has none.
func likeOf(like []KPITotal, i int, id string) *KPITotal {
	if i < len(like) && like[i].KPI == id {
		return &like[i]
	}
	if j := slices.IndexFunc(like, func(t KPITotal) bool { return t.KPI == id }); j >= 0 {
		return &like[j]
	}
	return nil
}

// total returns the KPI's totals, sharing like's decimals where they are
// the same; like may be nil.
func (k *kpiSum) total(like *KPITotal) KPITotal {
	t := KPITotal{KPI: k.id, Failures: k.failures, Met: k.met, NotMeasured: k.notMeasured, Excused: k.excused}
	if like == nil {
		t.BeforeCap, t.Credits, t.EarnBack = k.beforeCap.Decimal(), k.credits.Decimal(), k.earnBack.Decimal()
	} else {
		t.BeforeCap, t.Credits, t.EarnBack = k.beforeCap.Like(like.BeforeCap), k.credits.Like(like.Credits), k.earnBack.Like(like.EarnBack)
	}
	return t
}
