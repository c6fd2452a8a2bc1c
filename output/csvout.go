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
	cw := csv.NewWriter(w)
	header := make([]string, len(t.cols))
	for i, c := range t.cols {
		header[i] = c.name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.cols))
	err := t.rows(func(row []cell) error {
		for i, v := range row {
			s, err := csvCell(t.cols[i], v, moneyPlaces)
			if err != nil {
				return fmt.Errorf("%s.csv: column %s: %w", t.name, t.cols[i].name, err)
			}
			rec[i] = s
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
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
