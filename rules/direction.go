package rules

// This file is the one home of "which side of a bound is better": every
// package that compares a measure with a target or bound, works out a
// shortfall or words a comparison asks Direction or KPI here.

// Direction says which way a KPI's measure is better.
type Direction uint8

// The two directions.
const (
	Higher Direction = iota // a higher measure is better: met when measure >= target
	Lower                   // a lower measure is better: met when measure <= target
)

// String returns "higher" or "lower".
func (d Direction) String() string {
	if d == Lower {
		return "lower"
	}
	return "higher"
}

// Worse reports whether measure a is strictly worse than b.
func (d Direction) Worse(a, b Decimal) bool { return d.WorseBy(a.Cmp(b)) }

// WorseBy is Worse for numbers that are not Decimals: given how a measure
// compares with a reference (-1, 0 or +1 as it is below, at or above it),
// it reports whether the measure is strictly worse.
func (d Direction) WorseBy(cmp int) bool {
	if d == Lower {
		return cmp > 0
	}
	return cmp < 0
}

// Better reports whether measure a is strictly better than b.
func (d Direction) Better(a, b Decimal) bool { return d.Worse(b, a) }

// Best and Worst return the better and the worse of two measures.
func (d Direction) Best(a, b Decimal) Decimal {
	if d.Worse(a, b) {
		return b
	}
	return a
}

// Worst returns the worse of two measures.
func (d Direction) Worst(a, b Decimal) Decimal {
	if d.Worse(a, b) {
		return a
	}
	return b
}

// Shortfall is how far measure m falls short of ref on the worse side:
// ref - m for higher-is-better, m - ref for lower-is-better, and zero when
// m is at ref or better.
func (d Direction) Shortfall(m, ref Decimal) Decimal {
	if !d.Worse(m, ref) {
		return Decimal{}
	}
	if d == Lower {
		return m.Sub(ref)
	}
	return ref.Sub(m)
}

// Compare is the operator that holds between a measure and a reference it
// is judged against: ">=" or "<=" when the measure meets it (at it or
// better), "<" or ">" when it falls short.
func (d Direction) Compare(met bool) string {
	switch {
	case met && d == Higher:
		return ">="
	case met:
		return "<="
	case d == Higher:
		return "<"
	}
	return ">"
}

// Sides names where a value better than a reference lies, and where a worse
// one lies: "above" and "below" for higher-is-better, the other way round
// for lower-is-better.
func (d Direction) Sides() (better, worse string) {
	if d == Lower {
		return "below", "above"
	}
	return "above", "below"
}

// Classify returns the status of a measure against the KPI's target and
// bounds. A measure exactly at the target is met; exactly at a bound, it
// belongs to the better level. When a bound equals the one before it, the
// level between is never returned: with target 1 and serious 1, 1 is met
// and any measure below it serious (see Reaches).
func (k *KPI) Classify(m Decimal) Status {
	return k.ClassifyBy(func(level Status) bool {
		if level == Minor {
			return k.Direction.Worse(m, k.Target)
		}
		return k.Direction.Worse(m, *k.Bound(level))
	})
}

// ClassifyBy is Classify for a measure held otherwise than as a Decimal:
// worse(level) reports whether the measure is strictly worse than where
// the level starts, the target for Minor and the level's Bound for the
// others. It is asked about Minor and the levels the KPI has only.
func (k *KPI) ClassifyBy(worse func(level Status) bool) Status {
	if !worse(Minor) {
		return Met
	}
	status := Minor
	for _, level := range Levels[1:] {
		if k.Bound(level) != nil && worse(level) {
			status = level
		}
	}
	return status
}

// Shortfall is how far a measure misses the KPI's target, never negative.
func (k *KPI) Shortfall(m Decimal) Decimal { return k.Direction.Shortfall(m, k.Target) }
