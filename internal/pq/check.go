package pq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// The checks in this file run before parquet-go opens a file. parquet-go
// trusts parts of the footer and panics on some inconsistent ones (a
// negative number of children, a decimal of the wrong physical type, a
// fixed-length array without a length, a page with more nulls than values)
// or allocates what a page header claims (up to gigabytes, which no recover
// could catch). These checks turn such files into errors first: the file's
// size, the footer (walked before it is decoded, see thrift.go) and the
// counts it gives against package limits, then every page (pages.go) and
// what its data decodes to (encodings.go). They only accept what ReadTable
// reads anyway: a flat, unencrypted file.

const (
	magic      = "PAR1"
	tailLength = 8 // footer length (4 bytes) and magic
)

// LimitError is a Parquet file beyond a limit of package limits, placed at
// the row and column it is found in where there is one.
type LimitError struct {
	Row    int64  // from 1; 0 for the whole file or column
	Column string // "" for the whole file
	Msg    string
}

// Error names the row and column, if any, and the limit.
func (e *LimitError) Error() string {
	where := ""
	if e.Row > 0 {
		where = fmt.Sprintf("row %d: ", e.Row)
	}
	if e.Column != "" {
		where += "column " + limits.Name(e.Column) + ": "
	}
	return where + e.Msg
}

// checkFile reads the footer of a Parquet file and checks it, then every
// page.
func checkFile(r io.ReaderAt, size int64, opt Options) error {
	if size > opt.FileBytes {
		return &LimitError{Msg: fmt.Sprintf("the file is larger than %d bytes (%s)", opt.FileBytes, binarySize(opt.FileBytes))}
	}
	md, err := readFooter(r, size)
	if err != nil {
		return err
	}
	leaves, err := checkSchema(md.Schema)
	if err != nil {
		return err
	}
	if err := checkCounts(md, leaves, opt); err != nil {
		return err
	}
	scan := &pageScan{limit: opt.DecodedBytes}
	row := int64(1)
	for i := range md.RowGroups {
		rg := &md.RowGroups[i]
		if err := checkRowGroup(rg, leaves, size); err != nil {
			return fmt.Errorf("row group %d: %w", i, err)
		}
		for j := range rg.Columns {
			c := chunk{meta: &rg.Columns[j].MetaData, leaf: leaves[j], firstRow: row, rows: rg.NumRows}
			if err := scan.check(r, c); err != nil {
				if le := (*LimitError)(nil); errors.As(err, &le) {
					return err
				}
				return fmt.Errorf("row group %d column %s: %w", i, limits.Name(leaves[j].Name), err)
			}
		}
		row += rg.NumRows
	}
	return nil
}

// checkCounts checks the file's rows, columns and values against their
// limits, and the size its metadata says its pages decompress to.
func checkCounts(md *format.FileMetaData, leaves []*format.SchemaElement, opt Options) error {
	if md.NumRows < 0 {
		return fmt.Errorf("negative number of rows %d", md.NumRows)
	}
	var sum, bytes int64 // rows and uncompressed bytes of the row groups
	for i := range md.RowGroups {
		rg := &md.RowGroups[i]
		if rg.NumRows < 0 || rg.NumRows > limits.MaxRows {
			return fmt.Errorf("row group %d: %d rows", i, rg.NumRows)
		}
		sum += rg.NumRows
		for j := range rg.Columns {
			bytes += max(min(rg.Columns[j].MetaData.TotalUncompressedSize, opt.DecodedBytes+1), 0)
		}
	}
	rows := max(md.NumRows, sum)
	var le *LimitError
	switch {
	case len(leaves) > limits.MaxColumns:
		le = &LimitError{Msg: fmt.Sprintf("more than %d columns", limits.MaxColumns)}
	case rows > opt.Rows:
		le = &LimitError{Msg: fmt.Sprintf("more than %d rows", opt.Rows)}
	case rows*int64(len(leaves)) > opt.Cells:
		le = &LimitError{Msg: fmt.Sprintf("more than %d values (rows times columns)", opt.Cells)}
	case bytes > opt.DecodedBytes:
		le = &LimitError{Msg: fmt.Sprintf("the file decompresses to more than %d bytes (%s)", opt.DecodedBytes, binarySize(opt.DecodedBytes))}
	}
	if le != nil {
		return le
	}
	for _, l := range leaves {
		if len(l.Name) > limits.MaxNameBytes {
			return &LimitError{Column: l.Name, Msg: fmt.Sprintf("the column name is longer than %d bytes", limits.MaxNameBytes)}
		}
	}
	return nil
}

// binarySize writes a limit in bytes in binary units: 256 MiB, 16 GiB.
func binarySize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readFooter reads and decodes the file metadata.
func readFooter(r io.ReaderAt, size int64) (*format.FileMetaData, error) {
	if size < int64(len(magic))+tailLength {
		return nil, fmt.Errorf("%d bytes is too short", size)
	}
	head := make([]byte, len(magic))
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, err
	}
	tail := make([]byte, tailLength)
	if _, err := r.ReadAt(tail, size-tailLength); err != nil {
		return nil, err
	}
	switch {
	case string(head) != magic:
		return nil, errors.New("it does not start as a Parquet file does")
	case string(tail[4:]) != magic:
		return nil, errors.New("its end is missing (the file is truncated) or it is encrypted")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-int64(len(magic))-tailLength {
		return nil, fmt.Errorf("footer length %d exceeds the file size %d", n, size)
	}
	if n > limits.MaxFooterBytes {
		return nil, &LimitError{Msg: fmt.Sprintf("the file's metadata is %d bytes; at most %d (16 MiB)", n, limits.MaxFooterBytes)}
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-tailLength-n); err != nil {
		return nil, err
	}
	if _, err := checkThrift(footer, limits.MaxFooterMemory); err != nil {
		return nil, fmt.Errorf("reading metadata: %w", err)
	}
	md := new(format.FileMetaData)
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), footer, md); err != nil {
		return nil, fmt.Errorf("reading metadata: %w", err)
	}
	return md, nil
}

// checkSchema checks that the schema is a root group of well-formed leaves
// and returns the leaves.
func checkSchema(schema []format.SchemaElement) ([]*format.SchemaElement, error) {
	if len(schema) == 0 {
		return nil, errors.New("no schema")
	}
	root := &schema[0]
	if root.Type.Valid {
		return nil, errors.New("the schema root is not a group")
	}
	leaves := make([]*format.SchemaElement, 0, len(schema)-1)
	for i := 1; i < len(schema); i++ {
		e := &schema[i]
		if err := checkLeaf(e); err != nil {
			return nil, fmt.Errorf("column %s: %w", limits.Name(e.Name), err)
		}
		leaves = append(leaves, e)
	}
	if n := root.NumChildren; !n.Valid || int(n.V) != len(leaves) {
		return nil, fmt.Errorf("the schema root has %d children, not %d", n.V, len(leaves))
	}
	return leaves, nil
}

// errNested is a valid file with a column kind the reader does not take.
var errNested = errors.New("nested and repeated columns are not supported")

// checkLeaf checks one top-level column.
func checkLeaf(e *format.SchemaElement) error {
	if !e.Type.Valid || e.NumChildren.V != 0 ||
		(e.RepetitionType.Valid && e.RepetitionType.V == format.Repeated) {
		return errNested
	}
	t := e.Type.V
	if t < format.Boolean || t > format.FixedLenByteArray {
		return fmt.Errorf("unknown physical type %d", t)
	}
	if t == format.FixedLenByteArray && (!e.TypeLength.Valid || e.TypeLength.V <= 0 || e.TypeLength.V > limits.MaxCellBytes) {
		return fmt.Errorf("FIXED_LEN_BYTE_ARRAY of length %d (from 1 to %d)", e.TypeLength.V, limits.MaxCellBytes)
	}
	if !annotationFits(e) {
		return fmt.Errorf("annotation %s does not fit physical type %s", annotation(e), t)
	}
	return nil
}

// annotationFits reports whether the logical or converted type of a leaf
// fits its physical type, for the annotations ReadTable reads, and rejects
// the annotations of groups (parquet-go panics on leaves that carry them).
func annotationFits(e *format.SchemaElement) bool {
	t := e.Type.V
	switch lt := e.LogicalType.Value.(type) {
	case *format.StringType, *format.EnumType, *format.JsonType:
		return t == format.ByteArray
	case *format.DateType:
		return t == format.Int32
	case *format.TimestampType:
		return t == format.Int64
	case *format.IntType:
		return (t == format.Int32 && lt.BitWidth <= 32) || (t == format.Int64 && lt.BitWidth == 64)
	case *format.DecimalType:
		return decimalFits(t)
	case *format.MapType, *format.ListType, *format.VariantType:
		return false
	}
	if !e.ConvertedType.Valid {
		return true
	}
	switch e.ConvertedType.V {
	case deprecated.Decimal:
		return decimalFits(t)
	case deprecated.Map, deprecated.MapKeyValue, deprecated.List:
		return false
	}
	return true
}

func decimalFits(t format.Type) bool {
	return t == format.Int32 || t == format.Int64 || t == format.ByteArray || t == format.FixedLenByteArray
}

// annotation names the logical or converted type of a leaf.
func annotation(e *format.SchemaElement) string {
	if e.LogicalType.Value != nil {
		return e.LogicalType.String()
	}
	return fmt.Sprintf("converted type %d", e.ConvertedType.V)
}

// checkRowGroup checks that a row group has one chunk of the right type per
// column, inside the file.
func checkRowGroup(rg *format.RowGroup, leaves []*format.SchemaElement, size int64) error {
	if rg.NumRows < 0 {
		return fmt.Errorf("negative number of rows %d", rg.NumRows)
	}
	if len(rg.Columns) != len(leaves) {
		return fmt.Errorf("%d column chunks for %d columns", len(rg.Columns), len(leaves))
	}
	for i := range rg.Columns {
		if err := checkChunk(&rg.Columns[i].MetaData, leaves[i], size); err != nil {
			return fmt.Errorf("column %s: %w", limits.Name(leaves[i].Name), err)
		}
	}
	return nil
}

func checkChunk(m *format.ColumnMetaData, leaf *format.SchemaElement, size int64) error {
	switch {
	case m.Type != leaf.Type.V:
		return fmt.Errorf("chunk of type %s in a column of type %s", m.Type, leaf.Type.V)
	case m.NumValues < 0, m.TotalCompressedSize < 0, m.TotalUncompressedSize < 0:
		return errors.New("negative size")
	case !within(m.DataPageOffset, m.TotalCompressedSize, size):
		return errors.New("data outside the file")
	case m.DictionaryPageOffset != 0 && !within(m.DictionaryPageOffset, m.TotalCompressedSize, size):
		return errors.New("dictionary outside the file")
	}
	return nil
}

// within reports whether length bytes from offset lie between the leading
// magic and the footer of a file of the given size.
func within(offset, length, size int64) bool {
	return offset >= int64(len(magic)) && length <= size-offset
}
