package ledger

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// threeMonths is a ledger with three closes, an adjustment and a waiver.
func threeMonths(t *testing.T) *Ledger {
	t.Helper()
	l := newLedger(t)
	jan := []Figure{fig("2025-01", "Acme", "North", "KPI-01", "1200.00", "0"), fig("2025-01", "Acme", "North", "KPI-02", "0", "-10.00")}
	mustClose(t, l, closeReq("2025-01", hashes("jan"), jan...))
	feb := append([]Figure{fig("2025-01", "Acme", "North", "KPI-01", "1100.00", "0"), jan[1]},
		fig("2025-02", "Acme", "North", "KPI-01", "80.00", "0"), fig("2025-02", "Acme", "North", "KPI-02", "0", "0"))
	mustClose(t, l, closeReq("2025-02", hashes("feb"), feb...))
	_, err := l.Waive(t.Context(), authority, waiver("Ann", "100.00"))
	require.NoError(t, err)
	mar := append(feb, fig("2025-03", "Acme", "North", "KPI-01", "0", "0"))
	r := closeReq("2025-03", hashes("mar"), mar...)
	r.Figures.Documents = []string{"inputs mar", "rules mar"}
	mustClose(t, l, r)
	return l
}

// rawExec runs SQL on the ledger file as an outside SQLite tool would.
func rawExec(t *testing.T, l *Ledger, sql string) {
	t.Helper()
	db := rawDB(t, l.Path())
	defer db.Close()
	_, err := db.Exec(sql)
	require.NoError(t, err)
}

func dropTriggers(t *testing.T, l *Ledger) {
	t.Helper()
	for _, table := range tables {
		rawExec(t, l, "DROP TRIGGER "+table+"_no_update; DROP TRIGGER "+table+"_no_delete")
	}
}

func TestVerifyAClean(t *testing.T) {
	l := threeMonths(t)
	rep, err := l.Verify(t.Context(), l.row.Genesis)
	require.NoError(t, err)
	head, err := l.Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, Report{Entries: 7, Batches: 4, Closed: rep.Closed, Head: head}, *rep)
	assert.Equal(t, "[2025-01 2025-02 2025-03]", monthsText(rep.Closed))
}

func TestVerifyEmptyLedger(t *testing.T) {
	l := newLedger(t)
	rep, err := l.Verify(t.Context())
	require.NoError(t, err)
	assert.Equal(t, l.row.Genesis, rep.Head)
	head, err := l.Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, l.row.Genesis, head)
}

// An entry edited with an outside tool, triggers dropped, is named.
func TestVerifyFindsAnEditedAmount(t *testing.T) {
	l := threeMonths(t)
	dropTriggers(t, l)
	rawExec(t, l, "UPDATE entries SET credit = '1000.00' WHERE seq = 3")
	_, err := l.Verify(t.Context())
	var ve *VerifyError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.ErrorIs(t, err, ErrTampered)
	msgs := problems(ve)
	assert.Contains(t, msgs, "entry 3: contents do not match its hash")
	assert.Contains(t, msgs, "batch 2: credit total -20.00, its entries sum to 900.00")
	assert.Contains(t, msgs, "trigger entries_no_update is missing")
	assert.NotContains(t, msgs, "entry 4", "later entries still chain to the stored hash")
}

func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string
	}{
		{"entry rehashed after an edit", "UPDATE entries SET kpi = 'KPI-09', hash = 'x' WHERE seq = 2",
			[]string{"entry 2: contents do not match", "entry 3: prev_hash", "batch 1: head"}},
		{"last entry deleted", "DELETE FROM entries WHERE seq = 7",
			[]string{"batch 4: records 1 entries, the ledger has 0", "the batches cover entries 1 to 7, the ledger has 6"}},
		{"middle entry deleted", "DELETE FROM entries WHERE seq = 4",
			[]string{"entry 5: out of sequence", "entry 5: prev_hash"}},
		{"batch total edited", "UPDATE batches SET earn_back = '0.00' WHERE id = 1",
			[]string{"batch 1: earn-back total 0.00, its entries sum to -10.00"}},
		{"meta edited", "UPDATE meta SET currency = 'EUR'",
			[]string{"meta: genesis", "meta changed while the ledger was open"}},
		{"amount respelled", "UPDATE entries SET credit = '1200.0' WHERE seq = 1",
			[]string{"entry 1: contents do not match", "entry 1: ledger fails verification: entry 1: credit: amount \"1200.0\""}},
		{"moved to another batch", "UPDATE entries SET batch = 3 WHERE seq = 5",
			[]string{"entry 5: contents do not match", "batch 3: records 1 entries, the ledger has 2"}},
		{"unknown batch", "UPDATE entries SET batch = 9 WHERE seq = 5",
			[]string{"entry 5: batch 9 does not exist"}},
		{"document edited", "UPDATE documents SET content = 'rules MAR' WHERE content = 'rules mar'",
			[]string{"document " + hashes("mar").Rulebook + ": its text has the SHA-256 " + hashes("MAR").Rulebook}},
		{"kind changed", "UPDATE entries SET kind = 'bonus' WHERE seq = 6",
			[]string{"entry 6: unknown kind \"bonus\"", "batch 3: holds entries of another kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := threeMonths(t)
			dropTriggers(t, l)
			rawExec(t, l, tt.sql)
			_, err := l.Verify(t.Context())
			var ve *VerifyError
			require.True(t, errors.As(err, &ve), "%v", err)
			msgs := problems(ve)
			for _, w := range tt.want {
				assert.Contains(t, msgs, w)
			}
		})
	}
}

func problems(ve *VerifyError) string {
	var b strings.Builder
	for _, p := range ve.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// An anchor (a head printed earlier) must be in the chain: a ledger
// rebuilt from the start with a different history does not pass.
func TestVerifyAnchors(t *testing.T) {
	l := threeMonths(t)
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	_, err = l.Verify(t.Context(), es[3].Hash, es[6].Hash)
	require.NoError(t, err)
	other := newLedger(t)
	mustClose(t, other, closeReq("2025-01", hashes("jan"), fig("2025-01", "Acme", "North", "KPI-01", "1.00", "0")))
	_, err = other.Verify(t.Context(), es[0].Hash)
	var ve *VerifyError
	require.True(t, errors.As(err, &ve))
	assert.Contains(t, problems(ve), "anchor "+es[0].Hash+" is not a hash in the chain")
}

// The triggers refuse UPDATE and DELETE on every table from any tool.
func TestAppendOnlyTriggers(t *testing.T) {
	l := threeMonths(t)
	db := rawDB(t, l.Path())
	defer db.Close()
	before := dump(t, l.Path())
	for _, table := range tables {
		for _, sql := range []string{"UPDATE " + table + " SET rowid = rowid", "DELETE FROM " + table} {
			_, err := db.Exec(sql)
			require.Error(t, err, sql)
			assert.Contains(t, err.Error(), "append-only", sql)
		}
	}
	assert.Equal(t, before, dump(t, l.Path()))
}

// The package's code has no UPDATE or DELETE statement: the only ones are
// the triggers that refuse them.
func TestNoUpdateOrDeleteInCode(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	stmt := regexp.MustCompile(`(?i)\b(update|delete)\b`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, "BEFORE %[3]s ON") || strings.Contains(line, `"update", "UPDATE"`) ||
				strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if m := stmt.FindString(line); m != "" && strings.Contains(strings.ToUpper(line), strings.ToUpper(m)+" ") {
				t.Errorf("%s:%d: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
