package pq

import (
	"bytes"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readWith reads a file with ReadTableWith, collecting its rows.
func readWith(t *testing.T, data []byte, opt Options) ([][]string, error) {
	t.Helper()
	var rows [][]string
	err := ReadTableWith(bytes.NewReader(data), int64(len(data)), opt, nil, func(_ int64, cells []string) error {
		rows = append(rows, append([]string(nil), cells...))
		return nil
	})
	return rows, err
}

// With ExactTimes, dates and timestamps read as the instants they are:
// never as a month, adjusted timestamps in UTC with a Z, local ones as
// wall-clock times without an offset.
func TestReadTableExactTimes(t *testing.T) {
	first := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	fields := []field{
		{"date", parquet.Date()},
		{"utc", parquet.Timestamp(parquet.Millisecond)},
		{"local", parquet.TimestampAdjusted(parquet.Microsecond, false)},
		{"nanos", parquet.Timestamp(parquet.Nanosecond)},
	}
	rows := [][]any{
		{first, first.UnixMilli(), first.UnixMicro(), first.UnixNano()},
		{first.AddDate(0, 0, 14), first.Add(16*time.Hour + 55*time.Minute).UnixMilli(),
			first.Add(90 * time.Second).UnixMicro(), first.Add(1500 * time.Millisecond).UnixNano()},
	}
	data := foreignFile(t, fields, rows)
	got, err := readWith(t, data, Options{FileBytes: 1 << 20, Rows: 10, Cells: 100, DecodedBytes: 1 << 20, ExactTimes: true})
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"2025-03-01", "2025-03-01T00:00:00Z", "2025-03-01 00:00:00", "2025-03-01T00:00:00Z"},
		{"2025-03-15", "2025-03-01T16:55:00Z", "2025-03-01 00:01:30", "2025-03-01T00:00:01.5Z"},
	}, got)
	got, err = readWith(t, data, DataOptions)
	require.NoError(t, err)
	assert.Equal(t, []string{"2025-03", "2025-03", "2025-03", "2025-03"}, got[0], "a data file's months")
}

// The limits come from the options, and their messages say which.
func TestReadTableWithLimits(t *testing.T) {
	data := writeFile(t, []Column{{Name: "a", Kind: String}, {Name: "b", Kind: String}},
		[][]any{{"x", "y"}, {"x", "y"}, {"x", "y"}})
	loose := Options{FileBytes: 1 << 30, Rows: 10, Cells: 100, DecodedBytes: 1 << 30}
	cases := []struct {
		name string
		opt  func(o *Options)
		want string
	}{
		{"file", func(o *Options) { o.FileBytes = 16 }, "the file is larger than 16 bytes (16 bytes)"},
		{"rows", func(o *Options) { o.Rows = 2 }, "more than 2 rows"},
		{"cells", func(o *Options) { o.Cells = 5 }, "more than 5 values (rows times columns)"},
		{"decoded", func(o *Options) { o.DecodedBytes = 8 }, "the file decompresses to more than 8 bytes (8 bytes)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := loose
			tc.opt(&opt)
			_, err := readWith(t, data, opt)
			var le *LimitError
			require.ErrorAs(t, err, &le)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	rows, err := readWith(t, data, loose)
	require.NoError(t, err)
	assert.Len(t, rows, 3)
}

// A Timestamp column holds instants to the microsecond, adjusted to UTC.
func TestWriteTimestamp(t *testing.T) {
	at := time.Date(2025, 10, 26, 1, 30, 0, 0, time.FixedZone("BST", 3600))
	data := writeFile(t, []Column{{Name: "at", Kind: Timestamp}, {Name: "end", Kind: Timestamp, Nullable: true}},
		[][]any{{at, nil}, {at.Add(time.Microsecond), at}})
	got, err := readWith(t, data, Options{FileBytes: 1 << 20, Rows: 10, Cells: 100, DecodedBytes: 1 << 20, ExactTimes: true})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"2025-10-26T00:30:00Z", ""}, {"2025-10-26T00:30:00.000001Z", "2025-10-26T00:30:00Z"}}, got)

	var buf bytes.Buffer
	w, err := NewWriter(&buf, []Column{{Name: "at", Kind: Timestamp}})
	require.NoError(t, err)
	assert.ErrorContains(t, w.Write(at.Add(time.Nanosecond)), "finer than a microsecond")
	assert.ErrorContains(t, w.Write("2025-10-26"), "time.Time")
	assert.ErrorContains(t, w.Write(time.Time{}.AddDate(-5, 0, 0)), "out of range")
	_, err = NewWriter(&buf, []Column{{Name: "at", Kind: Timestamp, Scale: 2}})
	assert.ErrorContains(t, err, "scale 2 on a Timestamp column")
}
