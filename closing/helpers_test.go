package closing_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func month(s string) rules.Month {
	m, err := rules.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// contract is a contract's files copied into a temporary directory, so
// that a test can correct them between closes, and its ledger's path.
type contract struct {
	files  runner.Files
	ledger string
}

// example copies the example contract (rules, data, relief).
func example(t *testing.T) *contract {
	t.Helper()
	dir := t.TempDir()
	c := &contract{ledger: filepath.Join(dir, "ledger.db"), files: runner.Files{Rules: filepath.Join(dir, "rules.yaml"),
		Data: filepath.Join(dir, "data.csv"), Relief: filepath.Join(dir, "relief.csv")}}
	for from, to := range map[string]string{"../examples/aasc/rules.yaml": c.files.Rules,
		"../examples/aasc/data.csv": c.files.Data, "../examples/aasc/relief.csv": c.files.Relief} {
		b, err := os.ReadFile(from)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(to, b, 0o644))
	}
	return c
}

// edit replaces old, which must occur once, with new in one of the files.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), old), "%s holds %q once", path, old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// close loads the contract's files as they are now and closes a month.
func (c *contract) close(t *testing.T, m string) (*closing.Result, error) {
	t.Helper()
	ctx := context.Background()
	job, src, err := closing.Load(ctx, c.files)
	require.NoError(t, err)
	return closing.Close(ctx, job, src, c.ledger, month(m))
}

// mustClose closes a month and fails the test on error.
func (c *contract) mustClose(t *testing.T, m string) *closing.Result {
	t.Helper()
	res, err := c.close(t, m)
	require.NoError(t, err)
	return res
}

// entries returns the ledger's entries.
func (c *contract) entries(t *testing.T) []ledger.Entry {
	t.Helper()
	l, err := closing.Open(context.Background(), c.ledger)
	require.NoError(t, err)
	defer l.Close()
	es, err := l.Entries(context.Background())
	require.NoError(t, err)
	return es
}

// lotSum sums the nets of the entries for a lot and service month, of the
// kinds given (all when none).
func lotSum(es []ledger.Entry, lot []string, m rules.Month, kinds ...ledger.Kind) decimal.Decimal {
	sum := decimal.Zero
	for _, e := range es {
		if e.Service == m && strings.Join(e.Lot, "/") == strings.Join(lot, "/") && (len(kinds) == 0 || contains(kinds, e.Kind)) {
			sum = sum.Add(e.Net())
		}
	}
	return sum
}

func contains(ks []ledger.Kind, k ledger.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// requireMoney compares amounts by value.
func requireMoney(t *testing.T, want string, got decimal.Decimal, msg ...any) {
	t.Helper()
	require.Truef(t, dec(want).Equal(got), "want %s, got %s %v", want, got, msg)
}

// setUserVersion sets a ledger file's schema version with plain SQLite.
func setUserVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v))
	require.NoError(t, err)
}
