package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// ApplicationID is the SQLite application_id of every ledger file: "KPCL".
const ApplicationID = 0x4B50434C

// SchemaVersion is the newest schema this package reads and writes; it is
// the file's user_version.
const SchemaVersion = 2

// tables are the ledger's tables; each gets triggers refusing UPDATE and
// DELETE.
var tables = []string{"meta", "batches", "entries", "documents"}

// migrations[v] brings a schema of version v to version v+1. A new schema
// version appends a migration; migrations never change.
var migrations = []string{schemaV1, schemaV2}

const schemaV1 = `
CREATE TABLE meta (
  contract    TEXT NOT NULL,
  currency    TEXT NOT NULL,
  minor_units TEXT NOT NULL,
  keys        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  genesis     TEXT NOT NULL
) STRICT;
CREATE TABLE batches (
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL,
  service_month TEXT NOT NULL,
  invoice_month TEXT NOT NULL,
  inputs_sha256 TEXT NOT NULL,
  rules_sha256  TEXT NOT NULL,
  recorded_at   TEXT NOT NULL,
  first_seq     INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL,
  entries       INTEGER NOT NULL,
  credit        TEXT NOT NULL,
  earn_back     TEXT NOT NULL,
  head          TEXT NOT NULL
) STRICT;
CREATE TABLE entries (
  seq                 INTEGER PRIMARY KEY,
  batch               INTEGER NOT NULL REFERENCES batches(id),
  prev_hash           TEXT NOT NULL,
  kind                TEXT NOT NULL,
  invoice_month       TEXT NOT NULL,
  service_month       TEXT NOT NULL,
  lot                 TEXT NOT NULL,
  kpi                 TEXT NOT NULL,
  level               TEXT NOT NULL,
  credit              TEXT NOT NULL,
  earn_back           TEXT NOT NULL,
  reason              TEXT NOT NULL,
  actor               TEXT NOT NULL,
  role                TEXT NOT NULL,
  inputs_sha256       TEXT NOT NULL,
  rules_sha256        TEXT NOT NULL,
  prior_inputs_sha256 TEXT NOT NULL,
  prior_rules_sha256  TEXT NOT NULL,
  recorded_at         TEXT NOT NULL,
  hash                TEXT NOT NULL
) STRICT;
CREATE INDEX entries_by_invoice ON entries (invoice_month);
`

// schemaV2 keeps the texts a close's hashes are of (its rulebook, its
// inputs' manifest), each under its SHA-256.
const schemaV2 = `
CREATE TABLE documents (
  sha256  TEXT PRIMARY KEY,
  content TEXT NOT NULL
) STRICT;
`

// appendOnly returns the triggers that refuse UPDATE and DELETE on a table.
func appendOnly(table string) string {
	const trigger = `CREATE TRIGGER IF NOT EXISTS %[1]s_no_%[2]s BEFORE %[3]s ON %[1]s
BEGIN SELECT RAISE(ABORT, 'the kpicredit ledger is append-only: %[3]s on %[1]s refused'); END;
`
	return fmt.Sprintf(trigger, table, "update", "UPDATE") + fmt.Sprintf(trigger, table, "delete", "DELETE")
}

// migrate brings the schema from version from to SchemaVersion inside the
// caller's transaction, and (re)creates the append-only triggers.
func migrate(ctx context.Context, c *sql.Conn, from int) error {
	for v := from; v < len(migrations); v++ {
		if _, err := c.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("schema migration to version %d: %w", v+1, err)
		}
	}
	for _, t := range tables {
		var n int
		err := c.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", t).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			continue // a table of a later schema version
		}
		if _, err := c.ExecContext(ctx, appendOnly(t)); err != nil {
			return fmt.Errorf("append-only triggers on %s: %w", t, err)
		}
	}
	_, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d",
		ApplicationID, len(migrations)))
	return err
}
