package pq

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/internal/duckdbtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests check files against DuckDB, through tools/duckdb/query.mjs
// (see internal/duckdbtest). They need `npm ci --prefix tools/duckdb`;
// without it they skip, except under CI=true, where they fail.

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func TestDuckDBReadsWrittenFile(t *testing.T) {
	cols := append(append([]Column(nil), resultCols...), Column{Name: "wide", Kind: WideDecimal, Scale: 16, Nullable: true})
	const n = 20_000
	rows := make([][]any, n)
	var credit, measure, wide decimal.Decimal
	var volume int64
	measures := 0
	for i := range rows {
		r := resultRow(i)
		var w any
		if i%5 != 0 {
			x := decimal.New(int64(i)*7919, -16).Add(decimal.New(int64(i%1000), 0)).Neg()
			wide, w = wide.Add(x), x
		}
		rows[i] = append(r, w)
		credit = credit.Add(r[11].(decimal.Decimal))
		if m := r[5].(*decimal.Decimal); m != nil {
			measure, measures = measure.Add(*m), measures+1
			volume += r[6].(int64)
		}
	}
	path := filepath.Join(t.TempDir(), "kpi_results.parquet")
	require.NoError(t, os.WriteFile(path, writeFile(t, cols, rows), 0o644))
	file := sqlString(path)

	res := duckdbtest.Query(t,
		"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+file+")",
		"SELECT count(*) AS n, sum(credit) AS credit, sum(measure) AS measure, count(measure) AS measures, "+
			"sum(volume) AS volume, sum(wide) AS wide, min(month) AS first, max(month) AS last, "+
			"count(DISTINCT region) AS regions, count(reason) AS reasons FROM "+file,
		"SELECT scenario, provider, region, month, kpi, status, multiplier FROM "+file+" LIMIT 1",
	)
	require.Len(t, res, 3)

	var names, types []string
	for _, r := range res[0] {
		names = append(names, r["column_name"].(string))
		types = append(types, r["column_type"].(string))
	}
	t.Logf("DuckDB columns: %v", types)
	assert.Equal(t, []string{"scenario", "provider", "region", "month", "kpi", "measure", "volume",
		"target", "status", "streak", "multiplier", "credit", "reason", "wide"}, names, "column order")
	assert.Equal(t, []string{"VARCHAR", "VARCHAR", "VARCHAR", "DATE", "VARCHAR", "DECIMAL(18,6)", "BIGINT",
		"DECIMAL(18,6)", "VARCHAR", "BIGINT", "DECIMAL(18,4)", "DECIMAL(18,2)", "VARCHAR", "DECIMAL(38,16)"}, types)

	agg := res[1][0]
	t.Logf("DuckDB aggregates: %v", agg)
	assert.Equal(t, strconv.Itoa(n), agg["n"])
	assertDecimal(t, credit, agg["credit"], "sum(credit)")
	assertDecimal(t, measure, agg["measure"], "sum(measure)")
	assertDecimal(t, wide, agg["wide"], "sum(wide)")
	assert.Equal(t, strconv.Itoa(measures), agg["measures"])
	assertDecimal(t, decimal.NewFromInt(volume), agg["volume"], "sum(volume)")
	assert.Equal(t, "2016-01-01", agg["first"])
	assert.Equal(t, "2025-12-01", agg["last"])
	assert.Equal(t, "5", agg["regions"])
	assert.Equal(t, map[string]any{"scenario": "baseline", "provider": "provider-0", "region": "North East",
		"month": "2016-01-01", "kpi": "KPI-00", "status": "met", "multiplier": "1.0000"}, res[2][0])
}

func assertDecimal(t *testing.T, want decimal.Decimal, got any, what string) {
	t.Helper()
	s, _ := got.(string)
	d, err := decimal.NewFromString(s)
	if assert.NoError(t, err, "%s: %v", what, got) {
		assert.True(t, want.Equal(d), "%s: DuckDB %s, want %s", what, s, want)
	}
}

// duckDBInput is a query for a table of the types other tools write: DOUBLE,
// INTEGER, string months, DATE, BOOLEAN, DECIMAL as INT32, INT64 and
// FIXED_LEN_BYTE_ARRAY, NULLs.
const duckDBInput = `SELECT i AS id, 'P' || (i % 3) AS provider, printf('2025-%02d', 1 + i % 12) AS month,
	(i * 0.1)::DOUBLE AS dbl, (i - 100)::INTEGER AS i32, ((i % 600) * 1.5)::DECIMAL(4,1) AS d41,
	(i * -1.125)::DECIMAL(18,3) AS d183, (i * 12345678901234.5)::DECIMAL(30,5) AS d305,
	CASE WHEN i % 4 = 0 THEN NULL ELSE i END AS maybe, i % 2 = 0 AS flag,
	DATE '2024-01-01' + (i % 40)::INTEGER AS day
	FROM range(%d) t(i)`

func TestReadTableDuckDBFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "input.parquet")
	src := strings.Replace(duckDBInput, "%d", "5000", 1)
	res := duckdbtest.Query(t,
		"COPY ("+src+") TO "+sqlString(path)+" (FORMAT parquet, ROW_GROUP_SIZE 2048)",
		"SELECT COLUMNS(*)::VARCHAR FROM "+sqlString(path), // file order: DuckDB preserves it
	)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	got, err := readTable(data)
	require.NoError(t, err)
	want := res[1]
	require.Len(t, got.rows, len(want))
	for i, row := range got.rows {
		for j, name := range got.header {
			assertCell(t, name, want[i][name], row[j], fmt.Sprintf("row %d column %s", i+1, name))
		}
	}
}

// assertCell compares a ReadTable cell of a duckDBInput column with
// DuckDB's text for the value.
func assertCell(t *testing.T, column string, duck any, cell string, where string) {
	t.Helper()
	s, isText := duck.(string)
	switch {
	case !isText:
		assert.Equal(t, "", cell, "%s: NULL", where)
	case column == "dbl": // DuckDB writes 0.0, Go 0
		want, err1 := strconv.ParseFloat(s, 64)
		got, err2 := strconv.ParseFloat(cell, 64)
		assert.True(t, err1 == nil && err2 == nil && want == got, "%s: DuckDB %s, cell %s", where, s, cell)
	case column == "day" && strings.HasSuffix(s, "-01"):
		assert.Equal(t, s[:len("2025-03")], cell, where)
	default:
		assert.Equal(t, s, cell, where)
	}
}

// TestDuckDBFixture reads testdata/duckdb.parquet, which DuckDB wrote (data
// page v1, snappy, dictionary and plain pages, three row groups), without
// needing DuckDB. TestDuckDBFixtureCurrent checks it is what DuckDB writes.
func TestDuckDBFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "duckdb.parquet"))
	require.NoError(t, err)
	got, err := readTable(data)
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "provider", "month", "dbl", "i32", "d41", "d183", "d305", "maybe", "flag", "day"}, got.header)
	require.Len(t, got.rows, fixtureRows)
	assert.Equal(t, []string{"0", "P0", "2025-01", "0", "-100", "0.0", "0.000", "0.00000", "", "true", "2024-01"}, got.rows[0])
	assert.Equal(t, []string{"7", "P1", "2025-08", "0.7", "-93", "10.5", "-7.875", "86419752308641.50000", "7", "false", "2024-01-08"}, got.rows[7])
	assert.Equal(t, []string{"299", "P2", "2025-12", "29.9", "199", "448.5", "-336.375", "3691357991469115.50000", "299", "false", "2024-01-20"}, got.rows[299])
}

const fixtureRows = 300

// fixtureSQL writes testdata/duckdb.parquet.
func fixtureSQL(path string) string {
	return "COPY (" + strings.Replace(duckDBInput, "%d", strconv.Itoa(fixtureRows), 1) + ") TO " +
		sqlString(path) + " (FORMAT parquet, ROW_GROUP_SIZE 100)"
}

// TestDuckDBFixtureCurrent checks that DuckDB still writes the rows of
// testdata/duckdb.parquet; with UPDATE_FIXTURE=1 it rewrites the file.
func TestDuckDBFixtureCurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "duckdb.parquet")
	if os.Getenv("UPDATE_FIXTURE") == "1" {
		path = filepath.Join("testdata", "duckdb.parquet")
	}
	duckdbtest.Query(t, fixtureSQL(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	fresh, err := readTable(data)
	require.NoError(t, err)
	data, err = os.ReadFile(filepath.Join("testdata", "duckdb.parquet"))
	require.NoError(t, err)
	committed, err := readTable(data)
	require.NoError(t, err)
	assert.Equal(t, fresh, committed)
}
