package output

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive lock on the file at path, creating it, or
// fails with errLocked at once when another handle holds it. Unlock
// closes the file, then removes it, which fails, leaving it, while
// another run has it open.
func lockFile(path string) (unlock func(), err error) {
	for range 16 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		err = windows.LockFileEx(windows.Handle(f.Fd()),
			windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, new(windows.Overlapped))
		if err != nil {
			f.Close()
			if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
				return nil, errLocked
			}
			return nil, &os.PathError{Op: "lock", Path: path, Err: err}
		}
		if sameFile(f, path) {
			return func() { f.Close(); _ = os.Remove(path) }, nil
		}
		f.Close()
	}
	return nil, errLocked
}
