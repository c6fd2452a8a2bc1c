//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || solaris || windows)

package output

// lockFile takes no lock where the system has no file locks: runs into
// one directory must not overlap there.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }
