package rules_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// adoptBook is a rulebook with the comments, blank lines and alignment
// that re-encoding would lose.
const adoptBook = `# A contract.
contract: X
currency: GBP
keys: [provider]
charge: charge
point_value: 10
start: 2025-01
end: 2026-12
fields: {charge: money, a: int, b: int}

kpis:
  - {id: K1, measure: a / b, target: 0.9,  credit: {fixed: {minor: 1}}}   # aligned
  - {id: K2, measure: a / b, target: 0.9,  credit: {points: {minor: 1}}}

# What-ifs.
scenarios:
  # Softer K1, agreed in principle.
  - id: soft
    description: Softer K1
    from: 2025-04
    kpis:
      K1: { target: 0.85 }   # from 90%

  # A sweep.
  - id: sweep
    sweep: { kpi: K1, field: target, values: [0.8, 0.9] }
`

func adopt(t *testing.T, src, id, file, fileSrc string) (string, error) {
	t.Helper()
	out, err := rules.Adopt(rules.Adoption{Name: "r.yaml", Source: []byte(src), ScenarioID: id, ScenarioFile: file,
		ScenarioSource: []byte(fileSrc), Agreed: "2025-03-14"})
	return string(out), err
}

// Adopting a scenario of the rulebook moves its text, comments included,
// into a new amendments section; every other byte is kept.
func TestAdoptMovesTheScenario(t *testing.T) {
	out, err := adopt(t, adoptBook, "soft", "", "")
	require.NoError(t, err)
	require.Equal(t, strings.Replace(adoptBook, `# What-ifs.
scenarios:
  # Softer K1, agreed in principle.
  - id: soft
    description: Softer K1
    from: 2025-04
    kpis:
      K1: { target: 0.85 }   # from 90%

  # A sweep.`, `amendments:
  # Softer K1, agreed in principle.
  - id: soft
    description: Softer K1
    from: 2025-04
    agreed: 2025-03-14
    kpis:
      K1: { target: 0.85 }   # from 90%

# What-ifs.
scenarios:
  # A sweep.`, 1), out)
}

// Into an existing list, after every amendment in force from the
// scenario's month or earlier, with the list's indentation and blank
// lines; a list left empty becomes [].
func TestAdoptIntoAmendments(t *testing.T) {
	src := strings.Replace(adoptBook, "# What-ifs.\n", `amendments:
    -   id: A1
        agreed: 2025-01-02
        from: 2025-04

    -   id: A2
        agreed: 2025-01-02
        from: 2025-06
        kpis: {K2: {target: 0.5}}

`, 1)
	src = strings.Replace(src, "\n  # A sweep.\n  - id: sweep\n    sweep: { kpi: K1, field: target, values: [0.8, 0.9] }\n", "", 1)
	out, err := adopt(t, src, "soft", "", "")
	require.NoError(t, err)
	require.Contains(t, out, `        from: 2025-04

    # Softer K1, agreed in principle.
    -   id: soft
        description: Softer K1
        from: 2025-04
        agreed: 2025-03-14
        kpis:
          K1: { target: 0.85 }   # from 90%

    -   id: A2
`)
	require.True(t, strings.HasSuffix(out, "\nscenarios: []\n"), out)
}

// A scenario from its own file leaves the file alone; one that applies
// from the first month gets the rulebook's start as its from.
func TestAdoptFromFile(t *testing.T) {
	file := "# CCN-9\nid: ccn-9\ndescription: K2 counts less\nkpis:\n  K2:\n    credit: {points: {minor: 0.5}}\n\n"
	out, err := adopt(t, adoptBook, "", "s.yaml", file)
	require.NoError(t, err)
	require.Equal(t, strings.Replace(adoptBook, "# What-ifs.\n", `amendments:
  # CCN-9
  - id: ccn-9
    from: 2025-01
    agreed: 2025-03-14
    description: K2 counts less
    kpis:
      K2:
        credit: {points: {minor: 0.5}}

# What-ifs.
`, 1), out)
}

// CRLF line ends are kept, and an empty list in flow style is filled.
func TestAdoptKeepsLineEnds(t *testing.T) {
	src := strings.ReplaceAll(strings.Replace(adoptBook, "# What-ifs.\n", "amendments: []   # none yet\n", 1), "\n", "\r\n")
	out, err := adopt(t, src, "soft", "", "")
	require.NoError(t, err)
	require.NotContains(t, strings.ReplaceAll(out, "\r\n", ""), "\n", "every line ends CRLF")
	require.Contains(t, out, "amendments:   # none yet\r\n  # Softer K1, agreed in principle.\r\n  - id: soft\r\n")
}

// What adopt refuses, and why.
func TestAdoptRefuses(t *testing.T) {
	later := strings.Replace(adoptBook, "# What-ifs.\n", `amendments:
  - {id: A9, agreed: 2025-01-02, from: 2025-08, kpis: {K1: {target: 0.7}, K2: {target: 0.8}}}
`, 1)
	cases := []struct {
		name, src, id, file, want string
	}{
		{"a sweep", adoptBook, "sweep", "", "r.yaml:25:5: cannot adopt: scenario \"sweep\" is a sweep of values; adopt a scenario that sets the one agreed"},
		{"a revoke", later + "  - {id: back, revoke: [A9]}\n", "back", "", "r.yaml:28:5: cannot adopt: scenario \"back\" revokes A9: an amendment adds to the terms and cannot take an agreed one back; write the reversal as an amendment that sets the keys back"},
		{"a key a later amendment sets", later, "soft", "", "r.yaml:19:5: cannot adopt: sets K1.target, which amendment A9 changes from 2025-08 (sets K1.target): adopted before it, the scenario would give way to it from then, where as a scenario it wins"},
		{"a removed KPI a later amendment changes", later + "  - {id: drop, from: 2025-02, remove: [K2]}\n", "drop", "", "r.yaml:28:5: cannot adopt: removes K2, which amendment A9 changes from 2025-08 (sets K2.target): adopted before it, the scenario would give way to it from then, where as a scenario it wins"},
		{"a result that is not valid", strings.Replace(adoptBook, "  # A sweep.", "  - {id: k2, from: 2025-06, kpis: {K2: {target: 0.5}}}\n  - {id: drop, from: 2025-02, remove: [K2]}", 1), "drop", "",
			`r.yaml:25:5: cannot adopt: with it adopted the rulebook would not be valid: r.yaml:24:36: scenarios.k2.kpis.K2: KPI "K2" is removed by amendment "drop" (from 2025-02)`},
		{"no such scenario", adoptBook, "hard", "", `r.yaml: cannot adopt: no scenario "hard" (it has soft, sweep)`},
		{"which of a file's", adoptBook, "", "s.yaml", `s.yaml: cannot adopt: it holds 2 scenarios (a, b): name one with --scenario-id`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := "- {id: a, kpis: {K1: {target: 0.8}}}\n- {id: b, kpis: {K1: {target: 0.7}}}\n"
			_, err := adopt(t, c.src, c.id, c.file, file)
			require.EqualError(t, err, c.want)
		})
	}
}

// A scenario written in flow style is written out in block style; the
// rest of the file is kept.
func TestAdoptFlowStyle(t *testing.T) {
	src := strings.Replace(adoptBook, "  # A sweep.", "  - {id: flow, from: 2025-05, kpis: {K2: {target: 0.8}}}\n  # A sweep.", 1)
	out, err := adopt(t, src, "flow", "", "")
	require.NoError(t, err)
	require.Contains(t, out, "      K1: { target: 0.85 }   # from 90%\n\n  # A sweep.\n")
	require.Contains(t, out, "amendments:\n  - id: flow\n    agreed: 2025-03-14\n    from: 2025-05\n    kpis: {K2: {target: 0.8}}\n\n# What-ifs.\n")
}
