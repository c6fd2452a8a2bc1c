package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// badDir holds the bad-input suite: _base is a valid rulebook, data and
// relief; every other directory is a case holding the input files it
// changes, want.txt (the one-line message expected on stderr, paths relative
// to the repository root) and, while the message is still to be improved,
// known.txt (one line: why the case is skipped).
const badDir = "../../testdata/bad"

// badInputs are the files a case may hold in place of _base's, or (a
// scenario file, an event file, an exclusions file) in addition to them.
// A case with events.csv runs with _base/rules-events.yaml (unless it
// has its own rules.yaml) and passes it as --events jobs=FILE.
var badInputs = []string{"rules.yaml", "data.csv", "data.parquet", "relief.csv", "scenario.yaml", "events.csv", "exclusions.csv"}

// badCases lists the case directories.
func badCases(t *testing.T) []string {
	entries, err := os.ReadDir(badDir)
	require.NoError(t, err)
	var cases []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), "_") {
			cases = append(cases, e.Name())
		}
	}
	require.GreaterOrEqual(t, len(cases), 45)
	return cases
}

// readOneLine reads a file that must hold exactly one line.
func readOneLine(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := strings.TrimSuffix(string(b), "\n")
	require.NotEmpty(t, s, "%s is empty", path)
	require.NotContains(t, s, "\n", "%s must hold one line", path)
	return s
}

// Every bad input exits with 2, prints exactly the expected one-line
// message and writes nothing.
var updateBad = flag.Bool("update", false, "rewrite each bad-input case's want.txt from the message it gives")

func TestBadInput(t *testing.T) {
	for _, name := range badCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := badDir + "/" + name
			if b, err := os.ReadFile(filepath.Join(dir, "known.txt")); err == nil {
				t.Skip("known: " + strings.TrimSpace(string(b)))
			}
			want := readOneLine(t, filepath.Join(dir, "want.txt"))

			own := 0 // input files the case replaces
			pick := func(file string) string {
				if path := dir + "/" + file; fileExists(path) {
					own++
					return path
				}
				if path := badDir + "/_base/" + file; fileExists(path) {
					return path
				}
				return ""
			}
			rulebook := pick("rules.yaml")
			events := pick("events.csv")
			if events != "" && !fileExists(dir+"/rules.yaml") {
				rulebook = badDir + "/_base/rules-events.yaml"
			}
			args := []string{"run", "--rules", rulebook}
			data := pick("data.parquet")
			if data == "" {
				data = pick("data.csv")
			}
			args = append(args, "--data", data, "--relief", pick("relief.csv"))
			if s := pick("scenario.yaml"); s != "" {
				args = append(args, "--scenario", s)
			}
			if events != "" {
				args = append(args, "--events", "jobs="+events)
			}
			if x := pick("exclusions.csv"); x != "" {
				args = append(args, "--exclusions", x)
			}
			require.Positive(t, own, "the case changes no input file")
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			args = append(args, "--out", out)

			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			got := strings.TrimSuffix(stderr.String(), "\n")
			got = strings.ReplaceAll(got, badDir+"/", "testdata/bad/")
			require.Equal(t, exitInvalid, code, "stderr: %s", got)
			require.NotContains(t, got, "\n", "stderr must be one line")
			require.NotContains(t, got, "\r", "stderr must be one line")
			if *updateBad {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "want.txt"), []byte(got+"\n"), 0o644))
				want = got
			}
			require.Equal(t, want, got)
			require.Empty(t, stdout.String())
			_, err := os.Stat(out)
			require.True(t, os.IsNotExist(err), "--out must not exist after a failed run")
			left, err := os.ReadDir(parent)
			require.NoError(t, err)
			require.Empty(t, left, "a failed run leaves no temporary files next to --out")
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Every case directory holds only input files, want.txt and known.txt, and
// has its row in testdata/bad/README.md: its files, and its expected
// message, or "message to improve" while it is known to fail; and every row
// names a case directory.
func TestBadInputReadme(t *testing.T) {
	cases := badCases(t)
	readme, err := os.ReadFile(filepath.Join(badDir, "README.md"))
	require.NoError(t, err)

	type row struct{ files, expected string }
	rows := map[string]row{}
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.HasPrefix(line, "| `") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		_, dup := rows[name]
		require.False(t, dup, "README.md lists %s twice", name)
		// The expected message may itself hold "|".
		expected := strings.TrimSpace(strings.Join(cells[4:len(cells)-1], "|"))
		rows[name] = row{files: strings.TrimSpace(cells[2]), expected: expected}
	}
	var unlisted, stale []string
	for _, name := range cases {
		if _, ok := rows[name]; !ok {
			unlisted = append(unlisted, name)
		}
	}
	for name := range rows {
		if !slices.Contains(cases, name) {
			stale = append(stale, name)
		}
	}
	slices.Sort(stale)
	require.Empty(t, unlisted, "case directories without a row in README.md")
	require.Empty(t, stale, "README.md rows without a case directory")

	for _, name := range cases {
		dir := filepath.Join(badDir, name)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var inputs []string
		for _, e := range entries {
			f := e.Name()
			switch {
			case f == "want.txt" || f == "known.txt":
			case slices.Contains(badInputs, f):
				inputs = append(inputs, "`"+f+"`")
			default:
				t.Errorf("%s: unexpected file %s", name, f)
			}
		}
		r := rows[name]
		require.Equal(t, strings.Join(inputs, ", "), r.files, "%s: the README.md file column", name)
		want := readOneLine(t, filepath.Join(dir, "want.txt"))
		if fileExists(filepath.Join(dir, "known.txt")) {
			readOneLine(t, filepath.Join(dir, "known.txt"))
			require.True(t, strings.HasPrefix(r.expected, "message to improve"),
				"%s has a known.txt: its README.md row must say \"message to improve\"", name)
		} else {
			require.Equal(t, "`"+want+"`", r.expected, "%s: the README.md message", name)
		}
	}
}
