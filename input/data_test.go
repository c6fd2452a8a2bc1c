package input_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func small(t testing.TB) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Load("../testdata/small/small.yaml", nil)
	require.NoError(t, err)
	return rb
}

const header = "provider,region,month,monthly_charge,jobs,fixed,nights\n"

func TestReadCSV(t *testing.T) {
	ds, err := input.ReadCSV(small(t), "d.csv", strings.NewReader(
		"\xEF\xBB\xBF"+strings.ReplaceAll(header+
			"B,North,2025-02,1.00,1,1,1\nA,North,2025-02,1.00,1,1,1\nB,North,2025-01,1.00,1,1,1\nA,North,2025-01,2.50,0,0,-1.5\n", "\n", "\r\n")))
	require.NoError(t, err)
	require.Equal(t, rules.NewMonth(2025, 1), ds.First)
	require.Equal(t, rules.NewMonth(2025, 2), ds.Last)
	require.Len(t, ds.Lots, 2)
	require.Equal(t, []string{"A", "North"}, ds.Lots[0].Keys, "lots sorted by key")
	r := ds.Lots[0].Rows[0]
	require.Equal(t, rules.NewMonth(2025, 1), r.Month, "months sorted")
	require.Equal(t, "2.5", r.Values[0].(rules.Decimal).String())
	require.Equal(t, "-1.5", r.Values[3].(rules.Decimal).String())
}

// A data file may leave out the columns of fields the rulebook's events
// fill (nil until the events fill them), but no other.
func TestReadCSVEventFields(t *testing.T) {
	rb, err := rules.Load("../testdata/small/small-events.yaml", nil)
	require.NoError(t, err)
	ds, err := input.ReadCSV(rb, "d.csv", strings.NewReader("provider,region,month,monthly_charge,nights\nA,North,2025-01,1.00,2\n"))
	require.NoError(t, err)
	require.Equal(t, []any{d("1.00"), nil, nil, d("2")}, ds.Lots[0].Rows[0].Values)
	require.Error(t, ds.Check(rb), "unfit to run until the events fill them")

	_, err = input.ReadCSV(rb, "d.csv", strings.NewReader("provider,region,month,monthly_charge,jobs\nA,North,2025-01,1.00,2\n"))
	require.EqualError(t, err, "d.csv:1: column nights: missing column")
	_, err = input.ReadCSV(small(t), "d.csv", strings.NewReader("provider,region,month,monthly_charge,nights\nA,North,2025-01,1.00,2\n"))
	require.EqualError(t, err, "d.csv:1: column jobs: missing column", "without events every field is required")
}

// Trailing zeros are not decimal places: Parquet DECIMAL(18,4) money,
// DECIMAL(10,2) counts and DECIMAL(38,18) measures are read as their
// values; a count of -0 (from floating point) is 0.
func TestReadCSVTrailingZeros(t *testing.T) {
	ds, err := input.ReadCSV(small(t), "d.csv", strings.NewReader(header+
		"A,North,2025-01,10000.0000,20.00,-0,18.500000000000000000\n"))
	require.NoError(t, err)
	v := ds.Lots[0].Rows[0].Values
	for i, want := range []string{"10000", "20", "0", "18.5"} {
		require.Equal(t, want, v[i].(rules.Decimal).String(), "column %d", i)
	}
	require.Equal(t, int32(0), v[1].(rules.Decimal).Exponent(), "a count is held whole")
}

// Every problem names the file, line and column, and is a *rules.Problem.
func TestReadCSVErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"empty", "", "d.csv: the file is empty; it needs a header row"},
		{"header only", header, "d.csv: no data rows after the header"},
		{"unknown column", "provider,region,month,monthly_charge,jobs,fixed,nights,colour\n",
			"d.csv:1:8: column colour: unknown column (expected: provider, region, month, monthly_charge, jobs, fixed, nights)"},
		{"missing column", "provider,region,month,monthly_charge,jobs,fixed\n", "d.csv:1: column nights: missing column"},
		{"repeated column", "provider,region,month,month,monthly_charge,jobs,fixed,nights\n", "d.csv:1:4: column month: the column is repeated"},
		{"semicolons", "provider;region;month;monthly_charge;jobs;fixed;nights\n",
			`d.csv:1:1: the header "provider;region;month;monthly_charge;jobs;fixed;nights" has one column: columns must be separated by commas`},
		{"short row", header + "A,North,2025-01,1.00,1,1\n", "d.csv:2: the row has 6 values; the header has 7 columns"},
		{"bad month", header + "A,North,2025-1,1.00,1,1,1\n", `d.csv:2:3: column month: month "2025-1" is not YYYY-MM`},
		{"before the contract", header + "A,North,2024-12,1.00,1,1,1\n", "d.csv:2:3: column month: 2024-12 is before the contract starts (2025-01)"},
		{"after the contract", header + "A,North,2030-01,1.00,1,1,1\n", "d.csv:2:3: column month: 2030-01 is after the contract ends (2029-12)"},
		{"not a number", header + "A,North,2025-01,1.00,abc,1,1\n",
			`d.csv:2:5: column jobs: "abc" is not a number (write digits with an optional - and decimal point, e.g. 1234.50)`},
		{"negative count", header + "A,North,2025-01,1.00,-3,1,1\n", "d.csv:2:5: column jobs: a count cannot be negative, got -3"},
		{"fractional count", header + "A,North,2025-01,1.00,2.5,1,1\n", "d.csv:2:5: column jobs: a count must be a whole number, got 2.5"},
		{"scientific notation", header + "A,North,2025-01,1.00,1e3,1,1\n",
			`d.csv:2:5: column jobs: "1e3" is not a number (write digits with an optional - and decimal point, e.g. 1234.50)`},
		{"huge number", header + "A,North,2025-01,1.00," + strings.Repeat("9", 40) + ",1,1\n",
			`d.csv:2:5: column jobs: "9999999999999999999999999999999999999999" is too long for a number (at most 30 digits)`},
		{"negative money", header + "A,North,2025-01,-1.00,1,1,1\n", "d.csv:2:4: column monthly_charge: money cannot be negative here, got -1.00"},
		{"fraction of a penny", header + "A,North,2025-01,1.001,1,1,1\n", "d.csv:2:4: column monthly_charge: 1.001 has more than 2 decimal places"},
		{"decimal too precise", header + "A,North,2025-01,1.00,1,1,20.00000000000000000001\n", "d.csv:2:7: column nights: 20.00000000000000000001 has more than 16 decimal places"},
		{"money too large", header + "A,North,2025-01,10000000000000.00,1,1,1\n", "d.csv:2:4: column monthly_charge: 10000000000000.00 is too large for money (at most 13 digits before the decimal point)"},
		{"largest money", header + "A,North,2025-01,9999999999999.99,1,1,1\nA,North,2025-02,x,1,1,1\n", "d.csv:3:4: column monthly_charge: \"x\" is not a number (write digits with an optional - and decimal point, e.g. 1234.50)"},
		{"missing value", header + "A,,2025-01,1.00,1,1,1\n", "d.csv:2:2: column region: missing value"},
		{"not UTF-8", header + "A,Nor\xffth,2025-01,1.00,1,1,1\n", "d.csv:2:2: column region: the value is not valid UTF-8 text"},
		{"duplicate lot-month", header + "A,North,2025-01,1.00,1,1,1\nA,North,2025-01,1.00,1,1,1\n",
			"d.csv:3: a second row for A / North in 2025-01 (the first is line 2)"},
		{"missing lot-month", header + "A,North,2025-01,1.00,1,1,1\nA,North,2025-03,1.00,1,1,1\n",
			"d.csv: lot A / North has no row for 2025-02 (the data runs from 2025-01 to 2025-03)"},
		{"a lot that stops early", header + "A,North,2025-01,1.00,1,1,1\nA,North,2025-02,1.00,1,1,1\nB,North,2025-01,1.00,1,1,1\n",
			"d.csv: lot B / North has no row for 2025-02 (the data runs from 2025-01 to 2025-02)"},
		{"bare CR line ends", strings.ReplaceAll(header+"A,North,2025-01,1.00,1,1,1\n", "\n", "\r"),
			"d.csv:1:7: lines end with a bare carriage return; save the file with LF or CRLF line ends"},
		{"bad quoting", header + "A,\"North,2025-01,1.00,1,1,1\n", `d.csv:2: a quoted value opened on this line is never closed (a " inside a quoted value is written "")`},
		{"bare quote", header + "A,Nor\"th,2025-01,1.00,1,1,1\n", `d.csv:2: a " inside an unquoted value: quote the whole value and double the " ("")`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := input.ReadCSV(small(t), "d.csv", strings.NewReader(tc.src))
			var ie *rules.Problem
			require.True(t, errors.As(err, &ie), "want a *rules.Problem, got %v", err)
			require.Equal(t, tc.want, err.Error())
			require.True(t, runner.IsInvalidInput(err))
		})
	}
}

func TestReadRelief(t *testing.T) {
	rb := small(t)
	ds, err := input.ReadCSV(rb, "d.csv", strings.NewReader(header+"A,North,2025-01,1.00,1,1,1\nA,North,2025-02,1.00,1,1,1\n"))
	require.NoError(t, err)
	ids := []string{"K1", "K2"}
	rt, err := input.ReadRelief(ds, ids, "r.csv", strings.NewReader("kpi,provider,region,month,reason\nK1,A,North,2025-01,storm\n*,A,North,2025-02,fire\n"))
	require.NoError(t, err)
	require.Equal(t, 2, rt.Len())
	reason, ok := rt.Lookup([]string{"A", "North"}, rules.NewMonth(2025, 1))("K1")
	require.True(t, ok)
	require.Equal(t, "storm", reason)
	_, ok = rt.Lookup([]string{"A", "North"}, rules.NewMonth(2025, 1))("K2")
	require.False(t, ok)
	reason, ok = rt.Lookup([]string{"A", "North"}, rules.NewMonth(2025, 2))("K2")
	require.True(t, ok, "* covers every KPI")
	require.Equal(t, "fire", reason)

	for _, tc := range []struct{ src, want string }{
		{"", "r.csv: the file is empty; it needs a header row"},
		{"provider,region,month,kpi\n", "r.csv:1: column reason: missing column"},
		{"provider,region,month,kpi,reason,extra\n", "r.csv:1:6: column extra: unknown column (expected: provider, region, month, kpi, reason)"},
		{"provider,region,month,kpi,reason\nA,South,2025-01,K1,x\n", "r.csv:2:1: lot A / South is not in the data"},
		{"provider,region,month,kpi,reason\nA,North,2025-05,K1,x\n", "r.csv:2:3: column month: 2025-05 is outside the data (2025-01 to 2025-02)"},
		{"provider,region,month,kpi,reason\nA,North,2025-01,K9,x\n", `r.csv:2:4: column kpi: unknown KPI "K9" (use a KPI id or * for all)`},
		{"provider,region,month,kpi,reason\nA,North,2025-01,K1,\n", "r.csv:2:5: column reason: missing value"},
		{"provider,region,month,kpi,reason\nA,North,2025-01,K1,x\nA,North,2025-01,K1,y\n", "r.csv:3: repeats the relief of line 2"},
	} {
		_, err := input.ReadRelief(ds, ids, "r.csv", strings.NewReader(tc.src))
		require.EqualError(t, err, tc.want)
		require.True(t, runner.IsInvalidInput(err))
	}
}

// The example's Parquet data reads into the same dataset as its CSV.
func TestReadParquetMatchesCSV(t *testing.T) {
	rb, err := rules.Load("../examples/aasc/rules.yaml", nil)
	require.NoError(t, err)
	fromCSV, err := input.LoadData(rb, "../examples/aasc/data.csv")
	require.NoError(t, err)
	fromParquet, err := input.LoadData(rb, "../examples/aasc/data.parquet")
	require.NoError(t, err)
	require.Equal(t, fromCSV.First, fromParquet.First)
	require.Equal(t, fromCSV.Last, fromParquet.Last)
	require.Len(t, fromParquet.Lots, len(fromCSV.Lots))
	for i, lot := range fromCSV.Lots {
		require.Equal(t, lot.Keys, fromParquet.Lots[i].Keys)
		for m, row := range lot.Rows {
			prow := fromParquet.Lots[i].Rows[m]
			require.Equal(t, row.Month, prow.Month)
			for f, v := range row.Values {
				require.Truef(t, v.(rules.Decimal).Equal(prow.Values[f].(rules.Decimal)), "%s %s %s", lot.Name(), row.Month, rb.Fields[f].Name)
			}
		}
	}
}

// A bad value in a Parquet file is placed at its row and column.
func TestReadParquetErrors(t *testing.T) {
	rb := small(t)
	var buf bytes.Buffer
	w, err := pq.NewWriter(&buf, []pq.Column{{Name: "provider", Kind: pq.String}, {Name: "region", Kind: pq.String},
		{Name: "month", Kind: pq.Month}, {Name: "monthly_charge", Kind: pq.Decimal, Scale: 2},
		{Name: "jobs", Kind: pq.Int64}, {Name: "fixed", Kind: pq.Int64}, {Name: "nights", Kind: pq.Decimal, Scale: 1}})
	require.NoError(t, err)
	require.NoError(t, w.Write("A", "North", rules.NewMonth(2025, 1), d("1.00"), int64(1), int64(1), d("1.5")))
	require.NoError(t, w.Write("A", "North", rules.NewMonth(2025, 2), d("1.00"), int64(-4), int64(1), d("1.5")))
	require.NoError(t, w.Close())
	_, err = input.ReadParquet(rb, "d.parquet", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.EqualError(t, err, "d.parquet: row 2: column jobs: a count cannot be negative, got -4")
	require.True(t, runner.IsInvalidInput(err))

	_, err = input.ReadParquet(rb, "d.parquet", bytes.NewReader(buf.Bytes()[:100]), 100)
	require.ErrorContains(t, err, "d.parquet: ")
	require.True(t, runner.IsInvalidInput(err))
}
