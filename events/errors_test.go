package events_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every problem with an event file is an *InputError naming the file, the
// line and the column, of the kind errors.Is finds.
func TestEventErrors(t *testing.T) {
	ok := "U1,Acme,North,urgent,2025-05-23 16:55,2025-06-02 15:00,,,1\n"
	cases := []struct {
		name string
		rows string // after the header
		want string
		kind error
	}{
		{"local time in the March gap", "U1,Acme,North,urgent,2025-03-30 01:30,,,,1\n",
			`repairs.csv:2:5: column reported: timestamp "2025-03-30 01:30" does not exist in Europe/London (the clocks go forward over it); write it with an explicit offset`,
			sla.ErrNonexistent},
		{"local time repeated in October", "U1,Acme,North,urgent,2025-05-23 16:55,2025-10-26 01:30,,,1\n",
			`repairs.csv:2:6: column completed: timestamp "2025-10-26 01:30" is ambiguous in Europe/London (the clocks go back and it occurs twice, as 2025-10-26T01:30:00+01:00 and 2025-10-26T01:30:00Z); write it with an explicit offset`,
			sla.ErrAmbiguous},
		{"not a timestamp", "U1,Acme,North,urgent,23/05/2025 16:55,,,,1\n",
			`repairs.csv:2:5: column reported: timestamp "23/05/2025 16:55": no such date; want RFC 3339 with an offset (2025-03-30T09:15:00Z, 2025-03-30T10:15:00+01:00) or local time YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS`,
			sla.ErrSyntax},
		{"RFC 3339 without an offset", "U1,Acme,North,urgent,2025-05-23T16:55:00,,,,1\n",
			`repairs.csv:2:5: column reported: timestamp "2025-05-23T16:55:00": an RFC 3339 timestamp needs an offset (Z or +hh:mm); want RFC 3339 with an offset (2025-03-30T09:15:00Z, 2025-03-30T10:15:00+01:00) or local time YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS`,
			sla.ErrSyntax},
		{"ends before it starts", "U1,Acme,North,urgent,2025-05-23 16:55,2025-05-23 16:54,,,1\n",
			`repairs.csv:2:6: column completed: the event ends (2025-05-23 16:54:00 BST) before it starts (2025-05-23 16:55:00 BST)`,
			events.ErrEndBeforeStart},
		{"duplicate id", ok + "U2,Acme,North,urgent,2025-05-23 16:55,,,,1\n" + ok,
			`repairs.csv:4:1: column job: a second event with the id "U1": an earlier row of the source has it`,
			events.ErrDuplicate},
		{"unknown lot", ok + "U2,Acme,South,urgent,2025-05-23 16:55,,,,1\n",
			`repairs.csv:3:3: column region: the event's lot Acme / South is not in the monthly data`, events.ErrUnknownLot},
		{"unknown provider", ok + "U2,Acne,North,urgent,2025-05-23 16:55,,,,1\n",
			`repairs.csv:3:2: column provider: the event's lot Acne / North is not in the monthly data`, events.ErrUnknownLot},
		{"no id", ",Acme,North,urgent,2025-05-23 16:55,,,,1\n",
			`repairs.csv:2:1: column job: missing value: every event needs its id`, events.ErrMissing},
		{"no start", "U1,Acme,North,urgent,,,,,1\n",
			`repairs.csv:2:5: column reported: missing value: every event needs its start`, events.ErrMissing},
		{"not a number", "U1,Acme,North,urgent,2025-05-23 16:55,,,,\"1,000\"\n",
			`repairs.csv:2:9: column cost: "1,000" is not a number (write digits with an optional - and decimal point, e.g. 1234.50)`,
			events.ErrValue},
		{"no number", "U1,Acme,North,urgent,2025-05-23 16:55,,,,\n",
			`repairs.csv:2:9: column cost: missing value`, events.ErrValue},
		{"too many places", "U1,Acme,North,urgent,2025-05-23 16:55,,,,0.12345678901234567\n",
			`repairs.csv:2:9: column cost: 0.12345678901234567 has more than 16 decimal places`, events.ErrValue},
		{"a stop that ends before it starts", "U1,Acme,North,urgent,2025-05-23 16:55,,2025-05-28 00:00,2025-05-27 00:00,1\n",
			`repairs.csv:2:8: column no_access_to: the stop ends (2025-05-27 00:00:00 BST) before it starts (2025-05-28 00:00:00 BST)`,
			events.ErrEndBeforeStart},
		{"a stop without a start", "U1,Acme,North,urgent,2025-05-23 16:55,,,2025-05-27 00:00,1\n",
			`repairs.csv:2:7: column no_access_from: missing value: the stop ends (2025-05-27 00:00:00 BST) but has no start`,
			events.ErrMissing},
		{"a row too short", "U1,Acme,North\n",
			`repairs.csv:2: the row has 3 values; the header has 9 columns`, events.ErrValue},
		{"a control character", "U1,Acme,North,urg\x01ent,2025-05-23 16:55,,,,1\n",
			`repairs.csv:2:4: column priority: the value holds a control character (U+0001)`, events.ErrValue},
		{"a line break in an id", "\"U\n1\",Acme,North,urgent,2025-05-23 16:55,,,,1\n",
			`repairs.csv:2:1: column job: the value holds a line break; key values and ids are one line`, events.ErrValue},
		{"the first problem in the file's order: a duplicate before a bad time", ok + ok +
			"U3,Acme,North,urgent,2025-13-01 00:00,,,,1\n",
			`repairs.csv:3:1: column job: a second event with the id "U1": an earlier row of the source has it`,
			events.ErrDuplicate},
		{"a bad time before a duplicate", ok + "U3,Acme,North,urgent,2025-13-01 00:00,,,,1\n" + ok,
			`repairs.csv:3:5: column reported: timestamp "2025-13-01 00:00": no such date;`, sla.ErrSyntax},
	}
	p := program(t, book)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, p, options(), map[string]string{"repairs": header + tc.rows})
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "got  %s\nwant %s", err, tc.want)
			assert.ErrorIs(t, err, tc.kind)
			var ie *events.InputError
			assert.ErrorAs(t, err, &ie)
			assert.True(t, events.IsInvalidInput(err))
			assert.True(t, ie.InvalidInput(), "runner.IsInvalidInput takes it: exit 2")
		})
	}
}

// A lot whose every key value some lot of the data has, but not
// together, is blamed on its last key column.
func TestUnknownLotKeys(t *testing.T) {
	p := program(t, book)
	opt := options()
	opt.Lots = [][]string{{"Acme", "North"}, {"Beta", "Scotland"}}
	_, err := run(t, p, opt, map[string]string{"repairs": header + "U1,Beta,North,urgent,2025-05-23 16:55,,,,1\n"})
	require.EqualError(t, err, "repairs.csv:2:3: column region: the event's lot Beta / North is not in the monthly data")
	var ue *events.UsageError
	agg, err := p.NewAggregator(options())
	require.NoError(t, err)
	_, err = agg.Result() // no file read
	require.ErrorAs(t, err, &ue)
	assert.True(t, ue.InvalidInput())
}

// The header must name every declared column once, and no other.
func TestHeaderErrors(t *testing.T) {
	cases := []struct{ name, file, want string }{
		{"unknown column", strings.Replace(header, "cost", "price", 1),
			"repairs.csv:1:9: column price: unknown column (expected: job, provider, region, priority, reported, completed, no_access_from, no_access_to, cost)"},
		{"missing column", strings.Replace(header, ",cost", "", 1), "repairs.csv:1: column cost: missing column"},
		{"repeated column", strings.Replace(header, "cost", "job", 1), "repairs.csv:1:9: column job: the column is repeated"},
		{"semicolons", "job;provider\n", `repairs.csv:1:1: the header "job;provider" has one column: columns must be separated by commas`},
		{"empty file", "", "repairs.csv: the file is empty; it needs a header row"},
		{"unclosed quote", header + "\"U1,Acme\n", `repairs.csv:2: a quoted value opened on this line is never closed (a " inside a quoted value is written "")`},
		{"NUL byte", header + "U1\x00", "repairs.csv:2:1: column job: a NUL byte: the file is not CSV text"},
	}
	p := program(t, book)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, p, options(), map[string]string{"repairs": tc.file})
			require.EqualError(t, err, tc.want)
			assert.True(t, events.IsInvalidInput(err))
		})
	}
}

// A Parquet file's problems name its row.
func TestParquetErrors(t *testing.T) {
	csvData, parquetData := benchEvents(t, 3)
	_ = csvData
	p := program(t, book)
	agg, err := p.NewAggregator(options())
	require.NoError(t, err)
	err = agg.ReadParquet("repairs", "repairs.parquet", bytes.NewReader(parquetData[:len(parquetData)-3]), int64(len(parquetData)-3))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "repairs.parquet: not a valid Parquet file"), "%v", err)

	// An event of an unknown lot, in a file with the lot's rows.
	_, pq := benchEventsFor(t, []string{"J1,Acme,North,urgent,2025-05-23 16:55,,,,1", "J2,Acme,Nowhere,urgent,2025-05-23 16:55,,,,1"})
	agg, err = p.NewAggregator(options())
	require.NoError(t, err)
	err = agg.ReadParquet("repairs", "repairs.parquet", bytes.NewReader(pq), int64(len(pq)))
	require.EqualError(t, err, "repairs.parquet: row 2: column region: the event's lot Acme / Nowhere is not in the monthly data")
	assert.True(t, errors.Is(err, events.ErrUnknownLot))
}
