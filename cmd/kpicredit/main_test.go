package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	rulesPath  = "../../examples/aasc/rules.yaml"
	dataPath   = "../../examples/aasc/data.csv"
	reliefPath = "../../examples/aasc/relief.csv"
)

func kpicredit(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunExample(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath, "--out", dir, "--csv")
	require.Equal(t, 0, code, stderr)
	require.Empty(t, stderr, "no progress bar when stderr is not a terminal")
	require.Contains(t, stdout, "7 lots x 24 months, 12 scenarios")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 13)

	// Without --csv a second run removes the CSV copies of the first.
	code, _, stderr = kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--out", dir, "--quiet")
	require.Equal(t, 0, code, stderr)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 9)
}

func TestValidate(t *testing.T) {
	code, stdout, stderr := kpicredit("validate", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, rulesPath+": 15 KPIs, 12 scenarios: valid\n"+
		dataPath+": 7 lots, 2024-09 to 2026-08: valid\n"+
		reliefPath+": 12 relief entries: valid\n", stdout)
}

func TestExplain(t *testing.T) {
	code, stdout, stderr := kpicredit("explain", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath,
		"--lot", "provider=Meridian Support,region=North West", "--month", "2025-03", "--kpi", "KPI-01")
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"KPI-01 Emergency defects fixed within 24 hours — baseline",
		"= 247 / 255", "= 0.9686274509803922", "status:   severe",
		"streak:   2 consecutive failure(s); escalation 1.5",
		"area property: 10 points = (2 nil + 8 x1) x 0.3% of £5,438,765.62 = £130,530.37",
		"credit:   £117,477.33",
	} {
		require.Contains(t, stdout, want)
	}
	code, _, stderr = kpicredit("explain", "--rules", rulesPath, "--data", dataPath,
		"--lot", "provider=Nobody,region=North West", "--month", "2025-03", "--kpi", "KPI-01")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "no lot provider=Nobody,region=North West in the data")
	for _, tc := range []struct{ lot, stderr string }{
		{"provider=Nobody", "data.csv: --lot must name every key column; region missing"},
		{"provider=A,region=B,region=C", "--lot: region is given twice"},
		{"provider=A,colour=B", `--lot names "colour", which is not a key column (provider, region)`},
	} {
		code, _, stderr = kpicredit("explain", "--rules", rulesPath, "--data", dataPath,
			"--lot", tc.lot, "--month", "2025-03", "--kpi", "KPI-01")
		require.Equal(t, 2, code)
		require.Contains(t, stderr, tc.stderr)
	}
}

// Bad usage and bad input exit with 2 and create nothing: not --out, nor
// its parents.
func TestExitCodes(t *testing.T) {
	bad := t.TempDir()
	badData := filepath.Join(bad, "data.csv")
	src, err := os.ReadFile(dataPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(badData, bytes.Replace(src, []byte(",2024-10,"), []byte(",2024-13,"), 1), 0o644))
	badRules := filepath.Join(bad, "rules.yaml")
	require.NoError(t, os.WriteFile(badRules, []byte("contract: X\n"), 0o644))
	require.NoError(t, os.Symlink("gone", filepath.Join(bad, "dangling")))

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, 2, "usage:"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"run", "--colour"}, 2, "flag provided but not defined: -colour"},
		{"no rules", []string{"run", "--out", "x"}, 2, "--rules is required"},
		{"no out", []string{"run", "--rules", rulesPath, "--data", dataPath}, 2, "--out is required"},
		{"bad data", []string{"run", "--rules", rulesPath, "--data", badData}, 2, `data.csv:9:3: column month: month "2024-13" is not YYYY-MM`},
		{"bad rules", []string{"run", "--rules", badRules, "--data", dataPath}, 2, `rules.yaml:1:1: missing required key "currency"`},
		{"missing rulebook", []string{"run", "--rules", filepath.Join(bad, "none.yaml"), "--data", dataPath}, 2,
			filepath.Join(bad, "none.yaml") + ": cannot read the file: no such file or directory"},
		{"rulebook is a directory", []string{"validate", "--rules", bad}, 2, bad + ": cannot read the file: is a directory"},
		{"missing scenario file", []string{"run", "--rules", rulesPath, "--scenario", "none.yaml", "--data", dataPath}, 2,
			"none.yaml: cannot read the file: no such file or directory"},
		{"missing data", []string{"run", "--rules", rulesPath, "--data", "none.csv"}, 2, "none.csv: cannot read the file: no such file or directory"},
		{"data is a directory", []string{"run", "--rules", rulesPath, "--data", bad}, 2, bad + ": cannot read the file: is a directory"},
		{"missing relief", []string{"run", "--rules", rulesPath, "--data", dataPath, "--relief", "none.csv"}, 2,
			"none.csv: cannot read the file: no such file or directory"},
		{"out is a file", []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", badRules}, 2,
			badRules + ": the output path is a file, not a directory"},
		{"out is under a file", []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", filepath.Join(badRules, "sub")}, 2,
			filepath.Join(badRules, "sub") + ": " + badRules + " is a file, not a directory"},
		{"out is a link to nothing", []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", filepath.Join(bad, "dangling")}, 2,
			filepath.Join(bad, "dangling") + ": " + filepath.Join(bad, "dangling") + " is a symbolic link to gone, which does not exist"},
		{"out is the root", []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", "/"}, 2,
			"/: the output directory cannot be the root of the file system"},
		{"negative workers", []string{"run", "--rules", rulesPath, "--data", dataPath, "--workers", "-5"}, 2,
			"--workers must be 0 (one per CPU) or more, not -5"},
		{"workers not a number", []string{"run", "--rules", rulesPath, "--data", dataPath, "--workers", "many"}, 2,
			`invalid value "many" for flag -workers`},
		// validate with data runs the job in memory: it fails where run would.
		{"validate: expression fails on the data", []string{"validate", "--rules", "../../testdata/bad/o-round-places-from-data/rules.yaml",
			"--data", "../../testdata/bad/o-round-places-from-data/data.csv"}, 2, "round(nights, jobs - 20) failed for lot Acme / North, 2025-03"},
		{"validate: value too large to write", []string{"validate", "--rules", "../../testdata/bad/_base/rules.yaml",
			"--data", "../../testdata/bad/o-measure-too-large/data.csv"}, 2, "kpi_results.parquet: column measure: 10000000000000000000000000 is too large"},
		{"run: value too large to write", []string{"run", "--rules", "../../testdata/bad/_base/rules.yaml",
			"--data", "../../testdata/bad/o-measure-too-large/data.csv"}, 2, "kpi_results.parquet: column measure: 10000000000000000000000000 is too large"},
		{"a flag twice", []string{"run", "--rules", rulesPath, "--rules", badRules, "--data", dataPath, "--out", "x"}, 2,
			`invalid value "` + badRules + `" for flag -rules: the flag is given twice`},
		{"a boolean flag twice", []string{"run", "--csv", "--csv", "--rules", rulesPath, "--data", dataPath, "--out", "x"}, 2,
			"invalid boolean flag csv: the flag is given twice"},
		{"close: a month twice", []string{"close", "--month", "2024-07", "--month", "2024-09"}, 2,
			`invalid value "2024-09" for flag -month: the flag is given twice`},
		{"a heap profile that cannot be written", []string{"run", "--rules", rulesPath, "--data", dataPath, "--out", filepath.Join(bad, "o"),
			"--memprofile", filepath.Join(bad, "none", "x.prof")}, 1, "open " + filepath.Join(bad, "none", "x.prof") + ": no such file or directory"},
		{"ledger: a directory", []string{"ledger", "--ledger", bad, "show"}, 2, bad + ": cannot read the file: is a directory"},
		{"ledger: export into a file", []string{"ledger", "--ledger", filepath.Join(bad, "L.db"), "export", "--out", badRules}, 2,
			badRules + ": the output path is a file, not a directory"},
		{"ledger: an anchor not a hash", []string{"ledger", "--ledger", filepath.Join(bad, "L.db"), "verify", "--anchor", "zzz"}, 2,
			`--anchor "zzz" is not a chain head`},
		{"version", []string{"version"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "new", "out")
			args := tc.args
			if len(args) > 0 && args[0] == "run" && !strings.Contains(strings.Join(args, " "), "--out") && tc.stderr != "--out is required" {
				args = append(args, "--out", out)
			}
			code, _, stderr := kpicredit(args...)
			require.Equal(t, tc.code, code, stderr)
			require.Contains(t, stderr, tc.stderr)
			entries, err := os.ReadDir(root)
			require.NoError(t, err)
			require.Empty(t, entries, "a failed run creates nothing, not even the parents of --out")
			require.NoFileExists(t, filepath.Join(bad, "gone"))
		})
	}
}

// A directory holding other files is not written into without --force.
func TestRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644))
	code, _, stderr := kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--out", dir)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "the output directory holds files kpicredit did not write (notes.txt)")
	code, _, stderr = kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--out", dir, "--force")
	require.Equal(t, 0, code, stderr)
}

// Scenario files add to the rulebook's scenarios; a broken one is placed in
// its own file.
func TestScenarioFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "measure.yaml")
	require.NoError(t, os.WriteFile(good, []byte(`id: nights-per-arrival
description: Measure stays per arrival instead of per exit
kpis:
  KPI-05: {measure: "ia_nights / max(arrivals, 1)"}
`), 0o644))
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("id: broken\nkpis:\n  KPI-05: {measure: ia_nights / arivals}\n"), 0o644))

	out := filepath.Join(dir, "out")
	code, stdout, stderr := kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--scenario", good, "--out", out)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "13 scenarios")
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	require.NoError(t, err)
	require.Contains(t, string(md), "nights-per-arrival")

	code, _, stderr = kpicredit("validate", "--rules", rulesPath, "--scenario", bad)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "bad.yaml:3:33: scenarios.broken.KPI-05.measure: unknown name arivals")
}

// explain works under a sweep's member too.
func TestExplainSweepMember(t *testing.T) {
	code, stdout, stderr := kpicredit("explain", "--rules", rulesPath, "--data", dataPath,
		"--lot", "provider=Harbour Living,region=Wales", "--month", "2024-11", "--kpi", "KPI-07",
		"--scenario-id", "notice-target-sweep/target=0.97")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "KPI-07 Service users given at least five days' notice of a move — notice-target-sweep/target=0.97")
	require.Contains(t, stdout, "target:   0.97")
}

// --out naming the working directory, or one above it, is written file by
// file: the directory stays where it is. Here the working directory is
// out/sub.
func TestRunIntoWorkingDirectory(t *testing.T) {
	rules, err := filepath.Abs(rulesPath)
	require.NoError(t, err)
	data, err := filepath.Abs(dataPath)
	require.NoError(t, err)
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	t.Chdir(filepath.Join(dir, "sub"))
	sub, err := os.Stat(".")
	require.NoError(t, err)
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--out", ".."}, 2, "..: the output directory holds files kpicredit did not write (sub)"},
		{[]string{"--out", "..", "--force"}, 0, ""},
		{[]string{"--out", ".", "--csv"}, 0, ""},
		{[]string{"--out", "."}, 0, ""},
		{[]string{"--out", filepath.Join(dir, "sub"), "--csv"}, 0, ""},
	} {
		code, _, stderr := kpicredit(append([]string{"run", "--rules", rules, "--data", data}, tc.args...)...)
		require.Equal(t, tc.code, code, stderr)
		require.Contains(t, stderr, tc.stderr)
		if code == 0 {
			wd, err := os.Stat(".")
			require.NoError(t, err)
			require.True(t, os.SameFile(sub, wd), "the working directory is still out/sub")
		}
	}
	for _, tc := range []struct {
		dir     string
		entries int
	}{{".", 13}, {dir, 10}, {root, 1}} { // sub and the outputs of --out .. --force; out alone
		entries, err := os.ReadDir(tc.dir)
		require.NoError(t, err)
		require.Len(t, entries, tc.entries, tc.dir)
	}
}

// --out naming a symbolic link writes through it: the link stays and its
// target gets the outputs.
func TestRunThroughSymlink(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "runs", "2025-03")
	require.NoError(t, os.MkdirAll(target, 0o755))
	link := filepath.Join(root, "latest")
	require.NoError(t, os.Symlink(filepath.Join("runs", "2025-03"), link))
	for _, csv := range []string{"--csv", "--quiet"} {
		code, stdout, stderr := kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--out", link, csv)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, stdout, link+": 7 lots x 24 months")
	}
	st, err := os.Lstat(link)
	require.NoError(t, err)
	require.Equal(t, os.ModeSymlink, st.Mode().Type(), "--out is still a link")
	require.Len(t, snapshot(t, target), 9)
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, entries, 2, "latest and runs")
}
