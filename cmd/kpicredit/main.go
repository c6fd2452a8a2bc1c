// Command kpicredit evaluates a contract's KPIs over its monthly data and
// computes service credits, for the baseline rulebook and what-if
// scenarios.
//
//	kpicredit validate --rules R.yaml [--data D.csv] [--relief F.csv] [--scenario S.yaml ...]
//	kpicredit run --rules R.yaml --data D.csv [--relief F.csv] [--scenario S.yaml ...] --out DIR [--csv] [--force] [--quiet]
//	kpicredit explain --rules R.yaml --data D.csv --lot provider=X,region=Y --month 2025-03 --kpi KPI-01 [--scenario-id ID]
//	kpicredit adopt --rules R.yaml (--scenario-id ID | --scenario S.yaml) --agreed 2025-08-14
//	kpicredit curves --rules R.yaml [--data D.csv [--relief F.csv]] [--charge X] [--scenario S.yaml ...] --out DIR [--force]
//	kpicredit serve --rules R.yaml --data D.csv [--relief F.csv] [--addr 127.0.0.1:8080] [--allow-remote]
//
// validate, run, explain, curves, serve and close also take --events
// NAME=FILE (repeatable) and --exclusions FILE for a rulebook with an
// events section: each event source's file, overriding the one the
// rulebook names, and the events to leave out.
//
// Exit status: 0 on success, 1 when the run fails (an internal error
// among them, which asks for a bug report, or another run writing the same
// --out, another close writing the same ledger, a ledger of a newer schema
// or one that fails verification), 2 for bad usage (a flag value out of range, an --out that cannot
// be a directory) or invalid input (a rulebook, scenario, data, relief,
// event or exclusions file, or inputs that fail together: an expression failing on a row, a
// value too large for an output column).
//
// It is a thin shell: runner.Load reads the inputs, runner.Run prices
// them, output.Write writes the files and runner.Explain explains;
// curves.Compute draws the credit curves and output.WriteCurves writes
// them; serve serves the what-if page; package closing does the month-end
// close, waivers, disputes and statements.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/kpicredit/kpicredit/runner"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go stopOnSignal(ctx, stop, done)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	close(done)
	stop()
	exit(code)
}

// signalGrace is how long a command has to stop once interrupted; tests
// make it shorter.
var signalGrace = 10 * time.Second

// stopOnSignal waits for ctx's signal, which cancels the command, then
// restores the signals' default, so that a second one ends the process at
// once, and ends it itself if the command has not stopped within
// signalGrace: a command blocked opening a named pipe that no one writes
// does not see its context. Ending so leaves no half-written output:
// outputs are staged beside --out and put in place by renames (a staging
// directory left behind is removed by the next run into --out), and the
// ledger is written in transactions.
func stopOnSignal(ctx context.Context, stop func(), done <-chan struct{}) {
	select {
	case <-ctx.Done():
	case <-done:
		return
	}
	stop()
	select {
	case <-done:
	case <-time.After(signalGrace):
		fmt.Fprintf(os.Stderr, "kpicredit: interrupted, and not stopped %s later (waiting for an input to open?): stopped now\n", signalGrace)
		exit(exitFailed)
	}
}

// exit ends the process; tests that run the command as a process of its
// own set it to report on the process first.
var exit = os.Exit

// tuneGC trades memory for speed: the collector runs when the heap has
// grown by twice what it kept, not once, within a soft limit of 1.75 GiB.
// A run's garbage is short-lived and its live data small (the baseline's
// detail is streamed, a sweep's members keep totals), so collecting less
// often saves the collector's work; collecting much less often (400) made
// no run faster, as every page the heap grows into costs a fault, and let
// a 1,000-value sweep's peak swing from 350 to 530 MiB with the timing of
// its collections. GOGC and GOMEMLIMIT in the environment take precedence.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1792 << 20)
	}
}

// usageError is bad usage of the command line.
type usageError struct{ msg string }

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

// beforeCommand runs before each command; tests set it to make one panic.
var beforeCommand = func() {}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInvalid
	}
	var err error
	defer func() {
		// A panic is a bug: it must not end the process with the runtime's
		// exit code 2, which says the input is invalid.
		if r := recover(); r != nil {
			code = report(&runner.InternalError{Value: r, Stack: debug.Stack()}, stderr)
		}
	}()
	beforeCommand()
	switch args[0] {
	case "validate":
		err = validateCmd(ctx, args[1:], stdout)
	case "run":
		err = runCmd(ctx, args[1:], stdout, stderr)
	case "explain":
		err = explainCmd(ctx, args[1:], stdout)
	case "adopt":
		err = adoptCmd(args[1:], stdout)
	case "close":
		err = closeCmd(ctx, args[1:], stdout)
	case "ledger":
		err = ledgerCmd(ctx, args[1:], stdout)
	case "waive":
		err = waiveCmd(ctx, args[1:], stdout)
	case "dispute":
		err = disputeCmd(ctx, args[1:], stdout)
	case "statement":
		err = statementCmd(ctx, args[1:], stdout)
	case "curves":
		err = curvesCmd(ctx, args[1:], stdout)
	case "serve":
		err = serveCmd(ctx, args[1:], stdout)
	case "version", "--version":
		fmt.Fprintln(stdout, "kpicredit", version())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = &usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return report(err, stderr)
}

// report prints an error and returns the exit code it calls for.
func report(err error, stderr io.Writer) int {
	var ue *usageError
	var ie *runner.InternalError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "kpicredit: %v\n%s", err, ie.Stack)
		return exitFailed
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "kpicredit: %v\n\n%s", err, usage)
		return exitInvalid
	case isInvalid(err):
		fmt.Fprintf(stderr, "%v\n", err)
		return exitInvalid
	}
	fmt.Fprintf(stderr, "kpicredit: %v\n", err)
	return exitFailed
}

const usage = `usage:
  kpicredit validate --rules R.yaml [--data D.csv|D.parquet] [--relief F.csv] [--scenario S.yaml ...]
  kpicredit run      --rules R.yaml --data D.csv|D.parquet [--relief F.csv] [--scenario S.yaml ...]
                     --out DIR [--csv] [--force] [--quiet] [--workers N] [--sweep-detail]
                     [--cpuprofile F] [--memprofile F]
  kpicredit explain  --rules R.yaml --data D.csv|D.parquet [--relief F.csv] [--scenario S.yaml ...]
                     --lot provider=X,region=Y --month YYYY-MM --kpi ID [--scenario-id ID]
  kpicredit adopt    --rules R.yaml (--scenario-id ID | --scenario S.yaml [--scenario-id ID]) --agreed YYYY-MM-DD
  kpicredit close     --rules R.yaml --data D.csv|D.parquet [--relief F.csv] --ledger L.db --month YYYY-MM
  kpicredit ledger    --ledger L.db show [--all] | verify [--anchor HASH ...] | export --out DIR
  kpicredit waive     --ledger L.db --lot provider=X,region=Y --month YYYY-MM --kpi ID
                      --amount 1200.00 --reason TEXT --approver NAME
  kpicredit dispute   open|agree|waive --ledger L.db --lot provider=X,region=Y --month YYYY-MM --kpi ID
                      --reason TEXT --by NAME [--amount 1200.00]
  kpicredit statement --ledger L.db --provider X --month YYYY-MM --out DIR
  kpicredit curves   --rules R.yaml [--data D.csv|D.parquet [--relief F.csv]] [--charge X]
                     [--scenario S.yaml ...] --out DIR [--force]
  kpicredit serve    --rules R.yaml --data D.csv|D.parquet [--relief F.csv]
                     [--addr 127.0.0.1:8080] [--allow-remote]
  kpicredit version

validate, run, explain, close, curves (with --data) and serve also take the
rulebook's event data: [--events NAME=FILE ...] [--exclusions F.csv].

Exit status: 0 success, 1 run failed (or the ledger is busy, or fails
verification), 2 bad usage or invalid input.
`
