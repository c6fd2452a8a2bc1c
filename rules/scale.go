package rules

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// checkScale reports a KPI whose values are written on two scales: a
// whole percent such as target 95 beside shares such as serious 0.90, the
// mistake that makes a share KPI fail every month. Without a unit, each
// value from 1 to 100 beside values between 0 and 1 is reported when
// reading it as a percent (95 as 0.95) keeps the values in order; with
// unit percent, each value between 0 and 1 beside values from 1 to 100
// when reading it as a share (0.90 as 90) does. A KPI whose values are
// out of order is left to that problem, and unit number turns the check
// off for a measure that really spans both.
func (r *reader) checkScale(k *KPI, key string) {
	if k.Unit != NoUnit && k.Unit != Percent {
		return
	}
	vals := k.scaleValues()
	if !k.ordered(vals) {
		return
	}
	var fractions, percents []int // indexes into vals
	for i, v := range vals {
		switch {
		case v.d.IsNegative() || v.d.GreaterThan(hundred):
			return // neither a share nor a percent
		case v.d.IsPositive() && v.d.LessThan(one):
			fractions = append(fractions, i)
		case v.d.GreaterThan(one):
			percents = append(percents, i)
		}
	}
	if len(fractions) == 0 || len(percents) == 0 {
		return
	}
	odd, other, factor := percents, vals[fractions[0]], decimal.New(1, -2)
	if k.Unit == Percent {
		odd, other, factor = fractions, vals[percents[0]], hundred
	}
	scaled := append([]scaleValue(nil), vals...)
	for _, i := range odd {
		scaled[i].d = vals[i].d.Mul(factor)
	}
	if !k.ordered(scaled) {
		return
	}
	for _, i := range odd {
		v := vals[i]
		msg := fmt.Sprintf("%s looks like a percent beside %s %s, a share: write %s, or declare the KPI's unit (percent or number) if the measure is not a share",
			v.d, other.name, other.d, scaled[i].d)
		if k.Unit == Percent {
			msg = fmt.Sprintf("%s looks like a share beside %s %s, a percent (unit percent): write %s", v.d, other.name, other.d, scaled[i].d)
		}
		r.add(k.at[v.at].Pos, valueKey(key, v), "%s", msg)
	}
}

// ordered reports whether values listed by scaleValues are in the order
// the loader requires: each bound at or beyond the one before in the KPI's
// direction, and the floor beyond the target.
func (k *KPI) ordered(vals []scaleValue) bool {
	worse := k.Direction.Worse
	var target, prev *Decimal
	for i := range vals {
		v := &vals[i]
		switch {
		case v.at == 0:
			target, prev = &v.d, &v.d
		case v.at == floorAt:
			if target != nil && !worse(v.d, *target) {
				return false
			}
		default:
			if prev != nil && worse(*prev, v.d) {
				return false
			}
			prev = &v.d
		}
	}
	return true
}
