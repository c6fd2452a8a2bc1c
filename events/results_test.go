package events_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func exclusions(t *testing.T, p *events.Program, text string) *events.Exclusions {
	t.Helper()
	ex, err := p.ReadExclusions("exclusions.csv", strings.NewReader(text))
	require.NoError(t, err)
	return ex
}

// An excluded event counts in no field; the result and the explanation
// list it with its reason.
func TestExclusions(t *testing.T) {
	p := program(t, book)
	opt := options()
	opt.Exclusions = exclusions(t, p, "source,event_id,reason\nrepairs,U2,Tenant refused access: evidence ref 1234\n")
	opt.Explain = &events.ExplainRequest{Lot: north, Month: june}
	r, err := run(t, p, opt, map[string]string{"repairs": worked})
	require.NoError(t, err)
	assert.Equal(t, "3", value(t, r, north, june, "urgent_jobs"), "U1, U3, U6; not U2")
	assert.Equal(t, "1", value(t, r, north, june, "urgent_late"), "U6")
	assert.Equal(t, "100.75", value(t, r, north, june, "cost"))
	ex := r.Excluded()
	require.Len(t, ex, 1)
	assert.Equal(t, "U2", ex[0].ID)
	assert.Equal(t, north, ex[0].Lot)
	assert.Equal(t, int64(3), ex[0].Row)
	var counts []events.FieldMonth
	for _, f := range []string{"urgent_jobs", "urgent_fixed", "urgent_late", "cost", "mean_cost", "max_cost"} {
		counts = append(counts, events.FieldMonth{Field: f, Month: june})
	}
	counts = append(counts, events.FieldMonth{Field: "started", Month: may})
	assert.Equal(t, counts, ex[0].Counts, "the fields and months it would have counted in")
	assert.Equal(t, []string{"urgent_jobs", "cost"}, ex[0].FieldsIn(june, []string{"cost", "urgent_jobs", "started"}))
	assert.Equal(t, []string{"started"}, ex[0].FieldsIn(may, []string{"cost", "urgent_jobs", "started"}))
	assert.Empty(t, ex[0].FieldsIn(june-2, []string{"cost", "urgent_jobs", "started"}))
	assert.Equal(t, int64(1), r.Summary()[0].Excluded)
	var names []string
	for _, f := range r.Explanation().Fields {
		if len(f.Excluded) > 0 {
			names = append(names, f.Field)
			assert.Equal(t, "Tenant refused access: evidence ref 1234", f.Excluded[0].Reason)
		}
	}
	assert.Equal(t, []string{"urgent_jobs", "urgent_fixed", "urgent_late", "cost", "mean_cost", "max_cost"}, names,
		"started counts by month of start: May")
}

func TestExclusionErrors(t *testing.T) {
	p := program(t, book)
	cases := []struct{ name, text, want string }{
		{"unknown source", "source,event_id,reason\nmoves,U2,x\n",
			`exclusions.csv:2:1: column source: "moves" is not an event source of the rulebook (its sources: repairs)`},
		{"twice", "source,event_id,reason\nrepairs,U2,x\nrepairs,U2,y\n",
			`exclusions.csv:3:2: column event_id: the event "U2" of repairs is excluded twice (first on line 2)`},
		{"no reason", "source,event_id,reason\nrepairs,U2,\n", "exclusions.csv:2:3: column reason: missing value"},
		{"no id", "reason,source,event_id\nx,repairs,\n", "exclusions.csv:2:3: column event_id: missing value"},
		{"unknown column", "source,event,reason\n", "exclusions.csv:1:2: column event: unknown column (expected: source, event_id, reason)"},
		{"empty", "", "exclusions.csv: the file is empty; it needs a header row (source,event_id,reason)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.ReadExclusions("exclusions.csv", strings.NewReader(tc.text))
			require.EqualError(t, err, tc.want)
			assert.True(t, events.IsInvalidInput(err))
		})
	}
	// An exclusion of an event the source does not have.
	opt := options()
	opt.Exclusions = exclusions(t, p, "source,event_id,reason\nrepairs,U1,x\nrepairs,U99,typo\n")
	_, err := run(t, p, opt, map[string]string{"repairs": worked})
	require.EqualError(t, err, `exclusions.csv:3:2: column event_id: the source repairs has no event "U99"`)
	assert.ErrorIs(t, err, events.ErrUnknownEvent)
}

// The sample of a lot-month is the first max(1, ceil(share x n)) of its
// events in order of SHA-256(contract|month|source|id), whatever order the
// file holds them in; two runs draw the same.
func TestSample(t *testing.T) {
	p := program(t, book)
	var rows []string
	for i := range 3000 {
		lot := "North"
		if i%10 == 0 {
			lot = "Scotland"
		}
		rows = append(rows, fmt.Sprintf("J%05d,Acme,%s,routine,2025-05-%02d 10:00,,,,1", i, lot, 1+i%28))
	}
	draw := func(rows []string) []events.SampleRow {
		opt := options()
		opt.Sample = true
		r, err := run(t, p, opt, map[string]string{"repairs": header + strings.Join(rows, "\n") + "\n"})
		require.NoError(t, err)
		return r.Sample()
	}
	got := draw(rows)
	// 2,700 North events in May: ceil(3.5% x 2700) = 95; 300 in Scotland: 11.
	want := map[string][]string{}
	for _, r := range rows {
		c := strings.Split(r, ",")
		want[c[2]] = append(want[c[2]], c[0])
	}
	for lot, ids := range want {
		slices.SortFunc(ids, func(a, b string) int {
			ha, hb := sha256.Sum256([]byte("Test contract|2025-05|repairs|"+a)), sha256.Sum256([]byte("Test contract|2025-05|repairs|"+b))
			return bytes.Compare(ha[:], hb[:])
		})
		want[lot] = ids[:map[string]int{"North": 95, "Scotland": 11}[lot]]
	}
	byLot := map[string][]string{}
	for _, s := range got {
		byLot[s.Lot[1]] = append(byLot[s.Lot[1]], s.ID)
		assert.Equal(t, may, s.Month)
		assert.Equal(t, map[string]int{"North": 95, "Scotland": 11}[s.Lot[1]], s.Size)
	}
	assert.Equal(t, want, byLot)
	// The same events from a file in another order.
	ids := func(s []events.SampleRow) []string {
		var out []string
		for _, r := range s {
			out = append(out, r.ID)
		}
		return out
	}
	slices.Reverse(rows)
	assert.Equal(t, ids(got), ids(draw(rows)))

	var buf bytes.Buffer
	require.NoError(t, events.WriteSampleCSV(&buf, p.Rules(), got[:1]))
	lines := strings.Split(buf.String(), "\n")
	assert.Equal(t, "source,provider,region,month,rank,sample_size,events,event_id,file,line,start,end,sha256", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "repairs,Acme,North,2025-05,1,95,2700,"+got[0].ID+",repairs.csv,"), lines[1])
	assert.Contains(t, lines[1], ",2025-05-")
	assert.Contains(t, lines[1], "T10:00:00+01:00,,")
}

func TestSampleSize(t *testing.T) {
	pct := decimal.RequireFromString("3.5")
	for _, tc := range []struct{ n, want int64 }{{0, 0}, {1, 1}, {28, 1}, {29, 2}, {200, 7}, {2700, 95}, {2714, 95}, {2715, 96}} {
		assert.Equal(t, tc.want, events.SampleSize(tc.n, pct), "n=%d", tc.n)
	}
}

// An explanation shows a lot-month's counts and, up to the limit, the
// events that missed their clocks with their times.
func TestExplanation(t *testing.T) {
	p := program(t, book)
	opt := options()
	opt.Explain = &events.ExplainRequest{Lot: north, Month: june, Limit: 1}
	r, err := run(t, p, opt, map[string]string{"repairs": worked})
	require.NoError(t, err)
	x := r.Explanation()
	require.NotNil(t, x)
	var f events.FieldExplanation
	for _, fe := range x.Fields {
		if fe.Field == "urgent_fixed" {
			f = fe
		}
	}
	assert.Equal(t, "2", f.Value.String())
	assert.Equal(t, []int64{4, 2, 1, 1}, []int64{f.Events, f.Met, f.Missed, f.Late})
	require.Len(t, f.Failed, 1, "the limit")
	d := f.Failed[0]
	assert.Equal(t, "U2", d.ID)
	assert.Equal(t, "2025-05-23 16:55", d.Start.Format("2006-01-02 15:04"))
	assert.Equal(t, "2025-06-03 00:00", d.Deadline.Format("2006-01-02 15:04"))
	assert.Equal(t, "2025-06-03 09:00", d.End.Format("2006-01-02 15:04"))
	assert.Equal(t, map[string]int64{"repairs": 1}, x.Open)

	var buf bytes.Buffer
	require.NoError(t, x.WriteText(&buf, "urgent_fixed"))
	assert.Equal(t, `urgent_fixed = 2: count: met of the repairs events where priority == "urgent", clock urgent (5 working_days), counted in their deadline month
  4 events in 2025-06: 2 met, 1 missed, 1 still open past the deadline
  missed the clock (1 of 2 shown):
    U2 (repairs.csv line 3): started Fri 23 May 2025 16:55 +01:00, due Tue 3 Jun 2025 00:00 +01:00, ended Tue 3 Jun 2025 09:00 +01:00
repairs: 1 events that started in 2025-06 are open and not yet due: counted once they end or fall due
`, buf.String())

	// The stop time counted, for U3 in a request for its own month.
	opt.Explain = &events.ExplainRequest{Lot: north, Month: june, Limit: 5}
	r, err = run(t, p, opt, map[string]string{"repairs": header +
		"U3,Acme,North,urgent,2025-05-23 16:55,2025-06-04 00:01,2025-05-28 00:00,2025-05-29 00:00,0\n"})
	require.NoError(t, err)
	for _, fe := range r.Explanation().Fields {
		if fe.Field == "urgent_late" {
			require.Len(t, fe.Failed, 1)
			assert.Equal(t, 24*time.Hour, fe.Failed[0].Stopped)
		}
	}
	// No explanation unless asked.
	r, err = run(t, p, options(), map[string]string{"repairs": worked})
	require.NoError(t, err)
	assert.Nil(t, r.Explanation())

	opt.Explain = &events.ExplainRequest{Lot: []string{"Acme", "South"}, Month: june}
	_, err = p.NewAggregator(opt)
	require.EqualError(t, err, "the lot Acme / South to explain is not in the monthly data")
	opt.Explain = &events.ExplainRequest{Lot: north, Month: june + 1}
	_, err = p.NewAggregator(opt)
	require.EqualError(t, err, "the month 2025-07 to explain is not in the monthly data (2025-04 to 2025-06)")
}

// Fill puts the computed values into a data row and reports where the
// provider's figures differ.
func TestFill(t *testing.T) {
	p := program(t, book)
	r, err := run(t, p, options(), map[string]string{"repairs": worked})
	require.NoError(t, err)
	rb := p.Rules()
	row := kpi.Row{Keys: north, Month: june, Values: make([]any, len(rb.Fields))}
	row.Values[0] = decimal.RequireFromString("1000.00") // the charge, not an event field
	row.Values[1] = decimal.NewFromInt(4)                // urgent_jobs: as computed
	row.Values[2] = decimal.NewFromInt(3)                // urgent_fixed: the provider says 3
	diffs, err := r.Fill(&row)
	require.NoError(t, err)
	require.Len(t, diffs, 1)
	assert.Equal(t, "urgent_fixed", diffs[0].Field)
	assert.Equal(t, "repairs", diffs[0].Source)
	assert.Equal(t, "3", diffs[0].Reported.String())
	assert.Equal(t, "2", diffs[0].Computed.String())
	assert.Equal(t, "1000", row.Values[0].(decimal.Decimal).String())
	for i, f := range rb.Fields[1:] {
		v, ok := r.Value(north, june, f.Name)
		require.True(t, ok)
		assert.Equal(t, v, row.Values[i+1], f.Name)
	}
	_, err = r.Fill(&kpi.Row{Keys: north, Month: rules.NewMonth(2025, 7), Values: make([]any, len(rb.Fields))})
	require.Error(t, err)
	_, ok := r.Value(north, june, "charge")
	assert.False(t, ok)
}
