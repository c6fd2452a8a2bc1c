package fixed_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/shopspring/decimal"
)

var (
	sink   fixed.Decimal
	sinkOK bool
	sinkN  int
)

// ops are the operations of the package on a measure-like quotient and
// a two-place bound, as a KPI compares them.
var ops = []struct {
	name string
	fn   func(a, b fixed.Decimal)
}{
	{"Add", func(a, b fixed.Decimal) { sink, sinkOK = a.Add(b) }},
	{"Sub", func(a, b fixed.Decimal) { sink, sinkOK = a.Sub(b) }},
	{"Mul", func(a, b fixed.Decimal) { sink, sinkOK = a.Mul(b) }},
	{"Cmp", func(a, b fixed.Decimal) { sinkN = a.Cmp(b) }},
	{"Quo", func(a, b fixed.Decimal) { sink, sinkOK = a.Quo(b, 16) }},
	{"RoundQuo", func(a, b fixed.Decimal) { sink, sinkOK = fixed.RoundQuo(a, b, 2, fixed.HalfEven) }},
	{"Round", func(a, b fixed.Decimal) { sink, sinkOK = a.Round(2) }},
	{"MulRoundQuo", func(a, b fixed.Decimal) { sink, sinkOK = fixed.MulRoundQuo(a, b, b, 2, fixed.HalfUp) }},
	{"FromDecimal", func(a, b fixed.Decimal) { sink, sinkOK = fixed.FromDecimal(bound) }},
}

var bound = decimal.RequireFromString("0.98")

func operands() (fixed.Decimal, fixed.Decimal) {
	a, _ := fixed.New(9686274509803922, 16)
	b, _ := fixed.New(98, 2)
	return a, b
}

func BenchmarkOps(b *testing.B) {
	x, y := operands()
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				op.fn(x, y)
			}
		})
	}
}

// Nothing in the package allocates but converting to a decimal.Decimal
// and formatting.
func TestNoAllocations(t *testing.T) {
	x, y := operands()
	for _, op := range ops {
		if n := testing.AllocsPerRun(100, func() { op.fn(x, y) }); n != 0 {
			t.Errorf("%s allocates %v times", op.name, n)
		}
	}
}
