package kpi_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestShortString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"12.5", "12.5"},
		{"-123456789012345678901234567890123456789", "-123456789012345678901234567890123456789"}, // 40 characters
		{"-1234567890123456789012345678901234567890", "-1234567890123456789... (40 digits before the point)"},
		{"1e60", "10000000000000000000... (61 digits before the point)"},
		{"-1e60", "-1000000000000000000... (61 digits before the point)"},
		{"123456789012345678901234567890.123456789012345678", "12345678901234567890... (30 digits before the point)"},
	} {
		require.Equal(t, tc.want, kpi.ShortString(decimal.RequireFromString(tc.in)), tc.in)
	}
}
