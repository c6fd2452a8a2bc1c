//go:build unix

package events

import (
	"syscall"
	"unsafe"
)

// newBuckets returns n empty buckets in memory of their own, outside the
// Go heap, so that the largest thing an aggregation holds is neither
// scanned by the garbage collector nor counted in its pacing (the heap
// would otherwise grow to twice it before a collection); mapped says
// whether they are, and freeBuckets must then return them. It falls back
// to the heap.
func newBuckets(n int) (b []idBucket, mapped bool) {
	size := n * int(unsafe.Sizeof(idBucket{}))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]idBucket, n), false
	}
	return unsafe.Slice((*idBucket)(unsafe.Pointer(unsafe.SliceData(mem))), n), true
}

// freeBuckets returns buckets newBuckets mapped.
func freeBuckets(b []idBucket) {
	mem := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b)*int(unsafe.Sizeof(idBucket{})))
	if err := syscall.Munmap(mem); err != nil {
		panic("events: munmap: " + err.Error())
	}
}
