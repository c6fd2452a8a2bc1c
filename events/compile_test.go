package events_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Filters are type-checked when the program compiles, each problem placed
// at its position in the rulebook.
func TestCompileFilters(t *testing.T) {
	cases := []struct{ name, where, want string }{
		{"unknown column", `colour == "red"`,
			`rules.yaml:36:46: events.sources.repairs.fields.urgent_jobs.where: unknown name colour in "colour == \"red\""`},
		{"a timestamp", `reported > 0`,
			`rules.yaml:36:46: events.sources.repairs.fields.urgent_jobs.where: column "reported" is a timestamp; a filter reads text and number columns (use a clock for times) in "reported > 0"`},
		{"not true or false", `cost + 1`,
			`rules.yaml:36:46: events.sources.repairs.fields.urgent_jobs.where: must give true or false, but gives a number in "cost + 1"`},
		{"text against a number", `priority > 1`,
			`rules.yaml:36:55: events.sources.repairs.fields.urgent_jobs.where: invalid operation: > (text and a number do not go together) in "priority > 1"`},
		{"a list", `priority in ["urgent"]`,
			`rules.yaml:36:55: events.sources.repairs.fields.urgent_jobs.where: the operator in is not allowed in a KPI expression (use arithmetic, comparisons, and/or/not, ?: and the helper functions) in "priority in [\"urgent\"]"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(book, `urgent_jobs: {count: events, where: 'priority == "urgent"'`,
				`urgent_jobs: {count: events, where: '`+tc.where+`'`, 1)
			rb, err := rules.Parse("rules.yaml", strings.NewReader(src), kpi.Check)
			require.NoError(t, err)
			_, err = events.Compile(rb)
			require.EqualError(t, err, tc.want)
			var ve *rules.ValidationError
			require.ErrorAs(t, err, &ve)
		})
	}
	// Numbers in filters are exact decimals.
	src := strings.Replace(book, `urgent_jobs: {count: events, where: 'priority == "urgent"'`,
		`urgent_jobs: {count: events, where: 'cost == 0.1 + 0.2'`, 1)
	p := program(t, src)
	r, err := run(t, p, options(), map[string]string{"repairs": header +
		"U1,Acme,North,urgent,2025-06-02 10:00,2025-06-02 15:00,,,0.3\n" +
		"U2,Acme,North,urgent,2025-06-02 10:00,2025-06-02 15:00,,,0.3000000000000001\n"})
	require.NoError(t, err)
	assert.Equal(t, "1", value(t, r, north, june, "urgent_jobs"))

	// A filter that fails on an event's values is an error there.
	src = strings.Replace(book, `urgent_jobs: {count: events, where: 'priority == "urgent"'`,
		`urgent_jobs: {count: events, where: '1 / cost > 2'`, 1)
	p = program(t, src)
	_, err = run(t, p, options(), map[string]string{"repairs": header + "U1,Acme,North,urgent,2025-06-02 10:00,,,,0\n"})
	require.EqualError(t, err, `repairs.csv:2: rules.yaml:36:46: the filter "1 / cost > 2" failed for this event: division by zero: undefined`)
	assert.ErrorIs(t, err, events.ErrValue)
}

// A rulebook without events compiles to a program with nothing to read.
func TestNoEvents(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(strings.Split(book, "events:")[0]), kpi.Check)
	require.NoError(t, err)
	p, err := events.Compile(rb)
	require.NoError(t, err)
	assert.Empty(t, p.Files())
	assert.Empty(t, p.Fields())
}
