package pq

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"
)

// A crafted file is written byte by byte, so that a test can say what a
// hostile writer would: page headers and page data that lie, and
// metadata that claims what it likes.

// craftPage is one page of a crafted column chunk.
type craftPage struct {
	header format.PageHeader
	body   []byte
	raw    []byte // written in place of the header, when given
}

// craftColumn is a column of a crafted file, with its one chunk.
type craftColumn struct {
	leaf  format.SchemaElement
	codec format.CompressionCodec
	pages []craftPage
}

// column returns a flat column's schema element.
func column(name string, t format.Type, rep format.FieldRepetitionType) format.SchemaElement {
	return format.SchemaElement{Name: name, Type: thrift.New(t), RepetitionType: thrift.New(rep)}
}

// dataPage returns a data page v1 holding body, which is size bytes
// decompressed.
func dataPageV1(values int32, enc format.Encoding, size int, body []byte) craftPage {
	return craftPage{header: format.PageHeader{
		Type: format.DataPage, UncompressedPageSize: int32(size), CompressedPageSize: int32(len(body)),
		DataPageHeader: thrift.New(format.DataPageHeader{NumValues: values, Encoding: enc,
			DefinitionLevelEncoding: format.RLE, RepetitionLevelEncoding: format.RLE}),
	}, body: body}
}

// plainStrings encodes strings as PLAIN byte arrays.
func plainStrings(values ...string) []byte {
	var b []byte
	for _, v := range values {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	}
	return b
}

// marshal encodes a Thrift structure with the compact protocol.
func marshal(t testing.TB, v any) []byte {
	b, err := thrift.Marshal(new(thrift.CompactProtocol), v)
	require.NoError(t, err)
	return b
}

// craftFile writes a file of one row group of the given rows.
func craftFile(t testing.TB, rows int64, cols ...craftColumn) []byte {
	md := format.FileMetaData{Version: 1, NumRows: rows,
		Schema: []format.SchemaElement{{Name: "schema", NumChildren: thrift.New(int32(len(cols)))}}}
	rg := format.RowGroup{NumRows: rows}
	buf := bytes.NewBufferString(magic)
	for _, c := range cols {
		md.Schema = append(md.Schema, c.leaf)
		meta := format.ColumnMetaData{Type: c.leaf.Type.V, Encoding: []format.Encoding{format.Plain},
			PathInSchema: []string{c.leaf.Name}, Codec: c.codec, DataPageOffset: int64(buf.Len())}
		for _, p := range c.pages {
			h := p.raw
			if h == nil {
				h = marshal(t, &p.header)
			}
			buf.Write(h)
			buf.Write(p.body)
			meta.TotalCompressedSize += int64(len(h) + len(p.body))
			meta.TotalUncompressedSize += int64(len(h)) + int64(p.header.UncompressedPageSize)
			if p.header.Type == format.DataPage {
				meta.NumValues += int64(p.header.DataPageHeader.V.NumValues)
			}
		}
		rg.Columns = append(rg.Columns, format.ColumnChunk{FileOffset: meta.DataPageOffset, MetaData: meta})
		rg.TotalByteSize += meta.TotalUncompressedSize
	}
	if len(cols) > 0 {
		md.RowGroups = []format.RowGroup{rg}
	}
	return appendFooter(buf.Bytes(), marshal(t, &md))
}

// appendFooter ends a file with its footer, the footer's length and the
// magic.
func appendFooter(file, footer []byte) []byte {
	file = append(file, footer...)
	file = binary.LittleEndian.AppendUint32(file, uint32(len(footer)))
	return append(file, magic...)
}

// A crafted file of honest pages reads as any other.
func TestCraftedFileReads(t *testing.T) {
	data := craftFile(t, 2, craftColumn{leaf: column("region", format.ByteArray, format.Required),
		pages: []craftPage{dataPageV1(2, format.Plain, 13, plainStrings("North", ""))}})
	got, err := readTable(data)
	require.NoError(t, err)
	require.Equal(t, table{header: []string{"region"}, rows: [][]string{{"North"}, {""}}}, got)
}
