package pq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
	"github.com/stretchr/testify/require"
)

// compress compresses b with codec.
func compress(t testing.TB, codec format.CompressionCodec, b []byte) []byte {
	var buf bytes.Buffer
	switch codec {
	case format.Zstd:
		enc, err := zstd.NewWriter(nil)
		require.NoError(t, err)
		return enc.EncodeAll(b, nil)
	case format.Snappy:
		return snappy.Encode(nil, b)
	case format.Lz4Raw:
		out := make([]byte, lz4.CompressBlockBound(len(b)))
		n, err := lz4.CompressBlock(b, out, nil)
		require.NoError(t, err)
		return out[:n]
	case format.Gzip:
		w := gzip.NewWriter(&buf)
		_, err := w.Write(b)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	case format.Brotli:
		w := brotli.NewWriter(&buf)
		_, err := w.Write(b)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	return buf.Bytes()
}

// uvarints encodes numbers as unsigned varints.
func uvarints(ns ...uint64) []byte {
	var b []byte
	for _, n := range ns {
		b = binary.AppendUvarint(b, n)
	}
	return b
}

// lengthPrefixed prefixes b with its length, as the levels of a data page
// v1 are.
func lengthPrefixed(b []byte) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, uint32(len(b))), b...)
}

// deltaInt32 encodes values as DELTA_BINARY_PACKED.
func deltaInt32(t testing.TB, values []int32) []byte {
	b, err := new(delta.BinaryPackedEncoding).EncodeInt32(nil, values)
	require.NoError(t, err)
	return b
}

// provider is a required string column.
var provider = column("provider", format.ByteArray, format.Required)

// oneColumn crafts a file of one column of the given rows and pages.
func oneColumn(t testing.TB, leaf format.SchemaElement, codec format.CompressionCodec, rows int64, pages ...craftPage) []byte {
	return craftFile(t, rows, craftColumn{leaf: leaf, codec: codec, pages: pages})
}

// Every Parquet file beyond a limit, and every page that claims or decodes
// to more than it may, is rejected before parquet-go allocates it, with an
// error naming the row and column where there is one.
func TestReadTableLimits(t *testing.T) {
	big := plainStrings(strings.Repeat("x", 1<<20))
	rle := uvarints(1 << 30 << 1) // a run of 2^30 values
	cases := []struct {
		name  string
		data  []byte
		want  string
		limit bool // a *LimitError
	}{
		{"a page claims more than a page may", oneColumn(t, provider, format.Zstd, 1,
			dataPageV1(1, format.Plain, 100<<20, compress(t, format.Zstd, big))),
			"row 1: column provider: a page of 104857600 bytes decompressed; at most 33554432 (32 MiB)", true},
		{"the pages claim more than a file may", oneColumn(t, provider, format.Uncompressed, 17,
			func() []craftPage {
				var ps []craftPage
				for range 17 {
					ps = append(ps, dataPageV1(1, format.Plain, 32<<20, plainStrings("a")))
				}
				return ps
			}()...),
			"the file decompresses to more than 536870912 bytes (512 MiB)", true},
		{"levels claim a run of 2^30", oneColumn(t, column("region", format.ByteArray, format.Optional), format.Uncompressed, 1,
			dataPageV1(1, format.Plain, 4+len(rle)+1, append(lengthPrefixed(append(rle, 1)), plainStrings("a")...))),
			"not a valid Parquet file: row group 0 column region: page at offset 4: definition levels: a run of 1073741824 values in a page of fewer", false},
		{"dictionary indexes claim a run of 2^30", oneColumn(t, provider, format.Uncompressed, 1,
			craftPage{header: format.PageHeader{Type: format.DictionaryPage, UncompressedPageSize: 5, CompressedPageSize: 5,
				DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: 1, Encoding: format.Plain})}, body: plainStrings("a")},
			dataPageV1(1, format.RLEDictionary, 1+len(rle)+1, append(append([]byte{1}, rle...), 0))),
			"not a valid Parquet file: row group 0 column provider: page at offset 22: a run of 1073741824 values in a page of fewer", false},
		{"a delta stream claims 2^31 values", oneColumn(t, column("jobs", format.Int64, format.Required), format.Uncompressed, 1,
			dataPageV1(1, format.DeltaBinaryPacked, 7, uvarints(128, 4, 1<<31-1, 0))),
			"not a valid Parquet file: row group 0 column jobs: page at offset 4: a delta stream of 2147483647 values in a page of 1", false},
		{"prefixes repeat a long value", oneColumn(t, provider, format.Uncompressed, 10_000, deltaByteArrayPage(t, 10_000)),
			"row 1: column provider: the values of a page decode to 40960000 bytes; at most 33554432 (32 MiB)", true},
		{"a value too long", writeFile(t, []Column{{Name: "provider", Kind: String}}, [][]any{{"a"}, {strings.Repeat("x", limits.MaxCellBytes+1)}}),
			"row 2: column provider: the value is longer than 4096 bytes", true},
		{"a column name too long", writeFile(t, []Column{{Name: strings.Repeat("n", 1000), Kind: String}}, nil),
			`column "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"…"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn": the column name is longer than 256 bytes`, true},
		{"too many columns", craftFile(t, 0, manyColumns(limits.MaxColumns+1)...), "more than 1024 columns", true},
		{"too many rows", craftFile(t, limits.MaxRows+1), "more than 2000000 rows", true},
		{"too many values", craftFile(t, limits.MaxRows, manyColumns(6)...), "more than 10000000 values (rows times columns)", true},
		{"a list of 2^31 structures in the metadata", appendFooter([]byte(magic), []byte{0x29, 0xFC, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0}),
			"not a valid Parquet file: reading metadata: a list of 2147483647 elements in 2 bytes", false},
		{"metadata nested 100 deep", appendFooter([]byte(magic), append(bytes.Repeat([]byte{0x1c}, 100), make([]byte, 101)...)),
			"not a valid Parquet file: reading metadata: structures nest more than 32 deep", false},
		{"metadata of a million empty structures", appendFooter([]byte(magic), append(append([]byte{0x49, 0xfc}, uvarints(1<<20)...), make([]byte, 1<<20+1)...)),
			"not a valid Parquet file: reading metadata: it decodes to more than 134217728 bytes", false},
		{"a page header nested 100 deep", oneColumn(t, provider, format.Uncompressed, 1,
			craftPage{raw: append(bytes.Repeat([]byte{0x1c}, 100), make([]byte, 101)...)}),
			"header: structures nest more than 32 deep", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readTable(tc.data)
			require.Error(t, err)
			var le *LimitError
			require.Equal(t, tc.limit, errors.As(err, &le), "a *LimitError: %v", err)
			if tc.limit {
				require.EqualError(t, err, tc.want)
			} else {
				require.ErrorContains(t, err, tc.want)
			}
		})
	}
}

// deltaByteArrayPage is a DELTA_BYTE_ARRAY page of n values of 4096 bytes,
// each but the first all prefix: a few kilobytes that decode to n times
// 4096 bytes.
func deltaByteArrayPage(t testing.TB, n int) craftPage {
	prefix, suffix := make([]int32, n), make([]int32, n)
	suffix[0] = 4096
	for i := 1; i < n; i++ {
		prefix[i] = 4096
	}
	body := append(deltaInt32(t, prefix), deltaInt32(t, suffix)...)
	body = append(body, bytes.Repeat([]byte("x"), 4096)...)
	return dataPageV1(int32(n), format.DeltaByteArray, len(body), body)
}

// manyColumns returns n int64 columns without pages.
func manyColumns(n int) []craftColumn {
	cols := make([]craftColumn, n)
	for i := range cols {
		cols[i] = craftColumn{leaf: column("c"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+itoa(int64(i)), format.Int64, format.Required)}
	}
	return cols
}

// A page whose data decompresses to more than its header says is rejected,
// whatever its codec, having decompressed no more than that.
func TestReadTableLyingPage(t *testing.T) {
	data := plainStrings(strings.Repeat("x", 1<<20))
	for _, codec := range []format.CompressionCodec{format.Zstd, format.Snappy, format.Lz4Raw, format.Gzip, format.Brotli} {
		t.Run(codec.String(), func(t *testing.T) {
			file := oneColumn(t, provider, codec, 1, dataPageV1(1, format.Plain, 16, compress(t, codec, data)))
			_, err := readTable(file)
			require.Error(t, err)
			require.Contains(t, err.Error(), "column provider: page at offset 4:")
		})
	}
}

// A file larger than limits.MaxFileBytes, or whose metadata is larger than
// limits.MaxFooterBytes, is rejected before any of it is read.
func TestReadTableSizes(t *testing.T) {
	err := ReadTable(unread{t}, limits.MaxFileBytes+1, nil, nil)
	require.EqualError(t, err, "the file is larger than 268435456 bytes (256 MiB)")

	size := int64(limits.MaxFooterBytes + 100)
	tail := binary.LittleEndian.AppendUint32(nil, limits.MaxFooterBytes+1)
	err = ReadTable(tailOnly{size: size, tail: append(tail, magic...)}, size, nil, nil)
	require.EqualError(t, err, "the file's metadata is 16777217 bytes; at most 16777216 (16 MiB)")
}

// unread is a file no byte of which may be read.
type unread struct{ t *testing.T }

func (u unread) ReadAt([]byte, int64) (int, error) {
	u.t.Fatal("read")
	return 0, nil
}

// tailOnly is a file of size bytes: the magic, zeros, then tail.
type tailOnly struct {
	size int64
	tail []byte
}

func (f tailOnly) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.size-int64(len(f.tail)) && off < f.size-int64(len(f.tail)) {
		return 0, errors.New("a read of the middle of the file")
	}
	switch {
	case off == 0:
		copy(p, magic)
	case off >= f.size-int64(len(f.tail)):
		copy(p, f.tail[off-(f.size-int64(len(f.tail))):])
	}
	return len(p), nil
}
