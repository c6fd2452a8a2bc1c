package fixed_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/kpicredit/kpicredit/money"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// checkQuoRem compares QuoRem with shopspring's QuoRem: ok exactly when
// both the quotient and the remainder fit, and then the same numbers,
// coefficient and exponent.
func checkQuoRem(t testing.TB, a, b fixed.Decimal, places int) {
	t.Helper()
	q, r, ok := fixed.QuoRem(a, b, places)
	what := fmt.Sprintf("%s to %d places", name("quorem", a, b), places)
	if b.IsZero() {
		if ok {
			t.Fatalf("%s: ok dividing by zero", what)
		}
		return
	}
	wq, wr := a.Decimal().QuoRem(b.Decimal(), int32(places))
	fq, okq := fixed.FromDecimal(wq)
	fr, okr := fixed.FromDecimal(wr)
	switch {
	case ok != (okq && okr):
		t.Fatalf("%s: ok %v, but shopspring gives %s rest %s (%d and %d places)", what, ok, wq, wr, -wq.Exponent(), -wr.Exponent())
	case ok && (q != fq || r != fr):
		t.Fatalf("%s = %s rest %s (%d and %d places), shopspring gives %s rest %s", what, q, r, q.Scale(), r.Scale(), wq, wr)
	}
}

func TestQuoRemDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 12))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for range n {
		a, b := randDecimal(r), randDecimal(r)
		checkQuoRem(t, a, b, randPlaces(r))
		checkQuoRem(t, a, b, r.IntN(3))
		// money and points, as per_shortfall's whole units and the spread divide them
		c, _ := fixed.New(r.Int64N(1e12)-1e11, r.IntN(17))
		p, _ := fixed.New(1+r.Int64N(1000), r.IntN(3))
		checkQuoRem(t, c, p, 0)
		checkQuoRem(t, c, p, 2)
	}
}

func TestQuoRem(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		places int
		q, r   string
		ok     bool
	}{
		{"7", "2", 0, "3", "1", true},
		{"-7", "2", 0, "-3", "-1", true},        // toward zero; the remainder has the dividend's sign
		{"0.35", "0.1", 0, "3", "0.05", true},   // whole units of a shortfall
		{"10.00", "3", 2, "3.33", "0.01", true}, // a share in pence
		{"1", "1e18", 2, "0", "1", true},        // a divisor beyond 64 bits at the quotient's places
		{"1e18", "1e-18", 0, "", "", false},     // a quotient beyond int64
		{"1", "0", 0, "", "", false},            // division by zero
		{"1", "3", 19, "", "", false},           // places beyond MaxScale
		{"1", "3e-10", 10, "", "", false},       // the remainder's scale beyond MaxScale
		{"9223372036854775807", "1", 0, "9223372036854775807", "0", true},
	} {
		a, _ := fixed.Parse(tc.a)
		b, _ := fixed.Parse(tc.b)
		q, r, ok := fixed.QuoRem(a, b, tc.places)
		require.Equal(t, tc.ok, ok, "%s / %s", tc.a, tc.b)
		if ok {
			require.Equal(t, tc.q, q.String(), "%s / %s", tc.a, tc.b)
			require.Equal(t, tc.r, r.String(), "%s / %s", tc.a, tc.b)
		}
	}
}

// checkAllocate compares Allocate with money.Allocate: the same parts,
// coefficient and exponent, whenever it is ok.
func checkAllocate(t testing.TB, al *fixed.Allocator, total fixed.Decimal, weights []fixed.Decimal, places int) bool {
	t.Helper()
	parts := make([]fixed.Decimal, len(weights))
	ok := al.Allocate(parts, total, weights, places)
	if !ok {
		return false
	}
	dw := make([]decimal.Decimal, len(weights))
	for i, w := range weights {
		dw[i] = w.Decimal()
	}
	want := money.Allocate(total.Decimal(), dw, int32(places))
	for i := range want {
		if w, _ := fixed.FromDecimal(want[i]); w != parts[i] {
			t.Fatalf("%s over %v to %d places: part %d is %s (%d places), money.Allocate gives %s", total, weights, places, i, parts[i], parts[i].Scale(), want[i])
		}
	}
	return true
}

// Allocate against money.Allocate: totals in pence spread over amounts
// and over points, with ties, zero weights, weights of mixed scales and
// totals with more places than the unit; near the limits it may report
// false, but never a different part.
func TestAllocateDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 50))
	var al fixed.Allocator
	oks := 0
	const n = 50000
	for i := range n {
		weights := make([]fixed.Decimal, 1+r.IntN(15))
		for j := range weights {
			switch r.IntN(5) {
			case 0:
				weights[j] = fixed.Decimal{}
			case 1:
				weights[j], _ = fixed.New(100*int64(1+r.IntN(3)), 2) // ties
			case 2:
				weights[j], _ = fixed.New(r.Int64N(20), r.IntN(2)) // points
			default:
				weights[j], _ = fixed.New(r.Int64N(1e9), 2)
			}
		}
		total, _ := fixed.New(r.Int64N(1e9), 2)
		switch r.IntN(6) {
		case 0:
			total, _ = fixed.New(r.Int64N(1e6), 3) // more places than the unit
		case 1:
			total, _ = fixed.New(r.Int64N(1e18), r.IntN(3)) // near overflow
		}
		places := 2
		if i%7 == 0 {
			places = r.IntN(4)
		}
		if checkAllocate(t, &al, total, weights, places) {
			oks++
		}
	}
	require.Greater(t, oks, n*3/4, "Allocate is ok for ordinary figures")
}

func TestAllocate(t *testing.T) {
	var al fixed.Allocator
	dec := func(ss ...string) []fixed.Decimal {
		var out []fixed.Decimal
		for _, s := range ss {
			f, ok := fixed.Parse(s)
			require.True(t, ok, s)
			out = append(out, f)
		}
		return out
	}
	for _, tc := range []struct {
		total   string
		weights []string
		want    []string
		ok      bool
	}{
		{"10.00", []string{"1", "1", "1"}, []string{"3.34", "3.33", "3.33"}, true}, // the unit left to the first of the ties
		{"0.05", []string{"3", "1"}, []string{"0.04", "0.01"}, true},
		{"5.00", []string{"0", "0"}, []string{"0", "0"}, true}, // weights summing to zero
		{"100.00", []string{"100.01", "100.00", "100.00"}, []string{"33.34", "33.33", "33.33"}, true},
		{"9000000000000000000", []string{"2", "3"}, nil, false}, // the product overflows
	} {
		parts := make([]fixed.Decimal, len(tc.weights))
		ok := al.Allocate(parts, dec(tc.total)[0], dec(tc.weights...), 2)
		require.Equal(t, tc.ok, ok, tc.total)
		if ok {
			for i, p := range parts {
				require.Equal(t, tc.want[i], p.String(), "%s part %d", tc.total, i)
			}
		}
	}
	weights := dec("1", "2", "3", "4")
	parts := make([]fixed.Decimal, 4)
	total := dec("99.99")[0]
	require.Zero(t, testing.AllocsPerRun(100, func() { al.Allocate(parts, total, weights, 2) }))
}

func FuzzQuoRem(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, c1 int64, s1 int8, c2 int64, s2 int8, places int8) {
		a, b := fuzzPair(c1, s1, c2, s2)
		checkQuoRem(t, a, b, int(places)%25)
	})
}
