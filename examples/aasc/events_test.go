package aasc_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rules-events.yaml is rules.yaml with an events section added: the same
// contract, its repair, transport and move-notice fields measured from
// events.
func TestRulesEventsVariant(t *testing.T) {
	base, err := os.ReadFile("rules.yaml")
	require.NoError(t, err)
	variant, err := os.ReadFile("rules-events.yaml")
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(variant, base), "rules-events.yaml starts with rules.yaml, unchanged")
	rb, err := rules.Load("rules-events.yaml", kpi.Check)
	require.NoError(t, err)
	p, err := events.Compile(rb)
	require.NoError(t, err)
	assert.Equal(t, []string{"emergency_jobs", "emergency_fixed_24h", "urgent_jobs", "urgent_fixed_5d",
		"routine_jobs", "routine_fixed_20d", "moves", "moves_5_days_notice", "transport_requests", "transport_on_time"}, p.Fields())
	assert.Equal(t, []string{"repair_stops", "repairs", "moves", "transport"}, p.Files())
}

// aggregateExample measures the generated event files with the event
// rulebook, over the bundled data's lots and months.
func aggregateExample(t *testing.T, files *aasc.EventFiles) (*events.Program, *events.Result) {
	t.Helper()
	rb, err := rules.Load("rules-events.yaml", kpi.Check)
	require.NoError(t, err)
	p, err := events.Compile(rb)
	require.NoError(t, err)
	var lots [][]string
	for _, l := range aasc.Lots(0) {
		lots = append(lots, []string{l.Provider, l.Region})
	}
	agg, err := p.NewAggregator(events.Options{Lots: lots, First: bundled.Start, Last: bundled.Start.Add(bundled.Months - 1), Sample: true})
	require.NoError(t, err)
	for _, name := range p.Files() {
		require.NoError(t, agg.ReadCSV(name, name+".csv", bytes.NewReader(files.Names()[name])))
	}
	res, err := agg.Result()
	require.NoError(t, err)
	return p, res
}

// The event files reproduce data.csv: measured by the event rulebook,
// every lot-month has the data's counts, but for the few where the
// provider's return left out reopened jobs, which it finished late:
// there the computed jobs exceed the reported ones and the jobs fixed in
// time agree.
func TestEventsReconcileWithData(t *testing.T) {
	files, err := aasc.GenerateEvents(bundled, nil) // deterministic: see TestEventsSampleOnDisk
	require.NoError(t, err)

	p, res := aggregateExample(t, files)
	data, err := os.ReadFile("data.csv")
	require.NoError(t, err)
	rb := p.Rules()
	ds, _ := read(t, rb, data, []byte("provider,region,month,kpi,reason\n"))
	var diffs []events.Difference
	for _, lot := range ds.Lots {
		for i := range lot.Rows {
			row := lot.Rows[i]
			row.Values = append([]any(nil), row.Values...)
			d, err := res.Fill(&row)
			require.NoError(t, err)
			diffs = append(diffs, d...)
		}
	}
	require.NotEmpty(t, diffs)
	require.Less(t, len(diffs), 30, "about one lot-month in twelve")
	for _, d := range diffs {
		assert.Contains(t, []string{"urgent_jobs", "routine_jobs"}, d.Field, "%+v", d)
		extra := d.Computed.Sub(d.Reported)
		assert.True(t, extra.GreaterThanOrEqual(decimal.NewFromInt(1)) && extra.LessThanOrEqual(decimal.NewFromInt(3)), "%+v", d)
	}

	var sum events.SourceSummary
	for _, s := range res.Summary() {
		sum.Events += s.Events
		sum.Open += s.Open
		sum.Late += s.Late
		sum.Outside += s.Outside
	}
	// About 20,000 repair jobs a month over 25 months, and the rest.
	assert.Greater(t, sum.Events, int64(480_000))
	assert.Less(t, sum.Events, int64(560_000))
	assert.Positive(t, sum.Open, "events of the month after the data, not yet due")
	assert.Positive(t, sum.Late, "jobs still open past their deadline when the data ends")
	assert.Positive(t, sum.Outside, "jobs done early, due after the data ends")
	assert.NotEmpty(t, res.Sample())
	assert.Contains(t, string(files.Repairs), "T01:", "times the October clock change makes ambiguous, with their offset")
}

// The bundled sample is the generator's events of one lot over two
// months: go run ./examples/aasc/gen -seed 1 -months 24 -out examples/aasc
// -events examples/aasc/events-sample -events-region Wales
// -events-from 2024-12 -events-to 2025-01
func TestEventsSampleOnDisk(t *testing.T) {
	files, err := aasc.GenerateEvents(bundled, &aasc.EventFilter{Region: "Wales", From: rules.NewMonth(2024, 12), To: rules.NewMonth(2025, 1)})
	require.NoError(t, err)
	for name, data := range files.Names() {
		onDisk, err := os.ReadFile(filepath.Join("events-sample", name+".csv"))
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, onDisk), "events-sample/%s.csv is stale", name)
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		require.NoError(t, err)
		require.Greater(t, len(recs), 10, name)
		for _, r := range recs[1:] {
			if name != "repair_stops" {
				require.Equal(t, "Wales", r[2])
			}
		}
	}
	// Parquet holds the same events.
	var pq bytes.Buffer
	require.NoError(t, aasc.EventsToParquet(files.Transport, &pq))
	rb, err := rules.Load("rules-events.yaml", kpi.Check)
	require.NoError(t, err)
	p, err := events.Compile(rb)
	require.NoError(t, err)
	count := func(read func(agg *events.Aggregator) error) decimal.Decimal {
		lots := [][]string{{"Harbour Living", "Wales"}}
		agg, err := p.NewAggregator(events.Options{Lots: lots, First: rules.NewMonth(2024, 12), Last: rules.NewMonth(2024, 12)})
		require.NoError(t, err)
		for _, name := range p.Files() {
			if name == "transport" {
				require.NoError(t, read(agg))
			} else {
				require.NoError(t, agg.ReadCSV(name, name+".csv", strings.NewReader(string(files.Names()[name]))))
			}
		}
		res, err := agg.Result()
		require.NoError(t, err)
		row := kpi.Row{Keys: lots[0], Month: rules.NewMonth(2024, 12), Values: make([]any, len(rb.Fields))}
		_, err = res.Fill(&row)
		require.NoError(t, err)
		i := 0
		for j, f := range rb.Fields {
			if f.Name == "transport_on_time" {
				i = j
			}
		}
		return row.Values[i].(decimal.Decimal)
	}
	fromCSV := count(func(agg *events.Aggregator) error {
		return agg.ReadCSV("transport", "transport.csv", bytes.NewReader(files.Transport))
	})
	fromParquet := count(func(agg *events.Aggregator) error {
		return agg.ReadParquet("transport", "transport.parquet", bytes.NewReader(pq.Bytes()), int64(pq.Len()))
	})
	assert.True(t, fromCSV.IsPositive())
	assert.True(t, fromCSV.Equal(fromParquet))
}
