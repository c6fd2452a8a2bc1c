package input

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// repeated is a reader of a text repeated without end.
type repeated struct {
	text string
	pos  int
}

func (r *repeated) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.text[r.pos%len(r.text)]
		r.pos++
	}
	return len(p), nil
}

// A CSV file is read to limits.MaxFileBytes and no further, and to
// limits.MaxRows rows after its header.
func TestCSVFileLimits(t *testing.T) {
	row := strings.Repeat("x", 197) + ",y\n" // 200 bytes: the file limit comes before the rows limit
	rows := 0
	err := readCSV("big.csv", io.MultiReader(strings.NewReader("a,b\n"), &repeated{text: row}), func(int, []string) error { rows++; return nil })
	line := 1 + (limits.MaxFileBytes-4)/len(row) + 1 // the line of the first byte beyond the limit
	require.EqualError(t, err, fmt.Sprintf("big.csv:%d:1: column a: the file is larger than 268435456 bytes (256 MiB)", line))
	require.Equal(t, line-1, rows, "the header and every whole row within the limit")
	var p *rules.Problem
	require.ErrorAs(t, err, &p)

	rows = 0
	err = readCSV("rows.csv", &repeated{text: "a\n"}, func(int, []string) error { rows++; return nil })
	require.EqualError(t, err, "rows.csv:2000002: more than 2000000 rows after the header")
	require.Equal(t, limits.MaxRows+1, rows, "the header and every row within the limit")
}

// A data file holds at most limits.MaxCells values.
func TestDataCellLimit(t *testing.T) {
	rb, err := rules.Load("../testdata/small/small.yaml", nil)
	require.NoError(t, err)
	tb := newTable(rb, "d.csv", false)
	require.NoError(t, tb.header(1, strings.Split("provider,region,month,monthly_charge,jobs,fixed,nights", ",")))
	tb.rows = limits.MaxCells / 7
	err = tb.row(1428573, strings.Split("A,North,2025-01,1.00,1,1,1", ","))
	require.EqualError(t, err, "d.csv:1428573: the data has more than 10000000 values (rows times columns)")
}

// A data file larger than limits.MaxFileBytes is rejected before it is
// read: its size is all that is looked at.
func TestLoadDataTooLarge(t *testing.T) {
	rb, err := rules.Load("../testdata/small/small.yaml", nil)
	require.NoError(t, err)
	for _, name := range []string{"big.csv", "big.parquet"} {
		path := filepath.Join(t.TempDir(), name)
		f, err := os.Create(path)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(limits.MaxFileBytes+1)) // sparse: no disk taken
		require.NoError(t, f.Close())
		_, err = LoadData(rb, path)
		require.EqualError(t, err, path+": the file is larger than 268435456 bytes (256 MiB)")
	}
}
