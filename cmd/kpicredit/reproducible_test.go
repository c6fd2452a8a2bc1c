package main

import (
	"cmp"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/internal/golden"
	"github.com/stretchr/testify/require"
)

// condition is a way of running the command in its own process.
type condition struct {
	name string
	env  []string // added to the environment
	bin  string   // the command to start; "" for this test binary as kpicredit
	dir  string   // the working directory: "a" or "b", each holding a copy of the inputs
	abs  bool     // give the inputs and --out as absolute paths
}

// The outputs are a function of the inputs alone. The bundled example runs
// in separate processes under settings that change scheduling, garbage
// collection and the heap, the CPU features the libraries see (their SIMD
// paths), the time zone and locale, the working directory and how paths are
// written, and in a build without assembly; every output file, Parquet and
// manifest included, must be byte-identical in every process. Data is read
// from CSV and from Parquet (whose decoding has SIMD paths too), and the
// small contract also from its job records, with an exclusion: the
// reconciliation and the QA sample too.
func TestReproducibleAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and starts many processes")
	}
	root := t.TempDir()
	for _, d := range []string{"a", "b/deeper"} {
		copyInputs(t, filepath.Join(root, d))
	}
	pure := filepath.Join(root, "kpicredit-purego")
	build := exec.Command("go", "build", "-tags", "purego,noasm", "-o", pure, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build -tags purego,noasm: %s", out)

	conditions := []condition{
		{name: "reference", dir: "a"},
		{name: "one CPU, collector always on", env: []string{"GOMAXPROCS=1", "GOGC=1"}, dir: "a"},
		{name: "sixteen Ps, collector off", env: []string{"GOMAXPROCS=16", "GOGC=off"}, dir: "a"},
		{name: "no AVX2, AVX-512 or BMI2 as the libraries see the CPU",
			env: []string{"GODEBUG=cpu.avx2=off,cpu.avx512f=off,cpu.bmi2=off,cpu.sse41=off"}, dir: "a"},
		{name: "freed memory clobbered, no async preemption, other zone and locale",
			env: []string{"GODEBUG=clobberfree=1,asyncpreemptoff=1,madvdontneed=1", "TZ=Pacific/Chatham",
				"LC_ALL=tr_TR.UTF-8", "GOMAXPROCS=3"}, dir: "a"},
		{name: "another directory, absolute paths", dir: "b/deeper", abs: true},
		{name: "pure-Go build (-tags purego,noasm)", bin: pure, dir: "b/deeper"},
	}
	for _, data := range []string{"data.csv", "data.parquet", "small/data.csv", "events/data.csv"} {
		var ref map[string][]byte
		for _, c := range conditions {
			got := runIn(t, root, c, data)
			if ref == nil {
				ref = got
				want := 13
				if strings.HasPrefix(data, "events/") {
					want += 3 // reconciliation.parquet and .csv, qa_sample.csv
				}
				require.Len(t, ref, want, "the outputs with CSV copies")
				continue
			}
			for _, name := range outputOrder(ref) {
				if d := golden.Diff(name, ref[name], got[name]); d != "" {
					t.Errorf("%s, %s: %s differs from the reference run: %s", data, c.name, name, d)
				}
			}
			require.Len(t, got, len(ref), "%s, %s: the files written", data, c.name)
		}
	}
}

// copyInputs copies into dir the example's rulebook, data and relief, into
// dir/small the small contract's, whose few distinct values make runs of
// equal strings that SIMD and portable encoders have written differently,
// and into dir/events the small contract measured from its job records.
func copyInputs(t *testing.T, dir string) {
	t.Helper()
	copies := map[string]string{
		"rules.yaml": "../../examples/aasc/rules.yaml", "data.csv": "../../examples/aasc/data.csv",
		"data.parquet": "../../examples/aasc/data.parquet", "relief.csv": "../../examples/aasc/relief.csv",
		"small/rules.yaml": "../../testdata/small/small.yaml", "small/data.csv": "../../testdata/small/small.csv",
		"small/relief.csv":  "../../testdata/small/relief.csv",
		"events/rules.yaml": "../../testdata/small/small-events.yaml", "events/data.csv": "../../testdata/small/small.csv",
		"events/relief.csv": "../../testdata/small/relief.csv", "events/jobs.csv": "../../testdata/small/jobs.csv",
		"events/exclusions.csv": "../../testdata/small/exclusions.csv",
	}
	for to, from := range copies {
		b, err := os.ReadFile(from)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(to)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, to), b, 0o644))
	}
}

// runIn runs the example under condition c in its own process and returns
// the files it wrote.
func runIn(t *testing.T, root string, c condition, data string) map[string][]byte {
	t.Helper()
	wd := filepath.Join(root, c.dir)
	name := func(f string) string {
		if c.abs {
			return filepath.Join(wd, f)
		}
		return f
	}
	set := filepath.Dir(data) // "." for the example, "small" or "events" for the small contract
	out := name("out-" + strings.NewReplacer(" ", "-", ",", "", "(", "", ")", "", "/", "-").Replace(c.name+"-"+data))
	args := []string{"run", "--rules", name(filepath.Join(set, "rules.yaml")), "--data", name(data),
		"--relief", name(filepath.Join(set, "relief.csv")),
		"--out", out, "--csv", "--quiet"}
	if set == "events" {
		args = append(args, "--events", "jobs="+name("events/jobs.csv"), "--exclusions", name("events/exclusions.csv"))
	}
	var cmd *exec.Cmd
	env := append(os.Environ(), c.env...)
	if c.bin != "" {
		cmd = exec.Command(c.bin, args...)
	} else {
		cmd = exec.Command(os.Args[0], "-test.run=^$")
		env = append(env, "KPICREDIT_RUN_MAIN=1", "KPICREDIT_ARGS="+strings.Join(args, " "))
	}
	cmd.Dir, cmd.Env = wd, env
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s: %s", c.name, b)
	if !filepath.IsAbs(out) {
		out = filepath.Join(wd, out)
	}
	return snapshot(t, out)
}

// outputOrder lists the files of a run by name, the manifest last: it
// hashes the others, so a difference shows first in the file that changed.
func outputOrder(files map[string][]byte) []string {
	names := slices.Sorted(maps.Keys(files))
	last := func(s string) int {
		if s == "manifest.json" {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(last(a), last(b)) })
	return names
}
