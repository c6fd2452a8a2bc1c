package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// measurement is one command timed as a whole process.
type measurement struct {
	wall time.Duration
	cpu  time.Duration // user + system, the process and its children
	peak int64         // bytes: the process's own peak resident memory
	load string        // the load averages (1, 5, 15 minutes) as it started
	out  []byte        // its standard output
}

// gnuTime is GNU time, which reports a process's own peak memory. Without
// it the peak comes from wait4, which on Linux also counts the pages of
// the process that started it (Go starts a command with vfork), so the
// harness's own memory can show through.
var gnuTime = func() string {
	if p, err := exec.LookPath("/usr/bin/time"); err == nil {
		if exec.Command(p, "-v", "true").Run() == nil {
			return p
		}
	}
	return ""
}()

// timed runs a command and measures its wall time, CPU time and peak
// memory.
func timed(name string, args ...string) (measurement, error) {
	m := measurement{load: loadAverage()}
	stats, err := os.CreateTemp("", "kpicredit-bench-time-")
	if err != nil {
		return m, err
	}
	stats.Close()
	defer os.Remove(stats.Name())
	cmd := exec.Command(name, args...)
	if gnuTime != "" {
		cmd = exec.Command(gnuTime, append([]string{"-v", "-o", stats.Name(), name}, args...)...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	m.wall, m.out = time.Since(start), stdout.Bytes()
	if err != nil {
		return m, fmt.Errorf("%s: %v\n%s", filepath.Base(name), err, tail(stderr.String(), 2000))
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.peak = ru.Maxrss * 1024
	}
	if gnuTime != "" {
		if kb, ok := maxRSS(stats.Name()); ok {
			m.peak = kb * 1024
		}
	}
	return m, nil
}

// maxRSS reads GNU time's "Maximum resident set size (kbytes)".
func maxRSS(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == "Maximum resident set size (kbytes)" {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// loadAverage is the machine's load averages over 1, 5 and 15 minutes.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// mib is bytes in MiB.
func mib(n int64) float64 { return float64(n) / (1 << 20) }

// report prints one measurement: wall and CPU time, peak memory and the
// load average as it started.
func report(what string, m measurement) {
	fmt.Printf("  %-50s %8.2f s wall %8.2f s CPU %7.0f MiB   (load %s)\n",
		what, m.wall.Seconds(), m.cpu.Seconds(), mib(m.peak), m.load)
}
