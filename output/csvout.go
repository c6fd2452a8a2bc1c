package output

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
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
	err := t.rows(func(row []any) error {
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

func csvCell(c outColumn, v any, moneyPlaces int32) (string, error) {
	if v == nil {
		return "", nil
	}
	switch c.kind {
	case kString:
		return v.(string), nil
	case kMonth:
		return v.(rules.Month).String(), nil
	case kMoney:
		return v.(decimal.Decimal).StringFixed(moneyPlaces), nil
	case kMeasure:
		return v.(decimal.Decimal).Round(MeasurePlaces).String(), nil
	case kInt:
		return strconv.Itoa(v.(int)), nil
	}
	return "", fmt.Errorf("unknown column kind %d", c.kind)
}
