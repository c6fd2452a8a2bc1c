package events_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/require"
)

// benchEvents writes n repair events of the test rulebook's form, spread
// over April to June 2025 and the two lots, as CSV and as Parquet.
func benchEvents(tb testing.TB, n int) (csvData, parquetData []byte) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var c bytes.Buffer
	c.WriteString(header)
	var p bytes.Buffer
	cols := []pq.Column{{Name: "job", Kind: pq.String}, {Name: "provider", Kind: pq.String}, {Name: "region", Kind: pq.String},
		{Name: "priority", Kind: pq.String}, {Name: "reported", Kind: pq.Timestamp}, {Name: "completed", Kind: pq.Timestamp, Nullable: true},
		{Name: "no_access_from", Kind: pq.Timestamp, Nullable: true}, {Name: "no_access_to", Kind: pq.Timestamp, Nullable: true},
		{Name: "cost", Kind: pq.Decimal, Scale: 2}}
	w, err := pq.NewWriter(&p, cols)
	require.NoError(tb, err)
	first := time.Date(2025, 4, 1, 0, 0, 0, 0, sla.London())
	for i := range n {
		start := first.Add(time.Duration(rng.IntN(85*24*60)) * time.Minute)
		end := start.Add(time.Duration(rng.IntN(12*24*60)) * time.Minute)
		region, prio := "North", "urgent"
		if i%7 == 0 {
			region = "Scotland"
		}
		if i%5 == 0 {
			prio = "emergency"
		}
		var from, to any
		fromS, toS := "", ""
		if i%12 == 0 {
			f := start.Add(3 * time.Hour)
			from, to, fromS, toS = f, f.Add(26*time.Hour), f.Format("2006-01-02 15:04"), f.Add(26*time.Hour).Format("2006-01-02 15:04")
		}
		cost := fmt.Sprintf("%d.%02d", rng.IntN(500), rng.IntN(100))
		fmt.Fprintf(&c, "J%08d,Acme,%s,%s,%s,%s,%s,%s,%s\n", i, region, prio,
			start.Format("2006-01-02 15:04"), end.Format("2006-01-02 15:04"), fromS, toS, cost)
		require.NoError(tb, w.Write(fmt.Sprintf("J%08d", i), "Acme", region, prio, start, end, from, to, mustDec(cost)))
	}
	require.NoError(tb, w.Close())
	return c.Bytes(), p.Bytes()
}

// BenchmarkAggregate reads repair events and adds them up into the test
// rulebook's nine fields (five filtered counts on two clocks, a sum, a
// mean, a maximum and a count by month of start), per event.
func BenchmarkAggregate(b *testing.B) {
	const n = 200_000
	csvData, parquetData := benchEvents(b, n)
	p := program(b, book)
	for _, form := range []string{"csv", "parquet"} {
		b.Run(form, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				agg, err := p.NewAggregator(options())
				require.NoError(b, err)
				if form == "csv" {
					err = agg.ReadCSV("repairs", "repairs.csv", bytes.NewReader(csvData))
				} else {
					err = agg.ReadParquet("repairs", "repairs.parquet", bytes.NewReader(parquetData), int64(len(parquetData)))
				}
				require.NoError(b, err)
				_, err = agg.Result()
				require.NoError(b, err)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
		})
	}
}

var _ = events.Options{}

// benchEventsFor writes the given CSV rows (without header) of the test
// rulebook's repairs as CSV and as Parquet with TIMESTAMP columns.
func benchEventsFor(tb testing.TB, rows []string) (csvData, parquetData []byte) {
	tb.Helper()
	cols := []pq.Column{{Name: "job", Kind: pq.String}, {Name: "provider", Kind: pq.String}, {Name: "region", Kind: pq.String},
		{Name: "priority", Kind: pq.String}, {Name: "reported", Kind: pq.Timestamp, Nullable: true}, {Name: "completed", Kind: pq.Timestamp, Nullable: true},
		{Name: "no_access_from", Kind: pq.Timestamp, Nullable: true}, {Name: "no_access_to", Kind: pq.Timestamp, Nullable: true},
		{Name: "cost", Kind: pq.String}}
	var p bytes.Buffer
	w, err := pq.NewWriter(&p, cols)
	require.NoError(tb, err)
	for _, r := range rows {
		cells := strings.Split(r, ",")
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
			if cols[i].Kind == pq.Timestamp {
				vals[i] = nil
				if c != "" {
					t, err := sla.ParseTime(c, sla.London())
					require.NoError(tb, err)
					vals[i] = t
				}
			}
		}
		require.NoError(tb, w.Write(vals...))
	}
	require.NoError(tb, w.Close())
	return []byte(header + strings.Join(rows, "\n") + "\n"), p.Bytes()
}
