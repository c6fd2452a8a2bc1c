package credits

import (
	"fmt"
	"slices"

	"github.com/kpicredit/kpicredit/rules"
)

// recent lists the months the lot still looks back to: those the rolling
// cap holds, with their charges and credits, and those the failure log
// holds with failures; oldest first, nil for none.
func (l *Lot) recent() []MonthState {
	var out []MonthState
	at := func(m rules.Month) *MonthState {
		i, found := slices.BinarySearchFunc(out, m, func(s MonthState, m rules.Month) int { return int(s.Month - m) })
		if !found {
			out = slices.Insert(out, i, MonthState{Month: m, Charge: zero, Credits: zero})
		}
		return &out[i]
	}
	for _, p := range l.rolling {
		if p.seen && p.month > l.last-11 && p.month <= l.last {
			s := at(p.month)
			s.HasCharge, s.Charge, s.Credits = true, p.charge.dec(), p.credits.dec()
		}
	}
	for _, e := range l.failures.months {
		if !e.seen || len(e.fails) == 0 {
			continue
		}
		s := at(e.month)
		for _, f := range e.fails {
			s.Failures = append(s.Failures, Failure{KPI: f.kpi, Level: f.level})
		}
	}
	return out
}

// setRecent replaces the months the lot looks back to with those of a
// state at the end of month last: each in the rolling cap's place for its
// month, and in the failure log where it would be had every month up to
// last been logged in turn.
func (l *Lot) setRecent(last rules.Month, recent []MonthState) {
	l.rolling = [11]pastMonth{}
	f := &l.failures
	for i := range f.months {
		f.months[i].seen, f.months[i].fails = false, f.months[i].fails[:0]
	}
	f.next = 0
	n := len(f.months)
	for _, s := range recent {
		if s.HasCharge && s.Month > last-11 {
			l.rolling[(int(s.Month)%11+11)%11] = pastMonth{month: s.Month, seen: true, charge: figureOf(s.Charge), credits: figureOf(s.Credits)}
		}
		if back := int(last - s.Month); back < n && len(s.Failures) > 0 {
			e := &f.months[n-1-back]
			e.month, e.seen = s.Month, true
			for _, x := range s.Failures {
				e.fails = append(e.fails, failure{kpi: x.KPI, level: x.Level})
			}
		}
	}
}

// bonusState lists the bonus points banked, oldest first.
func (l *Lot) bonusState() []BankedBonus {
	var out []BankedBonus
	for _, b := range l.bank {
		if points := b.points.dec(); points.IsPositive() {
			out = append(out, BankedBonus{Earned: b.earned, Last: b.last, Points: points})
		}
	}
	return out
}

// holdingState lists the triggers whose condition holds, by id in order.
func (l *Lot) holdingState() []string {
	var out []string
	for _, h := range l.holding {
		if h.holding {
			out = append(out, h.id)
		}
	}
	slices.Sort(out)
	return out
}

// checkRecent checks a state's recent months: in increasing order, none
// after the state's month, amounts not negative, failures at failure
// levels.
func checkRecent(s State) error {
	for i, m := range s.Recent {
		switch {
		case m.Month > s.Month:
			return fmt.Errorf("recent month %s is after %s", m.Month, s.Month)
		case i > 0 && m.Month <= s.Recent[i-1].Month:
			return fmt.Errorf("recent month %s does not follow %s", m.Month, s.Recent[i-1].Month)
		case m.Charge.IsNegative() || m.Credits.IsNegative():
			return fmt.Errorf("recent month %s: negative charge %s or credits %s", m.Month, m.Charge, m.Credits)
		}
		for _, f := range m.Failures {
			if !f.Level.Failed() {
				return fmt.Errorf("recent month %s: KPI %s at %s, which is not a failure level", m.Month, f.KPI, f.Level)
			}
		}
	}
	return nil
}

// checkCarried checks a state's bonus points and triggers: points
// positive, earned by the state's month and usable after it; each trigger
// listed once.
func checkCarried(s State, bad func(string, ...any) error) error {
	for _, b := range s.Bonus {
		switch {
		case !b.Points.IsPositive():
			return bad("bonus points %s earned in %s: they must be more than 0", b.Points, b.Earned)
		case b.Earned > s.Month:
			return bad("bonus points earned in %s, after %s", b.Earned, s.Month)
		case b.Last <= s.Month:
			return bad("bonus points earned in %s expired after %s, by %s", b.Earned, b.Last, s.Month)
		}
	}
	for i, id := range s.Holding {
		if id == "" || slices.Contains(s.Holding[:i], id) {
			return bad("trigger %q is listed twice or has no id", id)
		}
	}
	return nil
}
