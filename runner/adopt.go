package runner

import (
	"io"
	"os"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// AdoptFiles names what kpicredit adopt reads: the rulebook and the
// scenario to move into its amendments, by id or from its own file.
type AdoptFiles struct {
	Rules        string
	ScenarioID   string // a scenario of the rulebook, or of ScenarioFile
	ScenarioFile string // "" for the rulebook's own scenarios
	Agreed       string // YYYY-MM-DD
}

// Adopt reads the files and returns the rulebook's new text, with the
// scenario made an amendment (see rules.Adopt), its expressions checked
// with kpi.Check. It writes nothing.
func Adopt(f AdoptFiles) ([]byte, error) {
	src, err := readYAML(f.Rules)
	if err != nil {
		return nil, err
	}
	a := rules.Adoption{Name: f.Rules, Source: src, ScenarioID: f.ScenarioID, ScenarioFile: f.ScenarioFile,
		Agreed: f.Agreed, Check: kpi.Check}
	if f.ScenarioFile != "" {
		if a.ScenarioSource, err = readYAML(f.ScenarioFile); err != nil {
			return nil, err
		}
	}
	return rules.Adopt(a)
}

// readYAML reads a rulebook or scenario file, at most one byte more than
// the largest the loader accepts, so that it rejects a larger one.
func readYAML(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limits.MaxYAMLBytes+1))
}
