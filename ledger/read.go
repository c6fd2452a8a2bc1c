package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/kpicredit/kpicredit/rules"
)

// Entries returns every entry, in order. A row that cannot be parsed is an
// error wrapping ErrTampered; Verify says more.
func (l *Ledger) Entries(ctx context.Context) ([]Entry, error) {
	var out []Entry
	err := scanRows(ctx, l.db, func(r *row) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, err := l.entry(r)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	return out, nil
}

// Head returns the chain head: the hash of the last entry, or the genesis
// hash while there is none.
func (l *Ledger) Head(ctx context.Context) (string, error) {
	head := l.row.Genesis
	rs, err := l.db.QueryContext(ctx, "SELECT hash FROM entries ORDER BY seq DESC LIMIT 1")
	if err != nil {
		return "", fmt.Errorf("%s: %w", l.path, busy(err))
	}
	defer rs.Close()
	if rs.Next() {
		if err := rs.Scan(&head); err != nil {
			return "", fmt.Errorf("%s: %w", l.path, err)
		}
	}
	if err := rs.Err(); err != nil {
		return "", fmt.Errorf("%s: %w", l.path, busy(err))
	}
	return head, nil
}

// Closed returns the closed service months, in order.
func (l *Ledger) Closed(ctx context.Context) ([]rules.Month, error) {
	st := &state{closeHashes: map[rules.Month]Hashes{}}
	if err := l.loadCloses(ctx, l.db, st); err != nil {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	return st.closed, nil
}

// CloseInfo is one close as recorded.
type CloseInfo struct {
	Batch   int64
	Month   rules.Month // the service month closed
	Invoice rules.Month // the invoice month its entries went to
	Hashes  Hashes      // of the computation it recorded
}

// Closes returns the closes, in order.
func (l *Ledger) Closes(ctx context.Context) ([]CloseInfo, error) {
	st := &state{closeHashes: map[rules.Month]Hashes{}}
	if err := l.loadCloses(ctx, l.db, st); err != nil {
		return nil, fmt.Errorf("%s: %w", l.path, err)
	}
	return st.closes, nil
}

// Balances returns what the ledger holds for every credit, in the order
// the credits were first recorded.
func (l *Ledger) Balances(ctx context.Context) ([]Balance, error) {
	var st *state
	err := l.read(ctx, func(q querier) (err error) {
		st, err = l.loadState(ctx, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]Balance, len(st.order))
	for i, k := range st.order {
		out[i] = *st.credits[k]
		out[i].Lot = slices.Clone(out[i].Lot)
	}
	return out, nil
}

// read runs fn in one read transaction, so that what it reads is one state
// of the ledger.
func (l *Ledger) read(ctx context.Context, fn func(querier) error) error {
	tx, err := l.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("%s: %w", l.path, busy(err))
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	return nil
}

// Document returns the text stored under a SHA-256 by a close (see
// Figures.Documents); ErrNoDocument when there is none.
func (l *Ledger) Document(ctx context.Context, sha256 string) (string, error) {
	return l.document(ctx, l.db, sha256)
}

func (l *Ledger) document(ctx context.Context, q querier, sha256 string) (string, error) {
	var doc string
	rs, err := q.QueryContext(ctx, "SELECT content FROM documents WHERE sha256 = ?", sha256)
	if err != nil {
		return "", fmt.Errorf("%s: %w", l.path, busy(err))
	}
	defer rs.Close()
	if !rs.Next() {
		if err := rs.Err(); err != nil {
			return "", fmt.Errorf("%s: %w", l.path, busy(err))
		}
		return "", fmt.Errorf("%s: %w: %s", l.path, ErrNoDocument, sha256)
	}
	if err := rs.Scan(&doc); err != nil {
		return "", fmt.Errorf("%s: %w", l.path, err)
	}
	if sum([]byte(doc)) != sha256 {
		return "", fmt.Errorf("%s: %w: document %s does not match its hash (run verify)", l.path, ErrTampered, sha256)
	}
	return doc, nil
}
