package credits_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// header is the part of a test rulebook that its KPIs and caps follow.
const header = `contract: Test
currency: GBP
keys: [provider, region]
charge: charge
point_value: 250.00
fields:
  charge: money
  done: int
  jobs: int
`

// book parses a test rulebook: header, then the given YAML.
func book(t testing.TB, body string) *rules.Rulebook {
	t.Helper()
	rb, err := rules.Parse("test.yaml", strings.NewReader(header+body), nil)
	require.NoError(t, err)
	return rb
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// obs builds an observation of a measured KPI, classified by hand.
func obs(status rules.Status, measure string) credits.Observation {
	o := credits.Observation{Status: status}
	if measure != "" {
		o.Measure = d(measure)
	}
	return o
}

// month runs one month of a lot and fails the test on error.
func month(t testing.TB, lot *credits.Lot, m string, charge string, o ...credits.Observation) *credits.Month {
	t.Helper()
	mm, err := rules.ParseMonth(m)
	require.NoError(t, err)
	lm, err := lot.Month(mm, d(charge), o)
	require.NoError(t, err)
	return lm
}

// requireMoney compares decimals by value, printing both on failure.
func requireMoney(t testing.TB, want string, got decimal.Decimal, msg ...any) {
	t.Helper()
	require.Truef(t, d(want).Equal(got), "want %s, got %s %v", want, got, msg)
}
