package pq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"github.com/parquet-go/parquet-go/format"
)

// parquet-go's Thrift decoder allocates a list whole from the length its
// header claims (up to 2^31 elements, each up to a few hundred bytes, from
// five bytes of input) and follows nested structures without bound. A
// walk of the same bytes, allocating nothing, bounds both first.

// maxThriftDepth bounds how deeply Thrift structures, lists and maps nest;
// Parquet's metadata nests about 6 deep.
const maxThriftDepth = 32

// structCost is what one decoded structure is counted at: the size of the
// largest that a list in Parquet's metadata holds.
var structCost = int64(max(unsafe.Sizeof(format.SchemaElement{}), unsafe.Sizeof(format.RowGroup{}),
	unsafe.Sizeof(format.ColumnChunk{}), unsafe.Sizeof(format.KeyValue{}), unsafe.Sizeof(format.SortingColumn{}),
	unsafe.Sizeof(format.PageEncodingStats{}), unsafe.Sizeof(format.ColumnOrder{}), unsafe.Sizeof(format.PageLocation{})))

// Thrift compact protocol types.
const (
	tTrue, tFalse, tByte, tI16, tI32, tI64, tDouble, tBinary, tList, tSet, tMap, tStruct = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
)

// thriftWalk walks one Thrift structure encoded with the compact protocol.
type thriftWalk struct {
	b      []byte
	pos    int
	cost   int64 // the memory decoding takes, as counted so far
	budget int64
}

var errThriftShort = errors.New("ends early")

// checkThrift walks the structure at the start of b and returns its
// length; the memory decoding it takes, counting each element of a list at
// its size in memory, must stay within budget.
func checkThrift(b []byte, budget int64) (int, error) {
	w := &thriftWalk{b: b, budget: budget}
	if err := w.structure(1); err != nil {
		return 0, err
	}
	return w.pos, nil
}

func (w *thriftWalk) structure(depth int) error {
	if depth > maxThriftDepth {
		return fmt.Errorf("structures nest more than %d deep", maxThriftDepth)
	}
	for {
		h, err := w.byte()
		if err != nil || h == 0 { // 0 ends the structure
			return err
		}
		if h>>4 == 0 { // the field id follows, as a varint
			if _, err := w.uvarint(); err != nil {
				return err
			}
		}
		if err := w.value(h&0x0f, depth, false); err != nil {
			return err
		}
	}
}

// value skips one value of type typ; a boolean takes a byte of its own in
// a list or map, and none as a field (its type says it).
func (w *thriftWalk) value(typ byte, depth int, element bool) error {
	switch typ {
	case tTrue, tFalse:
		if element {
			_, err := w.byte()
			return err
		}
		return nil
	case tByte:
		_, err := w.byte()
		return err
	case tI16, tI32, tI64:
		_, err := w.uvarint()
		return err
	case tDouble:
		return w.skip(8)
	case tBinary:
		n, err := w.uvarint()
		if err != nil {
			return err
		}
		return w.skip(n)
	case tList, tSet:
		return w.list(depth + 1)
	case tMap:
		return w.mapping(depth + 1)
	case tStruct:
		return w.structure(depth + 1)
	}
	return fmt.Errorf("unknown Thrift type %d", typ)
}

func (w *thriftWalk) list(depth int) error {
	h, err := w.byte()
	if err != nil {
		return err
	}
	n, typ := uint64(h>>4), h&0x0f
	if n == 15 {
		if n, err = w.uvarint(); err != nil {
			return err
		}
	}
	if err := w.spend(n, typ); err != nil {
		return err
	}
	return w.elements(n, depth, typ)
}

func (w *thriftWalk) mapping(depth int) error {
	n, err := w.uvarint()
	if err != nil || n == 0 {
		return err
	}
	types, err := w.byte()
	if err != nil {
		return err
	}
	if err := w.spend(2*n, types>>4); err != nil {
		return err
	}
	for range n {
		if err := w.value(types>>4, depth, true); err != nil {
			return err
		}
		if err := w.value(types&0x0f, depth, true); err != nil {
			return err
		}
	}
	return nil
}

func (w *thriftWalk) elements(n uint64, depth int, typ byte) error {
	if depth > maxThriftDepth {
		return fmt.Errorf("structures nest more than %d deep", maxThriftDepth)
	}
	for range n {
		if err := w.value(typ, depth, true); err != nil {
			return err
		}
	}
	return nil
}

// spend counts n elements of type typ, which must fit in what is left:
// each takes a byte at least.
func (w *thriftWalk) spend(n uint64, typ byte) error {
	if n > uint64(len(w.b)-w.pos) {
		return fmt.Errorf("a list of %d elements in %d bytes", n, len(w.b)-w.pos)
	}
	size := int64(24) // a string's or slice's header
	if typ == tStruct {
		size = structCost
	}
	if w.cost += int64(n) * size; w.cost > w.budget {
		return fmt.Errorf("it decodes to more than %d bytes", w.budget)
	}
	return nil
}

func (w *thriftWalk) byte() (byte, error) {
	if w.pos >= len(w.b) {
		return 0, errThriftShort
	}
	w.pos++
	return w.b[w.pos-1], nil
}

func (w *thriftWalk) uvarint() (uint64, error) {
	u, n := binary.Uvarint(w.b[w.pos:])
	if n <= 0 {
		return 0, errThriftShort
	}
	w.pos += n
	return u, nil
}

func (w *thriftWalk) skip(n uint64) error {
	if n > uint64(len(w.b)-w.pos) {
		return errThriftShort
	}
	w.pos += int(n)
	return nil
}

// thriftPageBudget is what a page header may decode to: it holds no list
// of structures, only statistics of a few values.
const thriftPageBudget = 1 << 20
