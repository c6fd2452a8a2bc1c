package output

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/kpicredit/kpicredit/internal/par"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// Manifest records what a run read and wrote, so that its outputs can be
// traced back to their inputs. It holds no time stamp: the same inputs
// give the same manifest.
type Manifest struct {
	Tool      string             `json:"tool"`
	Version   string             `json:"version"`
	Contract  string             `json:"contract"`
	Inputs    []ManifestInput    `json:"inputs"`
	Data      ManifestData       `json:"data"`
	Rulebook  ManifestRules      `json:"rulebook"`
	Terms     []ManifestTerms    `json:"terms"`
	Scenarios []ManifestScenario `json:"scenarios"`
	Rows      map[string]int     `json:"rows"`
	Outputs   []ManifestInput    `json:"outputs"`
}

// ManifestInput is a file and its SHA-256. File is the file's name without
// its directory, so that a run gives the same manifest whichever directory
// it runs in and however its inputs' paths are written; the hash, not the
// name, identifies the contents.
type ManifestInput struct {
	Role   string `json:"role,omitempty"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// ManifestData describes the data's extent.
type ManifestData struct {
	FirstMonth string          `json:"first_month"`
	LastMonth  string          `json:"last_month"`
	Lots       int             `json:"lots"`
	LotMonths  int             `json:"lot_months"`
	Relief     int             `json:"relief_entries"`
	Events     *ManifestEvents `json:"events,omitempty"` // nil without events
}

// ManifestEvents records what a run's event files gave: the fields they
// filled, what became of each source's events, the events left out as
// open, the reconciliation's differences and the QA sample's size.
type ManifestEvents struct {
	Fields         []string         `json:"fields"`
	Sources        []ManifestSource `json:"sources"`
	Open           int64            `json:"open"`
	Reconciliation int              `json:"reconciliation_differences"`
	Sample         int              `json:"qa_sample"`
}

// ManifestSource counts what became of one source's events (see
// events.SourceSummary).
type ManifestSource struct {
	Source   string `json:"source"`
	Events   int64  `json:"events"`
	Excluded int64  `json:"excluded"`
	Open     int64  `json:"open"`
	Late     int64  `json:"late"`
	Outside  int64  `json:"outside"`
}

// ManifestRules is a rulebook in force, as YAML, with its hash.
type ManifestRules struct {
	SHA256 string `json:"sha256"`
	YAML   string `json:"yaml,omitempty"`
}

// ManifestTerms is a set of terms a run priced months under: from a
// month on, with the latest amendment in force, as YAML with its hash.
type ManifestTerms struct {
	From  string `json:"from,omitempty"`  // YYYY-MM; "" for the first months
	Terms string `json:"terms,omitempty"` // the latest amendment in force; "" for the original terms
	ManifestRules
}

// ManifestScenario is a scenario and the rulebook it runs under from its
// first month, and every set of terms it runs under from then on. For a
// sweep's members the YAML is left out: each is the baseline with the
// one field the sweep sets.
type ManifestScenario struct {
	ID          string          `json:"id"`
	Description string          `json:"description,omitempty"`
	From        string          `json:"from,omitempty"`
	Revoke      []string        `json:"revoke,omitempty"`
	Sweep       *ManifestSweep  `json:"sweep,omitempty"`
	Rulebook    ManifestRules   `json:"rulebook"`
	Terms       []ManifestTerms `json:"terms"`
}

// ManifestSweep is the value a sweep's member sets.
type ManifestSweep struct {
	Sweep string `json:"sweep"`
	KPI   string `json:"kpi"`
	Field string `json:"field"`
	Value string `json:"value"`
}

func manifest(ctx context.Context, res *runner.Result, inputs []runner.Input, rows map[string]int, files []file) ([]byte, error) {
	m := Manifest{Tool: "kpicredit", Version: runner.Version, Contract: res.Rules.Contract, Rows: rows,
		Inputs: []ManifestInput{}, Scenarios: []ManifestScenario{}}
	for _, in := range inputs {
		h, err := in.SHA256()
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		m.Inputs = append(m.Inputs, ManifestInput{Role: in.Role, File: filepath.Base(in.Path), SHA256: h})
	}
	ds := res.Data
	m.Data = ManifestData{FirstMonth: ds.First.String(), LastMonth: ds.Last.String(), Lots: len(ds.Lots),
		LotMonths: len(ds.Lots) * ds.Months(), Relief: res.Relief.Len(), Events: eventsEntry(res)}
	var err error
	if m.Rulebook, err = rulesEntry(res.Rules.YAML, true); err != nil {
		return nil, err
	}
	if m.Terms, err = termsEntries(res.Rules.Timeline(), nil, true); err != nil {
		return nil, err
	}
	// Each scenario's rulebook is marshalled to be hashed: in parallel, as a
	// sweep has thousands.
	runs := res.Runs[1:]
	m.Scenarios = make([]ManifestScenario, len(runs))
	err = par.Run(ctx, 0, len(runs), func(i int) (err error) {
		m.Scenarios[i], err = scenarioEntry(res.Rules, runs[i].Scenario)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		m.Outputs = append(m.Outputs, ManifestInput{File: f.name, SHA256: hashBytes(f.data)})
	}
	out, err := json.MarshalIndent(m, "", "  ")
	return append(out, '\n'), err
}

func scenarioEntry(base *rules.Rulebook, s *rules.Scenario) (ManifestScenario, error) {
	e := ManifestScenario{ID: s.ID, Description: s.Description, Revoke: s.Revoke}
	if s.From != nil {
		e.From = s.From.String()
	}
	if p := s.Sweep; p != nil {
		e.Sweep = &ManifestSweep{Sweep: p.Sweep, KPI: p.KPI, Field: p.Field, Value: p.Value.String()}
	}
	withText := s.Sweep == nil
	var err error
	if e.Terms, err = termsEntries(s.Timeline(), base.Timeline(), withText); err != nil {
		return e, err
	}
	// The scenario's rulebook is one of its own sets of terms, which have
	// no amendments or scenarios, so that their YAML is their TermsYAML:
	// its entry is that set's, worked out once.
	i := 0
	for _, ep := range s.Timeline() {
		if sharedEpoch(ep, base.Timeline()) {
			continue
		}
		if ep.Rules == s.Rules() && ep.Rules != base {
			e.Rulebook = e.Terms[i].ManifestRules
			return e, nil
		}
		i++
	}
	e.Rulebook, err = rulesEntry(s.Rules().YAML, withText)
	return e, err
}

// sharedEpoch reports whether a scenario's epoch is one of the baseline's
// (a month before its from).
func sharedEpoch(ep rules.Epoch, baseline []rules.Epoch) bool {
	return slices.ContainsFunc(baseline, func(b rules.Epoch) bool { return b.Rules == ep.Rules })
}

// termsEntries lists the epochs of a timeline, leaving out those of the
// baseline's it shares (a scenario's months before its from).
func termsEntries(t, baseline []rules.Epoch, withText bool) ([]ManifestTerms, error) {
	out := []ManifestTerms{}
	for _, ep := range t {
		if sharedEpoch(ep, baseline) {
			continue
		}
		e := ManifestTerms{Terms: ep.Terms}
		if ep.From != 0 {
			e.From = ep.From.String()
		}
		var err error
		if e.ManifestRules, err = termsRules(ep.Rules, withText); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// termsRules is the entry of a set of terms: the hash of its TermsYAML,
// with the text when asked for. Without it the terms are hashed as they
// are written, which a sweep's member does without encoding its document.
func termsRules(rb *rules.Rulebook, withText bool) (ManifestRules, error) {
	if withText {
		return rulesEntry(rb.TermsYAML, true)
	}
	h := sha256.New()
	if err := rb.WriteTermsYAML(h); err != nil {
		return ManifestRules{}, fmt.Errorf("manifest: %w", err)
	}
	return ManifestRules{SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func rulesEntry(yamlOf func() ([]byte, error), withText bool) (ManifestRules, error) {
	y, err := yamlOf()
	if err != nil {
		return ManifestRules{}, fmt.Errorf("manifest: %w", err)
	}
	r := ManifestRules{SHA256: hashBytes(y)}
	if withText {
		r.YAML = string(y)
	}
	return r, nil
}
