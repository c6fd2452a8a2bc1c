package runner

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
)

// Files names the files of a job.
type Files struct {
	Rules     string   // the rulebook
	Scenarios []string // scenario files, added to the rulebook's own scenarios
	Data      string   // the monthly data, CSV or Parquet; "" for none
	Relief    string   // the relief file; "" for none (ignored without Data)
	// Events gives the file of each event source and stop file the
	// rulebook declares, by its name (--events NAME=FILE). A name the
	// rulebook gives a file for (its file key) may be left out: Load
	// reads that file (see WithDefaults). Read only with Data.
	Events map[string]string
	// Exclusions is the file of events to leave out (--exclusions); ""
	// for none.
	Exclusions string
}

// Input is a file a run read, for its manifest.
type Input struct {
	Role string // rules, scenario, data, relief, events:NAME or exclusions
	Path string
}

// SHA256 returns the SHA-256 of the file's contents, in hex: how a
// manifest and a close record what was read.
func (in Input) SHA256() (string, error) {
	f, err := os.Open(in.Path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Inputs lists the files, each with its role, in the order the manifest
// records them: the event files by name, after the relief. Give the Files
// of a loaded job (Job.Files), which name the rulebook's default event
// files too.
func (f Files) Inputs() []Input {
	out := []Input{{Role: "rules", Path: f.Rules}}
	for _, s := range f.Scenarios {
		out = append(out, Input{Role: "scenario", Path: s})
	}
	if f.Data == "" {
		return out
	}
	out = append(out, Input{Role: "data", Path: f.Data})
	if f.Relief != "" {
		out = append(out, Input{Role: "relief", Path: f.Relief})
	}
	names := make([]string, 0, len(f.Events))
	for name := range f.Events {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		out = append(out, Input{Role: "events:" + name, Path: f.Events[name]})
	}
	if f.Exclusions != "" {
		out = append(out, Input{Role: "exclusions", Path: f.Exclusions})
	}
	return out
}

// WithDefaults returns the files with, for every event source and stop
// file of the rulebook that names its file and is not given one, that
// file (see rules.Rulebook.EventFiles).
func (f Files) WithDefaults(rb *rules.Rulebook) Files {
	defaults := rb.EventFiles()
	if len(defaults) == 0 {
		return f
	}
	given := f.Events
	f.Events = maps.Clone(defaults)
	maps.Copy(f.Events, given)
	return f
}

// Load reads and checks every file of a job, the one loading path of the
// kpicredit command: the rulebook, each scenario file, the expressions of
// both (kpi.Check) and of the events section's filters (events.Compile),
// the data, the relief and the event files. Every problem found is in one
// *rules.ValidationError, in file order: the rulebook's and the scenario
// files' problems, each expression's, the data file's first (it is read
// until then), and the relief file's first and the event files' first,
// which are read when the data is good. The event files fill the data's
// event fields (Job.Events). Only a rulebook or scenario file whose
// structure is wrong stops the loading there, since the rest cannot be
// read without it. A file that cannot be opened or read is its
// *os.PathError; event files asked for wrongly (a name the rulebook does
// not declare, a source without a file) an *events.UsageError.
func Load(ctx context.Context, f Files) (Job, error) {
	var job Job
	rb, err := rules.Load(f.Rules, nil)
	if err != nil {
		return job, err
	}
	for _, s := range f.Scenarios {
		if err := rb.LoadScenarios(s); err != nil {
			return job, err
		}
	}
	if err := checkEventFlags(rb, f); err != nil {
		return job, err
	}
	f = f.WithDefaults(rb)
	var problems []*rules.Problem
	collect := func(err error) error {
		var ve *rules.ValidationError
		var p *rules.Problem
		switch {
		case errors.As(err, &ve):
			problems = append(problems, ve.Problems...)
		case errors.As(err, &p):
			problems = append(problems, p)
		default:
			return err
		}
		return nil
	}
	if err := collect(kpi.Check(rb, rb.Scenarios)); err != nil {
		return job, err
	}
	prog, err := events.Compile(rb)
	if err := collect(err); err != nil {
		return job, err
	}
	job.Rules, job.Files = rb, f
	if f.Data != "" && ctx.Err() == nil {
		if err := job.loadData(f, prog, collect); err != nil {
			return job, err
		}
	}
	if len(problems) > 0 {
		return Job{}, sortedProblems(problems)
	}
	return job, ctx.Err()
}

// loadData reads the data, then the relief and the event files, giving
// every problem to collect; it returns an error collect does not take.
func (job *Job) loadData(f Files, prog *events.Program, collect func(error) error) error {
	rb := job.Rules
	var err error
	if job.Data, err = input.LoadData(rb, f.Data); err != nil {
		return collect(err)
	}
	if err := collect(rb.CheckSpan(job.Data.First, job.Data.Last)); err != nil {
		return err
	}
	if f.Relief != "" {
		if job.Relief, err = loadRelief(job.Data, rb, f.Relief); err != nil {
			if err := collect(err); err != nil {
				return err
			}
		}
	}
	if rb.Events != nil && prog != nil {
		if job.Events, err = readEvents(prog, job.Data, f); err != nil {
			return collect(eventProblem(err))
		}
	}
	return nil
}

// loadRelief reads the relief file for the data, knowing every KPI id of
// the baseline and its scenarios.
func loadRelief(ds *input.Dataset, rb *rules.Rulebook, path string) (*input.ReliefTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return input.ReadRelief(ds, KPIIDs(rb), path, f)
}

// KPIIDs lists every KPI id of the rulebook, its amendments and its
// scenarios, the original terms' first: the ids a relief file may name.
func KPIIDs(rb *rules.Rulebook) []string {
	var ids []string
	var books []*rules.Rulebook
	for _, e := range rb.Timeline() {
		books = append(books, e.Rules)
	}
	for _, a := range rb.Amendments {
		books = append(books, a.Rules())
	}
	for _, s := range rb.Scenarios {
		for _, e := range s.Timeline() {
			books = append(books, e.Rules)
		}
	}
	for _, b := range books {
		for _, k := range b.KPIs {
			if !slices.Contains(ids, k.ID) {
				ids = append(ids, k.ID)
			}
		}
	}
	return ids
}

// sortedProblems lists problems file by file in the order the files were
// loaded (rulebook, scenario files, data, relief), each file's by line and
// column.
func sortedProblems(list []*rules.Problem) error {
	rank := map[string]int{}
	for _, p := range list {
		if _, ok := rank[p.Pos.File]; !ok {
			rank[p.Pos.File] = len(rank)
		}
	}
	slices.SortStableFunc(list, func(a, b *rules.Problem) int {
		return cmp.Or(cmp.Compare(rank[a.Pos.File], rank[b.Pos.File]),
			cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	return &rules.ValidationError{Problems: list}
}
