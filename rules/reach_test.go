package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// A level is reachable when it has a start (the target, or its bound) and
// its band, from there to the next bound that is set, is not empty. The
// last level set is always reachable: its band is unbounded.
func TestReachableEmptyBands(t *testing.T) {
	const (
		mi = rules.Minor
		se = rules.Serious
		sv = rules.Severe
		cr = rules.Critical
	)
	for _, tc := range []struct {
		bounds string
		want   []rules.Status
	}{
		{"target: 0.95", []rules.Status{mi}},
		{"target: 0.95, serious: 0.8", []rules.Status{mi, se}},
		// Any miss is serious: the minor band [1, 1) is empty.
		{"target: 1, serious: 1", []rules.Status{se}},
		{"target: 1, serious: 1, severe: 0.5", []rules.Status{se, sv}},
		// The serious band [0.9, 0.9) is empty: 0.9 is minor, below is severe.
		{"target: 1, serious: 0.9, severe: 0.9", []rules.Status{mi, sv}},
		{"target: 1, serious: 0.9, severe: 0.9, critical: 0.9", []rules.Status{mi, cr}},
		{"target: 1, serious: 1, severe: 1, critical: 1", []rules.Status{cr}},
		// Without a serious bound, minor runs to the severe bound.
		{"target: 0.95, severe: 0.8", []rules.Status{mi, sv}},
		{"target: 0.95, severe: 0.95", []rules.Status{sv}},
		{"target: 0.95, serious: 0.8, critical: 0.8", []rules.Status{mi, cr}},
		{"direction: lower, target: 20, serious: 20, severe: 30", []rules.Status{se, sv}},
		{"direction: lower, target: 20, serious: 25, severe: 25", []rules.Status{mi, sv}},
	} {
		t.Run(tc.bounds, func(t *testing.T) {
			// percent_of_charge: 1 for every level the KPI has a bound for,
			// which an empty band may keep though it never earns it.
			amounts := "minor: 1"
			for _, l := range []string{"serious", "severe", "critical"} {
				if strings.Contains(tc.bounds, l) {
					amounts += ", " + l + ": 1"
				}
			}
			rb, err := rules.Parse("r.yaml", strings.NewReader(head+
				"kpis:\n  - {id: K, measure: a, "+tc.bounds+", credit: {percent_of_charge: {"+amounts+"}}}\n"), nil)
			require.NoError(t, err)
			k := rb.KPIs[0]
			require.Equal(t, tc.want, k.Reachable())
			for _, l := range rules.Levels {
				require.Equal(t, slices.Contains(tc.want, l), k.Reaches(l), l.String())
			}
			require.False(t, k.Reaches(rules.Met))
		})
	}
}

// A level-keyed scheme needs an amount for each level the KPI can reach,
// and none for a level whose band is empty; one given for it is kept,
// never earned. Sliding and per-shortfall schemes need no amounts at all.
func TestEqualBoundsSchemes(t *testing.T) {
	for _, tc := range []struct {
		name, kpi, err string
	}{
		{"any miss is serious", "target: 1, serious: 1, credit: {fixed: {serious: 500.00}}", ""},
		{"an amount for the empty band is kept", "target: 1, serious: 1, credit: {fixed: {minor: 100.00, serious: 500.00}}", ""},
		{"points", "target: 1, serious: 1, severe: 1, credit: {points: {severe: 3}}", ""},
		{"percent, empty serious band", "target: 1, serious: 0.9, severe: 0.9, credit: {percent_of_charge: {minor: 1, severe: 3}}", ""},
		{"sliding", "target: 1, serious: 1, credit: {sliding: {max_percent_of_charge: 2, floor: 0.5}}", ""},
		{"per_shortfall", "target: 1, serious: 1, credit: {per_shortfall: {percent_of_charge: 1, per: 0.01}}", ""},
		{"the reachable level still needs its amount", "target: 1, serious: 1, credit: {fixed: {minor: 100.00}}",
			"r.yaml:8:64: K.credit.fixed: no amount for level serious, which the KPI can reach"},
		{"a worse level still must not earn less", "target: 1, serious: 1, credit: {fixed: {minor: 100.00, serious: 50.00}}",
			"r.yaml:8:89: K.credit.fixed.serious: 50 is less than 100 for minor: a worse failure must not earn less"},
		{"a level without a bound still takes no amount", "target: 1, serious: 1, credit: {fixed: {serious: 5.00, severe: 9.00}}",
			"r.yaml:8:80: K.credit.fixed.severe: the KPI has no severe bound, so it never reaches this level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(head+"kpis:\n  - {id: K, measure: a, "+tc.kpi+"}\n"), nil)
			if tc.err == "" {
				require.NoError(t, err)
			} else {
				require.EqualError(t, err, tc.err)
			}
		})
	}
}
