package runner_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// value returns a field's value in a lot-month of a job's data.
func value(t *testing.T, job runner.Job, lot []string, m rules.Month, field string) string {
	t.Helper()
	li, ok := job.Data.Lot(lot...)
	require.True(t, ok)
	row, ok := job.Data.Lots[li].Month(m)
	require.True(t, ok)
	for i, f := range job.Rules.Fields {
		if f.Name == field {
			return row.Values[i].(decimal.Decimal).String()
		}
	}
	t.Fatalf("no field %s", field)
	return ""
}

var (
	north, wales = []string{"Acme", "North"}, []string{"Acme", "Wales"}
	feb, mar     = rules.NewMonth(2025, 2), rules.NewMonth(2025, 3)
	apr          = rules.NewMonth(2025, 4)
)

// Load reads the rulebook's own event file, fills the data's event fields
// with the computed figures and lists where the data file's differ.
func TestLoadEvents(t *testing.T) {
	job := smallEventsJob(t)
	require.NotNil(t, job.Events)
	assert.Equal(t, map[string]string{"jobs": "../testdata/small/jobs.csv"}, job.Files.Events, "the rulebook's file")
	assert.Equal(t, "21", value(t, job, north, feb, "jobs"), "the events, not small.csv's 20")
	assert.Equal(t, "8", value(t, job, wales, apr, "fixed"), "the events, not small.csv's 9")
	assert.Equal(t, "18", value(t, job, north, mar, "fixed"), "the excluded job left out")
	var got []string
	for _, d := range job.Events.Reconciliation {
		got = append(got, strings.Join(d.Lot, "/")+" "+d.Month.String()+" "+d.Field+" "+d.Reported.String()+" -> "+d.Computed.String())
	}
	assert.Equal(t, []string{"Acme/North 2025-02 jobs 20 -> 21", "Acme/Wales 2025-04 fixed 9 -> 8"}, got)
	assert.Equal(t, int64(1), job.Events.Open(), "J-W-0412, not yet due")
	assert.Equal(t, []runner.Input{{Role: "rules", Path: smallEventsFiles.Rules}, {Role: "data", Path: smallEventsFiles.Data},
		{Role: "relief", Path: smallEventsFiles.Relief}, {Role: "events:jobs", Path: "../testdata/small/jobs.csv"},
		{Role: "exclusions", Path: smallEventsFiles.Exclusions}}, job.Files.Inputs())

	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	assert.Same(t, job.Events, res.Events)
}

// writeFile writes a file into dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// --events replaces the rulebook's file; a data file may leave out the
// fields the events fill, which are then not reconciled.
func TestLoadEventsOverride(t *testing.T) {
	dir := t.TempDir()
	jobs, err := os.ReadFile("../testdata/small/jobs.csv")
	require.NoError(t, err)
	var kept []string
	for _, line := range strings.SplitAfter(string(jobs), "\n") {
		if !strings.HasPrefix(line, "J-N-0201,") { // one February job fewer
			kept = append(kept, line)
		}
	}
	other := writeFile(t, dir, "other.csv", strings.Join(kept, ""))
	data := writeFile(t, dir, "data.csv", "provider,region,month,monthly_charge,nights\n"+
		"Acme,North,2025-01,10000.00,18.5\nAcme,North,2025-02,10000.00,22\nAcme,North,2025-03,10000.00,25\nAcme,North,2025-04,10000.00,19\n"+
		"Acme,Wales,2025-01,8000.00,40\nAcme,Wales,2025-02,8000.00,40\nAcme,Wales,2025-03,8000.00,40\nAcme,Wales,2025-04,8000.00,40\n")
	f := smallEventsFiles
	f.Data, f.Events = data, map[string]string{"jobs": other}
	job, err := runner.Load(context.Background(), f)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"jobs": other}, job.Files.Events)
	assert.Equal(t, "20", value(t, job, north, feb, "jobs"))
	assert.Equal(t, "8", value(t, job, wales, apr, "fixed"))
	assert.Empty(t, job.Events.Reconciliation, "the data file reports no event field")
	_, err = runner.Run(context.Background(), job)
	require.NoError(t, err)
}

// Problems with event files join the job's other problems, each placed
// at its file, line and column; asking for event files wrongly is bad
// usage; both are invalid input (exit 2).
func TestLoadEventsProblems(t *testing.T) {
	dir := t.TempDir()
	header := "job_id,provider,region,priority,reported,fixed_at,no_access_from,no_access_to\n"
	dup := writeFile(t, dir, "dup.csv", header+"J1,Acme,North,urgent,2025-02-03 10:00,,,\nJ1,Acme,North,urgent,2025-02-03 11:00,,,\n")
	badRelief := writeFile(t, dir, "relief.csv", "provider,region,month,kpi,reason\nAcme,North,2025-03,K9,Flood\n")
	badEx := writeFile(t, dir, "ex.csv", "source,event_id,reason\nrepairs,J1,Duplicate\n")
	cases := []struct {
		name  string
		edit  func(f *runner.Files)
		want  string
		usage bool
	}{
		{"a duplicate id and a bad relief entry, in file order", func(f *runner.Files) {
			f.Events, f.Relief = map[string]string{"jobs": dup}, badRelief
		}, badRelief + `:2:4: column kpi: unknown KPI "K9" (use a KPI id or * for all)` + "\n" +
			dup + `:3:1: column job_id: a second event with the id "J1": an earlier row of the source has it`, false},
		{"an exclusion of another source", func(f *runner.Files) { f.Exclusions = badEx },
			badEx + `:2:1: column source: "repairs" is not an event source of the rulebook (its sources: jobs)`, false},
		{"a name the rulebook does not declare", func(f *runner.Files) { f.Events = map[string]string{"repairs": dup} },
			`--events repairs=...: ../testdata/small/small-events.yaml declares no event source or stop file "repairs" (it declares jobs)`, true},
		{"events for a rulebook without any", func(f *runner.Files) { f.Rules, f.Events = smallFiles.Rules, map[string]string{"jobs": dup} },
			"../testdata/small/small.yaml declares no event sources: --events and --exclusions need a rulebook with an events section", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := smallEventsFiles
			f.Exclusions = ""
			tc.edit(&f)
			_, err := runner.Load(context.Background(), f)
			require.EqualError(t, err, tc.want)
			assert.True(t, runner.IsInvalidInput(err))
			var ue *events.UsageError
			assert.Equal(t, tc.usage, errors.As(err, &ue))
		})
	}
}

// A source without a file, given none and naming none, is bad usage; the
// file is read only with data.
func TestLoadEventsNoFile(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../testdata/small/small-events.yaml")
	require.NoError(t, err)
	rulebook := writeFile(t, dir, "r.yaml", strings.Replace(string(src), "      file: jobs.csv", "", 1))
	f := smallEventsFiles
	f.Rules, f.Exclusions = rulebook, ""
	_, err = runner.Load(context.Background(), f)
	require.EqualError(t, err, "no file for the event source jobs: give --events jobs=FILE")
	assert.True(t, runner.IsInvalidInput(err))

	f.Data, f.Relief = "", ""
	job, err := runner.Load(context.Background(), f)
	require.NoError(t, err, "without data nothing is counted")
	assert.Nil(t, job.Events)
}

// A KPI's explanation names the events excluded from the fields it reads
// in its month; explain shows the events behind them.
func TestEventsExplained(t *testing.T) {
	job := smallEventsJob(t)
	res, err := runner.Run(context.Background(), job)
	require.NoError(t, err)
	lm, ok := res.Month(res.Baseline(), north, mar)
	require.True(t, ok)
	note := `; excluded: jobs J-N-0322 from jobs, fixed ("Raised twice by the helpdesk: the same repair as J-N-0312")`
	assert.True(t, strings.HasSuffix(lm.Credits.KPIs[0].Explanation, note), lm.Credits.KPIs[0].Explanation)
	assert.NotContains(t, lm.Credits.KPIs[1].Explanation, "excluded", "K2 reads no event field")
	lm, _ = res.Month(res.Baseline(), north, feb)
	assert.NotContains(t, lm.Credits.KPIs[0].Explanation, "excluded", "nothing excluded in February")

	var b bytes.Buffer
	require.NoError(t, runner.Explain(context.Background(), &b, job, runner.Query{Lot: map[string]string{"provider": "Acme", "region": "North"}, Month: mar, KPI: "K1"}))
	out := b.String()
	for _, want := range []string{
		"events:   the fields fixed, jobs, measured from the event files:\n",
		"  jobs = 20: count: events of the jobs events where priority != \"planned\", clock fix (5 working_days), counted in their deadline month\n",
		"    20 events in 2025-03: 18 met, 2 missed, 0 still open past the deadline\n",
		"      J-N-0319 (../testdata/small/jobs.csv line 83): started Fri 14 Mar 2025 13:15 +00:00, due Sat 22 Mar 2025 00:00 +00:00, ended Mon 24 Mar 2025 10:00 +00:00\n",
		`    excluded: J-N-0322 (../testdata/small/jobs.csv line 76; line 2 of the exclusions): "Raised twice by the helpdesk: the same repair as J-N-0312"` + "\n",
	} {
		assert.Contains(t, out, want)
	}

	b.Reset()
	require.NoError(t, runner.Explain(context.Background(), &b, job, runner.Query{Lot: map[string]string{"provider": "Acme", "region": "Wales"}, Month: apr, KPI: "K1"}))
	assert.Contains(t, b.String(), "  the data file reported fixed = 9; the computed 8 is used (see reconciliation)\n")
	assert.Contains(t, b.String(), "jobs: 1 events that started in 2025-04 are open and not yet due")

	b.Reset()
	require.NoError(t, runner.Explain(context.Background(), &b, job, runner.Query{Lot: map[string]string{"provider": "Acme", "region": "North"}, Month: mar, KPI: "K2"}))
	assert.NotContains(t, b.String(), "events:", "K2 reads no event field")
}

// explain reads the event files again: a file that went bad since the
// job was loaded is a problem placed in it, not a wrong explanation.
func TestEventsExplainRereads(t *testing.T) {
	dir := t.TempDir()
	jobs, err := os.ReadFile("../testdata/small/jobs.csv")
	require.NoError(t, err)
	path := writeFile(t, dir, "jobs.csv", string(jobs))
	f := smallEventsFiles
	f.Events = map[string]string{"jobs": path}
	job, err := runner.Load(context.Background(), f)
	require.NoError(t, err)
	writeFile(t, dir, "jobs.csv", string(jobs)+"J-N-0101,Acme,North,urgent,2025-01-02 10:00,,,\n")
	err = runner.Explain(context.Background(), &bytes.Buffer{}, job, runner.Query{Lot: map[string]string{"provider": "Acme", "region": "North"}, Month: mar, KPI: "K1"})
	require.EqualError(t, err, path+`:100:1: column job_id: a second event with the id "J-N-0101": an earlier row of the source has it`)
	var p *rules.Problem
	require.ErrorAs(t, err, &p)
}
