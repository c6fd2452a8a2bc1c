package curves

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"

	"github.com/kpicredit/kpicredit/money"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Options says how to compute the curves.
type Options struct {
	// Charge is the monthly charge to price at; zero takes the data's
	// typical charge (Data.TypicalCharge).
	Charge decimal.Decimal
	// Data is what the contract's data saw; nil for none, in which case
	// Charge must be given and no level is flagged unreached.
	Data *Data
	// CliffPercent is the percent of the charge that a step of one unit
	// must move the credit by, or more, to be a cliff edge; zero for 1.
	CliffPercent decimal.Decimal
	// At is the month whose terms the curves show: the baseline's terms in
	// force that month (every amendment in force by then applied), and
	// each scenario's from that month, or from its own from month when
	// that is later. Zero shows the latest terms, every amendment applied.
	// A run passes the data's last month: the contract as it stands.
	At rules.Month
}

// ErrNoCharge is returned when Options gives no charge and no data with
// charges to take one from.
var ErrNoCharge = errors.New("curves: no charge to price at: give one, or data with charges")

// ErrZeroCharge is wrapped in the error returned when Options gives no
// charge and the data's typical charge is zero: there is nothing to price
// at.
var ErrZeroCharge = errors.New("the data's typical charge is zero")

// book is a rulebook whose curves are drawn: the baseline or a scenario.
type book struct {
	id   string
	rb   *rules.Rulebook
	calc *credits.Calculator
	// same is an earlier book whose terms are the very same text, whose
	// curves this book's are; nil when there is none.
	same *book
}

// shareSameTerms is whether sameTerms shares curves; tests compare with
// curves computed book by book.
var shareSameTerms = true

// sameTerms sets each book's same: its curves are an earlier book's when
// their terms' YAML is the same, as a scenario that changes nothing in
// force at the month drawn has (many such cost as one). Terms without a
// text (a rulebook built in code) are compared with none.
func sameTerms(books []*book) error {
	if !shareSameTerms {
		return nil
	}
	seen := map[[sha256.Size]byte]*book{}
	for _, b := range books {
		h := sha256.New()
		if err := b.rb.WriteTermsYAML(h); err != nil {
			return fmt.Errorf("curves: %s: %w", b.id, err)
		}
		var key [sha256.Size]byte
		h.Sum(key[:0])
		if key == sha256.Sum256(nil) {
			continue // no text
		}
		if first, ok := seen[key]; ok {
			b.same = first
			continue
		}
		seen[key] = b
	}
	return nil
}

// version is one book's KPI, priced at the set's charge.
type version struct {
	book   *book
	k      *rules.KPI
	i      int // the KPI's index in book.rb.KPIs
	charge decimal.Decimal
	cap    *decimal.Decimal // the monthly cap in money; nil for none
	atRisk *stake           // the percent at risk; nil when unknown
	from   string           // where atRisk comes from
}

// stake is a percent of the charge, kept as an exact fraction num / den,
// and the amount it comes to at the charge, rounded to the minor unit as
// a cap is.
type stake struct {
	num, den decimal.Decimal
	money    decimal.Decimal
}

func newStake(num, den decimal.Decimal, rb *rules.Rulebook, charge decimal.Decimal) *stake {
	return &stake{num: num, den: den,
		money: money.RoundQuo(charge.Mul(num), hundred.Mul(den), rb.MinorUnits, rb.Rounding)}
}

// exceeded reports whether credit is more than the stake's amount.
func (s *stake) exceeded(credit decimal.Decimal) bool { return credit.GreaterThan(s.money) }

// percent is the stake as a percent, exact or to 8 places.
func (s *stake) percent() decimal.Decimal { return s.num.DivRound(s.den, 8) }

// Compute prices every KPI of the baseline and of each scenario (in the
// terms in force in month opts.At, see Options) over a grid of its
// measures at one charge, and flags disproportionate shapes. The package
// documentation defines the grid, the charge and the flags.
func Compute(ctx context.Context, base *rules.Rulebook, scenarios []*rules.Scenario, opts Options) (*Set, error) {
	charge, from, err := typicalCharge(base, opts)
	if err != nil {
		return nil, err
	}
	pct := opts.CliffPercent
	if pct.IsZero() {
		pct = one
	} else if pct.IsNegative() {
		return nil, fmt.Errorf("curves: negative cliff percent %s", pct)
	}
	books := []*book{newBook(rules.BaselineID, termsAt(base.Timeline(), opts.At, nil))}
	for _, sc := range scenarios {
		books = append(books, newBook(sc.ID, termsAt(sc.Timeline(), opts.At, sc.From)))
	}
	if err := sameTerms(books); err != nil {
		return nil, err
	}
	set := &Set{Contract: base.Contract, Currency: base.Currency, Places: base.MinorUnits,
		Charge: charge, ChargeFrom: from, CliffPercent: pct, HasData: opts.Data != nil,
		CliffAmount: money.RoundQuo(charge.Mul(pct), hundred, base.MinorUnits, base.Rounding)}
	for _, id := range kpiIDs(books) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		set.KPIs = append(set.KPIs, set.kpi(id, books, opts.Data))
	}
	return set, nil
}

func newBook(id string, rb *rules.Rulebook) *book {
	return &book{id: id, rb: rb, calc: credits.New(rb)}
}

// termsAt returns the terms a timeline has in month at, or from month
// from when that is later; its latest terms when at is zero.
func termsAt(t []rules.Epoch, at rules.Month, from *rules.Month) *rules.Rulebook {
	if at == 0 {
		return t[len(t)-1].Rules
	}
	if from != nil && *from > at {
		at = *from
	}
	return rules.EpochAt(t, at).Rules
}

// typicalCharge is the charge given, or else the data's typical charge.
func typicalCharge(base *rules.Rulebook, opts Options) (decimal.Decimal, string, error) {
	switch {
	case opts.Charge.IsNegative():
		return zero, "", fmt.Errorf("curves: negative charge %s", opts.Charge)
	case opts.Charge.IsPositive():
		return opts.Charge, "given", nil
	case opts.Data == nil:
		return zero, "", ErrNoCharge
	}
	c, lots, ok := opts.Data.TypicalCharge(base.MinorUnits, base.Rounding)
	if !ok {
		return zero, "", ErrNoCharge
	}
	if !c.IsPositive() {
		return zero, "", fmt.Errorf("curves: %w; give a charge", ErrZeroCharge)
	}
	lotWord := "lots"
	if lots == 1 {
		lotWord = "lot"
	}
	return c, fmt.Sprintf("the median of %d %s' median monthly charges", lots, lotWord), nil
}

// kpiIDs lists the KPIs of every book: the baseline's in order, then
// those scenarios add, in the order they first appear.
func kpiIDs(books []*book) []string {
	seen := map[string]bool{}
	var out []string
	for _, b := range books {
		for _, k := range b.rb.KPIs {
			if !seen[k.ID] {
				seen[k.ID] = true
				out = append(out, k.ID)
			}
		}
	}
	return out
}

// kpi computes one KPI's curves in every book that has it.
func (s *Set) kpi(id string, books []*book, data *Data) *KPICurves {
	kc := &KPICurves{ID: id}
	var vs []*version
	for _, b := range books {
		i := indexOf(b.rb, id)
		if i < 0 {
			kc.Absent = append(kc.Absent, b.id)
			continue
		}
		vs = append(vs, s.version(b, i))
	}
	kc.Name = vs[0].k.Name
	if data != nil {
		kc.Observed = data.Measures(id)
	}
	g := makeGrid(vs, kc.Observed)
	kc.Share, kc.Unit, kc.Lo, kc.Hi = g.share, g.unit, g.lo, g.hi
	for _, v := range vs {
		c := sameAs(kc.Curves, v)
		if c == nil {
			c = v.curve(g)
			// The data's measures are those of the first rulebook with the
			// KPI (the baseline's): they say nothing of another measure
			// expression.
			judged := data != nil && v.k.Measure.Source == vs[0].k.Measure.Source
			s.flag(c, v, g, kc.Observed, judged)
		}
		for _, earlier := range kc.Curves {
			if earlier.SameAs == "" && sameCurve(earlier, c) {
				c.SameAs = earlier.Scenario
				break
			}
		}
		kc.Curves = append(kc.Curves, c)
	}
	return kc
}

// sameAs returns a copy of the curve of v's book's same book, as v's, or
// nil when it has none: the same terms give the same points and flags.
func sameAs(curves []*Curve, v *version) *Curve {
	if v.book.same == nil {
		return nil
	}
	for _, c := range curves {
		if c.Scenario == v.book.same.id {
			cc := *c
			cc.Scenario, cc.KPI, cc.SameAs = v.book.id, v.k, ""
			cc.Points, cc.Flags = slices.Clone(c.Points), slices.Clone(c.Flags)
			return &cc
		}
	}
	return nil
}

func indexOf(rb *rules.Rulebook, id string) int {
	for i, k := range rb.KPIs {
		if k.ID == id {
			return i
		}
	}
	return -1
}

// version prices the book's i-th KPI at the set's charge: its cap and
// at-risk share.
func (s *Set) version(b *book, i int) *version {
	rb := b.rb
	v := &version{book: b, k: rb.KPIs[i], i: i, charge: s.Charge}
	if p := rb.Caps.MonthlyPercent; p != nil {
		c := money.RoundQuo(s.Charge.Mul(*p), hundred, rb.MinorUnits, rb.Rounding)
		v.cap = &c
	}
	switch {
	case v.k.AtRisk != nil:
		v.atRisk, v.from = newStake(*v.k.AtRisk, one, rb, s.Charge), "declared"
	case rb.Caps.MonthlyPercent != nil:
		n := len(rb.KPIs)
		v.atRisk = newStake(*rb.Caps.MonthlyPercent, decimal.NewFromInt(int64(n)), rb, s.Charge)
		v.from = fmt.Sprintf("monthly cap %s%% / %d KPIs", rb.Caps.MonthlyPercent, n)
	}
	return v
}

// curve prices the version at every point of the grid.
func (v *version) curve(g grid) *Curve {
	k := v.k
	c := &Curve{Scenario: v.book.id, KPI: k, Cap: v.cap, AtRiskFrom: v.from,
		Multiplier: k.Escalation[len(k.Escalation)-1], Points: make([]Point, len(g.points))}
	if v.atRisk != nil {
		p := v.atRisk.percent()
		c.AtRisk = &p
	}
	p := newPricer(v)
	for j, pt := range g.points {
		pt.Level = k.Classify(pt.Measure)
		pt.Credit = p.first(pt.Level, pt.Measure)
		c.Points[j] = pt
	}
	p.escalate(c.Points)
	v.extremes(c, g, p)
	return c
}

// pricer prices one KPI alone in a month: every other KPI of its rulebook
// is not applicable, so a KPI in a service area has the area to itself.
type pricer struct {
	v     *version
	obs   []credits.Observation
	month rules.Month
}

func newPricer(v *version) *pricer {
	obs := make([]credits.Observation, len(v.book.rb.KPIs))
	for i := range obs {
		obs[i].Status = rules.NotApplicable
	}
	return &pricer{v: v, obs: obs}
}

// first is the credit of a first failure at the level and measure, before
// caps; nothing for a met measure.
func (p *pricer) first(level rules.Status, measure decimal.Decimal) decimal.Decimal {
	if !level.Failed() {
		return zero
	}
	return p.price(p.v.book.calc.NewLot(), level, measure)
}

// price prices a failure in the lot's next month. The lot cannot refuse
// it: the months increase, the charge is positive and Classify gives only
// levels the KPI can reach, so a refusal is a bug, and panics.
func (p *pricer) price(lot *credits.Lot, level rules.Status, measure decimal.Decimal) decimal.Decimal {
	lot.Explain = false
	p.obs[p.v.i] = credits.Observation{Status: level, Measure: measure}
	p.month++
	lm, err := lot.Month(p.month, p.v.charge, p.obs)
	if err != nil {
		panic(fmt.Sprintf("curves: pricing %s at %s: %v", p.v.k.ID, measure, err))
	}
	return lm.KPIs[p.v.i].Amount
}

// escalate sets each point's Escalated credit: priced in one lot whose
// failure streak has reached the last escalation entry, so that every
// failure earns the highest multiplier.
func (p *pricer) escalate(points []Point) {
	k := p.v.k
	if !escalates(k) {
		for j := range points {
			points[j].Escalated = points[j].Credit
		}
		return
	}
	lot := p.v.book.calc.NewLot()
	warm := false
	for j := range points {
		pt := &points[j]
		pt.Escalated = zero
		if !pt.Level.Failed() {
			continue
		}
		for n := 1; !warm && n < len(k.Escalation); n++ {
			p.price(lot, pt.Level, pt.Measure)
		}
		warm = true
		pt.Escalated = p.price(lot, pt.Level, pt.Measure)
	}
}

// escalates reports whether a later failure of the KPI is multiplied by
// more than the first.
func escalates(k *rules.KPI) bool {
	return !k.Escalation[0].Equal(k.Escalation[len(k.Escalation)-1])
}

// Escalates reports whether the curve's KPI multiplies a later failure by
// more than the first, so that Escalated differs from Credit.
func (c *Curve) Escalates() bool { return escalates(c.KPI) }
