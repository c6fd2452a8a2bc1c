package runner

import (
	"cmp"
	"context"
	"errors"
	"os"
	"slices"

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
}

// Input is a file a run read, for its manifest.
type Input struct {
	Role string // rules, scenario, data or relief
	Path string
}

// Inputs lists the files, each with its role, in the order the manifest
// records them.
func (f Files) Inputs() []Input {
	out := []Input{{Role: "rules", Path: f.Rules}}
	for _, s := range f.Scenarios {
		out = append(out, Input{Role: "scenario", Path: s})
	}
	if f.Data != "" {
		out = append(out, Input{Role: "data", Path: f.Data})
		if f.Relief != "" {
			out = append(out, Input{Role: "relief", Path: f.Relief})
		}
	}
	return out
}

// Load reads and checks every file of a job, the one loading path of the
// kpicredit command: the rulebook, each scenario file, the expressions of
// both (kpi.Check), the data and the relief. Every problem found is in
// one *rules.ValidationError, in file order: the rulebook's and the
// scenario files' problems, each expression's, the data file's first (it
// is read until then) and the relief file's first, which is read when the
// data is good. Only a rulebook or scenario file whose structure is wrong
// stops the loading there, since the rest cannot be read without it. A
// file that cannot be opened or read is its *os.PathError.
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
	job.Rules = rb
	if f.Data != "" && ctx.Err() == nil {
		if job.Data, err = input.LoadData(rb, f.Data); err != nil {
			if err := collect(err); err != nil {
				return job, err
			}
		} else if err := collect(rb.CheckSpan(job.Data.First, job.Data.Last)); err != nil {
			return job, err
		} else if f.Relief != "" {
			if job.Relief, err = loadRelief(job.Data, rb, f.Relief); err != nil {
				if err := collect(err); err != nil {
					return job, err
				}
			}
		}
	}
	if len(problems) > 0 {
		return Job{}, sortedProblems(problems)
	}
	return job, ctx.Err()
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
