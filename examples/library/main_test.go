package main

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain runs the examples from the repository's root, where the README's
// paths start.
func TestMain(m *testing.M) {
	if err := os.Chdir("../.."); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// The README's "As a library" section shows this program, whole.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	section := regexp.MustCompile("(?s)## As a library\n.*?```go\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, section, "README.md has an \"As a library\" section with a go block")
	program, err := os.ReadFile("examples/library/main.go")
	require.NoError(t, err)
	require.Equal(t, string(program), string(section[1]),
		"README.md's \"As a library\" block must be examples/library/main.go as it is")
}

func Example() {
	main()
	// Output:
	// 2024-09 0.00
	// 2024-10 10000.00
	//    KPI-08 minor: 0.8684 < target 0.9; 4 points x £2,500.00 = £10,000.00
	// 2024-11 29495.80
	//    KPI-01 minor: 0.9894 < target 0.99; 2 points to area property: 2 points = 2 nil = £0.00; share £0.00; trigger material-kpi-failure fires: 4 failures at minor or worse in 12 months
	//    KPI-07 minor: 0.9054 < target 0.95; sliding: 2% of £4,371,785.56 x shortfall 0.0446 / 0.2 = £19,495.80; trigger material-kpi-failure fires: 4 failures at minor or worse in 12 months
	//    KPI-10 minor: 0.9615 < target 1; £10,000.00; trigger material-kpi-failure fires: 4 failures at minor or worse in 12 months
}
