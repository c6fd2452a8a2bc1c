package credits_test

import (
	"fmt"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

func TestRoundQuo(t *testing.T) {
	for _, tc := range []struct {
		num, den string
		mode     rules.Rounding
		want     string
	}{
		{"1", "3", rules.HalfUp, "0.33"},     // 0.333..
		{"2", "3", rules.HalfUp, "0.67"},     // 0.666..
		{"1", "8", rules.HalfUp, "0.13"},     // 0.125: half up
		{"1", "8", rules.HalfEven, "0.12"},   // 0.125: to even 2
		{"3", "8", rules.HalfEven, "0.38"},   // 0.375: to even 8
		{"-1", "8", rules.HalfUp, "-0.13"},   // halves go away from zero
		{"-1", "8", rules.HalfEven, "-0.12"}, //
		{"1", "-8", rules.HalfUp, "-0.13"},   // a negative denominator
		{"20", "3", rules.HalfEven, "6.67"},  // not a half: nearest
		{"5.005", "1", rules.HalfEven, "5.00"},
		{"5.005", "1", rules.HalfUp, "5.01"},
		{"7", "1", rules.HalfUp, "7"},
	} {
		got := credits.RoundQuo(d(tc.num), d(tc.den), 2, tc.mode)
		require.Truef(t, d(tc.want).Equal(got), "%s/%s %s: want %s, got %s", tc.num, tc.den, tc.mode, tc.want, got)
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct{ amount, currency, want string }{
		{"1125", "GBP", "£1,125.00"},
		{"1234567.891", "GBP", "£1,234,567.891"},
		{"-151.5", "GBP", "-£151.50"},
		{"0", "EUR", "€0.00"},
		{"999", "USD", "$999.00"},
		{"12.5", "CHF", "CHF 12.50"},
	} {
		require.Equal(t, tc.want, credits.Money(d(tc.amount), tc.currency, 2))
	}
}

func TestMeasure(t *testing.T) {
	require.Equal(t, "0.9615", credits.Measure(d("0.9615384615384615"), d("0.98")))
	require.Equal(t, "0.98", credits.Measure(d("0.98"), d("0.98")))
	// 4 places would show 0.9800 beside a target of 0.98; more tell them apart.
	require.Equal(t, "0.97999", credits.Measure(d("0.979991"), d("0.98")))
}

func ExampleMoney() {
	fmt.Println(credits.Money(d("1125"), "GBP", 2))
	// Output: £1,125.00
}
