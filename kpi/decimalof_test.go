package kpi

import (
	"testing"

	"github.com/kpicredit/kpicredit/fixed"
	"github.com/stretchr/testify/require"
)

// decimalOf gives what fixed.Decimal.Decimal gives, coefficient and
// exponent, for the values it shares and around them.
func TestDecimalOfIsDecimal(t *testing.T) {
	for _, v := range []struct {
		coef  int64
		scale int
	}{{0, 0}, {1, 0}, {4095, 0}, {4096, 0}, {-1, 0}, {7, 1}, {1e16, 16}, {1e16 - 1, 16}, {1e16 + 1, 16}, {1e16, 15}, {0, 16}, {1, 16}} {
		f, ok := fixed.New(v.coef, v.scale)
		require.True(t, ok)
		got, want := decimalOf(f), f.Decimal()
		require.Equal(t, want.String(), got.String(), "%d e-%d", v.coef, v.scale)
		require.Equal(t, want.Exponent(), got.Exponent(), "%d e-%d", v.coef, v.scale)
		require.Zero(t, want.Coefficient().Cmp(got.Coefficient()), "%d e-%d", v.coef, v.scale)
	}
}
