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
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
)

const (
	// maxPageSize bounds the uncompressed size of a page; writers use pages
	// of about 1 MiB.
	maxPageSize = 128 << 20
	// maxPageValues bounds the number of values of a page.
	maxPageValues = 1 << 24
)

// checkPages reads the pages of a column chunk as parquet-go will, checks
// their headers, and checks that each decompresses to at most maxPageSize
// bytes: parquet-go allocates what headers claim, and its LZ4 decoder grows
// its buffer without bound on corrupt input. buf is a buffer to reuse;
// checkPages returns it.
func checkPages(r io.ReaderAt, m *format.ColumnMetaData, optional bool, buf []byte) ([]byte, error) {
	offset := m.DataPageOffset
	if m.DictionaryPageOffset != 0 {
		offset = m.DictionaryPageOffset
	}
	if int64(cap(buf)) < m.TotalCompressedSize {
		buf = make([]byte, m.TotalCompressedSize)
	}
	buf = buf[:m.TotalCompressedSize]
	if _, err := r.ReadAt(buf, offset); err != nil {
		return buf, err
	}
	for pos := 0; pos < len(buf); {
		n, err := checkPage(m.Codec, optional, buf[pos:])
		if err != nil {
			return buf, fmt.Errorf("page at offset %d: %w", offset+int64(pos), err)
		}
		pos += n
	}
	return buf, nil
}

// checkPage checks the page at the start of b and returns its length.
func checkPage(codec format.CompressionCodec, optional bool, b []byte) (int, error) {
	pr := new(thrift.CompactProtocol).NewReaderFromBytes(b)
	var h format.PageHeader
	if err := thrift.NewDecoder(pr).Decode(&h); err != nil {
		return 0, fmt.Errorf("header: %w", err)
	}
	start := pr.BytesRead()
	if h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > int64(len(b)-start) {
		return 0, fmt.Errorf("size %d outside its column chunk", h.CompressedPageSize)
	}
	if h.UncompressedPageSize < 0 || h.UncompressedPageSize > maxPageSize {
		return 0, fmt.Errorf("uncompressed size %d out of range 0..%d", h.UncompressedPageSize, maxPageSize)
	}
	skip, err := checkPageHeader(&h, optional)
	if err != nil {
		return 0, err
	}
	end := start + int(h.CompressedPageSize)
	if skip >= 0 {
		err = checkCompressed(codec, b[start+skip:end], int(h.UncompressedPageSize)-skip)
	}
	return end, err
}

// checkPageHeader checks the counts of a page header of a column, optional
// or not. It returns the number of uncompressed bytes at the start of the
// page (levels of a data page v2), or -1 if the page is not compressed.
func checkPageHeader(h *format.PageHeader, optional bool) (int, error) {
	var values int32
	skip := 0
	switch {
	case h.Type == format.IndexPage:
		return -1, nil
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
			return 0, errors.New("inconsistent data page header")
		}
		if optional && v2.DefinitionLevelsByteLength == 0 {
			return 0, errors.New("data page of an optional column without definition levels")
		}
		skip = int(levels)
		if v2.IsCompressed.Valid && !v2.IsCompressed.V {
			skip = -1
		}
	default:
		return 0, fmt.Errorf("page of type %s without its header", h.Type)
	}
	if values < 0 || values > maxPageValues {
		return 0, fmt.Errorf("%d values out of range 0..%d", values, maxPageValues)
	}
	return skip, nil
}

var errTooLarge = fmt.Errorf("decompresses to more than %d bytes", maxPageSize)

// checkCompressed checks that src decompresses with codec to at most
// maxPageSize bytes; for LZ4_RAW, to at most size bytes.
func checkCompressed(codec format.CompressionCodec, src []byte, size int) error {
	switch codec {
	case format.Uncompressed:
		return nil
	case format.Snappy:
		n, err := snappy.DecodedLen(src)
		if err == nil && n > maxPageSize {
			err = errTooLarge
		}
		return err
	case format.Lz4Raw:
		_, err := lz4.UncompressBlock(src, make([]byte, max(size, 0)))
		return err
	case format.Zstd:
		_, err := zstdDecoder().DecodeAll(src, nil)
		return err
	case format.Gzip:
		r, err := gzip.NewReader(bytes.NewReader(src))
		if err != nil {
			return err
		}
		return drain(r)
	case format.Brotli:
		return drain(brotli.NewReader(bytes.NewReader(src)))
	}
	return fmt.Errorf("compression %s is not supported", codec)
}

// drain reads r to its end, at most maxPageSize bytes.
func drain(r io.Reader) error {
	n, err := io.Copy(io.Discard, io.LimitReader(r, maxPageSize+1))
	if err == nil && n > maxPageSize {
		err = errTooLarge
	}
	return err
}

// zstdDecoder is a zstd decoder that fails beyond maxPageSize bytes.
var zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
	d, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxPageSize), zstd.WithDecoderConcurrency(1))
	if err != nil {
		panic(err) // only for invalid options
	}
	return d
})
