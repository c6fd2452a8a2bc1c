package input_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// withOpening is the small rulebook with an opening state at the end of
// February 2025 for lot A / North.
func withOpening(t *testing.T) *rules.Rulebook {
	t.Helper()
	src, err := os.ReadFile("../testdata/small/small.yaml")
	require.NoError(t, err)
	rb, err := rules.Parse("s.yaml", strings.NewReader(string(src)+`opening:
  month: 2025-02
  lots:
    - lot: {provider: A, region: North}
      kpis: {K1: {streak: 1}}
`), nil)
	require.NoError(t, err)
	return rb
}

// With an opening state, the data starts after its month, and every lot it
// names is in the data; a lot it does not name may be.
func TestOpeningAndData(t *testing.T) {
	rb := withOpening(t)
	for _, tc := range []struct{ name, rows, want string }{
		{"starts after", "A,North,2025-03,1.00,1,1,1\nB,South,2025-03,1.00,1,1,1\n", ""},
		{"a month in the opening state", "A,North,2025-03,1.00,1,1,1\nA,North,2025-02,1.00,1,1,1\n",
			"d.csv:3:3: column month: 2025-02 is not after the opening month 2025-02 (opening.month at s.yaml:39:10); the data starts at 2025-03"},
		{"a lot not in the data", "B,North,2025-03,1.00,1,1,1\n",
			"s.yaml:41:12: opening.lots[0].lot: lot A / North is not in the data (d.csv)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := input.ReadCSV(rb, "d.csv", strings.NewReader(header+tc.rows))
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, rules.NewMonth(2025, 3), ds.First)
				return
			}
			var p *rules.Problem
			require.True(t, errors.As(err, &p), "%v", err)
			require.EqualError(t, err, tc.want)
		})
	}
}
