package closing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// Sources are what a close records of the files it priced: the rulebook's
// text, kept in the ledger, and the SHA-256 of each other input.
type Sources struct {
	Rulebook []byte  // the rulebook file as read
	Inputs   []Input // data, relief, event and exclusions files, in the order of runner.Files.Inputs
}

// Input is one input file's role (data, relief, events:NAME, exclusions)
// and SHA-256 in lower-case hex.
type Input struct {
	Role   string
	SHA256 string
}

// ReadSources reads the rulebook and hashes the data, relief, event and
// exclusions files (scenario files are not part of a close). Give it
// files with the rulebook's default event files (runner.Files.WithDefaults).
func ReadSources(f runner.Files) (Sources, error) {
	var s Sources
	var err error
	if s.Rulebook, err = os.ReadFile(f.Rules); err != nil {
		return s, err
	}
	for _, in := range f.Inputs() {
		if in.Role == "rules" || in.Role == "scenario" {
			continue
		}
		h, err := in.SHA256()
		if err != nil {
			return s, err
		}
		s.Inputs = append(s.Inputs, Input{Role: in.Role, SHA256: h})
	}
	return s, nil
}

func hashText(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Load reads a close's files as runner.Load does, without scenarios, and
// their Sources; a file that changes while it is read (its hash before
// and after differs) is an error, so that the hashes recorded are of what
// was priced.
func Load(ctx context.Context, f runner.Files) (runner.Job, Sources, error) {
	f.Scenarios = nil
	if rb, err := rules.Load(f.Rules, nil); err == nil {
		f = f.WithDefaults(rb) // the event files the rulebook names; runner.Load reports its problems
	}
	before, err := ReadSources(f)
	if err != nil {
		return runner.Job{}, Sources{}, err
	}
	job, err := runner.Load(ctx, f)
	if err != nil {
		return runner.Job{}, Sources{}, err
	}
	after, err := ReadSources(f)
	if err != nil {
		return runner.Job{}, Sources{}, err
	}
	if !bytes.Equal(before.Rulebook, after.Rulebook) || fmt.Sprint(before.Inputs) != fmt.Sprint(after.Inputs) {
		return runner.Job{}, Sources{}, fmt.Errorf("the input files changed while they were read; close again")
	}
	job.Scenarios = noScenarios
	return job, before, nil
}

// noScenarios runs the baseline alone.
var noScenarios = []*rules.Scenario{}

// manifest returns the text whose SHA-256 is a close's inputs hash, and
// the waivers' list it names (see the package documentation).
func manifest(src Sources, balances []ledger.Balance) string {
	var b strings.Builder
	b.WriteString(manifestHeader)
	for _, in := range src.Inputs {
		fmt.Fprintf(&b, "%s %s\n", in.Role, in.SHA256)
	}
	var w strings.Builder
	for _, bal := range balances {
		if bal.Waived.IsPositive() {
			fmt.Fprintf(&w, "%s\t%s\t%s\t%s\n", bal.Month, jsonLot(bal.Lot), bal.KPI, bal.Waived.String())
		}
	}
	if w.Len() > 0 {
		fmt.Fprintf(&b, "waived %s\n", hashText([]byte(w.String())))
	}
	return b.String()
}

const manifestHeader = "kpicredit inputs v1\n"

// parseManifest returns a manifest's hashes by role, and false when text
// is not a manifest.
func parseManifest(text string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(text, manifestHeader)
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(rest, "\n"), "\n") {
		role, h, ok := strings.Cut(line, " ")
		if !ok && line != "" {
			return nil, false
		}
		if ok {
			out[role] = h
		}
	}
	return out, true
}
