package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// profile starts a CPU profile when cpu names a file, and creates the file
// mem names, if any, so that a path that cannot be written fails before
// the run; the returned stop ends the CPU profile and writes a heap
// profile into mem's file.
func profile(cpu, mem string) (stop func(), err error) {
	var cpuFile, memFile *os.File
	if mem != "" {
		if memFile, err = os.Create(mem); err != nil {
			return nil, err
		}
	}
	if cpu != "" {
		if cpuFile, err = os.Create(cpu); err == nil {
			err = pprof.StartCPUProfile(cpuFile)
		}
		if err != nil {
			if cpuFile != nil {
				cpuFile.Close()
			}
			if memFile != nil {
				memFile.Close()
			}
			return nil, err
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if memFile != nil {
			runtime.GC()
			pprof.WriteHeapProfile(memFile)
			memFile.Close()
		}
	}, nil
}
