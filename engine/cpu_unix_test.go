//go:build unix

package engine_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used so far, user and system,
// and true; a benchmark that allocates nothing runs on one thread, so
// its CPU time is its own, whatever else shares the machine.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
