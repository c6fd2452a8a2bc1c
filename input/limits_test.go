package input_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"

	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

// Each CSV data file beyond a limit, or with text a value may not hold, is
// rejected with its line and column, and with at most a short quote of
// what it holds.
func TestReadCSVLimits(t *testing.T) {
	row := "A,North,2025-01,1.00,1,1,1\n"
	huge := strings.Repeat("x", 2<<20)
	cases := []struct{ name, src, want string }{
		{"a key value too long", header + strings.Repeat("k", 257) + ",North,2025-01,1.00,1,1,1\n",
			"d.csv:2:1: column provider: the value is longer than 256 bytes"},
		{"a number too long", header + "A,North,2025-01,1.00,1,1," + strings.Repeat("9", limits.MaxCellBytes+1) + "\n",
			"d.csv:2:7: column nights: the value is longer than 4096 bytes"},
		{"a row too long", header + "A," + huge + ",2025-01,1.00,1,1,1\n",
			"d.csv:2:2: column region: the row is longer than 1048576 bytes (1 MiB) (a value may have at most 4096)"},
		{"a quoted value too long over many lines", header + "A,\"" + strings.Repeat("x\n", 1<<20) + "\",2025-01,1.00,1,1,1\n",
			"d.csv:524288:2: column region: the row is longer than 1048576 bytes (1 MiB) (a value may have at most 4096)"},
		{"a header too long", huge, "d.csv:1:1: the row is longer than 1048576 bytes (1 MiB) (a value may have at most 4096)"},
		{"a column name too long", "provider,region,month,monthly_charge,jobs,fixed,nights," + strings.Repeat("n", 257) + "\n",
			"d.csv:1:8: the column name is longer than 256 bytes"},
		{"an unknown column's name is quoted", "provider,region,month,monthly_charge,jobs,fixed,nights,\"a\nb\"\n",
			`d.csv:1:8: column "a\nb": unknown column (expected: provider, region, month, monthly_charge, jobs, fixed, nights)`},
		{"too many columns", strings.Repeat("c,", limits.MaxColumns) + "c\n", "d.csv:1:1025: more than 1024 columns"},
		{"a NUL byte", header + "A,North,2025\x00-01,1.00,1,1,1\n", "d.csv:2:3: column month: a NUL byte: the file is not CSV text"},
		{"a NUL byte in the header", "provider,\x00", "d.csv:1:2: a NUL byte: the file is not CSV text"},
		{"a byte order mark starting a row", header + row + "\xEF\xBB\xBFB,North,2025-01,1.00,1,1,1\n",
			"d.csv:3:1: column provider: a byte order mark (U+FEFF), which may only start the file"},
		{"a byte order mark in a value", header + "A,Nor\xEF\xBB\xBFth,2025-01,1.00,1,1,1\n",
			"d.csv:2:2: column region: a byte order mark (U+FEFF), which may only start the file"},
		{"a byte order mark in the header", "provider,\xEF\xBB\xBFregion,month,monthly_charge,jobs,fixed,nights\n",
			"d.csv:1:2: a byte order mark (U+FEFF), which may only start the file"},
		{"two byte order marks", "\xEF\xBB\xBF\xEF\xBB\xBF" + header + row,
			"d.csv:1:1: a byte order mark (U+FEFF), which may only start the file"},
		{"a line break in a key", header + "\"A\nB\",North,2025-01,1.00,1,1,1\n",
			"d.csv:2:1: column provider: the value holds a line break; key values, months and KPI ids are one line"},
		{"a carriage return in a key", header + "A,\"Nor\rth\",2025-01,1.00,1,1,1\n",
			"d.csv:2:2: column region: the value holds a line break; key values, months and KPI ids are one line"},
		{"a line break in a month", header + "A,North,\"2025\n-01\",1.00,1,1,1\n",
			"d.csv:2:3: column month: the value holds a line break; key values, months and KPI ids are one line"},
		{"a control character in a key", header + "A\x1b[31m,North,2025-01,1.00,1,1,1\n",
			"d.csv:2:1: column provider: the value holds a control character (U+001B)"},
		{"a long bad month is quoted short", header + "A,North," + strings.Repeat("2", 200) + ",1.00,1,1,1\n",
			`d.csv:2:3: column month: month "222222222222222222222222222222"…"222222222222222222222222222222" is not YYYY-MM`},
		{"a long bad number is quoted short", header + "A,North,2025-01,1.00,1,1," + strings.Repeat("9", 100) + "\n",
			`d.csv:2:7: column nights: "999999999999999999999999999999"…"999999999999999999999999999999" is too long for a number (at most 30 digits)`},
		{"a lot named with a direction override", header + "A\u202eB,North,2025-01,1.00,1,1,1\nA\u202eB,North,2025-01,1.00,1,1,1\n",
			`d.csv:3: a second row for "A\u202eB / North" in 2025-01 (the first is line 2)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := input.ReadCSV(small(t), "d.csv", strings.NewReader(tc.src))
			var ie *rules.Problem
			require.True(t, errors.As(err, &ie), "want a *rules.Problem, got %v", err)
			require.Equal(t, tc.want, err.Error())
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

// A key cell may hold a line break in a text field, which is not a key;
// tabs are text.
func TestReadCSVTextMayBreakLines(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(`contract: X
currency: GBP
keys: [provider]
charge: charge
fields: {charge: money, note: string}
kpis:
  - {id: K1, measure: "note == '' ? 1 : 0", target: 1, credit: {fixed: {minor: 1}}}
`), nil)
	require.NoError(t, err)
	ds, err := input.ReadCSV(rb, "d.csv", strings.NewReader("provider,month,charge,note\nA\tB,2025-01,1.00,\"line one\nline\ttwo\"\n"))
	require.NoError(t, err)
	require.Equal(t, "line one\nline\ttwo", ds.Lots[0].Rows[0].Values[1])
	require.Equal(t, "A\tB", ds.Lots[0].Name())
}

// A relief file is held to the same limits: its keys, months and KPI ids
// are one line, and a reason may not be longer than a value may.
func TestReadReliefLimits(t *testing.T) {
	ds, err := input.ReadCSV(small(t), "d.csv", strings.NewReader(header+"A,North,2025-01,1.00,1,1,1\n"))
	require.NoError(t, err)
	head := "provider,region,month,kpi,reason\n"
	cases := []struct{ src, want string }{
		{head + "A,North,2025-01,\"K\n1\",storm\n", "r.csv:2:4: column kpi: the value holds a line break; key values, months and KPI ids are one line"},
		{head + "\xEF\xBB\xBFA,North,2025-01,K1,storm\n", "r.csv:2:1: column provider: a byte order mark (U+FEFF), which may only start the file"},
		{head + "A,North,2025-01,K1," + strings.Repeat("r", limits.MaxCellBytes+1) + "\n", "r.csv:2:5: column reason: the value is longer than 4096 bytes"},
		{head + "A,North,2025-01,K1,\"storm\non the coast\"\n", ""},
		{head + "A,North,2025-01," + strings.Repeat("K", 100) + ",storm\n",
			`r.csv:2:4: column kpi: unknown KPI "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKK"…"KKKKKKKKKKKKKKKKKKKKKKKKKKKKKK" (use a KPI id or * for all)`},
		{head + "A,So\u0085uth,2025-01,K1,storm\n", "r.csv:2:2: column region: the value holds a control character (U+0085)"},
		{"provider,region,month,kpi,reason\x00", "r.csv:1:5: a NUL byte: the file is not CSV text"},
	}
	for _, tc := range cases {
		_, err := input.ReadRelief(ds, []string{"K1"}, "r.csv", strings.NewReader(tc.src))
		if tc.want == "" {
			require.NoError(t, err)
			continue
		}
		require.EqualError(t, err, tc.want)
	}
}

// A Parquet file's limits come back as a *rules.Problem at the row and
// column, like a CSV file's.
func TestReadParquetLimits(t *testing.T) {
	var buf bytes.Buffer
	w, err := pq.NewWriter(&buf, []pq.Column{{Name: "provider", Kind: pq.String}, {Name: "region", Kind: pq.String},
		{Name: "month", Kind: pq.Month}, {Name: "monthly_charge", Kind: pq.Decimal, Scale: 2},
		{Name: "jobs", Kind: pq.Int64}, {Name: "fixed", Kind: pq.Int64}, {Name: "nights", Kind: pq.Decimal, Scale: 1}})
	require.NoError(t, err)
	require.NoError(t, w.Write("A", "North", rules.NewMonth(2025, 1), d("1.00"), int64(1), int64(1), d("1.5")))
	require.NoError(t, w.Write("A", strings.Repeat("x", 5000), rules.NewMonth(2025, 2), d("1.00"), int64(1), int64(1), d("1.5")))
	require.NoError(t, w.Write("A\nB", "North", rules.NewMonth(2025, 2), d("1.00"), int64(1), int64(1), d("1.5")))
	require.NoError(t, w.Close())
	_, err = input.ReadParquet(small(t), "d.parquet", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.EqualError(t, err, "d.parquet: row 2: column region: the value is longer than 4096 bytes")
	require.True(t, runner.IsInvalidInput(err))
}
