package aasc_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// bundled is how the bundled data.csv and relief.csv were generated.
var bundled = aasc.Config{Seed: 1, Start: rules.NewMonth(2024, 9), Months: 24}

// load loads and compiles the example rulebook.
func load(t testing.TB) *kpi.Program {
	t.Helper()
	rb, err := rules.Load("rules.yaml")
	require.NoError(t, err)
	prog, err := kpi.Compile(rb)
	require.NoError(t, err)
	return prog
}

func TestRulebookShape(t *testing.T) {
	rb := load(t).Rules()
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
		_, err := kpi.Compile(s.Rules()) // every scenario's rules compile too
		require.NoError(t, err, s.ID)
	}
	require.Contains(t, ids, "ccn-proportionate")
	require.Contains(t, ids, "notice-target-sweep/target=0.90")
	require.Contains(t, ids, "notice-target-sweep/target=0.99")
	require.Len(t, ids, 11)

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

func run(t testing.TB, prog *kpi.Program, data, reliefCSV []byte) stats {
	t.Helper()
	rows, err := readRows(prog.Rules(), bytes.NewReader(data))
	require.NoError(t, err)
	relief, err := readRelief(bytes.NewReader(reliefCSV))
	require.NoError(t, err)
	s := stats{byStatus: map[string]int{}}
	for _, lot := range rows {
		l := newLot(prog)
		for _, row := range lot {
			lm, err := l.Month(row, relief.of(row))
			require.NoError(t, err)
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
	data, relief := bundledFiles(t)
	s := run(t, load(t), data, relief)
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
	s := run(t, load(t), data, relief)
	require.Equal(t, 21*120, s.lotMonths)
	share, _ := s.credits.Div(s.charges).Float64()
	t.Logf("21 lots x 120 months: failure rate %.1f%%, credits %.2f%% of charges, %d lot-months capped",
		100*float64(s.failed)/float64(s.measured), 100*share, s.capped)
}

// BenchmarkContract evaluates the whole term of the 21-lot contract, from
// parsed rows to capped credits.
func BenchmarkContract(b *testing.B) {
	prog := load(b)
	data, reliefCSV, err := aasc.Generate(aasc.Config{Seed: 1, Start: bundled.Start, Months: 120, Lots: 21})
	require.NoError(b, err)
	lots, err := readRows(prog.Rules(), bytes.NewReader(data))
	require.NoError(b, err)
	relief, err := readRelief(bytes.NewReader(reliefCSV))
	require.NoError(b, err)
	for b.Loop() {
		for _, rows := range lots {
			l := newLot(prog)
			for _, row := range rows {
				if _, err := l.Month(row, relief.of(row)); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(21*120)*float64(b.N)/b.Elapsed().Seconds(), "lot-months/s")
}

// lot runs one lot's months through the KPI expressions and the credit
// calculator, carrying streaks and caps from month to month. It does what
// the runner's Lot does, kept here so that the example does not follow the
// runner's API while that settles.
type lot struct {
	rb      *rules.Rulebook
	eval    *kpi.Evaluator
	credits *credits.Lot
	charge  int // index of the charge field
}

// lotMonth is a lot's results for one month, per KPI in rulebook order.
type lotMonth struct {
	Results []kpi.Result
	Credits *credits.LotMonth
}

func newLot(prog *kpi.Program) *lot {
	rb := prog.Rules()
	i := slices.IndexFunc(rb.Fields, func(f rules.Field) bool { return f.Name == rb.Charge })
	return &lot{rb: rb, eval: prog.NewEvaluator(), credits: credits.New(rb).NewLot(), charge: i}
}

// Month evaluates the lot's next month; relief may be nil.
func (l *lot) Month(row *kpi.Row, relief func(kpiID string) (string, bool)) (*lotMonth, error) {
	res, err := l.eval.Evaluate(row, nil)
	if err != nil {
		return nil, err
	}
	obs := make([]credits.Observation, len(res))
	for i := range res {
		if relief != nil {
			if reason, ok := relief(l.rb.KPIs[i].ID); ok {
				res[i].Excuse(reason)
			}
		}
		obs[i] = credits.Observation{Status: res[i].Status, Measure: res[i].Measure, Reason: res[i].Reason}
	}
	cm, err := l.credits.Month(row.Month, row.Values[l.charge].(decimal.Decimal), obs)
	if err != nil {
		return nil, err
	}
	return &lotMonth{Results: res, Credits: cm}, nil
}

// bundledFiles reads the bundled data.csv and relief.csv.
func bundledFiles(t testing.TB) (data, relief []byte) {
	t.Helper()
	data, err := os.ReadFile("data.csv")
	require.NoError(t, err)
	relief, err = os.ReadFile("relief.csv")
	require.NoError(t, err)
	return data, relief
}

// readRows reads a data file into each lot's rows, lots in order of first
// appearance and months in file order. It is a test helper, not a CSV
// reader: it trusts the file to be well formed.
func readRows(rb *rules.Rulebook, r io.Reader) ([][]*kpi.Row, error) {
	recs, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	want := append(slices.Clone(rb.Keys), "month")
	for _, f := range rb.Fields {
		want = append(want, f.Name)
	}
	if !slices.Equal(recs[0], want) {
		return nil, fmt.Errorf("header %v, want %v", recs[0], want)
	}
	nk := len(rb.Keys)
	index := map[string]int{}
	var lots [][]*kpi.Row
	for _, rec := range recs[1:] {
		m, err := rules.ParseMonth(rec[nk])
		if err != nil {
			return nil, err
		}
		row := &kpi.Row{Keys: rec[:nk], Month: m}
		for i, f := range rb.Fields {
			v := rec[nk+1+i]
			if !f.Type.Numeric() {
				row.Values = append(row.Values, v)
				continue
			}
			d, err := decimal.NewFromString(v)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", rec[:nk], f.Name, err)
			}
			row.Values = append(row.Values, d)
		}
		key := strings.Join(row.Keys, "\x00")
		i, ok := index[key]
		if !ok {
			i = len(lots)
			index[key] = i
			lots = append(lots, nil)
		}
		lots[i] = append(lots[i], row)
	}
	return lots, nil
}

// reliefs holds relief entries by lot-month, then KPI id (or *).
type reliefs map[string]map[string]string

func readRelief(r io.Reader) (reliefs, error) {
	recs, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	out := reliefs{}
	for _, rec := range recs[1:] {
		key := rec[0] + "\x00" + rec[1] + "\x00" + rec[2]
		if out[key] == nil {
			out[key] = map[string]string{}
		}
		out[key][rec[3]] = rec[4]
	}
	return out, nil
}

// of returns the relief of a lot-month for lot.Month, or nil.
func (r reliefs) of(row *kpi.Row) func(kpiID string) (string, bool) {
	m := r[strings.Join(row.Keys, "\x00")+"\x00"+row.Month.String()]
	if m == nil {
		return nil
	}
	return func(id string) (string, bool) {
		if reason, ok := m[id]; ok {
			return reason, true
		}
		reason, ok := m["*"]
		return reason, ok
	}
}

func readCSV(r io.Reader) ([][]string, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err == nil && len(recs) == 0 {
		err = io.ErrUnexpectedEOF
	}
	return recs, err
}
