package pq

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/shopspring/decimal"
)

// FuzzReadTable checks that no input makes ReadTable panic. The seed corpus
// is a small file of ours and its truncations, a file of other tools' types,
// and a file DuckDB wrote.
func FuzzReadTable(f *testing.F) {
	cols := []Column{
		{Name: "region", Kind: String},
		{Name: "month", Kind: Month},
		{Name: "credit", Kind: Decimal, Scale: 2, Nullable: true},
		{Name: "jobs", Kind: Int64},
	}
	data := writeFile(f, cols, [][]any{
		{"Wales", rules.NewMonth(2025, 1), decimal.New(-1050, -2), 3},
		{"North East", rules.NewMonth(2025, 2), nil, 0},
		{"Wales", rules.NewMonth(2025, 2), decimal.New(7, 0), 12},
	})
	f.Add(data)
	for n := 0; n < len(data); n += 7 {
		f.Add(data[:n])
	}
	f.Add(foreignFile(f, []field{
		{"month", parquet.Optional(parquet.String())},
		{"dbl", parquet.Leaf(parquet.DoubleType)},
		{"dec", parquet.Decimal(2, 30, parquet.FixedLenByteArrayType(13))},
		{"day", parquet.Date()},
		{"flag", parquet.Leaf(parquet.BooleanType)},
	}, [][]any{
		{"2025-01", 0.5, flba(twos(bigInt("-1234"), 13)), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{nil, -1e300, flba(twos(bigInt("99"), 13)), time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), false},
	}))
	duck, err := os.ReadFile(filepath.Join("testdata", "duckdb.parquet"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(duck)
	rle := uvarints(1 << 30 << 1)
	f.Add(oneColumn(f, column("region", format.ByteArray, format.Optional), format.Uncompressed, 1,
		dataPageV1(1, format.Plain, 4+len(rle)+1, append(lengthPrefixed(append(rle, 1)), plainStrings("a")...))))
	f.Add(oneColumn(f, column("jobs", format.Int64, format.Required), format.Uncompressed, 1,
		dataPageV1(1, format.DeltaBinaryPacked, 7, uvarints(128, 4, 1<<31-1, 0))))
	f.Add(oneColumn(f, provider, format.Uncompressed, 100, deltaByteArrayPage(f, 100)))
	f.Add(appendFooter([]byte(magic), []byte{0x29, 0xFC, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0}))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows := 0
		err := ReadTable(bytes.NewReader(b), int64(len(b)), func(h []string) error {
			if len(h) == 0 {
				t.Fatal("empty header")
			}
			return nil
		}, func(n int64, cells []string) error {
			rows++
			if n != int64(rows) {
				t.Fatalf("row %d numbered %d", rows, n)
			}
			return nil
		})
		_ = err // any error is fine; a panic, a hang or running out of memory is not
	})
}
