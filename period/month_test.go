package period_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/period"
	"github.com/stretchr/testify/require"
)

func TestMonth(t *testing.T) {
	m, err := period.Parse("2025-03")
	require.NoError(t, err)
	require.Equal(t, period.New(2025, 3), m)
	require.Equal(t, "2025-03", m.String())
	require.Equal(t, "2026-01", m.Add(10).String())
	require.Equal(t, period.New(2026, 1), period.New(2025, 13), "a month number past 12 counts on")
	require.Equal(t, 2025, m.Year())
	require.Equal(t, 3, m.Number())
	for _, bad := range []string{"2025-3", "2025-13", "2025-00", "25-03-01", "2025/03", "abcd-ef", "+025-03", "2025-+3", "0000-01"} {
		_, err := period.Parse(bad)
		require.Error(t, err, bad)
	}
}

// Span writes no month, one, or the first and last of several.
func TestSpan(t *testing.T) {
	jan, feb, mar := period.New(2025, 1), period.New(2025, 2), period.New(2025, 3)
	for _, tc := range []struct {
		ms   []period.Month
		want string
	}{{nil, "none"}, {[]period.Month{feb}, "2025-02"}, {[]period.Month{jan, feb, mar}, "2025-01 to 2025-03"}} {
		require.Equal(t, tc.want, period.Span(tc.ms))
	}
}
