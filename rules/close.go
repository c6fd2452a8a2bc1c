package rules

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kpicredit/kpicredit/limits"
	"go.yaml.in/yaml/v3"
)

// MaxInvoiceLag is the largest invoice_lag, in months.
const MaxInvoiceLag = 12

// Closing is what the month-end close takes from a rulebook. A scenario's
// rulebook has its baseline's: scenarios cannot change them, and neither
// can any later change to the contract's rules.
type Closing struct {
	// InvoiceLag is how many months after its service month a month's
	// credits are invoiced (invoice_lag, 0 by default): 1 for contracts
	// whose credits reduce the next month's payment.
	InvoiceLag int
	// InvoiceParty is the key column whose value names who is invoiced,
	// and so gets a statement (invoice_party; the first key by default).
	InvoiceParty string
	// Authority names who may waive credits, and how much; nil when the
	// rulebook has none, and nobody may.
	Authority *Authority
	// Opening is each lot's state at the end of the month before the
	// data starts; nil when the data starts at the contract's start.
	Opening *Opening
}

// Authority is the delegated budgetary authority over waivers: roles with
// the most each may waive in total on one credit, and the approvers who
// hold them.
type Authority struct {
	Roles     []Role     // in file order
	Approvers []Approver // in file order
	Pos       Pos
}

// Role is a role that may waive credits.
type Role struct {
	Name  string
	Limit Decimal // the most it may waive in total on one credit, in money
	Pos   Pos
}

// Approver is a person who may waive credits in a role.
type Approver struct {
	Name string
	Role string // a Role's name
	Pos  Pos
}

// Approver returns the approver with the given name and their role, and
// false when the authority names no such approver.
func (a *Authority) Approver(name string) (Approver, Role, bool) {
	if a == nil {
		return Approver{}, Role{}, false
	}
	for _, ap := range a.Approvers {
		if ap.Name != name {
			continue
		}
		for _, r := range a.Roles {
			if r.Name == ap.Role {
				return ap, r, true
			}
		}
	}
	return Approver{}, Role{}, false
}

// Opening is the state of each lot at the end of Month, as kept before
// kpicredit priced the contract: months before Month+1 are not in the
// data, and each lot named starts from its state (package credits,
// State). A lot of the data not named starts with no history.
type Opening struct {
	Month Month // the state is at the end of this month; the data starts after it
	Lots  []*OpeningLot
	Pos   Pos // of the month
}

// OpeningLot is one lot's opening state.
type OpeningLot struct {
	Lot  []string     // the key values, in the order of Rulebook.Keys
	KPIs []OpeningKPI // in file order
	// Year is the contract year holding the opening month, up to and
	// including it; its Months is 0 when the rulebook gives none.
	Year OpeningYear
	// Months lists the lot's months up to the opening month that later
	// months look back to, in increasing order: for the rolling 12-month
	// cap, triggers and KPIs measured over a quarter or a rolling window.
	Months []OpeningMonth
	// Bonus lists the bonus points banked at the opening month, oldest
	// first.
	Bonus []OpeningBonus
	// Triggers lists the triggers whose condition held in the opening
	// month: they fire again only once it has stopped holding.
	Triggers []OpeningRef
	Pos      Pos // of the lot's key values

	key     string         // where it is, as problems name it: opening.lots[i]
	poolPos map[string]Pos // where each KPI's earn_back_pool is
}

// OpeningKPI is one KPI's state in a lot at the opening month.
type OpeningKPI struct {
	KPI    string  // the KPI's id
	Streak int     // consecutive failures, the last in the opening month
	MetRun int     // consecutive met months, the last in the opening month
	Pool   Decimal // earn-back pool: credits not yet earned back
	Pos    Pos
}

// OpeningYear is the contract year so far at the opening month, as the
// annual cap needs it.
type OpeningYear struct {
	Months  int     // months of the year counted; by default all since the year began
	Charges Decimal // their charges
	Credits Decimal // their credits after caps
}

// Lot returns the opening state of the lot with the given key values, and
// false when the opening names no such lot (or there is none).
func (o *Opening) Lot(keys []string) (*OpeningLot, bool) {
	if o == nil {
		return nil, false
	}
	for _, l := range o.Lots {
		if slices.Equal(l.Lot, keys) {
			return l, true
		}
	}
	return nil, false
}

// AfterOpening reports a data month at or before the opening month as an
// error: those months are summed up in the opening state.
func (b *Rulebook) AfterOpening(m Month) error {
	if o := b.Opening; o != nil && m <= o.Month {
		return &openingError{m: m, o: o}
	}
	return nil
}

type openingError struct {
	m Month
	o *Opening
}

func (e *openingError) Error() string {
	return e.m.String() + " is not after the opening month " + e.o.Month.String() +
		" (opening.month at " + e.o.Pos.String() + "); the data starts at " + e.o.Month.Add(1).String()
}

// closing reads the keys of the month-end close. A scenario's rulebook
// takes its baseline's instead (see overlay).
func (r *reader) closing(rb *Rulebook, m map[string]entry) {
	if r.overlay != nil {
		return
	}
	if len(rb.Keys) > 0 {
		rb.InvoiceParty = rb.Keys[0]
	}
	if e, ok := m["invoice_lag"]; ok {
		if v, ok := r.integer(e.value, "invoice_lag", 0); ok {
			if v > MaxInvoiceLag {
				r.errorf(e.value, "invoice_lag", "must be at most %d months, got %d", MaxInvoiceLag, v)
			}
			rb.InvoiceLag = v
		}
	}
	if e, ok := m["invoice_party"]; ok {
		if s, ok := r.str(e.value, "invoice_party"); ok {
			if !slices.Contains(rb.Keys, s) {
				r.errorf(e.value, "invoice_party", "%s is not a key column (%s)", limits.Quote(s), strings.Join(rb.Keys, ", "))
			}
			rb.InvoiceParty = s
		}
	}
	if e, ok := m["authority"]; ok {
		rb.Authority = r.authority(rb, e.value)
	}
	if e, ok := m["opening"]; ok {
		rb.Opening = r.opening(rb, e.value)
	}
}

// pairs returns the key and value nodes of a mapping in document order,
// after mapping has reported its problems; keys mapping rejected are left
// out.
func pairs(n *yaml.Node, m map[string]entry) []entry {
	var out []entry
	n = deref(n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if e, ok := m[n.Content[i].Value]; ok && e.key == n.Content[i] {
			out = append(out, e)
		}
	}
	return out
}

// name reads a role's or approver's name: a mapping key of one line.
func (r *reader) name(k *yaml.Node, key string) (string, bool) {
	s, ok := r.str(k, key)
	if ok && limits.Name(s) != s {
		r.errorf(k, key, "a name must be one line of at most %d bytes without control or formatting characters", limits.MaxNameBytes)
		return "", false
	}
	return s, ok
}

// authority reads {roles: {name: limit}, approvers: {name: role}}.
func (r *reader) authority(rb *Rulebook, n *yaml.Node) *Authority {
	m := r.mapping(n, "authority", "roles", "approvers")
	if m == nil {
		return nil
	}
	r.required(m, n, "authority", "roles", "approvers")
	a := &Authority{Pos: r.pos(n)}
	if e, ok := m["roles"]; ok {
		rm := r.mapping(e.value, "authority.roles")
		for _, p := range pairs(e.value, rm) {
			key := "authority.roles." + p.key.Value
			name, ok := r.name(p.key, key)
			limit, _ := r.amount(rb, p.value, key)
			if ok { // kept with a bad limit, so that its approvers are not reported too
				a.Roles = append(a.Roles, Role{Name: name, Limit: limit, Pos: r.pos(p.key)})
			}
		}
	}
	if e, ok := m["approvers"]; ok {
		am := r.mapping(e.value, "authority.approvers")
		for _, p := range pairs(e.value, am) {
			key := "authority.approvers." + p.key.Value
			name, ok := r.name(p.key, key)
			if !ok {
				continue
			}
			role, ok := r.str(p.value, key)
			if ok && !a.hasRole(role) {
				r.errorf(p.value, key, "role %s is not one of authority.roles (%s)", limits.Quote(role), strings.Join(a.roleNames(), ", "))
				ok = false
			}
			if ok {
				a.Approvers = append(a.Approvers, Approver{Name: name, Role: role, Pos: r.pos(p.key)})
			}
		}
	}
	return a
}

func (a *Authority) hasRole(name string) bool { return slices.Contains(a.roleNames(), name) }

func (a *Authority) roleNames() []string {
	var out []string
	for _, r := range a.Roles {
		out = append(out, r.Name)
	}
	return out
}

// opening reads {month, lots: [{lot: {key: value}, year: {...}, kpis: {id: {...}}}]}.
func (r *reader) opening(rb *Rulebook, n *yaml.Node) *Opening {
	m := r.mapping(n, "opening", "month", "lots")
	if m == nil {
		return nil
	}
	r.required(m, n, "opening", "month", "lots")
	o := &Opening{Pos: r.pos(n)}
	if e, ok := m["month"]; ok {
		mm := r.month(e.value, "opening.month")
		if mm == nil {
			return nil
		}
		o.Month, o.Pos = *mm, r.pos(e.value)
		if err := rb.InTerm(o.Month.Add(1)); err != nil {
			r.errorf(e.value, "opening.month", "the data would start at %s, but %v", o.Month.Add(1), err)
		}
	}
	if e, ok := m["lots"]; ok {
		for i, item := range r.seq(e.value, "opening.lots") {
			if l := r.openingLot(rb, o, deref(item), "opening.lots["+strconv.Itoa(i)+"]"); l != nil {
				if _, dup := o.Lot(l.Lot); dup {
					r.errorf(item, "opening.lots["+strconv.Itoa(i)+"]", "lot %s is given twice", limits.Name(strings.Join(l.Lot, " / ")))
					continue
				}
				o.Lots = append(o.Lots, l)
			}
		}
	}
	return o
}

// openingLot reads one lot's opening state.
func (r *reader) openingLot(rb *Rulebook, o *Opening, n *yaml.Node, key string) *OpeningLot {
	m := r.mapping(n, key, "lot", "year", "kpis", "months", "bonus", "triggers")
	if m == nil {
		return nil
	}
	r.required(m, n, key, "lot")
	l := &OpeningLot{Pos: r.pos(n), key: key, poolPos: map[string]Pos{}}
	e, ok := m["lot"]
	if !ok {
		return nil
	}
	if l.Lot = r.lotKeys(rb, e.value, key+".lot"); l.Lot == nil {
		return nil
	}
	l.Pos = r.pos(e.value)
	if e, ok := m["year"]; ok {
		l.Year = r.openingYear(rb, o, e.value, key+".year")
	} else if rb.Caps.AnnualAmount != nil || rb.Caps.AnnualPercent != nil {
		if left := rb.yearMonths(o.Month) - rb.yearElapsed(o.Month); left > 0 {
			r.errorf(n, key, "missing year: the annual cap needs the contract year's charges and credits up to %s", o.Month)
		}
	}
	if e, ok := m["kpis"]; ok {
		km := r.mapping(e.value, key+".kpis")
		for _, p := range pairs(e.value, km) {
			// Kept when it has a problem too: its name and pool are checked
			// against the terms all the same (see checkOpening).
			k, _ := r.openingKPI(rb, o, l, p, key+".kpis."+p.key.Value)
			l.KPIs = append(l.KPIs, k)
		}
	}
	r.openingCarried(rb, o, l, m, key)
	return l
}

// lotKeys reads {key column: value} naming every key column once, and
// returns the values in the rulebook's key order.
func (r *reader) lotKeys(rb *Rulebook, n *yaml.Node, key string) []string {
	before := len(r.list)
	m := r.mapping(n, key, rb.Keys...)
	if m == nil {
		return nil
	}
	out := make([]string, len(rb.Keys))
	good := true
	for i, k := range rb.Keys {
		e, ok := m[k]
		if !ok {
			r.errorf(n, key, "missing key column %q: name every one of %s", k, strings.Join(rb.Keys, ", "))
			good = false
			continue
		}
		s, ok := r.str(e.value, key+"."+k)
		if ok && limits.Name(s) != s {
			r.errorf(e.value, key+"."+k, "a key value must be one line of at most %d bytes", limits.MaxNameBytes)
			ok = false
		}
		out[i], good = s, good && ok
	}
	if !good || len(r.list) > before {
		return nil
	}
	return out
}

// openingYear reads {charges, credits, months}.
func (r *reader) openingYear(rb *Rulebook, o *Opening, n *yaml.Node, key string) OpeningYear {
	m := r.mapping(n, key, "charges", "credits", "months")
	if m == nil {
		return OpeningYear{}
	}
	r.required(m, n, key, "charges")
	elapsed := rb.yearElapsed(o.Month)
	y := OpeningYear{Months: elapsed}
	if e, ok := m["charges"]; ok {
		y.Charges, _ = r.amount(rb, e.value, key+".charges")
	}
	if e, ok := m["credits"]; ok {
		y.Credits, _ = r.amount(rb, e.value, key+".credits")
	}
	if e, ok := m["months"]; ok {
		if v, ok := r.integer(e.value, key+".months", 1); ok {
			if v > elapsed {
				r.errorf(e.value, key+".months", "%d months of the contract year by %s, which has had %d", v, o.Month, elapsed)
			}
			y.Months = v
		}
	}
	return y
}

// amount reads a non-negative amount with at most the currency's places.
func (r *reader) amount(rb *Rulebook, n *yaml.Node, key string) (Decimal, bool) {
	d, ok := r.nonNeg(n, key)
	if ok && !d.Equal(d.Truncate(rb.MinorUnits)) {
		r.errorf(n, key, "%s has more than %d decimal places", d, rb.MinorUnits)
		return d, false
	}
	return d, ok
}

// openingKPI reads {streak, met_run, earn_back_pool} for a KPI id.
func (r *reader) openingKPI(rb *Rulebook, o *Opening, l *OpeningLot, p entry, key string) (OpeningKPI, bool) {
	k := OpeningKPI{KPI: p.key.Value, Pos: r.pos(p.key)}
	m := r.mapping(p.value, key, "streak", "met_run", "earn_back_pool")
	if m == nil {
		return k, false
	}
	good := true
	if e, ok := m["streak"]; ok {
		k.Streak, ok = r.integer(e.value, key+".streak", 0)
		good = good && ok
	}
	if e, ok := m["met_run"]; ok {
		k.MetRun, ok = r.integer(e.value, key+".met_run", 0)
		good = good && ok
		if ok && k.Streak > 0 && k.MetRun > 0 {
			r.errorf(e.value, key, "a streak of failures and a run of met months cannot both end in %s; give one", o.Month)
			good = false
		}
	}
	if e, ok := m["earn_back_pool"]; ok {
		var ok bool
		k.Pool, ok = r.amount(rb, e.value, key+".earn_back_pool")
		good = good && ok
		l.poolPos[k.KPI] = r.pos(e.value)
	}
	return k, good
}

// yearElapsed returns how many months of its contract year have passed by
// the end of m, m included; years run from the start month, or January.
func (b *Rulebook) yearElapsed(m Month) int {
	first := Month(0)
	if b.Start != nil {
		first = *b.Start
	}
	return ((int(m-first)%12)+12)%12 + 1
}

// yearMonths returns how many months the contract year holding m has: 12,
// or fewer for a last year cut short by the contract's end.
func (b *Rulebook) yearMonths(m Month) int {
	last := m.Add(12 - b.yearElapsed(m))
	if b.End != nil && *b.End < last {
		last = *b.End
	}
	return int(last-m) + b.yearElapsed(m)
}
