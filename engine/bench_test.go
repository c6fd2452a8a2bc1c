package engine_test

import (
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// The benchmarks price lot-months of the example contract's 15 KPIs —
// evaluation, judging and pricing, the engine's whole per-month work —
// from its data's first lot, its 24 months over and over with the months
// running on, so that streaks, caps, earn-back and the year's totals all
// carry from month to month as in a long run. Each reports ns/kpi-month;
// benchstat compares them across commits. The rulebooks: the example as
// it stands (two amendments, a quarterly KPI, two triggers), and as it
// stood before them (runner/testdata/bench/rules.yaml, which the int64
// lower bound of bound_test.go reproduces).

// benchRules are the rulebooks the benchmarks price under.
var benchRules = []struct{ name, path string }{
	{"example", "../examples/aasc/rules.yaml"},
	{"before-terms", "../runner/testdata/bench/rules.yaml"},
}

// steady is a lot priced month after month on a lot's rows of the
// example's data, repeated with the months running on.
type steady struct {
	terms engine.Timeline
	rows  []kpi.Row
	lot   *engine.Lot
	cur   kpi.Row
	n     int
}

func newSteady(t testing.TB, path string, figures bool) *steady {
	t.Helper()
	rb, err := rules.Load(path, kpi.Check)
	require.NoError(t, err)
	ds, err := input.LoadData(rb, "../examples/aasc/data.csv")
	require.NoError(t, err)
	terms, err := engine.Terms(rb)
	require.NoError(t, err)
	s := &steady{terms: terms, rows: ds.Lots[0].Rows, lot: terms.NewLot()}
	s.lot.SetExplain(!figures)
	s.lot.SetFiguresOnly(figures)
	return s
}

// next prices the next month.
func (s *steady) next() (*engine.LotMonth, error) {
	s.cur = s.rows[s.n%len(s.rows)] // a copy, prepared as the data's rows are
	s.cur.Month = s.rows[0].Month.Add(s.n)
	s.n++
	return s.lot.MonthIn(s.terms, &s.cur, nil)
}

// BenchmarkLotMonth prices one lot-month: figures only (the steady loop of
// a sweep, which allocates nothing), every field set (a run's detail
// without explanations), and with explanations (a baseline's).
func BenchmarkLotMonth(b *testing.B) {
	for _, rb := range benchRules {
		for _, mode := range []string{"figures-only", "decimals", "explain"} {
			b.Run(rb.name+"/"+mode, func(b *testing.B) {
				s := newSteady(b, rb.path, mode == "figures-only")
				s.lot.SetExplain(mode == "explain")
				for range 3 * len(s.rows) { // the buffers grow, the history fills
					if _, err := s.next(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				cpu := startCPU()
				for b.Loop() {
					if _, err := s.next(); err != nil {
						b.Fatal(err)
					}
				}
				reportPerKPIMonth(b, cpu, 15)
			})
		}
	}
}

// startCPU is the CPU time used before a benchmark's loop; negative when
// it is not measured.
func startCPU() time.Duration {
	t, ok := cpuTime()
	if !ok {
		return -1
	}
	return t
}

// reportPerKPIMonth reports the wall time per KPI-month, and the CPU time
// (cpu-ns/kpi-month), which other work sharing the machine does not
// inflate, where it is measured.
func reportPerKPIMonth(b *testing.B, start time.Duration, kpis int) {
	n := float64(b.N * kpis)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/kpi-month")
	if t, ok := cpuTime(); ok && start >= 0 {
		b.ReportMetric(float64((t-start).Nanoseconds())/n, "cpu-ns/kpi-month")
	}
}

// The steady loop allocates nothing: figures only, a lot prices month
// after month of the example's data — monthly and quarterly KPIs, points
// pooled in a service area, caps, escalation, earn-back, triggers — with
// no allocation at all, once its buffers have grown. AllocsPerRun counts
// a run of the data's 24 months, so that a month allocating now and then
// fails the test too.
func TestSteadyLoopAllocations(t *testing.T) {
	for _, rb := range benchRules {
		t.Run(rb.name, func(t *testing.T) {
			s := newSteady(t, rb.path, true)
			months := func() {
				for range s.rows {
					if _, err := s.next(); err != nil {
						t.Fatal(err)
					}
				}
			}
			months()
			months()
			require.Zero(t, testing.AllocsPerRun(5, months), "allocations in %d lot-months", len(s.rows))
		})
	}
}
