package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/bits"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The int64 lower bound: the whole per-KPI-month arithmetic of a sweep of
// KPI-07's target — the measure rounded to 16 places, the status, streaks
// and escalation, each KPI's credit, the property area, both caps with
// their largest-remainder spreads, and KPI-06's earn-back — on plain
// int64s (128 bits where a product needs them), the data's counts already
// integers and the pricing written out for this rulebook as peer.sql is.
// Each value's total credits and earn-back are checked against
// kpicredit's sweep to the penny, so the bound does all the work the
// engine does, and no more. The measures are computed once, as the engine
// evaluates the baseline's expressions once; the values are shared out
// over the cores.

const e16 = 10_000_000_000_000_000 // 1 in units of 10^-16

// Statuses as int8, as peer.sql numbers them; measured is not yet judged.
const (
	notApplicable int8 = -2
	notMeasured   int8 = -1
	met           int8 = 0
	measured      int8 = 9
)

// i64KPI is one KPI of the rulebook for the bound.
type i64KPI struct {
	num, den int   // the measure num / den: field indexes (den is the volume)
	minVol   int64 // 0: none
	lower    bool
	target   int64    // 10^-16
	bound    [5]int64 // by level (2 serious .. 4 critical), 10^-16; 0: none
	floor    int64    // a sliding scheme's floor, 10^-16
	scotland bool     // applies everywhere but Scotland (KPI-04)
}

// i64Lot is one lot's data: per month the charge in pence, the contract
// year and the month's index in it, and per KPI the measure's counts.
type i64Lot struct {
	scotland bool
	charge   []int64
	year, mi []int
	num, den [][]int64 // by month and KPI: the measure's two counts
	m16      [][]int64 // by month and KPI: the measure, 10^-16 (measure)
	pre      [][]int8  // by month and KPI: not applicable, not measured or measured (measure)
}

// i64Bound is the data and rules the bound prices.
type i64Bound struct {
	kpis  []i64KPI
	swept int // the index of the swept KPI, KPI-07
	lots  []i64Lot
}

// i64Totals is a value's total credits after both caps and earn-back, in
// pence.
type i64Totals struct{ credits, earnBack int64 }

// boundRuns is how many times the bound is timed; the fastest is reported.
const boundRuns = 5

// int64Bound times the bound over the first of -sweeps values, boundRuns
// times, and checks it against kpicredit's sweep of the same values.
func (b *bench) int64Bound() error {
	n := b.cfg.sweeps[0]
	fmt.Printf("\n== int64: the lower bound, the same arithmetic on int64s, %d values at %d lots, %d cores\n",
		n, b.cfg.lots, runtime.NumCPU())
	d, err := b.dataset(b.cfg.lots)
	if err != nil {
		return err
	}
	s, err := b.kpiSweep(n)
	if err != nil {
		return err
	}
	bd, err := newI64Bound(b.rb, d.csv)
	if err != nil {
		return err
	}
	values := make([]int64, n)
	for i := range values {
		values[i] = s.from.Add(s.step.Mul(decimal.NewFromInt(int64(i)))).Shift(16).IntPart()
	}
	var best measurement
	var totals []i64Totals
	for r := range boundRuns {
		m := measurement{load: loadAverage()}
		cpu0, start := cpuTime(), time.Now()
		bd.measure()
		totals = bd.sweep(values)
		m.wall, m.cpu = time.Since(start), cpuTime()-cpu0
		if r == 0 || m.wall < best.wall {
			best = m
		}
	}
	kpiMonths := b.kpiMonths(b.cfg.lots) * n
	fmt.Printf("  %-50s %8.3f s wall %8.3f s CPU   (load %s)\n",
		fmt.Sprintf("int64 sweep of %d values, fastest of %d", n, boundRuns), best.wall.Seconds(), best.cpu.Seconds(), best.load)
	fmt.Printf("  %-50s %8.1f ns wall, %.1f ns CPU a KPI-month (%.1f M KPI-months)\n", "",
		float64(best.wall.Nanoseconds())/float64(kpiMonths), float64(best.cpu.Nanoseconds())/float64(kpiMonths), float64(kpiMonths)/1e6)
	if err := b.checkI64(s, totals); err != nil {
		return err
	}
	ratio, cpuRatio := s.m.wall.Seconds()/best.wall.Seconds(), s.m.cpu.Seconds()/best.cpu.Seconds()
	fmt.Printf("  kpicredit's sweep of the same values, end to end: %.2f s wall, %.2f s CPU: %.0fx the bound's wall time, %.0fx its CPU time (the loading, outputs and start-up included: the target is the steady loop's, below)\n",
		s.m.wall.Seconds(), s.m.cpu.Seconds(), ratio, cpuRatio)
	b.add(fmt.Sprintf("int64 lower bound, %d-value sweep", n), fmt.Sprintf("%.3f s (CPU %.3f s; %.1f ns/KPI-month)", best.wall.Seconds(),
		best.cpu.Seconds(), float64(best.wall.Nanoseconds())/float64(kpiMonths)), "", true)
	b.add(fmt.Sprintf("kpicredit's %d-value sweep / int64 bound", n), fmt.Sprintf("%.0fx wall (%.0fx CPU)", ratio, cpuRatio), "", true)
	return b.steadyLoop()
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// checkI64 compares the bound's totals with kpicredit's, value by value.
func (b *bench) checkI64(s *sweepRun, totals []i64Totals) error {
	want, err := sweepTotals(s)
	if err != nil {
		return err
	}
	bad := 0
	for i, t := range totals {
		w, ok := want[i]
		if !ok || w != t {
			if bad < 5 {
				fmt.Printf("    differs: value %d: kpicredit %+v, int64 %+v\n", i, w, t)
			}
			bad++
		}
	}
	if bad > 0 || len(want) != len(totals) {
		return fmt.Errorf("the int64 bound and kpicredit disagree on %d of %d values (kpicredit has %d)", bad, len(totals), len(want))
	}
	fmt.Printf("  the bound agrees with kpicredit to the penny on all %d values' credits and earn-back\n", len(totals))
	return nil
}

// newI64Bound reads the rulebook's KPIs and the data's CSV.
func newI64Bound(rb *rules.Rulebook, data []byte) (*i64Bound, error) {
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	bd := &i64Bound{}
	if len(rb.KPIs) != len(i64Month{}.lvl) {
		return nil, fmt.Errorf("the bound prices the example's 15 KPIs, not %d", len(rb.KPIs))
	}
	for i, k := range rb.KPIs {
		if want := fmt.Sprintf("KPI-%02d", i+1); k.ID != want {
			return nil, fmt.Errorf("the bound prices the example's KPIs in order: %s where %s was expected", k.ID, want)
		}
		ik, err := newI64KPI(k, col)
		if err != nil {
			return nil, err
		}
		bd.kpis = append(bd.kpis, ik)
		if k.ID == "KPI-07" {
			bd.swept = i
		}
	}
	lots := map[string]int{}
	for _, rec := range recs[1:] {
		key := rec[col["provider"]] + "\x00" + rec[col["region"]]
		li, ok := lots[key]
		if !ok {
			li = len(bd.lots)
			lots[key] = li
			bd.lots = append(bd.lots, i64Lot{})
		}
		if err := bd.lots[li].add(rb, bd.kpis, col, rec); err != nil {
			return nil, err
		}
	}
	return bd, nil
}

func newI64KPI(k *rules.KPI, col map[string]int) (i64KPI, error) {
	num, den, ok := strings.Cut(k.Measure.Source, " / ")
	if !ok || den != k.Volume.Source {
		return i64KPI{}, fmt.Errorf("%s: the bound needs a measure a / b with volume b", k.ID)
	}
	scaled := func(d decimal.Decimal) int64 { return d.Shift(16).IntPart() }
	ik := i64KPI{num: col[num], den: col[den], lower: k.Direction == rules.Lower, target: scaled(k.Target),
		scotland: !k.Applies.IsZero()}
	if ik.scotland && k.Applies.Source != `region != "Scotland"` {
		return i64KPI{}, fmt.Errorf("%s: the bound knows no applies but region != \"Scotland\"", k.ID)
	}
	if k.MinVolume != nil {
		ik.minVol = k.MinVolume.IntPart()
	}
	for _, l := range rules.Levels[1:] {
		if bound := k.Bound(l); bound != nil {
			ik.bound[l-rules.Minor+1] = scaled(*bound)
		}
	}
	if k.Credit.Kind == rules.Sliding {
		ik.floor = scaled(k.Credit.Floor)
	}
	return ik, nil
}

// add appends a month of data to the lot: its charge, its place in the
// contract year and each KPI's two counts.
func (l *i64Lot) add(rb *rules.Rulebook, kpis []i64KPI, col map[string]int, rec []string) error {
	charge, err := decimal.NewFromString(rec[col["monthly_charge"]])
	if err != nil {
		return err
	}
	month, err := rules.ParseMonth(rec[col["month"]])
	if err != nil {
		return err
	}
	d := int(month - *rb.Start)
	l.charge = append(l.charge, charge.Shift(2).IntPart())
	l.year, l.mi = append(l.year, d/12), append(l.mi, d%12)
	l.scotland = rec[col["region"]] == "Scotland"
	count := func(c int) (int64, error) {
		n, err := decimal.NewFromString(rec[c])
		return n.IntPart(), err
	}
	num, den := make([]int64, len(kpis)), make([]int64, len(kpis))
	for i, k := range kpis {
		if num[i], err = count(k.num); err == nil {
			den[i], err = count(k.den)
		}
		if err != nil {
			return err
		}
	}
	l.num, l.den = append(l.num, num), append(l.den, den)
	return nil
}

// measure judges what no value changes, once per KPI-month: whether the
// KPI applies and is measured, and the measure num / den rounded half
// away from zero to 16 places.
func (bd *i64Bound) measure() {
	for li := range bd.lots {
		l := &bd.lots[li]
		l.m16, l.pre = make([][]int64, len(l.num)), make([][]int8, len(l.num))
		for m := range l.num {
			l.m16[m], l.pre[m] = make([]int64, len(bd.kpis)), make([]int8, len(bd.kpis))
			for i, k := range bd.kpis {
				num, den := uint64(l.num[m][i]), uint64(l.den[m][i])
				switch {
				case k.scotland && l.scotland:
					l.pre[m][i] = notApplicable
				case den == 0 || int64(den) < k.minVol:
					l.pre[m][i] = notMeasured
				default:
					l.pre[m][i] = measured
					hi, lo := bits.Mul64(num, e16)
					q, r := bits.Div64(hi, lo, den)
					if r >= den-r {
						q++
					}
					l.m16[m][i] = int64(q)
				}
			}
		}
	}
}

// sweep prices every value, the values shared out over the cores.
func (bd *i64Bound) sweep(values []int64) []i64Totals {
	totals := make([]i64Totals, len(values))
	workers := runtime.NumCPU()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			targets := make([]int64, len(bd.kpis))
			for i := w; i < len(values); i += workers {
				for k := range bd.kpis {
					targets[k] = bd.kpis[k].target
				}
				targets[bd.swept] = values[i]
				for li := range bd.lots {
					bd.priceLot(&bd.lots[li], targets, &totals[i])
				}
			}
		}()
	}
	wg.Wait()
	return totals
}

// i64State is a lot's running state: each KPI's streak and met run,
// KPI-06's earn-back pool and the contract year's charges and credits.
type i64State struct {
	streak, metRun     [15]int
	pool               int64
	year               int
	yCharges, yCredits int64
}

// i64Month is one lot-month's working figures, by KPI.
type i64Month struct {
	lvl                 [15]int8
	amount, pts, credit [15]int64
	rem                 [15]int64
}

// priceLot prices a lot's months under the targets and adds its credits
// and earn-back to t.
func (bd *i64Bound) priceLot(l *i64Lot, targets []int64, t *i64Totals) {
	st := i64State{year: -1}
	var mo i64Month
	for m, charge := range l.charge {
		for i := range bd.kpis {
			bd.priceKPI(&st, &mo, i, l.pre[m][i], l.m16[m][i], targets[i], charge)
		}
		// the property area: pooled points, tiers, 0.3% of the charge a
		// weighted point, spread back over KPI-01..03 by their points
		p := mo.pts[0] + mo.pts[1] + mo.pts[2]
		w200 := 2*max(min(p, 1000)-200, 0) + 3*max(min(p, 2000)-1000, 0) + 4*max(p-2000, 0)
		spread(mulRound(uint64(w200*3), uint64(charge), 200000), mo.pts[:3], p, mo.amount[:3], mo.rem[:3])
		before := int64(0)
		for _, a := range mo.amount[:len(bd.kpis)] {
			before += a
		}
		c := min(before, mulRound(uint64(charge), 75, 1000)) // the monthly cap, 7.5%
		if l.year[m] != st.year {
			st.year, st.yCharges, st.yCredits = l.year[m], 0, 0
		}
		st.yCharges += charge // the annual cap: 5% of the projected year
		limit := mulRound(uint64(st.yCharges+charge*int64(11-l.mi[m])), 5, 100)
		credits := min(c, max(limit-st.yCredits, 0))
		st.yCredits += credits
		copy(mo.credit[:], mo.amount[:])
		if before > credits {
			spread(credits, mo.amount[:len(bd.kpis)], before, mo.credit[:len(bd.kpis)], mo.rem[:len(bd.kpis)])
		}
		t.credits += credits
		// KPI-06's earn-back: 50% of the pool on the 3rd met month running
		st.pool += mo.credit[5]
		if mo.lvl[5] == met && st.metRun[5] == 3 {
			t.earnBack -= mulRound(uint64(st.pool), 50, 100)
			st.pool = 0
		}
	}
}

// priceKPI judges KPI i in a month, moves its streak and met run, and
// prices it before caps: its amount in pence, or its points (x 100) for
// the area's KPIs.
func (bd *i64Bound) priceKPI(st *i64State, mo *i64Month, i int, pre int8, m16, target, charge int64) {
	k := &bd.kpis[i]
	lvl, short := pre, int64(0)
	if pre == measured {
		lvl, short = k.judge(m16, target)
	}
	mo.lvl[i], mo.amount[i], mo.pts[i] = lvl, 0, 0
	switch {
	case lvl == met:
		st.streak[i], st.metRun[i] = 0, st.metRun[i]+1
		return
	case lvl < met:
		return
	}
	st.streak[i]++
	st.metRun[i] = 0
	m100 := multiplier(i, st.streak[i])
	c := uint64(charge)
	switch i {
	case 0, 1, 2: // points, pooled in the property area
		mo.pts[i] = [3][4]int64{{2, 4, 6, 10}, {2, 4}, {1, 3}}[i][lvl-1] * m100
	case 3: // percent_of_charge {0.5, 1}
		mo.amount[i] = mulRound(c, uint64([2]int64{5, 10}[lvl-1]), 1000)
	case 4: // per_shortfall 0.25% of charge per whole night
		mo.amount[i] = mulRound(c*25, uint64(short/e16), 10000)
	case 5: // fixed {10000, 30000} x escalation
		mo.amount[i] = mulRound(uint64([2]int64{1_000_000, 3_000_000}[lvl-1]), uint64(m100), 100)
	case 6, 14: // sliding: 2% of charge x min(1, shortfall / |target - floor|)
		span := target - k.floor
		if short >= span {
			mo.amount[i] = mulRound(c, 2, 100)
		} else {
			mo.amount[i] = mulRound(c*2, uint64(short), uint64(100*span))
		}
	case 7, 13: // points {4, 10} x 2500
		mo.amount[i] = [2]int64{4, 10}[lvl-1] * 250_000
	case 8: // percent_of_charge {0.5, 1, 2, 3} x escalation
		mo.amount[i] = mulRound(c*uint64([4]int64{5, 10, 20, 30}[lvl-1]), uint64(m100), 100000)
	case 9: // fixed {10000, 25000, -, 50000}
		mo.amount[i] = [4]int64{1_000_000, 2_500_000, 0, 5_000_000}[lvl-1]
	case 10: // fixed {5000, 15000}
		mo.amount[i] = [2]int64{500_000, 1_500_000}[lvl-1]
	case 11: // per_shortfall 1% of charge per 0.01
		mo.amount[i] = mulRound(c, uint64(short), e16)
	case 12: // points {3, 8} x 2500
		mo.amount[i] = [2]int64{3, 8}[lvl-1] * 250_000
	}
}

// judge classifies a measure: met at or better than the target, else the
// worst level whose bound it is strictly worse than, else minor; and the
// shortfall from the target.
func (k *i64KPI) judge(m16, target int64) (int8, int64) {
	short := target - m16
	if k.lower {
		short = -short
	}
	if short <= 0 {
		return met, 0
	}
	for lvl := 4; lvl >= 2; lvl-- {
		if b := k.bound[lvl]; b != 0 && (!k.lower && m16 < b || k.lower && m16 > b) {
			return int8(lvl), short
		}
	}
	return 1, short
}

// multiplier is the escalation (x 100) of KPI i's n-th failure running.
func multiplier(i, n int) int64 {
	var esc []int64
	switch i {
	case 0, 5:
		esc = []int64{100, 150, 200}
	case 8:
		esc = []int64{100, 125, 150}
	default:
		return 100
	}
	return esc[min(n, len(esc))-1]
}

// mulRound is x * y / d rounded half up, in 128 bits.
func mulRound(x, y, d uint64) int64 {
	hi, lo := bits.Mul64(x, y)
	q, r := bits.Div64(hi, lo, d)
	if r >= d-r {
		q++
	}
	return int64(q)
}

// spread shares total out over out in proportion to w (summing to sum):
// each the floor of its share, then the pence left one each to the
// largest remainders, ties to the first.
func spread(total int64, w []int64, sum int64, out, rem []int64) {
	if sum == 0 {
		clear(out)
		return
	}
	left := total
	for i := range w {
		out[i], rem[i] = total*w[i]/sum, total*w[i]%sum
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
}
