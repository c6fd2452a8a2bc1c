package pq

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// resultCols is a kpi_results-like schema, in its documented logical order.
var resultCols = []Column{
	{Name: "scenario", Kind: String},
	{Name: "provider", Kind: String},
	{Name: "region", Kind: String},
	{Name: "month", Kind: Month},
	{Name: "kpi", Kind: String},
	{Name: "measure", Kind: Decimal, Scale: 6, Nullable: true},
	{Name: "volume", Kind: Int64, Nullable: true},
	{Name: "target", Kind: Decimal, Scale: 6},
	{Name: "status", Kind: String},
	{Name: "streak", Kind: Int64},
	{Name: "multiplier", Kind: Decimal, Scale: 4},
	{Name: "credit", Kind: Decimal, Scale: 2},
	{Name: "reason", Kind: String, Nullable: true},
}

// resultRow returns the i-th row of a synthetic kpi_results table.
func resultRow(i int) []any {
	statuses := []string{"met", "minor", "serious", "not_measured"}
	var measure *decimal.Decimal
	var volume, reason any
	if i%9 != 4 {
		m := decimal.New(int64(900_000+i%100_000), -6)
		measure = &m
		volume = int64(i % 500)
	}
	if i%13 == 0 {
		reason = "relief: flood"
	}
	return []any{
		[]string{"baseline", "ccn-revised-kpis"}[i%2],
		fmt.Sprintf("provider-%d", i%4),
		[]string{"North East", "Wales", "Scotland", "London", "Midlands"}[i%5],
		rules.NewMonth(2016+i/12%10, 1+i%12),
		fmt.Sprintf("KPI-%02d", i%12),
		measure,
		volume,
		decimal.RequireFromString("0.98"),
		statuses[i%len(statuses)],
		i % 7,
		decimal.New(int64(10_000+5_000*(i%3)), -4),
		decimal.New(int64(i)*37-50_000, -2),
		reason,
	}
}

// writeFile writes rows with a Writer and returns the file's bytes.
func writeFile(t testing.TB, cols []Column, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, cols)
	require.NoError(t, err)
	for _, r := range rows {
		require.NoError(t, w.Write(r...))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// table is the result of reading a file with ReadTable.
type table struct {
	header []string
	rows   [][]string
}

// readTable reads a whole file with ReadTable.
func readTable(data []byte) (table, error) {
	var tb table
	err := ReadTable(bytes.NewReader(data), int64(len(data)),
		func(h []string) error {
			tb.header = append([]string(nil), h...)
			return nil
		},
		func(n int64, cells []string) error {
			if n != int64(len(tb.rows))+1 {
				return fmt.Errorf("row number %d after %d rows", n, len(tb.rows))
			}
			tb.rows = append(tb.rows, append([]string(nil), cells...))
			return nil
		})
	return tb, err
}
