package closing

import (
	"context"
	"fmt"
	"github.com/kpicredit/kpicredit/period"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/money"
	"github.com/shopspring/decimal"
)

// Show writes the ledger at path for people: what it is about, the closed
// months and the chain head, then each batch (a close, a waiver, a dispute
// step) with its entries. A close's zero credits (met and unmeasured KPIs)
// are counted, not listed, unless all is true.
func Show(ctx context.Context, w io.Writer, path string, all bool) error {
	l, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer l.Close()
	es, err := l.Entries(ctx)
	if err != nil {
		return err
	}
	closed, err := l.Closed(ctx)
	if err != nil {
		return err
	}
	m := l.Meta()
	head, err := l.Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s (%s; lots by %s)\n", path, m.Contract, m.Currency, strings.Join(m.Keys, ", "))
	fmt.Fprintf(w, "closed %s; %d entries; chain head %s\n", period.Span(closed), len(es), head)
	for i := 0; i < len(es); {
		j := i
		for j < len(es) && es[j].Batch == es[i].Batch {
			j++
		}
		showBatch(w, m, es[i:j], all)
		i = j
	}
	return nil
}

// showBatch writes one batch's entries.
func showBatch(w io.Writer, m ledger.Meta, es []ledger.Entry, all bool) {
	first := es[0]
	amount := func(d decimal.Decimal) string { return d.StringFixed(m.MinorUnits) }
	var title string
	switch first.Kind {
	case ledger.KindCredit, ledger.KindAdjustment:
		title = fmt.Sprintf("close of %s into invoice %s", first.Service, first.Invoice)
	default:
		title = fmt.Sprintf("%s into invoice %s", strings.ReplaceAll(string(first.Kind), "_", " "), first.Invoice)
	}
	fmt.Fprintf(w, "\nbatch %d: %s, %s\n", first.Batch, title, first.At.Format("2006-01-02 15:04:05Z"))
	if first.Kind == ledger.KindCredit || first.Kind == ledger.KindAdjustment {
		fmt.Fprintf(w, "  inputs %s  rulebook %s\n", first.Hashes.Inputs, first.Hashes.Rulebook)
	}
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  seq\tkind\tservice\tlot\tKPI\tlevel\t        credit\t     earn-back\treason / by")
	zero := 0
	sumC, sumE := decimal.Zero, decimal.Zero
	for _, e := range es {
		sumC, sumE = sumC.Add(e.Credit), sumE.Add(e.EarnBack)
		if e.Kind == ledger.KindCredit && e.Credit.IsZero() && e.EarnBack.IsZero() && !all {
			zero++
			continue
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%14s\t%14s\t%s\n", e.Seq, e.Kind, e.Service,
			strings.Join(e.Lot, " / "), e.KPI, e.Level, amount(e.Credit), amount(e.EarnBack), why(e))
	}
	tw.Flush()
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		io.WriteString(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n")))
	}
	if zero > 0 {
		fmt.Fprintf(w, "  and %d zero credits (met or not measured; --all lists them)\n", zero)
	}
	fmt.Fprintf(w, "  total: credit %s, earn-back %s, net %s\n", money.Format(sumC, m.Currency, m.MinorUnits),
		money.Format(sumE, m.Currency, m.MinorUnits), money.Format(sumC.Add(sumE), m.Currency, m.MinorUnits))
}

// why says why an entry was made and by whom.
func why(e ledger.Entry) string {
	var parts []string
	if e.Reason != "" {
		parts = append(parts, printable(e.Reason))
	}
	if e.Actor != "" {
		by := "by " + printable(e.Actor)
		if e.Role != "" {
			by += " (" + printable(e.Role) + ")"
		}
		parts = append(parts, by)
	}
	if e.Kind == ledger.KindAdjustment {
		parts = append(parts, "before: inputs "+short(e.Prior.Inputs)+", rulebook "+short(e.Prior.Rulebook))
	}
	return strings.Join(parts, "; ")
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// Verify opens the ledger at path and checks it (ledger.Ledger.Verify):
// the hash chain from the genesis, every batch's sums and head, every
// document, the append-only triggers, and that each anchor (a chain head
// printed earlier) is in the chain. A ledger that fails is a
// *ledger.VerifyError listing every problem.
func Verify(ctx context.Context, path string, anchors ...string) (*ledger.Report, error) {
	l, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	return l.Verify(ctx, anchors...)
}

// ExportFile is the file Export writes.
const ExportFile = "ledger.parquet"

// Export writes the ledger at path to dir/ledger.parquet (creating dir),
// replacing it whole or not at all, after checking the ledger as Verify
// does: a ledger that fails is not exported. It returns the file, the
// number of entries and the chain head of what it wrote.
func Export(ctx context.Context, path, dir string) (file string, entries int, head string, err error) {
	l, err := Open(ctx, path)
	if err != nil {
		return "", 0, "", err
	}
	defer l.Close()
	rep, err := l.Verify(ctx)
	if err != nil {
		return "", 0, "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, "", err
	}
	file = filepath.Join(dir, ExportFile)
	tmp, err := os.CreateTemp(dir, ".ledger-*.parquet")
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	head, err = l.Export(ctx, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return "", 0, "", err
	}
	return file, rep.Entries, head, nil
}

// printable is s as a line of a listing: a control character or a byte
// that is not UTF-8, which a ledger written before they were refused
// may hold, is shown escaped (\x1b), so that it can neither garble the
// terminal nor forge a line.
func printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, ledger.Garbles) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i]) // a byte that is not UTF-8
		case ledger.Garbles(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
