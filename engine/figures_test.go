package engine_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/internal/randbook"
	"github.com/kpicredit/kpicredit/internal/same"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// A lot priced figures only gives, once LotMonth.Complete has run, every
// figure, status and reason a lot priced whole gives, month by month and
// through every change of terms, on the example (with its relief) and on
// random contracts with KPIs over quarters and rolling windows, relief,
// bonus points, triggers and amendments; and on a contract whose fields
// aggregate by sum, last, mean and max, with a measure that fixed point
// cannot hold, so that a period's aggregated row falls back to decimals.

// agreeFiguresOnly prices every lot of the data both ways and compares.
func agreeFiguresOnly(t *testing.T, what string, rb *rules.Rulebook, ds *input.Dataset, relief func(lot, month int) engine.Relief) {
	t.Helper()
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	for li, lot := range ds.Lots {
		whole, figures := terms.NewLot(), terms.NewLot()
		figures.SetFiguresOnly(true)
		for mi := range lot.Rows {
			row := &lot.Rows[mi]
			a, errA := whole.MonthIn(terms, row, relief(li, mi))
			b, errB := figures.MonthIn(terms, row, relief(li, mi))
			require.Equal(t, errA, errB, "%s: lot %s, %s", what, lot.Name(), row.Month)
			if errA != nil {
				break
			}
			b.Complete()
			where := fmt.Sprintf("%s: lot %s, %s", what, lot.Name(), row.Month)
			require.Equal(t, a.Credits.HasFixed, b.Credits.HasFixed, where)
			// Periods, explanations and the observations' fixed point are
			// a whole month's only.
			if d := same.Diff(a, b, "Periods", "Explanation", "How", "Fixed"); d != "" {
				t.Fatalf("%s: %s", where, d)
			}
		}
	}
}

func TestFiguresOnlyAgree(t *testing.T) {
	t.Run("example", figuresOnlyExample)
	t.Run("random", figuresOnlyRandom)
	t.Run("aggregates", figuresOnlyAggregates)
}

// figuresOnlyExample prices the example with its relief.
func figuresOnlyExample(t *testing.T) {
	rb, ds, _ := example(t)
	f, err := os.Open("../examples/aasc/relief.csv")
	require.NoError(t, err)
	defer f.Close()
	ids := make([]string, len(rb.KPIs))
	for i, k := range rb.KPIs {
		ids[i] = k.ID
	}
	rt, err := input.ReadRelief(ds, ids, "relief.csv", f)
	require.NoError(t, err)
	agreeFiguresOnly(t, "example", rb, ds, func(li, mi int) engine.Relief {
		lot := ds.Lots[li]
		return rt.Lookup(lot.Keys, lot.Rows[mi].Month)
	})
}

// figuresOnlyRandom prices random contracts with terms over time and
// random relief.
func figuresOnlyRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 16))
	for i := range 40 {
		c := randbook.WithTerms(r, randbook.New(r))
		rb, err := rules.Parse("random.yaml", strings.NewReader(c.Rules), kpi.Check)
		require.NoError(t, err, c.Rules)
		ds, err := input.ReadCSV(rb, "random.csv", strings.NewReader(c.Data))
		require.NoError(t, err)
		seed := r.Uint64()
		agreeFiguresOnly(t, fmt.Sprintf("case %d\n%s", i, c.Rules), rb, ds, func(li, mi int) engine.Relief {
			rr := rand.New(rand.NewPCG(seed, uint64(li*1000+mi)))
			if rr.IntN(4) != 0 {
				return nil
			}
			excused := fmt.Sprintf("K%d", 1+rr.IntN(c.KPIs))
			return func(id string) (string, bool) { return "storm", id == excused }
		})
	}
}

// figuresOnlyAggregates prices KPIs over periods whose fields aggregate
// by sum, last, mean and max, one of them beyond fixed point.
func figuresOnlyAggregates(t *testing.T) {
	rb, err := rules.Parse("t.yaml", strings.NewReader(`contract: T
currency: GBP
keys: [lot]
charge: charge
start: 2025-01
fields: {charge: money, done: int, jobs: {type: int, aggregate: max}, mean: {type: decimal, aggregate: mean}, last: {type: int, aggregate: last}}
kpis:
  - {id: Q, measure: done / jobs, period: quarter, target: 0.9, credit: {percent_of_charge: {minor: 1}}}
  - {id: R, measure: mean / last, period: {rolling: 3}, target: 0.5, credit: {sliding: {max_percent_of_charge: 2, floor: 0.1}}}
  - {id: P, measure: (done / jobs) * (mean / last), period: {rolling: 2}, target: 0.5, credit: {fixed: {minor: 10.00}}}
  - {id: M, measure: done / jobs, target: 0.9, credit: {fixed: {minor: 5.00}}}
`), kpi.Check)
	require.NoError(t, err)
	var csv strings.Builder
	csv.WriteString("lot,month,charge,done,jobs,mean,last\n")
	r := rand.New(rand.NewPCG(2, 3))
	for m := range 24 {
		jobs := 1 + r.IntN(40)
		fmt.Fprintf(&csv, "A,%s,%d.%02d,%d,%d,%d.%03d,%d\n", rules.NewMonth(2025, 1).Add(m), 1000+r.IntN(9000), r.IntN(100),
			r.IntN(jobs+1), jobs, r.IntN(100), r.IntN(1000), 1+r.IntN(200))
	}
	ds, err := input.ReadCSV(rb, "d.csv", strings.NewReader(csv.String()))
	require.NoError(t, err)
	agreeFiguresOnly(t, "aggregates", rb, ds, func(int, int) engine.Relief { return nil })
}
