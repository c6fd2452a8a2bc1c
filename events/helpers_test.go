package events_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// book is the rulebook of most tests: repairs with an urgent clock of
// five working days and an emergency clock of 24 hours, on the lots'
// nations' calendars, with a stop per event given by two columns.
const book = `contract: Test contract
currency: GBP
keys: [provider, region]
charge: charge
fields:
  charge: money
  urgent_jobs: int
  urgent_fixed: int
  urgent_late: int
  emergency_jobs: int
  emergency_fixed: int
  cost: decimal
  mean_cost: decimal
  max_cost: decimal
  started: int
kpis:
  - id: K1
    measure: urgent_fixed / urgent_jobs
    target: 0.9
    credit: {fixed: {minor: 1}}
events:
  calendar:
    nation: {by: region, map: {Scotland: scotland}, default: england_and_wales}
  sources:
    repairs:
      columns: {job: string, provider: string, region: string, priority: string, reported: timestamp,
                completed: timestamp, no_access_from: timestamp, no_access_to: timestamp, cost: number}
      id: job
      start: reported
      end: completed
      stops: [{from: no_access_from, to: no_access_to}]
      clocks:
        urgent: {limit: 5 working_days}
        emergency: {limit: 24 hours}
      fields:
        urgent_jobs: {count: events, where: 'priority == "urgent"', clock: urgent}
        urgent_fixed: {count: met, where: 'priority == "urgent"', clock: urgent}
        urgent_late: {count: missed, where: 'priority == "urgent"', clock: urgent}
        emergency_jobs: {count: events, where: 'priority == "emergency"', clock: emergency}
        emergency_fixed: {count: met, where: 'priority == "emergency"', clock: emergency}
        cost: {sum: cost, month: end}
        mean_cost: {mean: cost, month: end}
        max_cost: {max: cost, month: end}
        started: {count: events}
`

const header = "job,provider,region,priority,reported,completed,no_access_from,no_access_to,cost\n"

var (
	north    = []string{"Acme", "North"}
	scotland = []string{"Acme", "Scotland"}
	lots     = [][]string{north, scotland}
	april    = rules.NewMonth(2025, 4)
	may      = rules.NewMonth(2025, 5)
	june     = rules.NewMonth(2025, 6)
)

// program loads and compiles a rulebook.
func program(t testing.TB, src string) *events.Program {
	t.Helper()
	rb, err := rules.Parse("rules.yaml", strings.NewReader(src), kpi.Check)
	require.NoError(t, err)
	p, err := events.Compile(rb)
	require.NoError(t, err)
	return p
}

// options covers April to June 2025 for the two lots.
func options() events.Options {
	return events.Options{Lots: lots, First: april, Last: june}
}

// run aggregates CSV files given by name (each file is named NAME.csv).
func run(t testing.TB, p *events.Program, opt events.Options, files map[string]string) (*events.Result, error) {
	t.Helper()
	agg, err := p.NewAggregator(opt)
	require.NoError(t, err)
	for _, name := range p.Files() {
		if err := agg.ReadCSV(name, name+".csv", strings.NewReader(files[name])); err != nil {
			return nil, err
		}
	}
	return agg.Result()
}

// value returns a field's value as text.
func value(t testing.TB, r *events.Result, lot []string, m rules.Month, field string) string {
	t.Helper()
	v, ok := r.Value(lot, m, field)
	require.True(t, ok, "%s %v %s", field, lot, m)
	return v.String()
}

func month(t testing.TB, s string) rules.Month {
	t.Helper()
	m, err := rules.ParseMonth(s)
	require.NoError(t, err)
	return m
}

func mustDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
