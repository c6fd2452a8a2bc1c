package pq

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/format"
)

// The checks in this file bound what a page's levels and values decode to.
// parquet-go's decoders allocate what the encoded data claims: a run of a
// run-length encoding, or the count of a delta encoding, can claim two
// billion values in five bytes, and the prefixes of DELTA_BYTE_ARRAY can
// repeat a long value a million times. Each stream is walked as
// parquet-go decodes it, allocating little, and must decode to at most the
// values its page declares, and a page's byte arrays to at most
// limits.MaxPageBytes.

// decodedSize is a page whose values decode to more than
// limits.MaxPageBytes: this many.
type decodedSize int64

func (e decodedSize) Error() string {
	return fmt.Sprintf("the values of a page decode to %d bytes; at most %d (32 MiB)", int64(e), limits.MaxPageBytes)
}

// checkDataV1 checks the definition levels that start a data page v1 of an
// optional column, then its values.
func checkDataV1(p *page, leaf *format.SchemaElement, optional bool, data []byte) error {
	if optional {
		if len(data) < 4 || uint64(binary.LittleEndian.Uint32(data)) > uint64(len(data)-4) {
			return errors.New("definition levels: end early")
		}
		n := 4 + int(binary.LittleEndian.Uint32(data))
		if p.v1Levels == format.RLE {
			if err := checkHybrid(data[4:n], 1, int64(p.values)); err != nil {
				return fmt.Errorf("definition levels: %w", err)
			}
		}
		data = data[n:]
	}
	return checkValues(p, leaf, data)
}

// plainDictionary is PLAIN_DICTIONARY, deprecated, which old writers give
// data pages of dictionary indexes and dictionary pages.
const plainDictionary format.Encoding = 2

// checkValues checks the encoded values of a page, of at most p.values.
func checkValues(p *page, leaf *format.SchemaElement, data []byte) error {
	n := int64(p.values)
	switch p.encoding {
	case plainDictionary, format.RLEDictionary:
		if p.dictionary || len(data) == 0 {
			break // a dictionary's own values are plain
		}
		if data[0] > 32 {
			return fmt.Errorf("dictionary indexes of %d bits", data[0])
		}
		return checkHybrid(data[1:], int(data[0]), n)
	case format.RLE:
		if leaf.Type.V != format.Boolean {
			return fmt.Errorf("encoding RLE for values of type %s", leaf.Type.V)
		}
		if len(data) < 4 || uint64(binary.LittleEndian.Uint32(data)) > uint64(len(data)-4) {
			return errors.New("values end early")
		}
		return checkHybrid(data[4:4+binary.LittleEndian.Uint32(data)], 1, n)
	case format.DeltaBinaryPacked:
		width := 64
		if leaf.Type.V == format.Int32 {
			width = 32
		}
		_, err := checkDelta(data, n, width)
		return err
	case format.DeltaLengthByteArray:
		_, err := checkDelta(data, n, 32)
		return err
	case format.DeltaByteArray:
		return checkDeltaByteArray(data, n)
	}
	return nil
}

// checkHybrid walks a run-length and bit-packed hybrid stream of values of
// the given bit width, as parquet-go decodes it: it must hold at most
// about most values, give or take the padding of a last bit-packed run.
func checkHybrid(src []byte, width int, most int64) error {
	most = 2*most + 1024 // bit-packed runs pad their last group, DuckDB's to 256 values
	var values int64
	for i := 0; i < len(src); {
		u, n := binary.Uvarint(src[i:])
		if n <= 0 {
			return errors.New("a run's header is cut off")
		}
		i += n
		count := int64(u >> 1)
		if count > most {
			return fmt.Errorf("a run of %d values in a page of fewer", count)
		}
		size := (width + 7) / 8 // a run's value
		if u&1 != 0 {           // count groups of 8 values, bit-packed
			size = int(count) * width
			count *= 8
		}
		if size > len(src)-i {
			return errors.New("a run is cut off")
		}
		i += size
		if values += count; values > most {
			return fmt.Errorf("runs of %d values in a page of fewer", values)
		}
	}
	return nil
}

// checkDelta walks a DELTA_BINARY_PACKED stream of values of at most width
// bits as parquet-go decodes it: it must hold at most most values. It
// returns the bytes after it.
func checkDelta(src []byte, most int64, width int) ([]byte, error) {
	var head [4]uint64 // block size, mini-blocks, values, first value
	for i := range head {
		u, n := binary.Uvarint(src)
		if n <= 0 {
			return nil, errors.New("delta header cut off")
		}
		head[i], src = u, src[n:]
	}
	block, minis, total := head[0], head[1], head[2]
	switch {
	case minis == 0 || block == 0 || block%128 != 0 || block > 65536 || block/minis%32 != 0:
		return nil, fmt.Errorf("delta blocks of %d values in %d mini-blocks", block, minis)
	case total > uint64(most):
		return nil, fmt.Errorf("a delta stream of %d values in a page of %d", total, most)
	case total == 0:
		return src, nil
	}
	per, left := int(block/minis), int(total)-1
	for left > 0 && len(src) > 0 {
		_, n := binary.Varint(src) // the block's smallest delta
		if n <= 0 {
			return nil, errors.New("delta block cut off")
		}
		src = src[n:]
		widths := src[:min(int(minis), len(src))]
		src = src[len(widths):]
		for _, w := range widths {
			if int(w) > width {
				return nil, fmt.Errorf("deltas of %d bits", w)
			}
			src = src[min(per*int(w)/8, len(src)):]
			if left -= min(per, left); left == 0 {
				break
			}
		}
	}
	return src, nil
}

// checkDeltaByteArray checks a DELTA_BYTE_ARRAY stream: its prefix and
// suffix lengths, of at most most values each, and the bytes they decode
// to, at most limits.MaxPageBytes.
func checkDeltaByteArray(data []byte, most int64) error {
	var enc delta.BinaryPackedEncoding
	rest, err := checkDelta(data, most, 32)
	if err != nil {
		return fmt.Errorf("prefix lengths: %w", err)
	}
	prefix, err := enc.DecodeInt32(nil, data[:len(data)-len(rest)])
	if err != nil {
		return nil // parquet-go fails the same way, having allocated no more
	}
	after, err := checkDelta(rest, most, 32)
	if err != nil {
		return fmt.Errorf("suffix lengths: %w", err)
	}
	suffix, err := enc.DecodeInt32(nil, rest[:len(rest)-len(after)])
	if err != nil {
		return nil
	}
	var total int64
	for i := range min(len(prefix), len(suffix)) {
		total += int64(max(prefix[i], 0)) + int64(max(suffix[i], 0))
	}
	if total > limits.MaxPageBytes {
		return decodedSize(total)
	}
	return nil
}
