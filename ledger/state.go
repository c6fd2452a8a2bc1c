package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// querier is a *sql.DB or a *sql.Conn.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// creditKey identifies one credit: a service month, a lot (as stored) and a
// KPI.
type creditKey struct {
	month rules.Month
	lot   string
	kpi   string
}

// state is what a write needs to know of the ledger.
type state struct {
	closed      []rules.Month // closed service months, in order
	closes      []CloseInfo   // the close batches, in order
	closeHashes map[rules.Month]Hashes
	lastInvoice rules.Month // the last close's invoice month
	seq, batch  int64       // the last entry and batch
	head        string
	credits     map[creditKey]*Balance
	order       []creditKey        // credits by their first entry
	disputed    map[creditKey]bool // a dispute step since the latest credit or adjustment entry
}

const entryColumns = `seq, batch, prev_hash, kind, invoice_month, service_month, lot, kpi, level,
credit, earn_back, reason, actor, role, inputs_sha256, rules_sha256, prior_inputs_sha256,
prior_rules_sha256, recorded_at, hash`

// scanRows calls fn with every entry row, in order of seq.
func scanRows(ctx context.Context, q querier, fn func(*row) error) error {
	rs, err := q.QueryContext(ctx, "SELECT "+entryColumns+" FROM entries ORDER BY seq")
	if err != nil {
		return busy(err)
	}
	defer rs.Close()
	var r row
	for rs.Next() {
		err := rs.Scan(&r.Seq, &r.Batch, &r.Prev, &r.Kind, &r.Invoice, &r.Service, &r.Lot, &r.KPI,
			&r.Level, &r.Credit, &r.EarnBack, &r.Reason, &r.Actor, &r.Role, &r.Inputs, &r.Rules,
			&r.PriorInputs, &r.PriorRules, &r.At, &r.Hash)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return busy(rs.Err())
}

// entry parses a stored row.
func (l *Ledger) entry(r *row) (Entry, error) {
	e := Entry{Seq: r.Seq, Batch: r.Batch, Kind: Kind(r.Kind), KPI: r.KPI, Level: r.Level,
		Reason: r.Reason, Actor: r.Actor, Role: r.Role, Hashes: Hashes{r.Inputs, r.Rules},
		Prior: Hashes{r.PriorInputs, r.PriorRules}, Prev: r.Prev, Hash: r.Hash}
	var err error
	fail := func(what string, err error) (Entry, error) {
		return e, fmt.Errorf("%w: entry %d: %s: %v (run verify)", ErrTampered, r.Seq, what, err)
	}
	if e.Invoice, err = parseMonthText(r.Invoice); err != nil {
		return fail("invoice_month", err)
	}
	if e.Service, err = parseMonthText(r.Service); err != nil {
		return fail("service_month", err)
	}
	if e.Lot, err = parseLot(r.Lot, len(l.meta.Keys)); err != nil {
		return fail("lot", err)
	}
	if e.Credit, err = parseMoney(r.Credit, l.meta.MinorUnits); err != nil {
		return fail("credit", err)
	}
	if e.EarnBack, err = parseMoney(r.EarnBack, l.meta.MinorUnits); err != nil {
		return fail("earn_back", err)
	}
	if e.At, err = parseTime(r.At); err != nil {
		return fail("recorded_at", err)
	}
	return e, nil
}

// loadState reads what a write needs.
func (l *Ledger) loadState(ctx context.Context, q querier) (*state, error) {
	st := &state{closeHashes: map[rules.Month]Hashes{}, credits: map[creditKey]*Balance{},
		disputed: map[creditKey]bool{}, head: l.row.Genesis}
	if err := l.loadCloses(ctx, q, st); err != nil {
		return nil, err
	}
	err := scanRows(ctx, q, func(r *row) error {
		e, err := l.entry(r)
		if err != nil {
			return err
		}
		st.seq, st.head = e.Seq, e.Hash
		st.add(e, r.Lot)
		return nil
	})
	return st, err
}

// loadCloses reads the batches.
func (l *Ledger) loadCloses(ctx context.Context, q querier, st *state) error {
	rs, err := q.QueryContext(ctx, `SELECT id, kind, service_month, invoice_month, inputs_sha256, rules_sha256
FROM batches ORDER BY id`)
	if err != nil {
		return busy(err)
	}
	defer rs.Close()
	for rs.Next() {
		var kind, service, invoice string
		var h Hashes
		if err := rs.Scan(&st.batch, &kind, &service, &invoice, &h.Inputs, &h.Rulebook); err != nil {
			return err
		}
		if kind != batchClose {
			continue
		}
		m, err1 := parseMonthText(service)
		inv, err2 := parseMonthText(invoice)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%w: batch %d: months %q, %q (run verify)", ErrTampered, st.batch, service, invoice)
		}
		st.closed = append(st.closed, m)
		st.closes = append(st.closes, CloseInfo{Batch: st.batch, Month: m, Invoice: inv, Hashes: h})
		st.closeHashes[m] = h
		st.lastInvoice = inv
	}
	return busy(rs.Err())
}

// add accounts for one entry.
func (st *state) add(e Entry, lot string) {
	k := creditKey{e.Service, lot, e.KPI}
	b := st.credits[k]
	if b == nil {
		b = &Balance{Month: e.Service, Lot: e.Lot, KPI: e.KPI}
		st.credits[k] = b
		st.order = append(st.order, k)
	}
	switch e.Kind {
	case KindCredit, KindAdjustment:
		b.Credit = b.Credit.Add(e.Credit)
		b.EarnBack = b.EarnBack.Add(e.EarnBack)
		b.Level, b.Hashes = e.Level, e.Hashes
		if st.disputed != nil {
			st.disputed[k] = false
		}
	case KindDisputeOpen, KindDisputeAgree, KindDisputeWaive:
		st.dispute(k, b, e)
	case KindWaiver:
		b.Waived = b.Waived.Sub(e.Net())
	}
}

// dispute accounts for a dispute step.
func (st *state) dispute(k creditKey, b *Balance, e Entry) {
	if st.disputed != nil {
		st.disputed[k] = true
	}
	switch e.Kind {
	case KindDisputeOpen:
		b.Dispute = DisputeOpened
	case KindDisputeAgree:
		b.Dispute = DisputeAgreed
	case KindDisputeWaive:
		b.Waived = b.Waived.Sub(e.Net())
		b.Dispute = DisputeSettled
	}
}

// The kinds of batch.
const (
	batchClose   = "close"
	batchWaiver  = "waiver"
	batchDispute = "dispute"
)

// batch is a batch row and its entries, ready to insert.
type batch struct {
	Documents         []string // stored under their SHA-256 unless there already
	ID                int64
	Kind              string
	Service, Invoice  rules.Month
	Hashes            Hashes
	At                string
	Rows              []*row
	Credit, EarnBack  decimal.Decimal
	minor             int32
	firstSeq, lastSeq int64
}

// newBatch starts the batch after st's last.
func (l *Ledger) newBatch(st *state, kind string, service, invoice rules.Month, h Hashes, at time.Time) *batch {
	if at.IsZero() {
		at = time.Now()
	}
	return &batch{ID: st.batch + 1, Kind: kind, Service: service, Invoice: invoice, Hashes: h,
		At: timeText(at), minor: l.meta.MinorUnits, firstSeq: st.seq + 1, lastSeq: st.seq}
}

// entryIn is an entry before it is chained: what the caller decides.
type entryIn struct {
	kind             Kind
	service          rules.Month
	lot              string
	kpi, level       string
	credit, earnBack decimal.Decimal
	reason           string
	actor, role      string
	hashes, prior    Hashes
}

// add chains an entry onto the batch after head and returns its hash.
func (b *batch) add(head string, in entryIn) string {
	b.lastSeq++
	r := &row{Seq: b.lastSeq, Batch: b.ID, Prev: head, Kind: string(in.kind),
		Invoice: b.Invoice.String(), Service: in.service.String(), Lot: in.lot, KPI: in.kpi,
		Level: in.level, Credit: moneyText(in.credit, b.minor), EarnBack: moneyText(in.earnBack, b.minor),
		Reason: in.reason, Actor: in.actor, Role: in.role, Inputs: in.hashes.Inputs,
		Rules: in.hashes.Rulebook, PriorInputs: in.prior.Inputs, PriorRules: in.prior.Rulebook, At: b.At}
	r.Hash = r.hash()
	b.Rows = append(b.Rows, r)
	b.Credit = b.Credit.Add(in.credit)
	b.EarnBack = b.EarnBack.Add(in.earnBack)
	return r.Hash
}

// head returns the hash of the batch's last entry.
func (b *batch) head() string { return b.Rows[len(b.Rows)-1].Hash }

// insert writes the batch and its entries.
func (b *batch) insert(ctx context.Context, c *sql.Conn) error {
	_, err := c.ExecContext(ctx, `INSERT INTO batches (id, kind, service_month, invoice_month,
inputs_sha256, rules_sha256, recorded_at, first_seq, last_seq, entries, credit, earn_back, head)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, b.Kind, b.Service.String(), b.Invoice.String(),
		b.Hashes.Inputs, b.Hashes.Rulebook, b.At, b.firstSeq, b.lastSeq, len(b.Rows),
		moneyText(b.Credit, b.minor), moneyText(b.EarnBack, b.minor), b.head())
	if err != nil {
		return busy(err)
	}
	stmt, err := c.PrepareContext(ctx, "INSERT INTO entries ("+entryColumns+
		") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return busy(err)
	}
	defer stmt.Close()
	for _, doc := range b.Documents {
		_, err := c.ExecContext(ctx, "INSERT OR IGNORE INTO documents (sha256, content) VALUES (?, ?)", sum([]byte(doc)), doc)
		if err != nil {
			return busy(err)
		}
	}
	for _, r := range b.Rows {
		_, err := stmt.ExecContext(ctx, r.Seq, r.Batch, r.Prev, r.Kind, r.Invoice, r.Service, r.Lot,
			r.KPI, r.Level, r.Credit, r.EarnBack, r.Reason, r.Actor, r.Role, r.Inputs, r.Rules,
			r.PriorInputs, r.PriorRules, r.At, r.Hash)
		if err != nil {
			return busy(err)
		}
	}
	return nil
}
