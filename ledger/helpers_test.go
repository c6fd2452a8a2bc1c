package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// testMeta is the meta of the ledgers tests create.
var testMeta = Meta{Contract: "Asylum accommodation", Currency: "GBP", MinorUnits: 2,
	Keys: []string{"provider", "region"}, Created: time.Date(2025, 1, 31, 9, 0, 0, 0, time.UTC)}

// at is the time tests record entries at.
var at = time.Date(2025, 4, 2, 10, 30, 0, 0, time.UTC)

// newLedger creates a ledger in a temporary directory.
func newLedger(t testing.TB) *Ledger {
	t.Helper()
	l, err := Create(t.Context(), filepath.Join(t.TempDir(), "ledger.db"), testMeta)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func month(s string) rules.Month {
	m, err := rules.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// fig is a figure of lot provider/region.
func fig(m, provider, region, kpi, credit, earnBack string) Figure {
	return Figure{Month: month(m), Lot: []string{provider, region}, KPI: kpi, Level: "minor",
		Credit: dec(credit), EarnBack: dec(earnBack)}
}

// hashes returns distinct hashes named by a word.
func hashes(word string) Hashes {
	h := func(s string) string { x := sha256.Sum256([]byte(s)); return hex.EncodeToString(x[:]) }
	return Hashes{Inputs: h("inputs " + word), Rulebook: h("rules " + word)}
}

// closeReq is a close request at the test time.
func closeReq(m string, h Hashes, figs ...Figure) CloseRequest {
	return CloseRequest{Month: month(m), Figures: Figures{Hashes: h, Lines: figs}, At: at}
}

// authority has a manager who may waive 1000.00 and a director 10000.00
// in total on one credit.
var authority = Authority{
	Roles:     []Role{{Name: "manager", Limit: dec("1000.00")}, {Name: "director", Limit: dec("10000.00")}},
	Approvers: []Approver{{Name: "Ann", Role: "manager"}, {Name: "Bob", Role: "manager"}, {Name: "Dee", Role: "director"}},
}

// dump returns every row of every table of the ledger file as text, read
// through a connection of its own.
func dump(t testing.TB, path string) []string {
	t.Helper()
	var out []string
	all := dumpTables(t, path)
	for _, table := range tables {
		for _, r := range all[table] {
			out = append(out, table+": "+r)
		}
	}
	return out
}

// dumpTables returns the rows of each table as text, in rowid order.
func dumpTables(t testing.TB, path string) map[string][]string {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table + " ORDER BY rowid")
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			require.NoError(t, rows.Scan(ptrs...))
			out[table] = append(out[table], fmt.Sprint(vals...))
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return out
}

// rawDB opens the ledger file with plain SQLite, as an outside tool would.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	return db
}

// mustClose closes a month and fails the test on error.
func mustClose(t testing.TB, l *Ledger, r CloseRequest) *CloseResult {
	t.Helper()
	res, err := l.CloseMonth(context.Background(), r)
	require.NoError(t, err)
	return res
}

// sums returns, per service month, the sum of the entries' credits and
// earn-backs.
func sums(t testing.TB, l *Ledger) map[rules.Month]Amounts {
	t.Helper()
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	out := map[rules.Month]Amounts{}
	for _, e := range es {
		a := out[e.Service]
		a.Credit, a.EarnBack = a.Credit.Add(e.Credit), a.EarnBack.Add(e.EarnBack)
		out[e.Service] = a
	}
	return out
}

// kinds returns the kinds of the entries in order, as one string.
func kindList(t testing.TB, l *Ledger) string {
	t.Helper()
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	var ks []string
	for _, e := range es {
		ks = append(ks, string(e.Kind))
	}
	return strings.Join(ks, " ")
}
