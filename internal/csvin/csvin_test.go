package csvin

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func read(t *testing.T, text string, lim Limits) ([][]string, []int64, error) {
	t.Helper()
	var rows [][]string
	var lines []int64
	err := Read("f.csv", strings.NewReader(text), lim, func(line int64, cells []string) error {
		rows, lines = append(rows, append([]string(nil), cells...)), append(lines, line)
		return nil
	})
	return rows, lines, err
}

func TestRead(t *testing.T) {
	rows, lines, err := read(t, "\ufeffa,b\r\n1,\"x\ny\"\r\n2,z\n", DataLimits)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"a", "b"}, {"1", "x\ny"}, {"2", "z"}}, rows)
	assert.Equal(t, []int64{1, 2, 4}, lines)
}

func TestReadLimits(t *testing.T) {
	cases := []struct {
		name, text string
		lim        Limits
		want       string
	}{
		{"file", "a,b\n1,2\n3,4\n", Limits{FileBytes: 10, Records: 10, RowBytes: 100}, "f.csv:3:2: column b: the file is larger than 10 bytes (10 bytes)"},
		{"records", "a,b\n1,2\n3,4\n", Limits{FileBytes: 100, Records: 1, RowBytes: 100}, "f.csv:3: more than 1 rows after the header"},
		{"row", "a,b\n1,22222\n", Limits{FileBytes: 100, Records: 10, RowBytes: 5}, "f.csv:2:2: column b: the row is longer than 5 bytes (5 bytes) (a value may have at most 4096)"},
		{"NUL", "a,b\n1,\x00\n", DataLimits, "f.csv:2:2: column b: a NUL byte: the file is not CSV text"},
		{"bare quote", "a,b\n1,x\"y\n", DataLimits, `f.csv:2: a " inside an unquoted value: quote the whole value and double the " ("")`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := read(t, tc.text, tc.lim)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestCellText(t *testing.T) {
	for _, tc := range []struct {
		s     string
		names string
		want  string
	}{
		{"plain text", "", ""},
		{"Ynys Môn\tand Gwynedd", "", ""},
		{"two\nlines", "", ""},
		{"two\nlines", KeysAndIDs, "the value holds a line break; key values and ids are one line"},
		{"bell\a", "", "the value holds a control character (U+0007)"},
		{"\ufeffBOM", "", "a byte order mark (U+FEFF), which may only start the file"},
		{"\xff", "", "the value is not valid UTF-8 text"},
		{strings.Repeat("x", 257), KeysAndIDs, "the value is longer than 256 bytes"},
		{"", "", ""},
	} {
		assert.Equal(t, tc.want, CellText(tc.s, tc.names), "%q", tc.s)
	}
}

func TestSize(t *testing.T) {
	assert.Equal(t, "256 MiB", Size(256<<20))
	assert.Equal(t, "16 GiB", Size(16<<30))
	assert.Equal(t, "4 KiB", Size(4<<10))
	assert.Equal(t, "1000 bytes", Size(1000))
}

// MatchHeader finds the wanted columns in any order; a column optional
// says may be missing is at -1; every other problem names its column.
func TestMatchHeader(t *testing.T) {
	want := []string{"a", "b", "c"}
	optional := func(name string) bool { return name == "c" }
	for _, tc := range []struct {
		cells []string
		idx   []int
		err   string
	}{
		{[]string{"c", " a ", "b"}, []int{1, 2, 0}, ""},
		{[]string{"b", "a"}, []int{1, 0, -1}, ""},
		{[]string{"a", "c"}, nil, "f.csv: column b: missing column"},
		{[]string{"a", "b", "d"}, nil, "f.csv:1:3: column d: unknown column (expected: a, b, c)"},
		{[]string{"a", "b", "a"}, nil, "f.csv:1:3: column a: the column is repeated"},
		{[]string{"a;b;c"}, nil, `f.csv:1:1: the header "a;b;c" has one column: columns must be separated by commas`},
	} {
		idx, e := MatchHeader(tc.cells, want, optional)
		if tc.err != "" {
			require.NotNil(t, e, "%v", tc.cells)
			e.File = "f.csv"
			if e.Col > 0 {
				e.Line = 1
			}
			assert.Equal(t, tc.err, e.Error())
			continue
		}
		require.Nil(t, e, "%v", tc.cells)
		assert.Equal(t, tc.idx, idx)
	}
	_, e := MatchHeader([]string{"a", "b"}, want, nil)
	require.NotNil(t, e, "without optional every column is required")
	assert.Equal(t, "c", e.Column)
}
