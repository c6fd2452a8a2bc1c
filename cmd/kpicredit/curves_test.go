package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readCSVLines reads a CSV file's lines.
func readCSVLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// The example's curves, from its data and at a given charge, show the
// contract as it stands: CCN-007's proportionate credits and 5% monthly
// cap, so 5% / 15 KPIs of the charge is at risk for each KPI.
func TestCurvesExample(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		stdout string
		rows   []string
	}{
		{
			name: "the data's typical charge",
			args: []string{"--data", dataPath, "--relief", reliefPath},
			stdout: ": 15 KPIs, baseline and 12 scenarios, at a charge of 3167787.60 (the median of 7 lots' median monthly charges)\n" +
				"KPIs flagged: cliff 3, over_at_risk 13, unreached 5\n",
			rows: []string{
				// KPI-06 slides to 0.5% of the charge at its floor, 80%:
				// £15,838.94, more than the £10,559.29 at risk.
				"KPI-06,baseline,0.8,serious,15838.94,15838.94,3167787.60,over_at_risk",
				// No month reached KPI-10's critical level (below 90%); its
				// credit slides to 1% at 80%: 50.5% of it at 89.9%.
				"KPI-10,baseline,0.899,critical,15997.33,15997.33,3167787.60,over_at_risk;unreached",
			},
		},
		{
			name: "a given charge",
			args: []string{"--charge", "800000"},
			stdout: ": 15 KPIs, baseline and 12 scenarios, at a charge of 800000.00 (given)\n" +
				"KPIs flagged: cliff 8, over_at_risk 14, unreached 0\n",
			rows: []string{
				// 0.5% of £800,000 is £4,000, more than the £2,666.67 at risk.
				"KPI-06,baseline,0.8,serious,4000.00,4000.00,800000.00,over_at_risk",
				"KPI-10,baseline,0.899,critical,4040.00,4040.00,800000.00,over_at_risk",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "curves")
			code, stdout, stderr := kpicredit(append([]string{"curves", "--rules", rulesPath, "--out", dir}, tc.args...)...)
			require.Equal(t, 0, code, stderr)
			require.Empty(t, stderr)
			require.Equal(t, dir+tc.stdout, stdout)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Len(t, entries, 2)
			lines := readCSVLines(t, filepath.Join(dir, "curves.csv"))
			require.Equal(t, "kpi,scenario,measure,level,credit,escalated_credit,charge,flags", lines[0])
			for _, want := range tc.rows {
				require.Contains(t, lines, want)
			}
			html, err := os.ReadFile(filepath.Join(dir, "curves.html"))
			require.NoError(t, err)
			require.Contains(t, string(html), "<h2 id=\"KPI-07\"")
		})
	}
}

// A scenario file adds curves; sweep members are drawn too (unlike run's
// curves), each that differs from the baseline once.
func TestCurvesScenarioFile(t *testing.T) {
	scenario := filepath.Join(t.TempDir(), "cap.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("id: softer-kpi-06\nkpis:\n  KPI-06: { credit: { fixed: { minor: 1000, serious: 3000 } } }\n"), 0o644))
	dir := filepath.Join(t.TempDir(), "curves")
	code, stdout, stderr := kpicredit("curves", "--rules", rulesPath, "--charge", "800000", "--scenario", scenario, "--out", dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "baseline and 13 scenarios")
	lines := readCSVLines(t, filepath.Join(dir, "curves.csv"))
	require.Contains(t, lines, "KPI-06,softer-kpi-06,0.949,minor,1000.00,1000.00,800000.00,", "£1,000 is no cliff at £800,000; CCN-007 leaves KPI-06 no escalation")
	// A 0.1-point shortfall of the 15 points from the swept target, 90%,
	// to the floor, 75%: 2% of £800,000 x 0.001 / 0.15 = £106.67.
	require.Contains(t, lines, "KPI-07,notice-target-sweep/target=0.90,0.899,serious,106.67,106.67,800000.00,")
}

// Bad usage and invalid input exit 2 and write nothing.
func TestCurvesErrors(t *testing.T) {
	tmp := t.TempDir()
	badRules := filepath.Join(tmp, "bad.yaml")
	require.NoError(t, os.WriteFile(badRules, []byte("contract: x\ncurrency: GBP\nkeys: [a]\n"), 0o644))
	zeroData := filepath.Join(tmp, "zero.csv")
	var zero strings.Builder
	for i, line := range readCSVLines(t, "../../testdata/small/small.csv") {
		if f := strings.Split(line, ","); i > 0 {
			f[3] = "0.00"
			line = strings.Join(f, ",")
		}
		zero.WriteString(line + "\n")
	}
	require.NoError(t, os.WriteFile(zeroData, []byte(zero.String()), 0o644))
	runDir := filepath.Join(tmp, "run")
	code, _, stderr := kpicredit("run", "--rules", "../../testdata/small/small.yaml", "--data", "../../testdata/small/small.csv", "--out", runDir)
	require.Equal(t, 0, code, stderr)
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
		usage  bool
	}{
		{"no --out", []string{"--rules", rulesPath, "--charge", "1000"}, "kpicredit: --out is required", true},
		{"no data, no charge", []string{"--rules", rulesPath, "--out", "OUT"}, "kpicredit: --data or --charge is required", true},
		{"relief without data", []string{"--rules", rulesPath, "--charge", "1", "--relief", reliefPath, "--out", "OUT"},
			"kpicredit: --relief needs --data", true},
		{"a charge that is not a number", []string{"--rules", rulesPath, "--charge", "lots", "--out", "OUT"},
			`kpicredit: --charge must be a positive amount, such as 250000.00, not "lots"`, true},
		{"a zero charge", []string{"--rules", rulesPath, "--charge", "0", "--out", "OUT"},
			`kpicredit: --charge must be a positive amount, such as 250000.00, not "0"`, true},
		{"a negative charge", []string{"--rules", rulesPath, "--charge", "-5", "--out", "OUT"},
			`kpicredit: --charge must be a positive amount, such as 250000.00, not "-5"`, true},
		{"a charge in exponent form", []string{"--rules", rulesPath, "--charge", "1e400", "--out", "OUT"},
			`not "1e400": "1e400" is not a number`, true},
		{"a charge too large for money", []string{"--rules", rulesPath, "--charge", "99999999999999999999999999", "--out", "OUT"},
			"99999999999999999999999999 is too large for money (at most 13 digits before the decimal point)", true},
		{"a charge finer than pence", []string{"--rules", rulesPath, "--charge", "0.001", "--out", "OUT"},
			"0.001 has more than 2 decimal places", true},
		{"no --rules", []string{"--charge", "5", "--out", "OUT"}, "kpicredit: --rules is required", true},
		{"an unknown flag", []string{"--rules", rulesPath, "--charge", "5", "--out", "OUT", "--sweep-detail"},
			"kpicredit: flag provided but not defined: -sweep-detail", true},
		{"an invalid rulebook", []string{"--rules", badRules, "--charge", "5", "--out", "OUT"}, badRules + ":", false},
		{"a missing data file", []string{"--rules", rulesPath, "--data", filepath.Join(tmp, "none.csv"), "--out", "OUT"},
			"none.csv: cannot read the file: no such file or directory", false},
		{"the data's typical charge is zero", []string{"--rules", "../../testdata/small/small.yaml", "--data", zeroData, "--out", "OUT"},
			"kpicredit: the data's typical charge is zero: give one with --charge", true},
		{"a run's directory", []string{"--rules", rulesPath, "--charge", "5", "--out", runDir},
			runDir + ": the output directory holds files kpicredit did not write (comparison.parquet, credits.parquet, kpi_results.parquet, manifest.json, summary.html, summary.md, triggers.parquet); choose an empty directory or pass --force", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := []string{"curves"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "OUT", out))
			}
			before := snapshot(t, runDir)
			code, stdout, stderr := kpicredit(args...)
			require.Equal(t, 2, code, stderr)
			require.Empty(t, stdout)
			require.Contains(t, stderr, tc.stderr)
			require.Equal(t, tc.usage, strings.Contains(stderr, "usage:"), stderr)
			require.NoDirExists(t, out)
			require.Equal(t, before, snapshot(t, runDir))
		})
	}
	// Forced, the curves go beside the run's outputs, which are kept.
	code, _, stderr = kpicredit("curves", "--rules", rulesPath, "--charge", "5", "--out", runDir, "--force")
	require.Equal(t, 0, code, stderr)
	require.Len(t, snapshot(t, runDir), 9)
}
