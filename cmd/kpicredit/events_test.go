package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	eventsRules = "../../testdata/small/small-events.yaml"
	smallData   = "../../testdata/small/small.csv"
	smallRelief = "../../testdata/small/relief.csv"
	smallJobs   = "../../testdata/small/jobs.csv"
	exclusions  = "../../testdata/small/exclusions.csv"
)

// run writes the reconciliation and the QA sample; validate reports the
// events; a run without events removes what one with them wrote.
func TestRunEvents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := kpicredit("run", "--rules", eventsRules, "--data", smallData, "--relief", smallRelief,
		"--events", "jobs="+smallJobs, "--exclusions", exclusions, "--out", dir, "--csv")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "events 98, QA sample 13, reconciliation differences 2\n")
	for _, f := range []string{"reconciliation.parquet", "reconciliation.csv", "qa_sample.csv"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}

	code, _, stderr = kpicredit("run", "--rules", "../../testdata/small/small.yaml", "--data", smallData, "--out", dir, "--quiet")
	require.Equal(t, 0, code, stderr)
	for _, f := range []string{"reconciliation.parquet", "reconciliation.csv", "qa_sample.csv"} {
		assert.NoFileExists(t, filepath.Join(dir, f), "a run without events leaves none of its files")
	}

	code, stdout, stderr = kpicredit("validate", "--rules", eventsRules, "--data", smallData, "--exclusions", exclusions)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, eventsRules+": 2 KPIs, 1 scenarios: valid\n"+
		smallData+": 2 lots, 2025-01 to 2025-04: valid\n"+
		smallJobs+": 98 jobs events (1 excluded, 1 open, 1 late): valid\n"+
		exclusions+": 1 exclusions: valid\n"+
		"reconciliation: 2 lot-month-fields where the data file's figure differs from the events'\n", stdout)
}

// explain, curves and close take the event flags too.
func TestEventsCommands(t *testing.T) {
	code, stdout, stderr := kpicredit("explain", "--rules", eventsRules, "--data", smallData, "--exclusions", exclusions,
		"--lot", "provider=Acme,region=North", "--month", "2025-03", "--kpi", "K1")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `    excluded: J-N-0322 (`+smallJobs+` line 76; line 2 of the exclusions): "Raised twice by the helpdesk: the same repair as J-N-0312"`)

	dir := t.TempDir()
	code, _, stderr = kpicredit("curves", "--rules", eventsRules, "--data", smallData, "--events", "jobs="+smallJobs, "--out", filepath.Join(dir, "curves"))
	require.Equal(t, 0, code, stderr)

	ledger := filepath.Join(dir, "ledger.db")
	code, stdout, stderr = kpicredit("close", "--rules", eventsRules, "--data", smallData, "--exclusions", exclusions,
		"--ledger", ledger, "--month", "2025-01")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "closed 2025-01")
}

// Event flags used wrongly are bad usage: exit 2, nothing written.
func TestEventsUsage(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.csv")
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"not NAME=FILE", []string{"run", "--rules", eventsRules, "--data", smallData, "--events", "jobs.csv"},
			`invalid value "jobs.csv" for flag -events: "jobs.csv" is not NAME=FILE (an event source's name and its file)`},
		{"a name twice", []string{"run", "--rules", eventsRules, "--data", smallData, "--events", "jobs=a.csv", "--events", "jobs=b.csv"},
			`invalid value "jobs=b.csv" for flag -events: jobs is given twice`},
		{"without data", []string{"validate", "--rules", eventsRules, "--events", "jobs=" + smallJobs},
			"--events and --exclusions need --data: the events are counted into its lots and months"},
		{"a name not declared", []string{"run", "--rules", eventsRules, "--data", smallData, "--events", "moves=" + smallJobs},
			`--events moves=...: ` + eventsRules + ` declares no event source or stop file "moves" (it declares jobs)`},
		{"a rulebook without events", []string{"run", "--rules", "../../testdata/small/small.yaml", "--data", smallData, "--exclusions", exclusions},
			"small.yaml declares no event sources"},
		{"a missing event file", []string{"run", "--rules", eventsRules, "--data", smallData, "--events", "jobs=" + missing},
			missing + ": cannot read the file: no such file or directory"},
		{"a missing exclusions file", []string{"run", "--rules", eventsRules, "--data", smallData, "--exclusions", missing},
			missing + ": cannot read the file: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := tc.args
			if args[0] == "run" {
				args = append(args, "--out", out)
			}
			code, stdout, stderr := kpicredit(args...)
			require.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, tc.stderr)
			assert.Empty(t, stdout)
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err))
		})
	}
}
