package ledger

import (
	"context"
	"fmt"
	"slices"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Verify recomputes the hash chain from the genesis and every batch's sums
// and head, checks that every entry is well-formed, that every document is
// the text of its hash and that the append-only triggers are in place, and
// that each anchor (a chain head printed earlier)
// is a hash in the chain. Inconsistencies are a *VerifyError naming each
// entry or batch concerned; the report comes with it.
func (l *Ledger) Verify(ctx context.Context, anchors ...string) (*Report, error) {
	v := &verifier{l: l, rep: &Report{}}
	err := l.read(ctx, func(q querier) error {
		if err := v.meta(ctx, q); err != nil {
			return err
		}
		if err := v.triggers(ctx, q); err != nil {
			return err
		}
		if err := v.batches(ctx, q); err != nil {
			return err
		}
		if err := v.documents(ctx, q); err != nil {
			return err
		}
		return scanRows(ctx, q, v.entry)
	})
	if err != nil {
		return nil, err
	}
	v.finish(anchors)
	if len(v.problems) > 0 {
		return v.rep, &VerifyError{Path: l.path, Problems: v.problems}
	}
	return v.rep, nil
}

// verifier holds what Verify has read so far.
type verifier struct {
	l        *Ledger
	rep      *Report
	problems []Problem
	genesis  string
	batchs   []*vbatch
	hashes   map[string]bool // every hash in the chain
	prev     string          // the hash of the last entry seen
	seq      int64
}

// vbatch is a batch as stored, and what its entries sum to.
type vbatch struct {
	id                         int64
	kind, service, invoice     string
	inputs, rules              string
	first, last, count         int64
	credit, earnBack, head     string
	seen                       int64
	sumCredit, sumEarnBack     decimal.Decimal
	lastHash                   string
	badKinds, badMonths, order bool
}

func (v *verifier) fail(seq, batch int64, format string, args ...any) {
	v.problems = append(v.problems, Problem{Seq: seq, Batch: batch, Message: fmt.Sprintf(format, args...)})
}

// meta recomputes the genesis hash from the meta row as stored.
func (v *verifier) meta(ctx context.Context, q querier) error {
	rs, err := q.QueryContext(ctx, "SELECT contract, currency, minor_units, keys, created_at, genesis FROM meta")
	if err != nil {
		return busy(err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		var m metaRow
		if err := rs.Scan(&m.Contract, &m.Currency, &m.MinorUnits, &m.Keys, &m.Created, &m.Genesis); err != nil {
			return err
		}
		n++
		v.genesis = m.genesis()
		if m.Genesis != v.genesis {
			v.fail(0, 0, "meta: genesis %s does not match its contents (%s)", m.Genesis, v.genesis)
		}
		if m != v.l.row {
			v.fail(0, 0, "meta changed while the ledger was open")
		}
	}
	if n != 1 {
		v.fail(0, 0, "meta has %d rows, not 1", n)
	}
	v.prev = v.genesis
	v.hashes = map[string]bool{v.genesis: true}
	return busy(rs.Err())
}

// triggers checks that every table still refuses UPDATE and DELETE.
func (v *verifier) triggers(ctx context.Context, q querier) error {
	rs, err := q.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
	if err != nil {
		return busy(err)
	}
	defer rs.Close()
	var have []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			return err
		}
		have = append(have, name)
	}
	for _, t := range tables {
		for _, op := range []string{"update", "delete"} {
			if name := t + "_no_" + op; !slices.Contains(have, name) {
				v.fail(0, 0, "trigger %s is missing: %s on %s is no longer refused", name, op, t)
			}
		}
	}
	return busy(rs.Err())
}

// batches reads the batches as stored.
func (v *verifier) batches(ctx context.Context, q querier) error {
	rs, err := q.QueryContext(ctx, `SELECT id, kind, service_month, invoice_month, inputs_sha256, rules_sha256,
first_seq, last_seq, entries, credit, earn_back, head FROM batches ORDER BY id`)
	if err != nil {
		return busy(err)
	}
	defer rs.Close()
	for rs.Next() {
		b := &vbatch{}
		if err := rs.Scan(&b.id, &b.kind, &b.service, &b.invoice, &b.inputs, &b.rules, &b.first, &b.last,
			&b.count, &b.credit, &b.earnBack, &b.head); err != nil {
			return err
		}
		v.batchs = append(v.batchs, b)
	}
	return busy(rs.Err())
}

// documents checks that every document is the text of its hash.
func (v *verifier) documents(ctx context.Context, q querier) error {
	rs, err := q.QueryContext(ctx, "SELECT sha256, content FROM documents ORDER BY rowid")
	if err != nil {
		return busy(err)
	}
	defer rs.Close()
	for rs.Next() {
		var h, doc string
		if err := rs.Scan(&h, &doc); err != nil {
			return err
		}
		if s := sum([]byte(doc)); s != h {
			v.fail(0, 0, "document %s: its text has the SHA-256 %s: edited after it was written", h, s)
		}
	}
	return busy(rs.Err())
}

// entry checks one entry as stored.
func (v *verifier) entry(r *row) error {
	v.seq++
	if r.Seq != v.seq {
		v.fail(r.Seq, 0, "out of sequence: expected entry %d", v.seq)
		v.seq = r.Seq
	}
	if r.Prev != v.prev {
		v.fail(r.Seq, 0, "prev_hash %s is not the hash of the entry before it (%s)", r.Prev, v.prev)
	}
	if h := r.hash(); h != r.Hash {
		v.fail(r.Seq, r.Batch, "contents do not match its hash (recomputed %s, stored %s): edited after it was written", h, r.Hash)
	}
	v.prev = r.Hash
	v.hashes[r.Hash] = true
	e, err := v.l.entry(r)
	if err != nil {
		v.fail(r.Seq, 0, "%v", err)
	}
	if !slices.Contains(kinds, e.Kind) {
		v.fail(r.Seq, 0, "unknown kind %q", r.Kind)
	}
	v.inBatch(r, e, err == nil)
	return nil
}

// inBatch accounts for an entry in its batch.
func (v *verifier) inBatch(r *row, e Entry, parsed bool) {
	i := int(r.Batch) - 1
	if i < 0 || i >= len(v.batchs) || v.batchs[i].id != r.Batch {
		v.fail(r.Seq, 0, "batch %d does not exist", r.Batch)
		return
	}
	b := v.batchs[i]
	b.seen++
	b.lastHash = r.Hash
	if r.Seq < b.first || r.Seq > b.last {
		b.order = true
	}
	if r.Invoice != b.invoice || (b.kind != batchClose && r.Service != b.service) {
		b.badMonths = true
	}
	if !batchKinds(b.kind, e.Kind) {
		b.badKinds = true
	}
	if parsed {
		b.sumCredit = b.sumCredit.Add(e.Credit)
		b.sumEarnBack = b.sumEarnBack.Add(e.EarnBack)
	}
}

// batchKinds reports whether a batch of a kind may hold an entry of kind k.
func batchKinds(batch string, k Kind) bool {
	switch batch {
	case batchClose:
		return k == KindCredit || k == KindAdjustment
	case batchWaiver:
		return k == KindWaiver
	case batchDispute:
		return k == KindDisputeOpen || k == KindDisputeAgree || k == KindDisputeWaive
	}
	return false
}

// finish checks the batches against their entries, and the anchors.
func (v *verifier) finish(anchors []string) {
	next := int64(1)
	for i, b := range v.batchs {
		v.checkBatch(b, int64(i+1), next)
		next = b.last + 1
		if b.kind == batchClose {
			if m, err := rules.ParseMonth(b.service); err == nil {
				v.rep.Closed = append(v.rep.Closed, m)
			}
		}
	}
	if next != v.seq+1 {
		v.fail(0, 0, "the batches cover entries 1 to %d, the ledger has %d", next-1, v.seq)
	}
	for _, a := range anchors {
		if !v.hashes[a] {
			v.fail(0, 0, "anchor %s is not a hash in the chain", a)
		}
	}
	v.rep.Entries, v.rep.Batches, v.rep.Head = int(v.seq), len(v.batchs), v.prev
}

// checkBatch checks one batch's identity, range, sums and head.
func (v *verifier) checkBatch(b *vbatch, id, first int64) {
	minor := v.l.meta.MinorUnits
	switch {
	case b.id != id:
		v.fail(0, b.id, "out of sequence: expected batch %d", id)
	case b.first != first || b.last < b.first || b.count != b.last-b.first+1:
		v.fail(0, b.id, "covers entries %d to %d (%d), expected from %d", b.first, b.last, b.count, first)
	case b.seen != b.count || b.order:
		v.fail(0, b.id, "records %d entries, the ledger has %d in it or they are out of its range", b.count, b.seen)
	}
	if s := moneyText(b.sumCredit, minor); s != b.credit {
		v.fail(0, b.id, "credit total %s, its entries sum to %s", b.credit, s)
	}
	if s := moneyText(b.sumEarnBack, minor); s != b.earnBack {
		v.fail(0, b.id, "earn-back total %s, its entries sum to %s", b.earnBack, s)
	}
	if b.head != b.lastHash {
		v.fail(0, b.id, "head %s is not the hash of its last entry (%s)", b.head, b.lastHash)
	}
	if b.badKinds || b.badMonths {
		v.fail(0, b.id, "holds entries of another kind or month than a %s batch of %s", b.kind, b.service)
	}
}
