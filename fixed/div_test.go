package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// div128 against math/big, on random and extreme operands.
func TestDiv128(t *testing.T) {
	r := rand.New(rand.NewPCG(128, 64))
	words := []uint64{0, 1, 2, math.MaxUint64, math.MaxUint64 - 1, 1 << 63, 1<<63 - 1, 1e19, 3}
	word := func() uint64 {
		if r.IntN(3) == 0 {
			return words[r.IntN(len(words))]
		}
		return r.Uint64() >> r.IntN(64)
	}
	u128 := func(hi, lo uint64) *big.Int {
		return new(big.Int).Or(new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64), new(big.Int).SetUint64(lo))
	}
	for range 200000 {
		nh, nl, dh, dl := word(), word(), word(), word()
		if dh == 0 {
			dh = 1
		}
		q, rh, rl := div128(nh, nl, dh, dl)
		wq, wr := new(big.Int).QuoRem(u128(nh, nl), u128(dh, dl), new(big.Int))
		if wq.Cmp(new(big.Int).SetUint64(q)) != 0 || wr.Cmp(u128(rh, rl)) != 0 {
			t.Fatalf("%x:%x / %x:%x = %x rest %x:%x, want %x rest %x", nh, nl, dh, dl, q, rh, rl, wq, wr)
		}
	}
}
