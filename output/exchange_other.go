//go:build !linux

package output

// exchange is not available here; Write renames file by file instead.
func exchange(a, b string) error { return errNoExchange }
