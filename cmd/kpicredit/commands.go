package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/output"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// inputs are the flags every command shares, and what they load.
type inputs struct {
	rules, data, relief string
	scenarios           multi
	events              eventFiles
	exclusions          string
}

// eventFiles are the --events NAME=FILE flags: each source's or stop
// file's file, by name.
type eventFiles map[string]string

// String lists the values given.
func (e *eventFiles) String() string {
	var parts []string
	for name, file := range *e {
		parts = append(parts, name+"="+file)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// Set adds one NAME=FILE.
func (e *eventFiles) Set(v string) error {
	name, file, ok := strings.Cut(v, "=")
	name = strings.TrimSpace(name)
	switch {
	case !ok || name == "" || file == "":
		return fmt.Errorf("%q is not NAME=FILE (an event source's name and its file)", v)
	case (*e)[name] != "":
		return fmt.Errorf("%s is given twice", name)
	}
	if *e == nil {
		*e = eventFiles{}
	}
	(*e)[name] = file
	return nil
}

// registerEvents adds the event flags to a command's.
func (in *inputs) registerEvents(fs *flag.FlagSet) {
	fs.Var(&in.events, "events", "an event source's (or stop file's) file, as `NAME=FILE` (CSV, or Parquet); repeatable; overrides the rulebook's file for NAME")
	fs.StringVar(&in.exclusions, "exclusions", "", "events to leave out: a CSV `file` (source, event_id, reason)")
}

// multi is a flag given any number of times, each value kept.
type multi []string

// String lists the values given.
func (m *multi) String() string { return strings.Join(*m, ",") }

// Set adds one more value.
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// repeatable is a flag's Value that may be given more than once: every
// other flag may be given once, as a second value would silently replace
// the first (two --out, two --month).
type repeatable interface{ repeatable() }

func (*multi) repeatable()      {}
func (*eventFiles) repeatable() {}

// parseOnce is fs.Parse refusing a flag given twice that is not
// repeatable.
func parseOnce(fs *flag.FlagSet, args []string) error {
	values := map[string]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(repeatable); ok {
			return
		}
		values[f.Name] = f.Value
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			f.Value = &onceBool{once{Value: f.Value}}
		} else {
			f.Value = &once{Value: f.Value}
		}
	})
	defer fs.VisitAll(func(f *flag.Flag) { // as they were, for PrintDefaults
		if v, ok := values[f.Name]; ok {
			f.Value = v
		}
	})
	return fs.Parse(args)
}

// once is a flag's Value that refuses a second value.
type once struct {
	flag.Value
	set bool
}

// Set sets the first value.
func (o *once) Set(v string) error {
	if o.set {
		return errors.New("the flag is given twice")
	}
	o.set = true
	return o.Value.Set(v)
}

// onceBool is once for a boolean flag, which takes no value.
type onceBool struct{ once }

// IsBoolFlag says the flag takes no value.
func (*onceBool) IsBoolFlag() bool { return true }

func (in *inputs) register(fs *flag.FlagSet) {
	fs.StringVar(&in.rules, "rules", "", "the rulebook `file` (YAML)")
	fs.StringVar(&in.data, "data", "", "monthly data: a CSV `file` with a header row, or Parquet (.parquet)")
	fs.StringVar(&in.relief, "relief", "", "relief entries: a CSV `file` (key columns, month, kpi, reason)")
	fs.Var(&in.scenarios, "scenario", "a scenario `file` (YAML); repeatable")
	in.registerEvents(fs)
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := parseOnce(fs, args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(os.Stdout)
			fs.PrintDefaults()
			return err
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// files names the files the flags give.
func (in *inputs) files() runner.Files {
	return runner.Files{Rules: in.rules, Scenarios: in.scenarios, Data: in.data, Relief: in.relief,
		Events: in.events, Exclusions: in.exclusions}
}

// load reads the rulebook, its scenario files, the data and the relief,
// through runner.Load.
func (in *inputs) load(ctx context.Context, needData bool) (runner.Job, error) {
	if in.rules == "" {
		return runner.Job{}, &usageError{"--rules is required"}
	}
	if needData && in.data == "" {
		return runner.Job{}, &usageError{"--data is required"}
	}
	if in.data == "" && (len(in.events) > 0 || in.exclusions != "") {
		return runner.Job{}, &usageError{"--events and --exclusions need --data: the events are counted into its lots and months"}
	}
	job, err := runner.Load(ctx, in.files())
	return job, unreadable(err)
}

// validateCmd checks the inputs; with data, it also runs the job and
// renders its outputs in memory, so that what passes here does not fail
// in run for the same inputs.
func validateCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var in inputs
	in.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	job, err := in.load(ctx, false)
	if err != nil {
		return err
	}
	if job.Data != nil {
		res, err := runner.Run(ctx, job)
		if err != nil {
			return err
		}
		if err := output.Verify(ctx, res); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %d KPIs, %d scenarios: valid\n", in.rules, len(job.Rules.KPIs), len(job.Rules.Scenarios))
	if job.Data != nil {
		fmt.Fprintf(stdout, "%s: %d lots, %s to %s: valid\n", in.data, len(job.Data.Lots), job.Data.First, job.Data.Last)
	}
	if job.Relief != nil {
		fmt.Fprintf(stdout, "%s: %d relief entries: valid\n", in.relief, job.Relief.Len())
	}
	if ev := job.Events; ev != nil {
		writeEventsValid(stdout, ev)
	}
	return nil
}

// writeEventsValid says what validate found in the event files.
func writeEventsValid(w io.Writer, ev *runner.Events) {
	for _, s := range ev.Result.Summary() {
		fmt.Fprintf(w, "%s: %d %s events (%d excluded, %d open, %d late): valid\n", ev.Files[s.Source], s.Events, s.Source, s.Excluded, s.Open, s.Late)
	}
	if ev.Exclusions != "" {
		fmt.Fprintf(w, "%s: %d exclusions: valid\n", ev.Exclusions, len(ev.Result.Excluded()))
	}
	fmt.Fprintf(w, "reconciliation: %d lot-month-fields where the data file's figure differs from the events'\n", len(ev.Reconciliation))
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var in inputs
	in.register(fs)
	out := fs.String("out", "", "the output `directory`")
	csv := fs.Bool("csv", false, "also write the tables as CSV")
	force := fs.Bool("force", false, "write into a directory that holds other files")
	quiet := fs.Bool("quiet", false, "no progress bar")
	workers := fs.Int("workers", 0, "lots priced at once, of the baseline and the scenarios (0: one per CPU)")
	sweepDetail := fs.Bool("sweep-detail", false, "write every sweep member's KPI rows to kpi_results, not only its totals")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to `file`")
	memprofile := fs.String("memprofile", "", "write a heap profile at the end of the run to `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"--out is required"}
	}
	if *workers < 0 {
		return &usageError{fmt.Sprintf("--workers must be 0 (one per CPU) or more, not %d", *workers)}
	}
	stop, err := profile(*cpuprofile, *memprofile)
	if err != nil {
		return err
	}
	defer stop()
	job, err := in.load(ctx, true)
	if err != nil {
		return err
	}
	dest := output.Output{Dir: *out, CSV: *csv, Force: *force, Inputs: job.Files.Inputs()}
	if err := output.CheckOutput(dest); err != nil {
		return err
	}
	job.Workers, job.SweepDetail = *workers, *sweepDetail
	if dest.Stream, err = output.NewStream(job, *csv); err != nil {
		return err
	}
	job.Detail = dest.Stream.Lot // every run's detail is written as it is priced, not kept
	bar := newProgress(stderr, *quiet)
	job.Progress = bar.set
	res, err := runner.Run(ctx, job)
	bar.finish()
	if err != nil {
		return err
	}
	if err := output.Write(ctx, res, dest); err != nil {
		return err
	}
	t := res.Baseline().Total
	fmt.Fprintf(stdout, "%s: %d lots x %d months, %d scenarios\n", *out, len(res.Data.Lots), res.Data.Months(), len(res.Runs)-1)
	fmt.Fprintf(stdout, "baseline credits %s on charges of %s\n", t.Credits.StringFixed(res.Rules.MinorUnits), t.Charge.StringFixed(res.Rules.MinorUnits))
	if ev := res.Events; ev != nil {
		var n int64
		for _, s := range ev.Result.Summary() {
			n += s.Events
		}
		fmt.Fprintf(stdout, "events %d, QA sample %d, reconciliation differences %d\n", n, len(ev.Result.Sample()), len(ev.Reconciliation))
	}
	return nil
}

func explainCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	var in inputs
	in.register(fs)
	lot := fs.String("lot", "", "the lot: key=value pairs, comma-separated (provider=X,region=Y)")
	month := fs.String("month", "", "the month, YYYY-MM")
	kpiID := fs.String("kpi", "", "the KPI id")
	scenario := fs.String("scenario-id", "", "explain under this scenario instead of the baseline")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *lot == "" || *month == "" || *kpiID == "" {
		return &usageError{"--lot, --month and --kpi are required"}
	}
	q := runner.Query{Lot: map[string]string{}, KPI: *kpiID, Scenario: *scenario}
	for _, kv := range strings.Split(*lot, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return &usageError{fmt.Sprintf("--lot: %q is not key=value", kv)}
		}
		k = strings.TrimSpace(k)
		if _, dup := q.Lot[k]; dup {
			return &usageError{fmt.Sprintf("--lot: %s is given twice", k)}
		}
		q.Lot[k] = strings.TrimSpace(v)
	}
	m, err := rules.ParseMonth(*month)
	if err != nil {
		return &usageError{"--month: " + err.Error()}
	}
	q.Month = m
	job, err := in.load(ctx, true)
	if err != nil {
		return err
	}
	return runner.Explain(ctx, stdout, job, q)
}

// isInvalid reports errors that are the user's to fix: invalid input, an
// input file that cannot be read, or an output path that cannot be a
// run's output directory (a file, under a file, a link to nothing) or
// holds other files.
func isInvalid(err error) bool {
	var ue *unreadableError
	var oe *output.OutputError
	return runner.IsInvalidInput(err) || errors.As(err, &ue) || errors.As(err, &oe)
}

// unreadableError is an input file that cannot be opened or read: missing,
// a directory, or not permitted.
type unreadableError struct{ *os.PathError }

func (e *unreadableError) Error() string { return e.Path + ": cannot read the file: " + e.Err.Error() }

// unreadable marks a failure to open or read an input file as the user's
// to fix; other errors pass unchanged.
func unreadable(err error) error {
	if pe := (*os.PathError)(nil); errors.As(err, &pe) {
		return &unreadableError{pe}
	}
	return err
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return runner.Version
}
