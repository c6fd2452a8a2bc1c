//go:build race

package closing_test

// raceEnabled is true when the tests run with the race detector, which
// makes the engine several times slower: the property test then runs
// fewer histories.
const raceEnabled = true
