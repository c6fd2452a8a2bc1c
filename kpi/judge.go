package kpi

import (
	"fmt"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Judge turns a KPI's value into its result: not applicable, not measured
// (an undefined measure, or a volume below min_volume), or classified
// against the target and bounds. A not-measured result reports no measure;
// one below min_volume keeps it for Excuse to report. A value's Fixed
// numbers are judged in fixed point; Program.Judge does so without
// converting the KPI's target and bounds each time.
func Judge(k *rules.KPI, v Value) Result {
	var r Result
	judge(k, &v, nil, &r)
	return r
}

// Judge is the package's Judge for the i-th KPI of the program, with its
// target, bounds and min_volume already in fixed point.
func (p *Program) Judge(i int, v Value) Result {
	var r Result
	judge(p.rb.KPIs[i], &v, &p.kpis[i].refs, &r)
	return r
}

// JudgeTo is Judge into r, saving a copy of the Value and the Result.
func (p *Program) JudgeTo(i int, v *Value, r *Result) {
	judge(p.rb.KPIs[i], v, &p.kpis[i].refs, r)
}

// JudgeFast evaluates the i-th KPI's expressions for the loaded row, as
// Fast does, and judges them, as Program.Judge does, into r, with no
// Value or Result copied on the way: a caller's steady loop. On an
// error, r is left as it was.
func (e *Evaluator) JudgeFast(i int, r *Result) error {
	var v Value
	if err := e.fast(i, &v); err != nil {
		return err
	}
	judge(e.p.rb.KPIs[i], &v, &e.p.kpis[i].refs, r)
	return nil
}

// judge is Judge into res, which is the zero Result, comparing with r's
// references when r is not nil.
func judge(k *rules.KPI, v *Value, r *refs, res *Result) {
	// Field by field, not from a composite literal: the literal is built
	// on the stack and copied, and the copy stalls on reading it back.
	*res = Result{}
	switch {
	case !v.Applies:
		res.Status = rules.NotApplicable
	case k.MinVolume != nil && v.HasVolume && v.volumeBelow(*k.MinVolume, r):
		res.Status, res.Volume, res.HasVolume, res.Measure = rules.NotMeasured, v.Volume, true, v.Measure
		res.withheld, res.withheldFixed = v.HasMeasure, v.Fixed.HasMeasure
		res.Fixed.Measure, res.Fixed.Volume, res.Fixed.HasVolume = v.Fixed.Measure, v.Fixed.Volume, v.Fixed.HasVolume
		res.unset = v.unset
		if v.unset&volumeUnset == 0 {
			res.Reason = belowMinVolume(v.Volume, *k.MinVolume)
		} else {
			res.unset, res.minVolume = res.unset|reasonUnset, k.MinVolume
		}
	case v.Undefined != "":
		res.Status, res.Reason, res.Volume, res.HasVolume = rules.NotMeasured, v.Undefined, v.Volume, v.HasVolume
		res.Fixed.Volume, res.Fixed.HasVolume, res.unset = v.Fixed.Volume, v.Fixed.HasVolume, v.unset&volumeUnset
	default:
		res.Status = v.classify(k, r)
		res.Measure, res.HasMeasure, res.Volume, res.HasVolume = v.Measure, true, v.Volume, v.HasVolume
		res.Fixed, res.unset = v.Fixed, v.unset
	}
}

func belowMinVolume(volume, min decimal.Decimal) string {
	return fmt.Sprintf("volume %s < min_volume %s", volume, min)
}

// classify classifies the measure, in fixed point when it is held there.
func (v *Value) classify(k *rules.KPI, r *refs) rules.Status {
	if !v.Fixed.HasMeasure {
		return k.Classify(v.Measure)
	}
	m := v.Fixed.Measure
	return k.ClassifyBy(func(level rules.Status) bool {
		if level == rules.Minor {
			return k.Direction.WorseBy(r.cmp(m, 0, k.Target))
		}
		return k.Direction.WorseBy(r.cmp(m, int(level-rules.Minor), *k.Bound(level)))
	})
}

func (v *Value) volumeBelow(min decimal.Decimal, r *refs) bool {
	if v.Fixed.HasVolume {
		return r.cmp(v.Fixed.Volume, minVolumeRef, min) < 0
	}
	return v.Volume.LessThan(min)
}

// within reports whether the measure lies within the range, the KPI's.
func (v *Value) within(rng rules.Range, r *refs) bool {
	if !v.Fixed.HasMeasure {
		return rng.Contains(v.Measure)
	}
	m := v.Fixed.Measure
	return (rng.Lo == nil || r.cmp(m, loRef, *rng.Lo) >= 0) && (rng.Hi == nil || r.cmp(m, hiRef, *rng.Hi) <= 0)
}

// refs holds what a KPI's measure and volume are compared with in fixed
// point: its target ([0]), its bounds (by level - Minor), min_volume and
// the ends of its range, converted once when the program is compiled.
type refs struct {
	at [7]fixed.Decimal
	ok bool // every one the KPI has fits in fixed point
}

// The places in refs.at of min_volume and the range's ends.
const (
	minVolumeRef = 4 + iota
	loRef
	hiRef
)

func newRefs(k *rules.KPI) refs {
	var r refs
	r.ok = true
	set := func(at int, d *decimal.Decimal) {
		if d == nil {
			return
		}
		f, fits := fixed.FromDecimal(*d)
		// At the places of a quotient, as most measures are, a comparison
		// needs no rescaling; min_volume stays as it is written, as volumes
		// are mostly counts.
		if g, ok := f.Round(DivisionPlaces); ok && f.Scale() < DivisionPlaces && at != minVolumeRef {
			f = g
		}
		r.at[at], r.ok = f, r.ok && fits
	}
	set(0, &k.Target)
	for level := rules.Serious; level <= rules.Critical; level++ {
		set(int(level-rules.Minor), k.Bound(level))
	}
	set(minVolumeRef, k.MinVolume)
	set(loRef, k.Range.Lo)
	set(hiRef, k.Range.Hi)
	return r
}

// cmp compares m with the reference at, which is d: in fixed point with
// the reference converted once when r holds it, else converting d.
func (r *refs) cmp(m fixed.Decimal, at int, d decimal.Decimal) int {
	if r != nil && r.ok {
		return m.Cmp(r.at[at])
	}
	return cmpFixed(m, d)
}

// cmpFixed compares a fixed-point number with a decimal, in fixed point
// when the decimal fits there.
func cmpFixed(m fixed.Decimal, d decimal.Decimal) int {
	if f, ok := fixed.FromDecimal(d); ok {
		return m.Cmp(f)
	}
	return m.Decimal().Cmp(d)
}
