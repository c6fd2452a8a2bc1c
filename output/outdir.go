package output

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// OutputError is an output directory that a run cannot write: its path
// names a file or lies under one, is a symbolic link to nothing, or the
// directory holds files a run did not write. The CLI exits with code 2
// for these, as for bad usage.
type OutputError struct {
	Dir string // the path as given
	Err error  // ErrNotDirectory, ErrForeignFiles, or what else is wrong
}

// Error names the path and what is wrong with it.
func (e *OutputError) Error() string { return e.Dir + ": " + e.Err.Error() }

// Unwrap returns what is wrong, for errors.Is.
func (e *OutputError) Unwrap() error { return e.Err }

// BusyError is returned by Write when another run is writing the same
// output directory. Runs into one directory take a lock on it, and the
// second fails at once rather than wait.
type BusyError struct{ Dir string }

// Error names the directory.
func (e *BusyError) Error() string {
	return "another kpicredit run is writing " + e.Dir + "; try again when it has finished"
}

// target is an output directory, resolved: an absolute path with every
// symbolic link followed, so that a link given as the directory is
// written through, and every run into one directory takes the same lock,
// whatever path it was given.
type target struct {
	given string   // the path as given, for messages
	names []string // the files the writer may replace: any other is foreign
	dir   string   // absolute, links resolved; it may not exist yet
	// inUse says dir is the working directory or holds it: swapping it
	// would pull the working directory away, so it is written file by
	// file.
	inUse bool
}

// CheckOutput reports, without writing anything, an output directory
// that Write would refuse: see OutputError. Write checks again; calling
// it first spares a long run whose outputs could not be written.
func CheckOutput(out Output) error {
	return checkOutput(out, outputNames)
}

// CheckCurvesOutput is CheckOutput for WriteCurves: the directory may
// hold only curves.html and curves.csv, unless out.Force is set.
func CheckCurvesOutput(out Output) error {
	return checkOutput(out, curvesNames)
}

func checkOutput(out Output, names []string) error {
	t, err := resolveTarget(out.Dir, names)
	if err != nil {
		return err
	}
	_, err = t.foreign(out.Force)
	return err
}

// resolveTarget resolves dir, whose files a writer of names replaces,
// without creating anything. A path under a file, a symbolic link to
// nothing and the root directory are refused.
func resolveTarget(dir string, names []string) (target, error) {
	t := target{given: dir, names: names}
	if dir == "" {
		return t, errors.New("runner: no output directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return t, err
	}
	existing, rest, err := existingPrefix(abs)
	if err != nil {
		return t, err
	}
	shown := trimPath(filepath.Clean(dir), len(rest))
	real, err := filepath.EvalSymlinks(existing)
	if errors.Is(err, fs.ErrNotExist) {
		to, _ := os.Readlink(existing)
		return t, &OutputError{dir, fmt.Errorf("%s is a symbolic link to %s, which does not exist", shown, to)}
	} else if err != nil {
		return t, err
	}
	st, err := os.Stat(real)
	switch {
	case err != nil:
		return t, err
	case !st.IsDir() && len(rest) == 0:
		return t, &OutputError{dir, ErrNotDirectory}
	case !st.IsDir():
		return t, &OutputError{dir, fmt.Errorf("%s is a file, not a directory", shown)}
	}
	t.dir = filepath.Join(append([]string{real}, rest...)...)
	if filepath.Dir(t.dir) == t.dir {
		return t, &OutputError{dir, errors.New("the output directory cannot be the root of the file system")}
	}
	t.inUse = len(rest) == 0 && holdsWorkingDir(t.dir)
	return t, nil
}

// existingPrefix splits an absolute path into the longest part of it that
// exists and the names below that do not.
func existingPrefix(p string) (string, []string, error) {
	var rest []string
	for {
		_, err := os.Lstat(p)
		if err == nil {
			return p, rest, nil
		}
		// ENOTDIR: a name on the way is a file; the caller says which.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", nil, err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", nil, err
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// trimPath drops the last n names of a clean path.
func trimPath(p string, n int) string {
	for range n {
		p = filepath.Dir(p)
	}
	return p
}

// holdsWorkingDir reports whether dir is the working directory or one
// above it.
func holdsWorkingDir(dir string) bool {
	wd, err := os.Getwd()
	if err == nil {
		wd, err = filepath.EvalSymlinks(wd)
	}
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(dir, wd)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (t target) parent() string { return filepath.Dir(t.dir) }

// lockPath is the lock file beside the directory: the directory itself is
// swapped, its parent is not.
func (t target) lockPath() string {
	return filepath.Join(t.parent(), "."+filepath.Base(t.dir)+".kpicredit.lock")
}

// stagingPrefix begins the name of every staging directory of t; a
// random number ends it.
func (t target) stagingPrefix() string { return "." + filepath.Base(t.dir) + ".kpicredit-" }

// foreign reports whether t holds files other than its writer's, and
// refuses them unless force is set. A directory not there yet holds
// none.
func (t target) foreign(force bool) (bool, error) {
	entries, err := os.ReadDir(t.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var names []string
	for _, e := range entries {
		if !slices.Contains(t.names, e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 && !force {
		return true, &OutputError{t.given, fmt.Errorf("%w (%s); choose an empty directory or pass --force",
			ErrForeignFiles, strings.Join(names, ", "))}
	}
	return len(names) > 0, nil
}

// lock takes t's lock, or fails with a *BusyError at once when another
// run holds it. The lock is the kernel's on an open file, so a run that
// is killed releases it; unlock removes the file.
func (t target) lock() (unlock func(), err error) {
	unlock, err = lockFile(t.lockPath())
	switch {
	case errors.Is(err, errLocked):
		return nil, &BusyError{t.given}
	case err != nil:
		// The lock file is beside the directory: say which directory
		// cannot be written, not only the hidden file.
		return nil, fmt.Errorf("%s: cannot write the outputs into %s: %w", t.given, t.parent(), err)
	}
	return unlock, nil
}

// errLocked says another holds a lock file.
var errLocked = errors.New("the file is locked")

// sameFile reports whether path still names the open file f: a lock
// taken on a file that its holder has since removed is no lock.
func sameFile(f *os.File, path string) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	pi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, pi)
}

// removeStaging removes the staging directories of t that killed runs
// left. It is called holding t's lock, so no live run is using one; the
// names of other directories' staging directories never match, as a
// number ends each.
func (t target) removeStaging() error {
	entries, err := os.ReadDir(t.parent())
	if err != nil {
		return err
	}
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), t.stagingPrefix())
		if _, perr := strconv.ParseUint(n, 10, 64); ok && perr == nil && e.IsDir() {
			if err := os.RemoveAll(filepath.Join(t.parent(), e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// mkStaging creates a staging directory of t under a name no other has.
func (t target) mkStaging() (string, error) {
	for {
		name := filepath.Join(t.parent(), t.stagingPrefix()+strconv.FormatUint(rand.Uint64(), 10))
		err := os.Mkdir(name, 0o755)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
}

// makeParents creates the missing directories above dir, and returns
// them outermost first, so that a run that fails can remove them.
func makeParents(dir string) ([]string, error) {
	var missing []string
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		missing = append(missing, p)
	}
	var created []string
	for _, p := range slices.Backward(missing) {
		err := os.Mkdir(p, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // another run made it
		}
		if err != nil {
			return created, err
		}
		created = append(created, p)
	}
	return created, nil
}

// removeDirs removes directories, innermost first, each only if empty.
func removeDirs(dirs []string) {
	for _, d := range slices.Backward(dirs) {
		_ = os.Remove(d)
	}
}
