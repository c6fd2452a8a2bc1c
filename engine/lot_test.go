package engine_test

import (
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/credits"
	"github.com/kpicredit/kpicredit/engine"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// smallWith loads the small contract with more YAML appended.
func smallWith(t *testing.T, more string) *rules.Rulebook {
	t.Helper()
	src, err := os.ReadFile("../testdata/small/small.yaml")
	require.NoError(t, err)
	rb, err := rules.Parse("small.yaml", strings.NewReader(string(src)+more), kpi.Check)
	require.NoError(t, err)
	return rb
}

// NewLotFor starts a lot the rulebook's opening names from its state, and
// any other lot with no history after the opening month; without an
// opening, every lot starts with no history.
func TestNewLotFor(t *testing.T) {
	rb := smallWith(t, `opening:
  month: 2025-02
  lots:
    - lot: {provider: Acme, region: North}
      kpis: {K1: {streak: 1}}
`)
	eng, err := engine.Compile(rb)
	require.NoError(t, err)
	ds, err := input.ReadCSV(rb, "d.csv", strings.NewReader("provider,region,month,monthly_charge,jobs,fixed,nights\n"+
		"Acme,North,2025-03,10000.00,20,17,18\nBolt,East,2025-03,10000.00,20,17,18\n"))
	require.NoError(t, err)

	named, err := eng.NewLotFor([]string{"Acme", "North"})
	require.NoError(t, err)
	s, ok := named.State()
	require.True(t, ok)
	require.Equal(t, engine.State{State: credits.State{Month: rules.NewMonth(2025, 2), KPIs: map[string]credits.KPIState{"K1": {Streak: 1}}}}, s)
	lm, err := named.Month(&ds.Lots[0].Rows[0], nil)
	require.NoError(t, err)
	_, kc, _ := lm.KPI("K1")
	require.Equal(t, 2, kc.Streak, "the opening's failure and March's")

	other, err := eng.NewLotFor([]string{"Bolt", "East"})
	require.NoError(t, err)
	s, _ = other.State()
	require.Equal(t, engine.State{State: credits.State{Month: rules.NewMonth(2025, 2), KPIs: map[string]credits.KPIState{}}}, s)
	lm, err = other.Month(&ds.Lots[1].Rows[0], nil)
	require.NoError(t, err)
	_, kc, _ = lm.KPI("K1")
	require.Equal(t, 1, kc.Streak)

	plain, err := engine.Compile(smallWith(t, ""))
	require.NoError(t, err)
	fresh, err := plain.NewLotFor([]string{"Acme", "North"})
	require.NoError(t, err)
	_, ok = fresh.State()
	require.False(t, ok, "no opening: no history")
}
