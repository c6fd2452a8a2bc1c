package ledger

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateAndOpen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "l.db")
	l, err := Create(ctx, path, testMeta)
	require.NoError(t, err)
	assert.Equal(t, testMeta, l.Meta())
	mustClose(t, l, closeReq("2025-03", hashes("a"), fig("2025-03", "A", "N", "K", "1.00", "0")))
	require.NoError(t, l.Close())

	l, err = Open(ctx, path)
	require.NoError(t, err)
	defer l.Close()
	assert.Equal(t, testMeta, l.Meta())
	closed, err := l.Closed(ctx)
	require.NoError(t, err)
	assert.Equal(t, "[2025-03]", monthsText(closed))

	db := rawDB(t, path)
	defer db.Close()
	var mode string
	require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "delete", mode)
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "one file, no journal left")
}

func TestCreateRefusesAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	require.NoError(t, os.WriteFile(path, nil, 0o644))
	_, err := Create(t.Context(), path, testMeta)
	assert.ErrorIs(t, err, ErrExists)
}

// A Create that fails leaves no file behind: here it is cancelled inside
// its transaction, after SQLite has made the file.
func TestCreateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	testHookBegun = cancel
	defer func() { testHookBegun = nil }()
	path := filepath.Join(t.TempDir(), "l.db")
	_, err := Create(ctx, path, testMeta)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestCreateInvalidMeta(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Meta)
	}{
		{"lower-case currency", func(m *Meta) { m.Currency = "gbp" }},
		{"long currency", func(m *Meta) { m.Currency = "GBPX" }},
		{"negative minor units", func(m *Meta) { m.MinorUnits = -1 }},
		{"too many minor units", func(m *Meta) { m.MinorUnits = 9 }},
		{"no keys", func(m *Meta) { m.Keys = nil }},
		{"empty key", func(m *Meta) { m.Keys = []string{"provider", ""} }},
		{"repeated key", func(m *Meta) { m.Keys = []string{"provider", "provider"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMeta
			m.Keys = slices.Clone(m.Keys)
			tt.edit(&m)
			path := filepath.Join(t.TempDir(), "l.db")
			_, err := Create(t.Context(), path, m)
			assert.ErrorIs(t, err, ErrInvalid)
			_, err = os.Stat(path)
			assert.ErrorIs(t, err, fs.ErrNotExist, "no file created")
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
		want  error
	}{
		{"missing file", func(t *testing.T, path string) {}, fs.ErrNotExist},
		{"text file", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("provider,region\nAcme,North\n"), 0o644))
		}, ErrNotLedger},
		{"empty file", func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, nil, 0o644))
		}, ErrNotLedger},
		{"another SQLite database", func(t *testing.T, path string) {
			db := rawDB(t, path)
			defer db.Close()
			_, err := db.Exec("CREATE TABLE entries (x); PRAGMA user_version = 1")
			require.NoError(t, err)
		}, ErrNotLedger},
		{"newer schema", func(t *testing.T, path string) {
			l, err := Create(t.Context(), path, testMeta)
			require.NoError(t, err)
			l.Close()
			db := rawDB(t, path)
			defer db.Close()
			_, err = db.Exec("PRAGMA user_version = 7")
			require.NoError(t, err)
		}, ErrNewerSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "l.db")
			tt.setup(t, path)
			before, _ := os.ReadFile(path)
			l, err := Open(t.Context(), path)
			require.Error(t, err)
			assert.Nil(t, l)
			assert.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), path)
			after, _ := os.ReadFile(path)
			assert.Equal(t, before, after, "file unchanged")
		})
	}
}

func TestVersionError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	l, err := Create(t.Context(), path, testMeta)
	require.NoError(t, err)
	l.Close()
	db := rawDB(t, path)
	_, err = db.Exec("PRAGMA user_version = 7")
	require.NoError(t, err)
	db.Close()
	_, err = Open(t.Context(), path)
	var ve *VersionError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, VersionError{Path: path, Version: 7, Supported: SchemaVersion}, *ve)
}

// Opening a ledger of an older schema applies the migrations since.
func TestOpenMigrates(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "l.db")
	l, err := Create(ctx, path, testMeta)
	require.NoError(t, err)
	mustClose(t, l, closeReq("2025-03", hashes("a"), fig("2025-03", "A", "N", "K", "1.00", "0")))
	l.Close()

	saved := migrations
	defer func() { migrations = saved }()
	migrations = append(slices.Clone(saved), "CREATE TABLE notes (seq INTEGER, note TEXT NOT NULL) STRICT;")
	tables = append(tables, "notes")
	defer func() { tables = tables[:len(tables)-1] }()

	l, err = Open(ctx, path)
	require.NoError(t, err)
	_, err = l.Verify(ctx)
	require.NoError(t, err, "the new table has its triggers, the entries are intact")
	l.Close()
	db := rawDB(t, path)
	defer db.Close()
	var v int
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&v))
	assert.Equal(t, SchemaVersion+1, v)

	migrations = saved
	_, err = Open(ctx, path)
	assert.ErrorIs(t, err, ErrNewerSchema, "the program of the old schema refuses it")
}

func TestSchemaVersionIsTheMigrations(t *testing.T) {
	assert.Equal(t, SchemaVersion, len(migrations))
}

// A ledger of schema 1 (before documents) is migrated when opened: it gets
// the documents table and its triggers, and its entries verify as before.
func TestOpenMigratesVersion1(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "l.db")
	saved := migrations
	migrations = migrations[:1]
	l, err := Create(ctx, path, testMeta)
	require.NoError(t, err)
	mustClose(t, l, closeReq("2025-03", hashes("a"), fig("2025-03", "A", "N", "K", "1.00", "0")))
	l.Close()
	migrations = saved
	assert.NotContains(t, tableNames(t, path), "documents")

	l, err = Open(ctx, path)
	require.NoError(t, err)
	defer l.Close()
	_, err = l.Verify(ctx)
	require.NoError(t, err, "the documents table has its triggers; the entries are intact")
	r := closeReq("2025-04", hashes("b"), fig("2025-03", "A", "N", "K", "1.00", "0"), fig("2025-04", "A", "N", "K", "2.00", "0"))
	r.Figures.Documents = []string{"rules b"}
	mustClose(t, l, r)
	doc, err := l.Document(ctx, hashes("b").Rulebook)
	require.NoError(t, err)
	assert.Equal(t, "rules b", doc)
}

// tableNames lists the tables of a ledger file.
func tableNames(t *testing.T, path string) []string {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table'")
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	return out
}
