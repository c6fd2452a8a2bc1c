package serve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// An evaluation that cannot get a turn before its deadline gives up:
// here the one turn is taken.
func TestWaitsForATurnWithinTheDeadline(t *testing.T) {
	job, err := runner.Load(context.Background(), runner.Files{Rules: "../testdata/small/small.yaml", Data: "../testdata/small/small.csv"})
	require.NoError(t, err)
	p, err := runner.Prepare(context.Background(), job)
	require.NoError(t, err)
	s, err := New(p, Options{Concurrent: 1, EvalTimeout: 20 * time.Millisecond})
	require.NoError(t, err)
	s.sem <- struct{}{} // another evaluation is running
	_, err = s.try(context.Background(), edit{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	<-s.sem
	res, err := s.try(context.Background(), edit{})
	require.NoError(t, err)
	require.True(t, res.OK)
	require.Empty(t, s.sem, "the turn is given back")
}

// A scenario id the rulebook already has is not taken.
func TestScenarioID(t *testing.T) {
	job, err := runner.Load(context.Background(), runner.Files{Rules: "../testdata/small/small.yaml"})
	require.NoError(t, err)
	require.Equal(t, "whatif", scenarioID(job.Rules))
	require.NoError(t, job.Rules.ReadScenarios("taken.yaml", strings.NewReader("- id: whatif\n- id: whatif-2\n")))
	require.Equal(t, "whatif-3", scenarioID(job.Rules))
}

// A description is one line of at most 200 bytes, never cut inside a
// character.
func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"0123456789", 10, "0123456789"},
		{"0123456789a", 10, "0123456..."},
		{"012345£789a", 10, "012345..."}, // £ is two bytes, at 6 and 7
	} {
		require.Equal(t, tc.want, truncate(tc.in, tc.n), tc.in)
	}
}

// Problems are tied to the page's fields by their keys.
func TestFieldOf(t *testing.T) {
	s := &Server{id: "whatif", fields: map[string][]field{"K1": nil, "K1.x": nil}}
	for key, want := range map[string]string{
		"scenarios.whatif.from":                           "from",
		"scenarios.whatif.caps.monthly_percent_of_charge": "caps|monthly_percent_of_charge",
		"scenarios.whatif.K1.target":                      "K1|target",
		"scenarios.whatif.K1.credit.sliding.floor":        "K1|credit.sliding.floor",
		"scenarios.whatif.K1.x.target":                    "K1.x|target", // the longest id that fits
		"scenarios.whatif.K9.target":                      "",
		"scenarios.other.K1.target":                       "",
		"kpis[0].target":                                  "",
		"scenarios.whatif.description":                    "",
	} {
		require.Equal(t, want, s.fieldOf(key), key)
	}
}

// The caps offered are the terms' in force at the data's end: the
// rolling 12-month cap only when those terms have one, with its value.
func TestCapFieldsOf(t *testing.T) {
	five := decimal.NewFromInt(5)
	paths := func(fs []field) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Path+"="+f.Value)
		}
		return out
	}
	require.Equal(t, []string{"monthly_percent_of_charge=5", "annual_percent_of_charge="},
		paths(capFieldsOf(rules.Caps{MonthlyPercent: &five})))
	require.Equal(t, []string{"monthly_percent_of_charge=", "annual_percent_of_charge=", "rolling_12_percent_of_charge=5"},
		paths(capFieldsOf(rules.Caps{RollingPercent: &five})))
}

// A change of one of a scheme's amounts states the whole scheme, the
// other amounts as offered; a change of bounds alone leaves it out.
func TestWholeScheme(t *testing.T) {
	offered := []field{{Path: "target", Value: "0.9"}, {Path: "credit.sliding.max_percent_of_charge", Value: "0.5"},
		{Path: "credit.sliding.floor", Value: "0.8"}}
	require.Equal(t, map[string]string{"target": "0.95"}, wholeScheme(map[string]string{"target": "0.95"}, offered))
	require.Equal(t, map[string]string{"credit.sliding.floor": "0.7", "credit.sliding.max_percent_of_charge": "0.5"},
		wholeScheme(map[string]string{"credit.sliding.floor": "0.7"}, offered))
	require.Equal(t, map[string]string{"credit.sliding.floor": " "}, wholeScheme(map[string]string{"credit.sliding.floor": " "}, offered),
		"a blank value changes nothing")
}
