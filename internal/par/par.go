// Package par runs the parts of a job in parallel for the packages that
// do so (runner, output), turning a worker's panic into an error that the
// library's caller can report, since a panic in a goroutine the caller
// did not start would end its process.
package par

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// PanicError is a panic recovered from a worker: a bug in kpicredit, never
// a fault of the input. runner.InternalError names it for callers.
type PanicError struct {
	Value any    // what the code panicked with
	Stack []byte // the stack of the goroutine that panicked
}

// Error names the panic and asks for a bug report.
func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error: %v; please report this as a bug", e.Value)
}

// Run runs fn(0..n-1) on up to workers goroutines and returns the
// first error; after an error the remaining work is skipped.
func Run(ctx context.Context, workers, n int, fn func(i int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				if err := protect(fn, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// protect calls fn(i), turning a panic into a *PanicError: a worker
// goroutine is the library's, and a panic there would end the caller's
// process.
func protect(fn func(int) error, i int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(i)
}
