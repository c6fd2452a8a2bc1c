package ledger

import (
	"context"
	"fmt"
	"io"

	"github.com/kpicredit/kpicredit/internal/pq"
)

// exportColumns returns the columns of the Parquet export: the entry's
// fields, one column per lot key, money as DECIMAL(18, minor units), months
// as DATE (the first of the month), recorded_at as RFC 3339 text, the
// prior hashes NULL on entries other than adjustments.
func (l *Ledger) exportColumns() []pq.Column {
	money := func(name string) pq.Column {
		return pq.Column{Name: name, Kind: pq.Decimal, Scale: l.meta.MinorUnits}
	}
	cols := []pq.Column{
		{Name: "seq", Kind: pq.Int64}, {Name: "batch", Kind: pq.Int64}, {Name: "kind", Kind: pq.String},
		{Name: "invoice_month", Kind: pq.Month}, {Name: "service_month", Kind: pq.Month},
	}
	for _, k := range l.meta.Keys {
		cols = append(cols, pq.Column{Name: k, Kind: pq.String})
	}
	cols = append(cols, pq.Column{Name: "kpi", Kind: pq.String}, pq.Column{Name: "level", Kind: pq.String},
		money("credit"), money("earn_back"), money("net"))
	for _, s := range []string{"reason", "actor", "role", "inputs_sha256", "rules_sha256"} {
		cols = append(cols, pq.Column{Name: s, Kind: pq.String})
	}
	for _, s := range []string{"prior_inputs_sha256", "prior_rules_sha256"} {
		cols = append(cols, pq.Column{Name: s, Kind: pq.String, Nullable: true})
	}
	for _, s := range []string{"recorded_at", "prev_hash", "hash"} {
		cols = append(cols, pq.Column{Name: s, Kind: pq.String})
	}
	return cols
}

// Export writes every entry to w as Parquet, for DuckDB or a warehouse,
// and returns the chain head of what it wrote. A lot key named like another
// column (kpi, reason, ...) is an error.
func (l *Ledger) Export(ctx context.Context, w io.Writer) (head string, err error) {
	pw, err := pq.NewWriter(w, l.exportColumns())
	if err != nil {
		return "", fmt.Errorf("%s: export: %w", l.path, err)
	}
	head = l.row.Genesis
	err = l.read(ctx, func(q querier) error {
		return scanRows(ctx, q, func(r *row) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			e, err := l.entry(r)
			if err != nil {
				return err
			}
			head = e.Hash
			return pw.Write(exportRow(e)...)
		})
	})
	if err == nil {
		err = pw.Close()
	}
	if err != nil {
		return "", fmt.Errorf("%s: export: %w", l.path, err)
	}
	return head, nil
}

// exportRow returns an entry's values in the order of exportColumns.
func exportRow(e Entry) []any {
	v := []any{e.Seq, e.Batch, string(e.Kind), e.Invoice, e.Service}
	for _, k := range e.Lot {
		v = append(v, k)
	}
	v = append(v, e.KPI, e.Level, e.Credit, e.EarnBack, e.Net(), e.Reason, e.Actor, e.Role,
		e.Hashes.Inputs, e.Hashes.Rulebook, orNil(e.Prior.Inputs), orNil(e.Prior.Rulebook),
		timeText(e.At), e.Prev, e.Hash)
	return v
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}
