package curves

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Scenarios whose terms in force are the baseline's, or one another's,
// share their curves: the set is the one computed book by book, each
// such curve SameAs the first with those terms.
func TestSameTermsShareCurves(t *testing.T) {
	src, err := os.ReadFile("../examples/aasc/rules.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(src), "\nscenarios:\n", "\nscenarios:\n  - {id: plain}\n  - {id: plain-too}\n", 1)
	rb, err := rules.Parse("rules.yaml", strings.NewReader(text), nil)
	require.NoError(t, err)
	opts := Options{Charge: decimal.RequireFromString("3167787.60")}
	shared, err := Compute(context.Background(), rb, rb.Scenarios, opts)
	require.NoError(t, err)
	defer func() { shareSameTerms = true }()
	shareSameTerms = false
	alone, err := Compute(context.Background(), rb, rb.Scenarios, opts)
	require.NoError(t, err)
	require.Equal(t, alone, shared)

	shareSameTerms = true
	books := []*book{newBook(rules.BaselineID, termsAt(rb.Timeline(), 0, nil))}
	for _, sc := range rb.Scenarios {
		books = append(books, newBook(sc.ID, termsAt(sc.Timeline(), 0, sc.From)))
	}
	require.NoError(t, sameTerms(books))
	for _, b := range books {
		switch b.id {
		case "plain", "plain-too":
			require.NotNil(t, b.same, b.id)
			require.Equal(t, rules.BaselineID, b.same.id, b.id)
		case rules.BaselineID, "draft-ccn-012":
			require.Nil(t, b.same, b.id)
		}
	}
	for _, kc := range shared.KPIs {
		for _, c := range kc.Curves {
			if c.Scenario == "plain" || c.Scenario == "plain-too" {
				require.Equal(t, rules.BaselineID, c.SameAs, "%s %s", kc.ID, c.Scenario)
			}
		}
	}
}
