// Package statement renders provider statements from a ledger: for one
// invoice party (the value of a lot key column, by default the first) and
// one invoice month, the credits, earn-back, adjustments, waivers and
// dispute steps posted to that invoice, lot by lot, with totals that are
// sums of the ledger's entries and the ledger's chain head.
//
// [Statement.WriteHTML] writes statement.html, a print-ready page with one
// section per lot; [Statement.WriteXLSX] writes statement.xlsx with the
// sheets Summary, Lots, KPI failures, Adjustments and Waivers, money as
// numbers in a currency format and months as dates. The workbook is made
// with github.com/xuri/excelize/v2, a pure-Go library that writes the
// Office Open XML format with styles, number formats and frozen panes;
// only this package imports it, so the ledger stays small. It depends on
// ledger, rules and money.
package statement

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The errors of this package; test for them with errors.Is.
var (
	// ErrUnknownKey: the invoice party key is not a lot key column.
	ErrUnknownKey = errors.New("not a lot key column")
	// ErrNoEntries: the ledger has no entry for the party in the invoice
	// month.
	ErrNoEntries = errors.New("no entries for the invoice party and month")
)

// Select chooses a statement.
type Select struct {
	PartyKey string      // the lot key column naming the invoice party; "" for the first key
	Party    string      // its value, e.g. a provider's name
	Invoice  rules.Month // the invoice month
}

// Statement is one invoice party's statement for one invoice month.
type Statement struct {
	Contract   string
	Currency   string
	MinorUnits int32
	Keys       []string // the lot key columns
	PartyKey   string
	Party      string
	Invoice    rules.Month
	Head       string // the ledger's chain head
	Lots       []*Lot // in the order the ledger first records them
	Totals     Totals
}

// Lot is one lot's part of a statement.
type Lot struct {
	Lot         []string       // key values, in the order of Statement.Keys
	Credits     []ledger.Entry // credit entries
	Adjustments []ledger.Entry // adjustment entries
	Waivers     []ledger.Entry // waivers and dispute steps
	Totals      Totals
}

// Totals are sums of entries.
type Totals struct {
	Credits     decimal.Decimal // credit entries' credits
	EarnBack    decimal.Decimal // credit entries' earn-backs (<= 0)
	Adjustments decimal.Decimal // adjustment entries' nets
	Waivers     decimal.Decimal // waiver and dispute entries' nets (<= 0)
	Net         decimal.Decimal // all of the above: the deduction from the invoice
}

// add accounts for one entry.
func (t *Totals) add(e ledger.Entry) {
	switch e.Kind {
	case ledger.KindCredit:
		t.Credits = t.Credits.Add(e.Credit)
		t.EarnBack = t.EarnBack.Add(e.EarnBack)
	case ledger.KindAdjustment:
		t.Adjustments = t.Adjustments.Add(e.Net())
	default:
		t.Waivers = t.Waivers.Add(e.Net())
	}
	t.Net = t.Net.Add(e.Net())
}

// New builds a statement from a ledger's meta, entries (in ledger order)
// and chain head.
func New(meta ledger.Meta, entries []ledger.Entry, head string, sel Select) (*Statement, error) {
	key, i, err := partyKey(meta, sel.PartyKey)
	if err != nil {
		return nil, err
	}
	s := &Statement{Contract: meta.Contract, Currency: meta.Currency, MinorUnits: meta.MinorUnits,
		Keys: slices.Clone(meta.Keys), PartyKey: key, Party: sel.Party, Invoice: sel.Invoice, Head: head}
	for _, e := range entries {
		if len(e.Lot) != len(meta.Keys) {
			return nil, fmt.Errorf("entry %d has %d lot key values for the %d key columns %q",
				e.Seq, len(e.Lot), len(meta.Keys), meta.Keys)
		}
		if e.Invoice != sel.Invoice || e.Lot[i] != sel.Party {
			continue
		}
		lot := s.lot(e.Lot)
		switch e.Kind {
		case ledger.KindCredit:
			lot.Credits = append(lot.Credits, e)
		case ledger.KindAdjustment:
			lot.Adjustments = append(lot.Adjustments, e)
		default:
			lot.Waivers = append(lot.Waivers, e)
		}
		lot.Totals.add(e)
		s.Totals.add(e)
	}
	if len(s.Lots) == 0 {
		return nil, fmt.Errorf("%w: %s=%s, invoice month %s", ErrNoEntries, key, sel.Party, sel.Invoice)
	}
	return s, nil
}

// partyKey returns the invoice party's key column and its place.
func partyKey(meta ledger.Meta, key string) (string, int, error) {
	if key == "" {
		key = meta.Keys[0]
	}
	i := slices.Index(meta.Keys, key)
	if i < 0 {
		return "", 0, fmt.Errorf("invoice party %q: %w %q", key, ErrUnknownKey, meta.Keys)
	}
	return key, i, nil
}

// lot returns the statement's section for a lot, adding it if new.
func (s *Statement) lot(values []string) *Lot {
	for _, l := range s.Lots {
		if slices.Equal(l.Lot, values) {
			return l
		}
	}
	l := &Lot{Lot: values}
	s.Lots = append(s.Lots, l)
	return l
}

// Load reads a ledger and builds a statement. The chain head printed is
// the hash of the ledger's last entry as read.
func Load(ctx context.Context, l *ledger.Ledger, sel Select) (*Statement, error) {
	es, err := l.Entries(ctx)
	if err != nil {
		return nil, err
	}
	head := ""
	if len(es) > 0 {
		head = es[len(es)-1].Hash
	}
	return New(l.Meta(), es, head, sel)
}

// Parties returns the invoice parties with entries in an invoice month, in
// ledger order.
func Parties(meta ledger.Meta, entries []ledger.Entry, key string, invoice rules.Month) ([]string, error) {
	_, i, err := partyKey(meta, key)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Invoice == invoice && i < len(e.Lot) && !slices.Contains(out, e.Lot[i]) {
			out = append(out, e.Lot[i])
		}
	}
	return out, nil
}

// Files are the names WriteFiles writes.
const (
	HTMLFile = "statement.html"
	XLSXFile = "statement.xlsx"
)

// WriteFiles writes statement.html and statement.xlsx into dir, which must
// exist. A file that cannot be completed is removed.
func (s *Statement) WriteFiles(dir string) error {
	if err := writeFile(filepath.Join(dir, HTMLFile), s.WriteHTML); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, XLSXFile), s.WriteXLSX)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
