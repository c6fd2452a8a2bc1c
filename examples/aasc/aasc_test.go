package aasc_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// bundled is how the bundled data.csv and relief.csv were generated.
var bundled = aasc.Config{Seed: 1, Start: rules.NewMonth(2024, 9), Months: 24}

// load loads and compiles the example rulebook.
func load(t testing.TB) *engine.Engine {
	t.Helper()
	rb, err := rules.Load("rules.yaml", nil)
	require.NoError(t, err)
	engine, err := engine.Compile(rb)
	require.NoError(t, err)
	return engine
}

// read reads a data file and its relief, both CSV, as a run would.
func read(t testing.TB, rb *rules.Rulebook, data, relief []byte) (*input.Dataset, *input.ReliefTable) {
	t.Helper()
	ds, err := input.ReadCSV(rb, "data.csv", bytes.NewReader(data))
	require.NoError(t, err)
	rt, err := input.ReadRelief(ds, kpiIDs(rb), "relief.csv", bytes.NewReader(relief))
	require.NoError(t, err)
	return ds, rt
}

// kpiIDs lists the rulebook's KPI ids, which the relief file may name.
func kpiIDs(rb *rules.Rulebook) []string {
	var ids []string
	for _, k := range rb.KPIs {
		ids = append(ids, k.ID)
	}
	return ids
}

func TestRulebookShape(t *testing.T) {
	engine := load(t)
	rb := engine.Rules()
	require.Len(t, rb.KPIs, 15)
	for i, k := range rb.KPIs {
		require.Equal(t, fmt.Sprintf("KPI-%02d", i+1), k.ID)
		require.NotEmpty(t, k.Name, k.ID)
	}
	require.NotEmpty(t, rb.Areas)
	schemes := map[rules.SchemeKind]int{}
	lower := 0
	for _, k := range rb.KPIs {
		schemes[k.Credit.Kind]++
		if k.Direction == rules.Lower {
			lower++
		}
	}
	for _, s := range []rules.SchemeKind{rules.Points, rules.PercentOfCharge, rules.Sliding, rules.Fixed, rules.PerShortfall} {
		require.NotZero(t, schemes[s], "no KPI uses %s", s)
	}
	require.NotZero(t, lower)
	require.NotNil(t, rb.Caps.MonthlyPercent)
	require.NotNil(t, rb.Caps.AnnualPercent)
	require.Equal(t, []string{"provider", "region"}, rb.Keys)

	var ids []string
	for _, s := range rb.Scenarios {
		ids = append(ids, s.ID)
		_, err := engine.Derive(s) // every scenario's rules compile too
		require.NoError(t, err, s.ID)
	}
	require.Contains(t, ids, "without-ccn-007")
	require.Contains(t, ids, "draft-ccn-012")
	require.Contains(t, ids, "notice-target-sweep/target=0.90")
	require.Contains(t, ids, "notice-target-sweep/target=0.99")
	require.Len(t, ids, 12)

	// The contract as it is run: two agreed change notices since the start
	// of the term, a KPI judged quarterly, and the two triggers.
	require.Len(t, rb.Amendments, 2)
	for _, a := range rb.Amendments {
		require.Greater(t, a.From, *rb.Start, a.ID)
	}
	require.Equal(t, rules.Quarterly, rb.KPI("KPI-04").Period.Kind)
	var triggers []string
	for _, tr := range rb.Triggers {
		triggers = append(triggers, fmt.Sprintf("%s %d/%d %s %q", tr.ID, tr.Failures, tr.Within, tr.Level, tr.KPI))
	}
	require.Equal(t, []string{`material-kpi-failure 3/12 minor ""`, `critical-service-failure 1/1 critical ""`}, triggers)

	// The generator writes exactly the declared fields, in order.
	var fields []string
	for _, f := range rb.Fields {
		fields = append(fields, f.Name)
	}
	require.Equal(t, aasc.Fields, fields)
}

func TestLots(t *testing.T) {
	require.Len(t, aasc.Lots(0), 7)
	seen := map[string]bool{}
	for _, l := range aasc.Lots(50) {
		key := l.Provider + "/" + l.Region
		require.False(t, seen[key], "lot %s repeats", key)
		seen[key] = true
	}
	require.Equal(t, aasc.Lots(0), aasc.Lots(21)[:7])
}

func TestGenerateDeterministic(t *testing.T) {
	data, relief, err := aasc.Generate(bundled)
	require.NoError(t, err)
	data2, relief2, err := aasc.Generate(bundled)
	require.NoError(t, err)
	require.Equal(t, data, data2)
	require.Equal(t, relief, relief2)

	// The bundled files are what the generator makes.
	onDisk, err := os.ReadFile("data.csv")
	require.NoError(t, err)
	require.True(t, string(data) == string(onDisk), "data.csv is stale: go run ./examples/aasc/gen -seed 1 -months 24 -out examples/aasc")
	onDisk, err = os.ReadFile("relief.csv")
	require.NoError(t, err)
	require.True(t, string(relief) == string(onDisk), "relief.csv is stale")
	var pq bytes.Buffer
	require.NoError(t, aasc.ToParquet(data, &pq))
	onDisk, err = os.ReadFile("data.parquet")
	require.NoError(t, err)
	require.True(t, bytes.Equal(pq.Bytes(), onDisk), "data.parquet is stale")

	// A longer run with more lots starts with the same rows for the
	// contract's own lots.
	big, _, err := aasc.Generate(aasc.Config{Seed: 1, Start: bundled.Start, Months: 36, Lots: 21})
	require.NoError(t, err)
	bigRows := map[string]bool{}
	for _, line := range strings.Split(string(big), "\n") {
		bigRows[line] = true
	}
	for _, line := range strings.Split(string(data), "\n") {
		require.True(t, bigRows[line], "row missing from the 21-lot run: %s", line)
	}

	// A different seed gives different data.
	other, _, err := aasc.Generate(aasc.Config{Seed: 2, Start: bundled.Start, Months: 24})
	require.NoError(t, err)
	require.NotEqual(t, data, other)

	_, _, err = aasc.Generate(aasc.Config{Seed: 1, Start: bundled.Start})
	require.Error(t, err)
}

// stats sums up a run of the bundled data through the baseline rules.
type stats struct {
	measured, failed      int // KPI-months met or failed, and failed
	notMeasured, notAppl  int
	undefined             int // not measured because the measure is 0/0
	excused               int
	capped, annualCapped  int // lot-months cut by the monthly or annual cap
	lotMonths             int
	charges, credits, net decimal.Decimal
	byStatus              map[string]int
}

// run runs data and relief, both CSV, through the baseline rules alone.
func run(t testing.TB, rb *rules.Rulebook, data, relief []byte) stats {
	t.Helper()
	ds, rt := read(t, rb, data, relief)
	res, err := runner.Run(context.Background(), runner.Job{Rules: rb, Data: ds, Relief: rt, Scenarios: []*rules.Scenario{}})
	require.NoError(t, err)
	require.Len(t, res.Runs, 1)
	s := stats{byStatus: map[string]int{}}
	for _, months := range res.Runs[0].Lots {
		for _, lm := range months {
			s.lotMonths++
			s.charges = s.charges.Add(lm.Credits.Charge)
			s.credits = s.credits.Add(lm.Credits.Credits)
			s.net = s.net.Add(lm.Credits.Net())
			if lm.Credits.HasCap && lm.Credits.BeforeCap.GreaterThan(lm.Credits.Cap) {
				s.capped++
			}
			if lm.Credits.HasAnnualCap && lm.Credits.Credits.Equal(lm.Credits.AnnualCapLeft) &&
				lm.Credits.Credits.LessThan(decimal.Min(lm.Credits.BeforeCap, lm.Credits.Cap)) {
				s.annualCapped++
			}
			for _, r := range lm.Results {
				s.byStatus[r.Status.String()]++
				switch {
				case r.Status == rules.Met:
					s.measured++
				case r.Status.Failed():
					s.measured++
					s.failed++
				case r.Status == rules.NotMeasured:
					s.notMeasured++
					if !r.HasMeasure && r.HasVolume && r.Volume.IsZero() {
						s.undefined++
					}
				case r.Status == rules.NotApplicable:
					s.notAppl++
				case r.Status == rules.Excused:
					s.excused++
				}
			}
		}
	}
	return s
}

// The bundled data, run through the baseline, look like a real contract's:
// some failures, modest credits, the odd capped month.
func TestPlausibleOutcomes(t *testing.T) {
	data, err := os.ReadFile("data.csv")
	require.NoError(t, err)
	relief, err := os.ReadFile("relief.csv")
	require.NoError(t, err)
	s := run(t, load(t).Rules(), data, relief)
	failRate := float64(s.failed) / float64(s.measured)
	share, _ := s.credits.Div(s.charges).Float64()
	t.Logf("lot-months %d; KPI-months by status %v", s.lotMonths, s.byStatus)
	t.Logf("failure rate %.1f%% of %d measured KPI-months", 100*failRate, s.measured)
	t.Logf("charges £%s, credits £%s (%.2f%%), net of earn-back £%s", s.charges.StringFixed(2),
		s.credits.StringFixed(2), 100*share, s.net.StringFixed(2))
	t.Logf("lot-months capped: monthly %d, annual %d", s.capped, s.annualCapped)

	require.Equal(t, 7*24, s.lotMonths)
	require.InDelta(t, 0.165, failRate, 0.135, "failure rate") // 3% to 30%
	require.InDelta(t, 0.026, share, 0.024, "credits as a share of charges")
	require.NotZero(t, s.notMeasured)
	require.NotZero(t, s.undefined)
	require.NotZero(t, s.notAppl)
	require.NotZero(t, s.excused)
	require.NotZero(t, s.capped+s.annualCapped)
	require.NotZero(t, s.byStatus["critical"])
}

// The generator scales to the whole term with every provider in every
// region, and the rulebook takes it: 21 lots x 120 months.
func TestScaledContract(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 2,520 lot-months")
	}
	data, relief, err := aasc.Generate(aasc.Config{Seed: 7, Start: bundled.Start, Months: 120, Lots: 21})
	require.NoError(t, err)
	require.Less(t, len(data), 1<<20)
	s := run(t, load(t).Rules(), data, relief)
	require.Equal(t, 21*120, s.lotMonths)
	share, _ := s.credits.Div(s.charges).Float64()
	t.Logf("21 lots x 120 months: failure rate %.1f%%, credits %.2f%% of charges, %d lot-months capped",
		100*float64(s.failed)/float64(s.measured), 100*share, s.capped)
}

// BenchmarkContract evaluates the whole term of the 21-lot contract, from
// parsed rows to capped credits.
func BenchmarkContract(b *testing.B) {
	engine := load(b)
	data, relief, err := aasc.Generate(aasc.Config{Seed: 1, Start: bundled.Start, Months: 120, Lots: 21})
	require.NoError(b, err)
	ds, rt := read(b, engine.Rules(), data, relief)
	require.Equal(b, 21*120, len(ds.Lots)*ds.Months())
	for b.Loop() {
		for _, ld := range ds.Lots {
			lot := engine.NewLot()
			for i := range ld.Rows {
				row := &ld.Rows[i]
				if _, err := lot.Month(row, rt.Lookup(ld.Keys, row.Month)); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(21*120)*float64(b.N)/b.Elapsed().Seconds(), "lot-months/s")
}
