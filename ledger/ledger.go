package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Ledger is an open ledger file. Its methods are safe for concurrent use;
// two writes at once through one Ledger fail like two on one file: the
// second with ErrBusy.
type Ledger struct {
	path string
	db   *sql.DB
	meta Meta
	row  metaRow
	mu   sync.Mutex // held by a write, tried and never waited for
}

// readerWait is how long a reader waits for a commit to end.
const readerWait = 5 * time.Second

// dsn returns the data source name of the file at path: a URI, so the path
// is escaped, with the pragmas every connection gets.
func dsn(path, mode string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?mode=" + mode +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", readerWait.Milliseconds()) +
		"&_pragma=journal_mode(DELETE)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
}

// Create creates a ledger file at path for a contract. It refuses a path
// that exists (ErrExists). A zero meta.Created is the current time.
func Create(ctx context.Context, path string, meta Meta) (*Ledger, error) {
	if meta.Created.IsZero() {
		meta.Created = time.Now()
	}
	if err := checkMeta(meta); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrExists)
	}
	db, err := sql.Open("sqlite", dsn(path, "rwc"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &Ledger{path: path, db: db, row: toMetaRow(meta)}
	if l.meta, err = l.row.meta(); err != nil { // as read back: times in UTC
		db.Close()
		return nil, err
	}
	err = l.write(ctx, func(c *sql.Conn) error {
		var v int
		if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		if v != 0 {
			return ErrExists // created since the Lstat
		}
		if err := migrate(ctx, c, 0); err != nil {
			return err
		}
		return insertMeta(ctx, c, l.row)
	})
	if err != nil {
		db.Close()
		if !errors.Is(err, ErrExists) {
			removeEmpty(path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// removeEmpty removes the empty file a failed Create leaves.
func removeEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		os.Remove(path)
	}
}

func insertMeta(ctx context.Context, c *sql.Conn, r metaRow) error {
	_, err := c.ExecContext(ctx, `INSERT INTO meta (contract, currency, minor_units, keys, created_at, genesis)
VALUES (?, ?, ?, ?, ?, ?)`, r.Contract, r.Currency, r.MinorUnits, r.Keys, r.Created, r.Genesis)
	return err
}

// checkMeta checks a ledger's meta.
func checkMeta(m Meta) error {
	if len(m.Currency) != 3 || strings.ToUpper(m.Currency) != m.Currency {
		return invalid("currency %q is not an ISO 4217 code", m.Currency)
	}
	if m.MinorUnits < 0 || m.MinorUnits > 8 {
		return invalid("minor units %d out of range 0..8", m.MinorUnits)
	}
	if len(m.Keys) == 0 {
		return invalid("no lot key columns")
	}
	for i, k := range m.Keys {
		if k == "" || slices.Contains(m.Keys[:i], k) {
			return invalid("lot key columns %q: empty or repeated", m.Keys)
		}
	}
	return nil
}

// Open opens an existing ledger file, migrating an older schema. A file that
// is not a ledger is ErrNotLedger, a newer one a *VersionError, a missing
// one fs.ErrNotExist.
func Open(ctx context.Context, path string) (*Ledger, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err // names the path; errors.Is(err, fs.ErrNotExist) when missing
	}
	db, err := sql.Open("sqlite", dsn(path, "rw"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &Ledger{path: path, db: db}
	if err := l.open(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return l, nil
}

// open checks the file's identity and version, migrates, and reads meta.
func (l *Ledger) open(ctx context.Context) error {
	id, v, err := l.header(ctx)
	if err != nil {
		return err
	}
	if id != ApplicationID || v == 0 {
		return fmt.Errorf("%s: %w (application_id %#x, user_version %d)", l.path, ErrNotLedger, id, v)
	}
	if v > len(migrations) {
		return &VersionError{Path: l.path, Version: v, Supported: len(migrations)}
	}
	if v < len(migrations) {
		err := l.write(ctx, func(c *sql.Conn) error {
			var now int
			if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
				return err
			}
			return migrate(ctx, c, now)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", l.path, err)
		}
	}
	return l.readMeta(ctx)
}

// header returns the file's application_id and user_version.
func (l *Ledger) header(ctx context.Context) (id, version int, err error) {
	err = l.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id)
	if err == nil {
		err = l.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return 0, 0, fmt.Errorf("%s: %w: %v", l.path, ErrNotLedger, err)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", l.path, busy(err))
	}
	return id, version, nil
}

func (l *Ledger) readMeta(ctx context.Context) error {
	r := &l.row
	err := l.db.QueryRowContext(ctx, `SELECT contract, currency, minor_units, keys, created_at, genesis FROM meta`).
		Scan(&r.Contract, &r.Currency, &r.MinorUnits, &r.Keys, &r.Created, &r.Genesis)
	if err != nil {
		return fmt.Errorf("%s: %w: meta: %v", l.path, ErrNotLedger, err)
	}
	if l.meta, err = r.meta(); err != nil {
		return fmt.Errorf("%s: %w: %v", l.path, ErrNotLedger, err)
	}
	return nil
}

// Meta returns what the ledger is about.
func (l *Ledger) Meta() Meta {
	m := l.meta
	m.Keys = slices.Clone(m.Keys)
	return m
}

// Path returns the ledger's file.
func (l *Ledger) Path() string { return l.path }

// Close closes the file.
func (l *Ledger) Close() error { return l.db.Close() }

// write runs fn in one write transaction on one connection: BEGIN IMMEDIATE
// with no busy wait (another writer is ErrBusy), then COMMIT, or ROLLBACK if
// fn or the commit fails.
func (l *Ledger) write(ctx context.Context, fn func(*sql.Conn) error) error {
	if !l.mu.TryLock() {
		return ErrBusy
	}
	defer l.mu.Unlock()
	c, err := l.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := begin(ctx, c); err != nil {
		return err
	}
	ended := false
	defer func() {
		if !ended { // fn panicked: end the transaction before the connection goes back to the pool
			_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if testHookBegun != nil {
		testHookBegun()
	}
	if err = fn(c); err == nil {
		err = ctx.Err()
	}
	if err == nil && testHookCommit != nil {
		testHookCommit()
	}
	if err == nil {
		// not cancellable: an interrupted COMMIT would leave the outcome unclear
		_, err = c.ExecContext(context.WithoutCancel(ctx), "COMMIT")
		err = busy(err)
	}
	if err != nil {
		_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	}
	ended = true
	return err
}

// testHookBegun and testHookCommit, when set by a test, run in every write
// transaction: before its work, and before its COMMIT.
var testHookBegun, testHookCommit func()

// begin starts an immediate transaction without waiting for a lock, then
// lets the commit wait for readers.
func begin(ctx context.Context, c *sql.Conn) error {
	if _, err := c.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		return err
	}
	_, err := c.ExecContext(ctx, "BEGIN IMMEDIATE")
	_, err2 := c.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", readerWait.Milliseconds()))
	if err == nil && err2 != nil {
		_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err2
	}
	return busy(err)
}

// busy turns SQLite's BUSY and LOCKED into ErrBusy.
func busy(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		if c := se.Code() & 0xff; c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED {
			return fmt.Errorf("%w: %v", ErrBusy, err)
		}
	}
	return err
}
