package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		amount, currency string
		places           int32
		want             string
	}{
		{"0", "GBP", 2, "£0.00"},
		{"-0.001", "GBP", 2, "£0.00"},
		{"0.5", "GBP", 2, "£0.50"},
		{"999.99", "GBP", 2, "£999.99"},
		{"1000", "GBP", 2, "£1,000.00"},
		{"1234567.89", "GBP", 2, "£1,234,567.89"},
		{"-1234567.89", "GBP", 2, "-£1,234,567.89"},
		{"-12.5", "EUR", 2, "-€12.50"},
		{"100000", "USD", 2, "$100,000.00"},
		{"12345678901.23", "USD", 2, "$12,345,678,901.23"},
		{"1234567", "JPY", 0, "JPY 1,234,567"},
		{"-1234", "JPY", 0, "-JPY 1,234"},
		{"1234.567", "BHD", 3, "BHD 1,234.567"},
		{"1.005", "GBP", 2, "£1.01"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, formatMoney(d(tt.amount), tt.currency, tt.places))
		})
	}
}

func TestFormatSignedMoney(t *testing.T) {
	assert.Equal(t, "+£1,234.50", formatSignedMoney(d("1234.5"), "GBP", 2))
	assert.Equal(t, "-£1,234.50", formatSignedMoney(d("-1234.5"), "GBP", 2))
	assert.Equal(t, "£0.00", formatSignedMoney(d("0"), "GBP", 2))
}

func TestPercentOf(t *testing.T) {
	assert.Equal(t, "12.35%", percentOf(d("12.345"), d("100")))
	assert.Equal(t, "33.33%", percentOf(d("1"), d("3")))
	assert.Equal(t, "-50.00%", percentOf(d("-1"), d("2")))
	assert.Equal(t, "n/a", percentOf(d("1"), d("0")))
	assert.Equal(t, "+50.00%", signedPercentOf(d("1"), d("2")))
	assert.Equal(t, "0.00%", signedPercentOf(d("0.00001"), d("2")))
}

func TestFormatMonthAndPeriod(t *testing.T) {
	assert.Equal(t, "Mar 2025", formatMonth("2025-03"))
	assert.Equal(t, "2025-13", formatMonth("2025-13"))
	assert.Equal(t, "Jan 2025 – Jun 2025", formatPeriod("2025-01", "2025-06"))
	assert.Equal(t, "Jan 2025", formatPeriod("2025-01", "2025-01"))
}

func TestNiceAxis(t *testing.T) {
	tests := []struct{ lo, hi, bottom, top, step string }{
		{"0", "81250.00", "0", "100000", "20000"},
		{"0", "100000", "0", "100000", "20000"},
		{"0", "0.03", "0", "0.03", "0.01"},
		{"0", "0", "0", "0.01", "0.01"},
		{"0", "7", "0", "8", "2"},
		{"468233.35", "544933.60", "460000", "560000", "20000"},
		{"500", "500", "500", "500.01", "0.01"},
	}
	for _, tt := range tests {
		a := niceAxis(d(tt.lo), d(tt.hi), 2)
		assert.True(t, a.Lo.Equal(d(tt.bottom)), "%s..%s: bottom %s", tt.lo, tt.hi, a.Lo)
		assert.True(t, a.Top.Equal(d(tt.top)), "%s..%s: top %s", tt.lo, tt.hi, a.Top)
		assert.True(t, a.Step.Equal(d(tt.step)), "%s..%s: step %s", tt.lo, tt.hi, a.Step)
	}
}
