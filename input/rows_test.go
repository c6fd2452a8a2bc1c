package input

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// chunkedData is a data file of the small contract: 50 lots of 60 months,
// one line each, a lot's months together.
func chunkedData() []string {
	lines := []string{"provider,region,month,monthly_charge,jobs,fixed,nights"}
	for lot := range 50 {
		for m := range 60 {
			lines = append(lines, fmt.Sprintf("P%02d,North,%04d-%02d,%d.50,%d,%d,%d.25",
				lot, 2025+m/12, m%12+1, 1000+lot*10+m, 20+m%7, 18+m%3, m))
		}
	}
	return lines
}

// Rows are parsed in chunks on other goroutines and filed in the file's
// order: a file reads the same whatever the chunks' size, and the problem
// reported is the first in the file, even when the chunks after it are
// parsed already or the reader finds a problem of its own further on.
func TestChunksFileInOrder(t *testing.T) {
	defer func(n int) { chunkRows = n }(chunkRows)
	rb, err := rules.Load("../testdata/small/small.yaml", nil)
	require.NoError(t, err)
	read := func(lines []string) (*Dataset, error) {
		return ReadCSV(rb, "d.csv", strings.NewReader(strings.Join(lines, "\n")+"\n"))
	}
	chunkRows = 1 << 20
	want, err := read(chunkedData())
	require.NoError(t, err)
	require.Len(t, want.Lots, 50)
	sizes := []int{1, 7, 64, 512}
	for _, n := range sizes {
		chunkRows = n
		got, err := read(chunkedData())
		require.NoError(t, err)
		require.Equal(t, want, got, "chunks of %d rows", n)
	}

	problems := map[string]func(lines []string, k int){
		"a bad number":        func(l []string, k int) { l[k] += "x" }, // nights
		"too few cells":       func(l []string, k int) { l[k] = l[k][:strings.LastIndexByte(l[k], ',')] },
		"a month repeated":    func(l []string, k int) { l[k] = l[k-1] },
		"a month out of term": func(l []string, k int) { l[k] = strings.Replace(l[k], ",20", ",19", 1) },
	}
	badQuote := `P99,North,2025-01,"1.00,1,1,1` // the reader's own problem, on the last line
	for name, spoil := range problems {
		for _, k := range []int{1, 2, 500, 1800, 3000} {
			for _, readerToo := range []bool{false, true} {
				lines := chunkedData()
				if k == 1 && name == "a month repeated" {
					continue // nothing before it to repeat
				}
				spoil(lines, k)
				if readerToo {
					lines = append(lines, badQuote)
				}
				chunkRows = 1 << 20
				_, one := read(lines)
				require.Error(t, one, "%s at line %d", name, k+1)
				require.True(t, strings.HasPrefix(one.Error(), fmt.Sprintf("d.csv:%d:", k+1)), "%s at line %d: %v", name, k+1, one)
				for _, n := range sizes {
					chunkRows = n
					_, err := read(lines)
					require.Equal(t, one, err, "%s at line %d, chunks of %d", name, k+1, n)
				}
			}
		}
	}

	lines := append(chunkedData(), badQuote)
	chunkRows = 1 << 20
	_, one := read(lines)
	require.ErrorContains(t, one, "d.csv:3002:", "the reader's problem when the rows have none")
	for _, n := range sizes {
		chunkRows = n
		_, err := read(lines)
		require.Equal(t, one, err, "chunks of %d", n)
	}
}
