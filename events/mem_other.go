//go:build !unix

package events

// newBuckets returns n empty buckets, on the heap.
func newBuckets(n int) (b []idBucket, mapped bool) { return make([]idBucket, n), false }

// freeBuckets is never called: newBuckets maps no memory here.
func freeBuckets(b []idBucket) {}
