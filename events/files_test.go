package events_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withStopFile is the test rulebook with a file of stops besides the
// columns: waits for parts, any number a job.
var withStopFile = strings.Replace(book, "      stops: [{from: no_access_from, to: no_access_to}]\n",
	`      stops:
        - {from: no_access_from, to: no_access_to}
        - source: parts
          columns: {job: string, waiting: timestamp, arrived: timestamp, note: string}
          event: job
          from: waiting
          to: arrived
`, 1)

func TestStopFile(t *testing.T) {
	p := program(t, withStopFile)
	assert.Equal(t, []string{"parts", "repairs"}, p.Files())
	r, err := run(t, p, options(), map[string]string{
		"parts": "job,waiting,arrived,note\n" +
			// U3's Wednesday and Thursday 28-29 May without parts: two
			// working days do not count, so U3 (fixed Wednesday 4 June) is
			// due at 24:00 on Wednesday 4 June: met.
			"U3,2025-05-28 00:00,2025-05-29 00:00,pump\n" +
			"U3,2025-05-28 12:00,2025-05-30 00:00,overlaps the first\n" +
			// U6 still waiting: the stop lasts until the job ends; the job is
			// open, so its clock is held for ever: open, not late.
			"U6,2025-06-17 00:00,,valve\n",
		"repairs": header +
			"U3,Acme,North,urgent,2025-05-23 16:55,2025-06-04 15:00,,,1\n" +
			"U6,Acme,North,urgent,2025-06-16 10:00,,,,0\n",
	})
	require.NoError(t, err)
	assert.Equal(t, "1", value(t, r, north, june, "urgent_fixed"))
	assert.Equal(t, "1", value(t, r, north, june, "urgent_jobs"))
	assert.Equal(t, int64(1), r.Summary()[0].Open)
	assert.Equal(t, int64(0), r.Summary()[0].Late)
}

func TestStopFileErrors(t *testing.T) {
	cases := []struct{ name, stops, want string }{
		{"a stop of no event", "job,waiting,arrived,note\nU9,2025-05-28 00:00,,\n",
			`parts.csv:2: a stop of the event "U9", which the source repairs does not have`},
		{"a stop that ends before it starts", "job,waiting,arrived,note\nU3,2025-05-28 00:00,2025-05-27 00:00,\n",
			`parts.csv:2:3: column arrived: the stop ends (2025-05-27 00:00:00 BST) before it starts (2025-05-28 00:00:00 BST)`},
		{"a stop without a start", "job,waiting,arrived,note\nU3,,2025-05-27 00:00,\n",
			`parts.csv:2:2: column waiting: missing value: every stop needs its start`},
		{"a stop without an event", "job,waiting,arrived,note\n,2025-05-27 00:00,,\n",
			`parts.csv:2:1: column job: missing value: every stop names its event`},
		{"a time that does not exist", "job,waiting,arrived,note\nU3,2025-03-30 01:00,,\n",
			`parts.csv:2:2: column waiting: timestamp "2025-03-30 01:00" does not exist in Europe/London (the clocks go forward over it); write it with an explicit offset`},
	}
	p := program(t, withStopFile)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, p, options(), map[string]string{"parts": tc.stops,
				"repairs": header + "U3,Acme,North,urgent,2025-05-23 16:55,2025-06-04 15:00,,,1\n"})
			require.EqualError(t, err, tc.want)
			assert.True(t, events.IsInvalidInput(err))
		})
	}
}

// Files are read by name, each once, a source's stop files first; every
// declared name needs a file.
func TestUsage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	repairs := write("repairs.csv", header+"U3,Acme,North,urgent,2025-05-23 16:55,2025-06-04 15:00,,,1\n")
	parts := write("parts.csv", "job,waiting,arrived,note\n")
	p := program(t, withStopFile)
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown name", map[string]string{"repairs": repairs, "parts": parts, "moves": repairs},
			`--events moves: the rulebook declares no event source or stop file "moves" (it declares: parts, repairs)`},
		{"missing file", map[string]string{"repairs": repairs},
			"no file for the event source parts: give --events parts=FILE"},
		{"no such file", map[string]string{"repairs": repairs, "parts": filepath.Join(dir, "nope.csv")},
			"open " + filepath.Join(dir, "nope.csv") + ": no such file or directory"},
		{"a directory", map[string]string{"repairs": repairs, "parts": dir},
			"read " + dir + ": is a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			agg, err := p.NewAggregator(options())
			require.NoError(t, err)
			require.EqualError(t, agg.ReadFiles(tc.files), tc.want)
		})
	}
	agg, err := p.NewAggregator(options())
	require.NoError(t, err)
	err = agg.ReadFile("repairs", repairs)
	require.EqualError(t, err, "the stop file parts must be read before its source repairs")
	require.NoError(t, agg.ReadFile("parts", parts))
	require.EqualError(t, agg.ReadFile("parts", parts), "the event file parts is given twice")
	_, err = agg.Result()
	require.EqualError(t, err, "no file for the event source repairs: give --events repairs=FILE")
	var ue *events.UsageError
	require.ErrorAs(t, err, &ue)
	require.NoError(t, agg.ReadFile("repairs", repairs))
	_, err = agg.Result()
	require.NoError(t, err)
}
