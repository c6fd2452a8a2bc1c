//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd || solaris

package output

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive flock on the file at path, creating it, or
// fails with errLocked at once when another open file holds it. Unlock
// removes the file while still holding it, then closes it; a run that
// opened the file before the removal finds, once it has the lock, that
// the path no longer names its file, and tries again.
func lockFile(path string) (unlock func(), err error) {
	for range 16 {
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, errLocked
			}
			return nil, &os.PathError{Op: "flock", Path: path, Err: err}
		}
		if sameFile(f, path) {
			return func() { _ = os.Remove(path); f.Close() }, nil
		}
		f.Close()
	}
	return nil, errLocked
}
