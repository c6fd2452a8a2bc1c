package closing

import (
	"context"
	"os"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/statement"
)

// Statement builds the statement of one invoice party for one invoice
// month from the ledger at path; the party's key column is the
// invoice_party of the rulebook the last close recorded. A party with no
// entry in the month is an *InputError naming the parties that have.
func Statement(ctx context.Context, path, party string, invoice rules.Month) (*statement.Statement, error) {
	l, rec, err := openRecorded(ctx, path)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	es, err := l.Entries(ctx)
	if err != nil {
		return nil, err
	}
	key := rec.Rules.InvoiceParty
	head := headOf(es)
	s, err := statement.New(l.Meta(), es, head, statement.Select{PartyKey: key, Party: party, Invoice: invoice})
	if err != nil {
		parties, _ := statement.Parties(l.Meta(), es, key, invoice)
		if len(parties) == 0 {
			return nil, invalidf("%s: nothing is invoiced in %s (invoice months: %s)", path, invoice, invoiceMonths(es))
		}
		return nil, invalidf("%s: no entries for %s %q in invoice month %s (%ss: %s)", path, key, party, invoice, key, strings.Join(parties, ", "))
	}
	return s, nil
}

// Statements builds the statement of every invoice party with entries in
// an invoice month, in ledger order.
func Statements(ctx context.Context, path string, invoice rules.Month) ([]*statement.Statement, error) {
	l, rec, err := openRecorded(ctx, path)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	es, err := l.Entries(ctx)
	if err != nil {
		return nil, err
	}
	parties, err := statement.Parties(l.Meta(), es, rec.Rules.InvoiceParty, invoice)
	if err != nil {
		return nil, userError(err)
	}
	var out []*statement.Statement
	for _, p := range parties {
		s, err := statement.New(l.Meta(), es, headOf(es), statement.Select{PartyKey: rec.Rules.InvoiceParty, Party: p, Invoice: invoice})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// WriteStatement writes a statement's statement.html and statement.xlsx
// into dir, creating it; a file that cannot be completed is removed.
func WriteStatement(s *statement.Statement, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return s.WriteFiles(dir)
}

func headOf(es []ledger.Entry) string {
	if len(es) == 0 {
		return ""
	}
	return es[len(es)-1].Hash
}

// invoiceMonths lists the invoice months with entries, in ledger order.
func invoiceMonths(es []ledger.Entry) string {
	var parts []string
	for _, e := range es {
		if m := e.Invoice.String(); !slices.Contains(parts, m) {
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
