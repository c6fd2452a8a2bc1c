package pq

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/kpicredit/kpicredit/limits"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
)

// maxPageValues bounds the number of values of a page: a flat column has
// one a row.
const maxPageValues = limits.MaxRows

// pageScan checks the pages of a file's column chunks as parquet-go will
// read them: each page header, each page's size decompressed against
// limits.MaxPageBytes and the file's against its limit (Options.DecodedBytes), and
// what its levels and values decode to (see checkData). parquet-go
// allocates what headers claim, and its decoders what the data claims.
type pageScan struct {
	chunk []byte // the column chunk being checked
	page  []byte // a page being decompressed
	total int64  // bytes decompressed so far
	limit int64  // of total
}

// chunk names a column chunk: its metadata, its column and the file's row
// its first value belongs to (from 1).
type chunk struct {
	meta     *format.ColumnMetaData
	leaf     *format.SchemaElement
	firstRow int64
	rows     int64 // the row group's
}

// check reads the pages of a column chunk and checks each.
func (s *pageScan) check(r io.ReaderAt, c chunk) error {
	m := c.meta
	offset := m.DataPageOffset
	if m.DictionaryPageOffset != 0 {
		offset = m.DictionaryPageOffset
	}
	if int64(cap(s.chunk)) < m.TotalCompressedSize {
		s.chunk = make([]byte, m.TotalCompressedSize)
	}
	s.chunk = s.chunk[:m.TotalCompressedSize]
	if _, err := r.ReadAt(s.chunk, offset); err != nil {
		return err
	}
	row := c.firstRow
	for pos := 0; pos < len(s.chunk); {
		n, values, err := s.checkPage(c, row, s.chunk[pos:])
		var le *LimitError
		var ds decodedSize
		switch {
		case errors.As(err, &ds):
			return &LimitError{Row: row, Column: c.leaf.Name, Msg: ds.Error()}
		case errors.As(err, &le):
			return err
		case err != nil:
			return fmt.Errorf("page at offset %d: %w", offset+int64(pos), err)
		}
		pos, row = pos+n, row+values
	}
	if row-c.firstRow > c.rows {
		return fmt.Errorf("%d values in a row group of %d rows", row-c.firstRow, c.rows)
	}
	return nil
}

// checkPage checks the page at the start of b, whose first value is of the
// given row, and returns its length and its number of data values.
func (s *pageScan) checkPage(c chunk, row int64, b []byte) (int, int64, error) {
	n, err := checkThrift(b, thriftPageBudget)
	if err != nil {
		return 0, 0, fmt.Errorf("header: %w", err)
	}
	var h format.PageHeader
	if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReaderFromBytes(b[:n])).Decode(&h); err != nil {
		return 0, 0, fmt.Errorf("header: %w", err)
	}
	if h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > int64(len(b)-n) {
		return 0, 0, fmt.Errorf("size %d outside its column chunk", h.CompressedPageSize)
	}
	if err := s.checkSize(&h, c, row); err != nil {
		return 0, 0, err
	}
	optional := c.leaf.RepetitionType.V == format.Optional
	if err := checkPageHeader(&h, optional); err != nil {
		return 0, 0, err
	}
	end := n + int(h.CompressedPageSize)
	if err := s.checkContent(&h, c, b[n:end]); err != nil {
		return 0, 0, err
	}
	return end, pageRows(&h), nil
}

// pageRows returns the rows a page holds values of: in a flat column, one
// value (or null) a row.
func pageRows(h *format.PageHeader) int64 {
	switch h.Type {
	case format.DataPage:
		return int64(h.DataPageHeader.V.NumValues)
	case format.DataPageV2:
		return int64(h.DataPageHeaderV2.V.NumValues)
	}
	return 0
}

// checkSize checks a page's size decompressed, and the file's so far.
func (s *pageScan) checkSize(h *format.PageHeader, c chunk, row int64) error {
	size := int64(h.UncompressedPageSize)
	if size < 0 {
		return fmt.Errorf("uncompressed size %d", size)
	}
	if size > limits.MaxPageBytes {
		return &LimitError{Row: row, Column: c.leaf.Name,
			Msg: fmt.Sprintf("a page of %d bytes decompressed; at most %d (32 MiB)", size, limits.MaxPageBytes)}
	}
	if s.total += size; s.total > s.limit {
		return &LimitError{Row: row, Column: c.leaf.Name,
			Msg: fmt.Sprintf("the file decompresses to more than %d bytes (%s)", s.limit, binarySize(s.limit))}
	}
	return nil
}

// page is what the checks of a page's content need of its header.
type page struct {
	values   int32
	encoding format.Encoding
	v1       bool
	v1Levels format.Encoding // the encoding of a data page v1's definition levels
	// A data page v2 starts with its repetition and definition levels,
	// uncompressed; the rest is compressed unless it says otherwise.
	v2Rep, v2Def int32
	compressed   bool
	dictionary   bool // a dictionary page
}

// dataPage returns what a page holds, or nil for an index page.
func dataPage(h *format.PageHeader) *page {
	switch {
	case h.Type == format.DataPage:
		d := &h.DataPageHeader.V
		return &page{values: d.NumValues, encoding: d.Encoding, v1: true, v1Levels: d.DefinitionLevelEncoding, compressed: true}
	case h.Type == format.DataPageV2:
		d := &h.DataPageHeaderV2.V
		return &page{values: d.NumValues - d.NumNulls, encoding: d.Encoding, v2Rep: d.RepetitionLevelsByteLength,
			v2Def: d.DefinitionLevelsByteLength, compressed: !d.IsCompressed.Valid || d.IsCompressed.V}
	case h.Type == format.DictionaryPage:
		d := &h.DictionaryPageHeader.V
		return &page{values: d.NumValues, encoding: d.Encoding, compressed: true, dictionary: true}
	}
	return nil
}

// checkContent decompresses a page's data and checks what its levels and
// values decode to.
func (s *pageScan) checkContent(h *format.PageHeader, c chunk, raw []byte) error {
	p := dataPage(h)
	if p == nil {
		return nil
	}
	levels := int(p.v2Rep + p.v2Def) // checkPageHeader has checked them
	data := raw[levels:]
	if p.compressed {
		var err error
		if data, err = s.decompress(c.meta.Codec, data, int(h.UncompressedPageSize)-levels); err != nil {
			return err
		}
	}
	optional := c.leaf.RepetitionType.V == format.Optional
	switch {
	case p.v1:
		return checkDataV1(p, c.leaf, optional, data)
	case optional && h.Type == format.DataPageV2:
		if err := checkHybrid(raw[p.v2Rep:levels], 1, int64(h.DataPageHeaderV2.V.NumValues)); err != nil {
			return fmt.Errorf("definition levels: %w", err)
		}
	}
	return checkValues(p, c.leaf, data)
}

var errTooLarge = errors.New("decompresses to more than its header says")

// decompress decompresses src with codec into s.page, failing beyond size
// bytes: a page decompresses to what its header says.
func (s *pageScan) decompress(codec format.CompressionCodec, src []byte, size int) ([]byte, error) {
	if cap(s.page) < size+1 {
		s.page = make([]byte, size+1)
	}
	buf := s.page[:size+1]
	var n int
	var err error
	switch codec {
	case format.Uncompressed:
		return src, nil
	case format.Snappy:
		if n, err = snappy.DecodedLen(src); err == nil && n > size {
			return nil, errTooLarge
		} else if err == nil {
			var out []byte
			out, err = snappy.Decode(buf, src)
			n = len(out)
		}
	case format.Lz4Raw:
		n, err = lz4.UncompressBlock(src, buf[:size])
	case format.Zstd:
		var out []byte
		out, err = zstdDecoder().DecodeAll(src, buf[:0])
		n = len(out)
		if cap(out) > cap(s.page) {
			s.page = out[:cap(out)]
		}
		buf = out
	case format.Gzip:
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(src)); err == nil {
			n, err = io.ReadFull(zr, buf)
		}
	case format.Brotli:
		n, err = io.ReadFull(brotli.NewReader(bytes.NewReader(src)), buf)
	default:
		return nil, fmt.Errorf("compression %s is not supported", codec)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil // shorter than size+1, as it should be
	}
	if err == nil && n > size {
		err = errTooLarge
	}
	return buf[:n], err
}

// checkPageHeader checks the counts of a page header of a column, optional
// or not.
func checkPageHeader(h *format.PageHeader, optional bool) error {
	var values int32
	switch {
	case h.Type == format.IndexPage:
		return nil
	case h.Type == format.DataPage && h.DataPageHeader.Valid:
		values = h.DataPageHeader.V.NumValues
	case h.Type == format.DictionaryPage && h.DictionaryPageHeader.Valid:
		values = h.DictionaryPageHeader.V.NumValues
	case h.Type == format.DataPageV2 && h.DataPageHeaderV2.Valid:
		v2 := &h.DataPageHeaderV2.V
		values = v2.NumValues
		levels := int64(v2.DefinitionLevelsByteLength) + int64(v2.RepetitionLevelsByteLength)
		if v2.NumNulls < 0 || v2.NumNulls > v2.NumValues || v2.NumRows < 0 ||
			v2.DefinitionLevelsByteLength < 0 || v2.RepetitionLevelsByteLength < 0 ||
			levels > int64(h.CompressedPageSize) || levels > int64(h.UncompressedPageSize) {
			return errors.New("inconsistent data page header")
		}
		if optional && v2.DefinitionLevelsByteLength == 0 {
			return errors.New("data page of an optional column without definition levels")
		}
	default:
		return fmt.Errorf("page of type %s without its header", h.Type)
	}
	if values < 0 || values > maxPageValues {
		return fmt.Errorf("%d values out of range 0..%d", values, maxPageValues)
	}
	return nil
}

// zstdDecoder is a zstd decoder that fails beyond limits.MaxPageBytes.
var zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(limits.MaxPageBytes+1),
		zstd.WithDecoderMaxWindow(limits.MaxPageBytes), zstd.WithDecoderConcurrency(1))
	if err != nil {
		panic(err) // only for invalid options
	}
	return d
})
