package output_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kpicredit/kpicredit/output"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/require"
)

func smallResult(t *testing.T) *runner.Result {
	t.Helper()
	res, err := runner.Run(t.Context(), smallJob(t))
	require.NoError(t, err)
	return res
}

// names lists a directory's entries, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// requireComplete checks that dir holds exactly the outputs its manifest
// lists, each with the manifest's hash: one run's outputs, whole.
func requireComplete(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var m output.Manifest
	require.NoError(t, json.Unmarshal(b, &m))
	want := []string{"manifest.json"}
	for _, o := range m.Outputs {
		data, err := os.ReadFile(filepath.Join(dir, o.File))
		require.NoError(t, err)
		h := sha256.Sum256(data)
		require.Equal(t, o.SHA256, hex.EncodeToString(h[:]), o.File)
		want = append(want, o.File)
	}
	require.ElementsMatch(t, want, names(t, dir))
}

// A run into a directory another run is writing fails at once, naming it,
// and writes nothing; once the other is done it succeeds, and leaves no
// lock file.
func TestWriteLocked(t *testing.T) {
	res := smallResult(t)
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	unlock, err := output.LockOutput(dir)
	require.NoError(t, err)
	err = output.Write(t.Context(), res, output.Output{Dir: dir})
	var be *output.BusyError
	require.ErrorAs(t, err, &be)
	require.EqualError(t, err, "another kpicredit run is writing "+dir+"; try again when it has finished")
	require.NoDirExists(t, dir)
	require.Equal(t, []string{".out.kpicredit.lock"}, names(t, root), "the holder's lock file only")
	unlock()
	require.NoError(t, output.Write(t.Context(), res, output.Output{Dir: dir}))
	require.Equal(t, []string{"out"}, names(t, root))
	requireComplete(t, dir)
}

// Runs writing one directory at once each succeed or fail with a
// *BusyError; the directory then holds one run's outputs, whole, and
// nothing is left beside it.
func TestWriteConcurrently(t *testing.T) {
	res := smallResult(t)
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			errs[i] = output.Write(t.Context(), res, output.Output{Dir: dir, CSV: i%2 == 0})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		var be *output.BusyError
		require.ErrorAs(t, err, &be)
	}
	require.Positive(t, ok)
	requireComplete(t, dir)
	require.Equal(t, []string{"out"}, names(t, root))
}

// Holding the lock, a run removes the staging directories and the lock
// file killed runs left beside its directory, and nothing else: not the
// staging directory of a run into another directory whose name begins
// the same way.
func TestWriteRemovesWhatKilledRunsLeft(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{".out.kpicredit-123", ".out.kpicredit-7.kpicredit-99", ".out.kpicredit-x", ".other.kpicredit-5"} {
		require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, d, "credits.csv"), []byte("old"), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, ".out.kpicredit.lock"), nil, 0o644))
	require.NoError(t, output.Write(t.Context(), smallResult(t), output.Output{Dir: filepath.Join(root, "out")}))
	require.Equal(t, []string{".other.kpicredit-5", ".out.kpicredit-7.kpicredit-99", ".out.kpicredit-x", "out"}, names(t, root))
}

// A symbolic link given as the directory is written through: its target
// gets the outputs, the link stays, and the staging directory goes beside
// the target.
func TestWriteThroughSymlink(t *testing.T) {
	res := smallResult(t)
	root := t.TempDir()
	real := filepath.Join(root, "data", "real")
	require.NoError(t, output.Write(t.Context(), res, output.Output{Dir: real, CSV: true}))
	require.Len(t, names(t, real), 13)
	links := filepath.Join(root, "links")
	require.NoError(t, os.Mkdir(links, 0o755))
	require.NoError(t, os.Symlink("../data/real", filepath.Join(links, "hop")))
	require.NoError(t, os.Symlink("hop", filepath.Join(links, "out")))

	require.NoError(t, output.Write(t.Context(), res, output.Output{Dir: filepath.Join(links, "out")}))
	to, err := os.Readlink(filepath.Join(links, "out"))
	require.NoError(t, err)
	require.Equal(t, "hop", to)
	require.Len(t, names(t, real), 9, "the CSV copies of the first run are gone from the target")
	requireComplete(t, real)
	require.Equal(t, []string{"hop", "out"}, names(t, links))
	require.Equal(t, []string{"real"}, names(t, filepath.Join(root, "data")))
}

// Paths that cannot be a run's output directory fail with an
// *OutputError naming them, before anything is written or created.
func TestWriteRefusesPath(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "notes.txt")
	require.NoError(t, os.WriteFile(file, []byte("mine"), 0o644))
	require.NoError(t, os.Symlink("gone", filepath.Join(root, "dangling")))
	require.NoError(t, os.Symlink("notes.txt", filepath.Join(root, "tofile")))
	res := smallResult(t)
	for _, tc := range []struct{ dir, err string }{
		{file, file + ": the output path is a file, not a directory"},
		{filepath.Join(root, "tofile"), filepath.Join(root, "tofile") + ": the output path is a file, not a directory"},
		{filepath.Join(file, "sub"), filepath.Join(file, "sub") + ": " + file + " is a file, not a directory"},
		{filepath.Join(file, "a", "b"), filepath.Join(file, "a", "b") + ": " + file + " is a file, not a directory"},
		{filepath.Join(root, "dangling"), filepath.Join(root, "dangling") + ": " + filepath.Join(root, "dangling") +
			" is a symbolic link to gone, which does not exist"},
		{filepath.Join(root, "dangling", "out"), filepath.Join(root, "dangling", "out") + ": " + filepath.Join(root, "dangling") +
			" is a symbolic link to gone, which does not exist"},
		{"/", "/: the output directory cannot be the root of the file system"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			out := output.Output{Dir: tc.dir, Force: true}
			var oe *output.OutputError
			require.ErrorAs(t, output.CheckOutput(out), &oe)
			err := output.Write(t.Context(), res, out)
			require.ErrorAs(t, err, &oe)
			require.EqualError(t, err, tc.err)
			require.Equal(t, []string{"dangling", "notes.txt", "tofile"}, names(t, root))
		})
	}
	require.EqualError(t, output.Write(t.Context(), res, output.Output{}), "runner: no output directory")
}

// The working directory, or one above it, is written file by file: it
// keeps its inode, so the working directory is not pulled away.
func TestWriteIntoWorkingDirectory(t *testing.T) {
	res := smallResult(t)
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	before, err := os.Stat(dir)
	require.NoError(t, err)
	t.Chdir(filepath.Join(dir, "sub"))

	// One above: it holds sub, so only --force writes into it.
	require.ErrorIs(t, output.Write(t.Context(), res, output.Output{Dir: ".."}), output.ErrForeignFiles)
	require.NoError(t, output.Write(t.Context(), res, output.Output{Dir: "..", Force: true}))
	require.Len(t, names(t, dir), 10)

	require.NoError(t, os.Remove(filepath.Join(dir, "sub")))
	t.Chdir(dir)
	for _, out := range []output.Output{{Dir: ".", CSV: true}, {Dir: "."}, {Dir: dir, CSV: true}} {
		require.NoError(t, output.Write(t.Context(), res, out))
		requireComplete(t, ".")
		after, err := os.Stat(".")
		require.NoError(t, err)
		require.True(t, os.SameFile(before, after), "the working directory is the same directory")
	}
	require.Equal(t, []string{"out"}, names(t, root))
}
