package money_test

import (
	"fmt"
	"testing"

	"github.com/kpicredit/kpicredit/money"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestRoundQuo(t *testing.T) {
	for _, tc := range []struct {
		num, den string
		mode     money.Rounding
		want     string
	}{
		{"1", "3", money.HalfUp, "0.33"},     // 0.333..
		{"2", "3", money.HalfUp, "0.67"},     // 0.666..
		{"1", "8", money.HalfUp, "0.13"},     // 0.125: half up
		{"1", "8", money.HalfEven, "0.12"},   // 0.125: to even 2
		{"3", "8", money.HalfEven, "0.38"},   // 0.375: to even 8
		{"-1", "8", money.HalfUp, "-0.13"},   // halves go away from zero
		{"-1", "8", money.HalfEven, "-0.12"}, //
		{"1", "-8", money.HalfUp, "-0.13"},   // a negative denominator
		{"20", "3", money.HalfEven, "6.67"},  // not a half: nearest
		{"5.005", "1", money.HalfEven, "5.00"},
		{"5.005", "1", money.HalfUp, "5.01"},
		{"7", "1", money.HalfUp, "7"},
	} {
		got := money.RoundQuo(d(tc.num), d(tc.den), 2, tc.mode)
		require.Truef(t, d(tc.want).Equal(got), "%s/%s %s: want %s, got %s", tc.num, tc.den, tc.mode, tc.want, got)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ amount, currency, want string }{
		{"1125", "GBP", "£1,125.00"},
		{"1234567.891", "GBP", "£1,234,567.891"},
		{"-151.5", "GBP", "-£151.50"},
		{"0", "EUR", "€0.00"},
		{"999", "USD", "$999.00"},
		{"12.5", "CHF", "CHF 12.50"},
	} {
		require.Equal(t, tc.want, money.Format(d(tc.amount), tc.currency, 2))
	}
}

// Parts sum exactly to the total, pro rata, the leftover units to the
// largest remainders, ties to the earlier weight: 10.00 over 1, 1, 1 is
// 3.33 each and one unit left, which goes to the first.
func TestAllocate(t *testing.T) {
	for _, tc := range []struct {
		total   string
		weights []string
		want    []string
	}{
		{"10.00", []string{"1", "1", "1"}, []string{"3.34", "3.33", "3.33"}},
		{"100.00", []string{"100.01", "100.00", "100.00"}, []string{"33.34", "33.33", "33.33"}},
		{"5.00", []string{"0", "0"}, []string{"0", "0"}},
		{"0.05", []string{"3", "1"}, []string{"0.04", "0.01"}}, // 0.0375 and 0.0125
	} {
		var w []decimal.Decimal
		for _, s := range tc.weights {
			w = append(w, d(s))
		}
		got := money.Allocate(d(tc.total), w, 2)
		for i := range got {
			require.Truef(t, d(tc.want[i]).Equal(got[i]), "%s over %v: part %d is %s, want %s", tc.total, tc.weights, i, got[i], tc.want[i])
		}
	}
}

func TestMinorUnits(t *testing.T) {
	u, ok := money.MinorUnits("GBP")
	require.True(t, ok)
	require.Equal(t, int32(2), u)
	u, ok = money.MinorUnits("JPY")
	require.True(t, ok)
	require.Equal(t, int32(0), u)
	_, ok = money.MinorUnits("XAU")
	require.False(t, ok)
}

func ExampleFormat() {
	fmt.Println(money.Format(d("1125"), "GBP", 2))
	fmt.Println(money.Format(d("-151.5"), "GBP", 2))
	// Output:
	// £1,125.00
	// -£151.50
}
