package closing_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallEvents copies the small contract measured from its job records:
// the rulebook names jobs.csv beside it.
func smallEvents(t *testing.T) *contract {
	t.Helper()
	dir := t.TempDir()
	c := &contract{ledger: filepath.Join(dir, "ledger.db"), files: runner.Files{Rules: filepath.Join(dir, "rules.yaml"),
		Data: filepath.Join(dir, "data.csv"), Relief: filepath.Join(dir, "relief.csv"), Exclusions: filepath.Join(dir, "exclusions.csv")}}
	for from, to := range map[string]string{"small-events.yaml": c.files.Rules, "small.csv": c.files.Data,
		"relief.csv": c.files.Relief, "jobs.csv": filepath.Join(dir, "jobs.csv"), "exclusions.csv": c.files.Exclusions} {
		b, err := os.ReadFile(filepath.Join("../testdata/small", from))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(to, b, 0o644))
	}
	return c
}

// rulebook loads a rulebook.
func rulebook(t *testing.T, path string) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Load(path, nil)
	require.NoError(t, err)
	return rb
}

// A close records the hash of every event file, the rulebook's own
// included, and of the exclusions; a corrected event file is a data
// correction, a new exclusion relief.
func TestCloseWithEvents(t *testing.T) {
	c := smallEvents(t)
	jobs := filepath.Join(filepath.Dir(c.files.Rules), "jobs.csv")
	src, err := closing.ReadSources(c.files.WithDefaults(rulebook(t, c.files.Rules)))
	require.NoError(t, err)
	var roles []string
	for _, in := range src.Inputs {
		roles = append(roles, in.Role)
	}
	assert.Equal(t, []string{"data", "relief", "events:jobs", "exclusions"}, roles)

	c.mustClose(t, "2025-01")
	c.mustClose(t, "2025-02")
	// J-N-0205 was in fact finished a fortnight late: February's K1 for
	// Acme / North changes, and K2's share of the capped month with it.
	edit(t, jobs, "J-N-0205,Acme,North,urgent,2025-02-04 13:15,2025-02-05 15:15,,", "J-N-0205,Acme,North,urgent,2025-02-04 13:15,2025-02-19 15:15,,")
	c.mustClose(t, "2025-03")
	assert.Equal(t, map[string]string{"North 2025-02 K1": string(ledger.ReasonDataCorrection),
		"North 2025-02 K2": string(ledger.ReasonDataCorrection)}, adjustments(t, c, "2025-03"))

	// An exclusion agreed later takes the late job out again.
	b, err := os.ReadFile(c.files.Exclusions)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(c.files.Exclusions, append(b, "jobs,J-N-0205,Parts on back order: agreed with the Authority\n"...), 0o644))
	c.mustClose(t, "2025-04")
	assert.Equal(t, map[string]string{"North 2025-02 K1": string(ledger.ReasonRelief),
		"North 2025-02 K2": string(ledger.ReasonRelief)}, adjustments(t, c, "2025-04"))
}
