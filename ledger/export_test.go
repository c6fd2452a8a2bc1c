package ledger

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/internal/duckdbtest"
	"github.com/kpicredit/kpicredit/internal/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// export writes the ledger's Parquet export and returns it and the head.
func export(t *testing.T, l *Ledger) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	head, err := l.Export(t.Context(), &buf)
	require.NoError(t, err)
	return buf.Bytes(), head
}

func TestExport(t *testing.T) {
	l := threeMonths(t)
	b, head := export(t, l)
	want, err := l.Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, want, head)

	var cols []string
	var rows [][]string
	err = pq.ReadTable(bytes.NewReader(b), int64(len(b)), func(h []string) error { cols = h; return nil },
		func(_ int64, cells []string) error { rows = append(rows, append([]string(nil), cells...)); return nil })
	require.NoError(t, err)
	assert.Equal(t, "seq batch kind invoice_month service_month provider region kpi level credit earn_back net "+
		"reason actor role inputs_sha256 rules_sha256 prior_inputs_sha256 prior_rules_sha256 recorded_at prev_hash hash",
		strings.Join(cols, " "))
	require.Len(t, rows, 7)
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	for i, r := range rows {
		e := es[i]
		cell := func(name string) string { return r[indexOf(cols, name)] }
		assert.Equal(t, e.Hash, cell("hash"), i)
		assert.Equal(t, e.Service.String(), cell("service_month"), i)
		assert.Equal(t, e.Lot[1], cell("region"), i)
		assert.Equal(t, e.Credit.StringFixed(2), cell("credit"), i)
		assert.Equal(t, e.Net().StringFixed(2), cell("net"), i)
	}
	adj := rows[4]
	assert.Equal(t, "adjustment", adj[indexOf(cols, "kind")])
	assert.Equal(t, hashes("jan").Inputs, adj[indexOf(cols, "prior_inputs_sha256")])
	assert.Equal(t, "", rows[0][indexOf(cols, "prior_inputs_sha256")], "NULL on a credit")

	again, _ := export(t, l)
	assert.Equal(t, b, again, "the same ledger gives the same bytes")
}

func indexOf(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	panic("no column " + name)
}

// DuckDB reads the export with money as DECIMAL and months as DATE, and its
// sums are the ledger's.
func TestExportInDuckDB(t *testing.T) {
	l := threeMonths(t)
	b, _ := export(t, l)
	path := filepath.Join(t.TempDir(), "ledger.parquet")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	res := duckdbtest.Query(t,
		"SELECT typeof(credit) AS c, typeof(service_month) AS m FROM '"+path+"' LIMIT 1",
		"SELECT strftime(service_month, '%Y-%m') AS m, sum(net) AS net FROM '"+path+"' GROUP BY 1 ORDER BY 1")
	assert.Equal(t, []duckdbtest.Row{{"c": "DECIMAL(18,2)", "m": "DATE"}}, res[0])
	got := map[string]string{}
	for _, r := range res[1] {
		got[r["m"].(string)] = r["net"].(string)
	}
	want := map[string]string{}
	for m, a := range sums(t, l) {
		want[m.String()] = a.Credit.Add(a.EarnBack).StringFixed(2)
	}
	assert.Equal(t, want, got)
}

// A lot key named like another column cannot be exported.
func TestExportKeyClash(t *testing.T) {
	m := testMeta
	m.Keys = []string{"provider", "kpi"}
	l, err := Create(t.Context(), filepath.Join(t.TempDir(), "l.db"), m)
	require.NoError(t, err)
	defer l.Close()
	_, err = l.Export(t.Context(), &bytes.Buffer{})
	assert.ErrorContains(t, err, `duplicate column "kpi"`)
}
