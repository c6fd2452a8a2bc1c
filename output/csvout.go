package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// writeCSV writes a table as CSV with a header row: months as YYYY-MM,
// money with the currency's places, measures exactly, no value as empty.
func writeCSV(w io.Writer, t outTable, moneyPlaces int32) error {
	ct, err := newCSVTable(w, t, moneyPlaces)
	if err != nil {
		return err
	}
	if err := t.rows(ct.add); err != nil {
		return err
	}
	return ct.close()
}

// csvTable writes a table's rows as CSV, one at a time.
type csvTable struct {
	t      outTable
	places int32
	cw     *csv.Writer
	rec    []string
}

// newCSVTable starts a CSV file of table t in w with its header row.
func newCSVTable(w io.Writer, t outTable, moneyPlaces int32) (*csvTable, error) {
	ct := newCSVRows(w, t, moneyPlaces)
	for i, c := range t.cols {
		ct.rec[i] = c.name
	}
	return ct, ct.cw.Write(ct.rec)
}

// newCSVRows writes rows of table t to w as newCSVTable does, with no
// header: a part of the file.
func newCSVRows(w io.Writer, t outTable, moneyPlaces int32) *csvTable {
	return &csvTable{t: t, places: moneyPlaces, cw: csv.NewWriter(w), rec: make([]string, len(t.cols))}
}

// add writes a row.
func (ct *csvTable) add(row []cell) error {
	for i, v := range row {
		s, err := csvCell(ct.t.cols[i], v, ct.places)
		if err != nil {
			return fmt.Errorf("%s.csv: column %s: %w", ct.t.name, ct.t.cols[i].name, err)
		}
		ct.rec[i] = s
	}
	return ct.cw.Write(ct.rec)
}

// close flushes the file.
func (ct *csvTable) close() error {
	ct.cw.Flush()
	return ct.cw.Error()
}

func csvCell(c outColumn, v cell, moneyPlaces int32) (string, error) {
	if v.null {
		return "", nil
	}
	switch c.kind {
	case kString:
		return v.s, nil
	case kMonth:
		return v.m.String(), nil
	case kMoney:
		return v.d.StringFixed(moneyPlaces), nil
	case kMeasure:
		return roundMeasure(v.d).String(), nil
	case kInt:
		return strconv.Itoa(v.i), nil
	}
	return "", fmt.Errorf("unknown column kind %d", c.kind)
}
