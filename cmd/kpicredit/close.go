package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/output"
	"github.com/kpicredit/kpicredit/period"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/statement"
	"github.com/shopspring/decimal"
)

// closeCmd closes a month into the ledger: kpicredit close --rules R
// --data D [--relief F] [--events NAME=FILE ...] [--exclusions F] --ledger
// L --month M.
func closeCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("close", flag.ContinueOnError)
	var in inputs
	fs.StringVar(&in.rules, "rules", "", "the rulebook `file` (YAML)")
	fs.StringVar(&in.data, "data", "", "monthly data: a CSV `file` with a header row, or Parquet (.parquet)")
	fs.StringVar(&in.relief, "relief", "", "relief entries: a CSV `file` (key columns, month, kpi, reason)")
	in.registerEvents(fs)
	path := fs.String("ledger", "", "the ledger `file` (SQLite); the first close creates it")
	monthText := fs.String("month", "", "the service month to close, YYYY-MM")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *path == "" || in.rules == "" || in.data == "" {
		return &usageError{"--rules, --data, --ledger and --month are required"}
	}
	if err := ledgerFile(*path); err != nil {
		return err
	}
	m, err := monthFlag(*monthText)
	if err != nil {
		return err
	}
	job, src, err := closing.Load(ctx, in.files())
	if err != nil {
		return unreadable(err)
	}
	res, err := closing.Close(ctx, job, src, *path, m)
	if err != nil {
		return err
	}
	rb := job.Rules
	f := func(d decimal.Decimal) string { return money.Format(d, rb.Currency, rb.MinorUnits) }
	created := ""
	if res.Created {
		created = " (ledger created)"
	}
	fmt.Fprintf(stdout, "%s: closed %s into invoice %s%s\n", *path, res.Month, res.Invoice, created)
	fmt.Fprintf(stdout, "  %d credits: %s, earn-back %s\n", res.Credits, f(res.Credit), f(res.EarnBack))
	fmt.Fprintf(stdout, "  %d adjustments to earlier months: net %s\n", res.Adjustments, f(res.Adjusted))
	fmt.Fprintf(stdout, "  inputs %s, rulebook %s\n  chain head %s\n", res.Hashes.Inputs, res.Hashes.Rulebook, res.Head)
	return nil
}

// monthFlag parses a --month value.
func monthFlag(s string) (rules.Month, error) {
	if s == "" {
		return 0, &usageError{"--month is required"}
	}
	m, err := rules.ParseMonth(s)
	if err != nil {
		return 0, &usageError{"--month: " + err.Error()}
	}
	return m, nil
}

// subcommand splits a command's arguments into its subcommand (one of
// names) and the flags around it: the subcommand may come first or after
// the flags (kpicredit ledger --ledger L show).
func subcommand(args []string, names ...string) (string, []string, error) {
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if i > 0 && !strings.Contains(args[i-1], "=") && strings.HasPrefix(args[i-1], "-") && !isBoolFlag(args[i-1]) {
			continue // the value of the flag before it
		}
		for _, n := range names {
			if a == n {
				return a, append(args[:i:i], args[i+1:]...), nil
			}
		}
		return "", nil, &usageError{fmt.Sprintf("unknown subcommand %q (expected %s)", a, strings.Join(names, ", "))}
	}
	return "", nil, &usageError{"expected a subcommand: " + strings.Join(names, ", ")}
}

// isBoolFlag reports the flags that take no value.
func isBoolFlag(a string) bool {
	a = strings.TrimLeft(a, "-")
	return a == "all" || a == "h" || a == "help"
}

// ledgerCmd lists, checks or exports a ledger: kpicredit ledger --ledger L
// show|verify|export.
func ledgerCmd(ctx context.Context, args []string, stdout io.Writer) error {
	sub, rest, err := subcommand(args, "show", "verify", "export")
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("ledger "+sub, flag.ContinueOnError)
	path := fs.String("ledger", "", "the ledger `file`")
	out := fs.String("out", "", "export: the `directory` to write ledger.parquet into")
	all := fs.Bool("all", false, "show: list zero credits too")
	var anchors multi
	fs.Var(&anchors, "anchor", "verify: a chain `head` printed earlier, which must be in the chain; repeatable")
	if err := parse(fs, rest); err != nil {
		return err
	}
	if *path == "" {
		return &usageError{"--ledger is required"}
	}
	if err := ledgerFile(*path); err != nil {
		return err
	}
	switch sub {
	case "show":
		return closing.Show(ctx, stdout, *path, *all)
	case "verify":
		for i, a := range anchors {
			if !chainHead.MatchString(a) {
				return &usageError{fmt.Sprintf("--anchor %q is not a chain head (64 hexadecimal digits, as close, statement and export print them)", a)}
			}
			anchors[i] = strings.ToLower(a)
		}
		rep, err := closing.Verify(ctx, *path, anchors...)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d entries in %d batches, closed %s; chain head %s: verified\n",
			*path, rep.Entries, rep.Batches, period.Span(rep.Closed), rep.Head)
		return nil
	}
	if *out == "" {
		return &usageError{"export: --out is required"}
	}
	if err := outDir(*out); err != nil {
		return err
	}
	file, n, head, err := closing.Export(ctx, *path, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d entries; chain head %s\n", file, n, head)
	return nil
}

// credit are the flags that name one credit, and why.
type credit struct {
	path, lot, month, kpi, reason string
}

func (c *credit) register(fs *flag.FlagSet) {
	fs.StringVar(&c.path, "ledger", "", "the ledger `file`")
	fs.StringVar(&c.lot, "lot", "", "the lot: key=value pairs, comma-separated (provider=X,region=Y)")
	fs.StringVar(&c.month, "month", "", "the credit's service month, YYYY-MM")
	fs.StringVar(&c.kpi, "kpi", "", "the KPI id")
	fs.StringVar(&c.reason, "reason", "", "why, as it goes on the record")
}

// parse checks the flags and reads the lot against the ledger's keys.
func (c *credit) parse(ctx context.Context) (rules.Month, []string, error) {
	if c.path == "" || c.lot == "" || c.kpi == "" || c.reason == "" {
		return 0, nil, &usageError{"--ledger, --lot, --month, --kpi and --reason are required"}
	}
	m, err := monthFlag(c.month)
	if err != nil {
		return 0, nil, err
	}
	if err := ledgerFile(c.path); err != nil {
		return 0, nil, err
	}
	l, err := closing.Open(ctx, c.path)
	if err != nil {
		return 0, nil, err
	}
	keys := l.Meta().Keys
	l.Close()
	lot, err := closing.ParseLot(keys, c.lot)
	return m, lot, err
}

// amountFlag parses an --amount value: a positive number.
func amountFlag(s string, zeroOK bool) (decimal.Decimal, error) {
	if s == "" && zeroOK {
		return decimal.Zero, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil || d.IsNegative() || (d.IsZero() && !zeroOK) {
		return decimal.Zero, &usageError{fmt.Sprintf("--amount %q is not a positive amount such as 1200.00", s)}
	}
	return d, nil
}

// waiveCmd records a waiver: kpicredit waive --ledger L --lot ... --month M
// --kpi K --amount A --reason R --approver NAME.
func waiveCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("waive", flag.ContinueOnError)
	var c credit
	c.register(fs)
	amountText := fs.String("amount", "", "the amount to waive, e.g. 1200.00")
	approver := fs.String("approver", "", "who waives it: an approver named in the rulebook's authority")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *approver == "" {
		return &usageError{"--approver is required"}
	}
	amount, err := amountFlag(*amountText, false)
	if err != nil {
		return err
	}
	m, lot, err := c.parse(ctx)
	if err != nil {
		return err
	}
	e, err := closing.Waive(ctx, c.path, ledger.Waiver{Month: m, Lot: lot, KPI: c.kpi, Amount: amount, Reason: c.reason, Approver: *approver})
	if err != nil {
		return err
	}
	return printEntry(ctx, stdout, c.path, e)
}

// disputeCmd records a dispute step: kpicredit dispute open|agree|waive
// --ledger L --lot ... --month M --kpi K --reason R --by NAME [--amount A].
func disputeCmd(ctx context.Context, args []string, stdout io.Writer) error {
	sub, rest, err := subcommand(args, "open", "agree", "waive")
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("dispute "+sub, flag.ContinueOnError)
	var c credit
	c.register(fs)
	by := fs.String("by", "", "who opens or ends the dispute; for waive, an approver named in the rulebook's authority")
	amountText := fs.String("amount", "", "waive: the amount settled (default: what is left of the credit)")
	if err := parse(fs, rest); err != nil {
		return err
	}
	if *by == "" {
		return &usageError{"--by is required"}
	}
	if *amountText != "" && sub != "waive" {
		return &usageError{"--amount is for dispute waive only"}
	}
	amount, err := amountFlag(*amountText, true)
	if err != nil {
		return err
	}
	m, lot, err := c.parse(ctx)
	if err != nil {
		return err
	}
	e, err := closing.Dispute(ctx, c.path, ledger.Dispute{Action: ledger.DisputeAction(sub), Month: m, Lot: lot, KPI: c.kpi,
		Reason: c.reason, By: *by, Amount: amount})
	if err != nil {
		return err
	}
	return printEntry(ctx, stdout, c.path, e)
}

// printEntry says what a waiver or dispute step recorded.
func printEntry(ctx context.Context, stdout io.Writer, path string, e ledger.Entry) error {
	l, err := closing.Open(ctx, path)
	if err != nil {
		return err
	}
	m := l.Meta()
	l.Close()
	role := ""
	if e.Role != "" {
		role = " (" + e.Role + ")"
	}
	fmt.Fprintf(stdout, "%s: entry %d, %s: %s %s, %s: %s by %s%s, into invoice %s\n  chain head %s\n",
		path, e.Seq, statement.StepName(e.Kind), strings.Join(e.Lot, " / "), e.Service, e.KPI,
		money.Format(e.Net(), m.Currency, m.MinorUnits), e.Actor, role, e.Invoice, e.Hash)
	return nil
}

// statementCmd writes a statement: kpicredit statement --ledger L
// --provider X --month M --out DIR.
func statementCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("statement", flag.ContinueOnError)
	path := fs.String("ledger", "", "the ledger `file`")
	party := fs.String("provider", "", "the invoice party: a value of the rulebook's invoice_party key column (by default the first key)")
	monthText := fs.String("month", "", "the invoice month, YYYY-MM")
	out := fs.String("out", "", "the `directory` to write statement.html and statement.xlsx into")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *path == "" || *party == "" || *out == "" {
		return &usageError{"--ledger, --provider, --month and --out are required"}
	}
	m, err := monthFlag(*monthText)
	if err != nil {
		return err
	}
	if err := ledgerFile(*path); err != nil {
		return err
	}
	if err := outDir(*out); err != nil {
		return err
	}
	s, err := closing.Statement(ctx, *path, *party, m)
	if err != nil {
		return err
	}
	if err := closing.WriteStatement(s, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s, %s: %s %s, invoice %s: %d lots, deduction %s\n  chain head %s\n",
		filepath.Join(*out, statement.HTMLFile), filepath.Join(*out, statement.XLSXFile), s.PartyKey, s.Party, m,
		len(s.Lots), money.Format(s.Totals.Net, s.Currency, s.MinorUnits), s.Head)
	return nil
}

// chainHead is a chain head as printed: a SHA-256 in hexadecimal.
var chainHead = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ledgerFile refuses a --ledger that names a directory, which SQLite
// would report as a database it cannot open.
func ledgerFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return &unreadableError{&os.PathError{Op: "open", Path: path, Err: syscall.EISDIR}}
	}
	return nil
}

// outDir refuses an --out that cannot be a directory (a file, a path under
// a file, a link to nothing) as run does; the files it holds may stay.
func outDir(path string) error {
	return output.CheckOutput(output.Output{Dir: path, Force: true})
}
