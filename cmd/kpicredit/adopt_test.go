package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// copyFile copies a file into dir and returns the copy's path.
func copyFile(t *testing.T, src, dir string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(dir, filepath.Base(src))
	require.NoError(t, os.WriteFile(dst, b, 0o640))
	return dst
}

// adopt rewrites the rulebook in place, keeping its permissions, and the
// result validates with the data; nothing else is left in its directory.
func TestAdoptCommand(t *testing.T) {
	dir := t.TempDir()
	rules := copyFile(t, "../../testdata/small/small.yaml", dir)
	before, err := os.ReadFile(rules)
	require.NoError(t, err)
	code, stdout, stderr := kpicredit("adopt", "--rules", rules, "--scenario-id", "softer", "--agreed", "2025-02-20")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, rules+": softer adopted as an amendment agreed 2025-02-20\n", stdout)
	after, err := os.ReadFile(rules)
	require.NoError(t, err)
	want := strings.Replace(string(before), "scenarios:\n  - id: softer\n    from: 2025-03\n    kpis:\n      K1: { target: 0.90, escalation: [1] }\n",
		"amendments:\n  - id: softer\n    from: 2025-03\n    agreed: 2025-02-20\n    kpis:\n      K1: { target: 0.90, escalation: [1] }\n\nscenarios: []\n", 1)
	require.Equal(t, want, string(after))
	info, err := os.Stat(rules)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")
	code, _, stderr = kpicredit("validate", "--rules", rules, "--data", "../../testdata/small/small.csv")
	require.Equal(t, 0, code, stderr)
}

// adopt refuses bad usage, input it cannot use and scenarios that cannot
// become amendments with exit status 2, and leaves the rulebook as it was.
func TestAdoptRefusals(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no --agreed", []string{"--scenario-id", "softer"}, "kpicredit: --agreed is required"},
		{"no scenario", []string{"--agreed", "2025-02-20"}, "kpicredit: --scenario-id or --scenario is required"},
		{"a bad date", []string{"--scenario-id", "softer", "--agreed", "20 Feb 2025"}, `small.yaml: cannot adopt: agreed date "20 Feb 2025" is not YYYY-MM-DD`},
		{"no such scenario", []string{"--scenario-id", "harder", "--agreed", "2025-02-20"}, `small.yaml: cannot adopt: no scenario "harder" (it has softer)`},
		{"no scenario file", []string{"--scenario", "nowhere.yaml", "--agreed", "2025-02-20"}, "nowhere.yaml: cannot read the file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			rules := copyFile(t, "../../testdata/small/small.yaml", dir)
			before, err := os.ReadFile(rules)
			require.NoError(t, err)
			code, stdout, stderr := kpicredit(append([]string{"adopt", "--rules", rules}, c.args...)...)
			require.Equal(t, exitInvalid, code)
			require.Empty(t, stdout)
			require.Contains(t, strings.ReplaceAll(stderr, dir+string(filepath.Separator), ""), c.want)
			after, err := os.ReadFile(rules)
			require.NoError(t, err)
			require.Equal(t, string(before), string(after), "the rulebook is left as it was")
		})
	}
}
