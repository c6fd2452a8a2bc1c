//go:build race

package kpi_test

// raceEnabled is set when the race detector is on, which slows the
// differential tests tenfold: they then draw fewer cases.
const raceEnabled = true
