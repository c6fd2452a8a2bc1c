package events

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkIDSet adds ten million ids, as a file of as many events does.
func BenchmarkIDSet(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	hashes := make([][2]uint64, 10_000_000)
	for i := range hashes {
		hashes[i] = [2]uint64{rng.Uint64(), rng.Uint64()}
	}
	b.ReportAllocs()
	for b.Loop() {
		s := &idSet{}
		for i, h := range hashes {
			if line, _ := s.add(h, int64(i), ""); line > 0 {
				b.Fatal("duplicate")
			}
		}
		s.flush()
		s.free()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(hashes)), "ns/id")
}
