package statement_test

import (
	"bytes"
	"testing"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/statement"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// workbook writes a statement's workbook and opens it again.
func workbook(t *testing.T, s *statement.Statement) *excelize.File {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, s.WriteXLSX(&b))
	f, err := excelize.OpenReader(&b)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// column returns the cells of the column headed name, header row
// excluded, as raw values, and the column's letter.
func column(t *testing.T, f *excelize.File, sheet string, headerRow int, name string) ([]string, string) {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	for i, h := range rows[headerRow-1] {
		if h == name {
			letter, err := excelize.ColumnNumberToName(i + 1)
			require.NoError(t, err)
			var out []string
			for _, r := range rows[headerRow:] {
				v := ""
				if i < len(r) {
					v = r[i]
				}
				out = append(out, v)
			}
			return out, letter
		}
	}
	t.Fatalf("%s has no column %q", sheet, name)
	return nil, ""
}

// numFmt returns a cell's custom number format.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	require.NoError(t, err)
	st, err := f.GetStyle(id)
	require.NoError(t, err)
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

// checkMoney checks that a money column's cells are numbers in the currency
// format, and that the last (the total row) is the sum of the others and
// the ledger's figure.
func checkMoney(t *testing.T, f *excelize.File, sheet string, headerRow int, name string, want decimal.Decimal) {
	t.Helper()
	vals, col := column(t, f, sheet, headerRow, name)
	require.NotEmpty(t, vals)
	sum := decimal.Zero
	for i, v := range vals {
		cell := col + itoa(headerRow+1+i)
		typ, err := f.GetCellType(sheet, cell)
		require.NoError(t, err)
		assert.Equal(t, excelize.CellTypeUnset, typ, "%s!%s is a number, not text", sheet, cell)
		assert.Equal(t, `"£"#,##0.00;-"£"#,##0.00`, numFmt(t, f, sheet, cell), "%s!%s", sheet, cell)
		d, err := decimal.NewFromString(v)
		require.NoError(t, err, "%s!%s = %q", sheet, cell, v)
		if i < len(vals)-1 {
			sum = sum.Add(d)
		} else {
			assert.Equal(t, sum.String(), d.String(), "%s!%s: the total is the sum of the rows", sheet, cell)
			assert.Equal(t, want.String(), d.String(), "%s!%s: the total is the ledger's", sheet, cell)
		}
	}
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

func TestXLSX(t *testing.T) {
	l := fixture(t)
	s := load(t, l, "Acme", "2025-02")
	f := workbook(t, s)
	assert.Equal(t, []string{"Summary", "Lots", "KPI failures", "Adjustments", "Waivers"}, f.GetSheetList())
	feb := s.Invoice

	// Summary: the details, then a table from row 8, frozen above row 9.
	head, err := f.GetCellValue("Summary", "B6")
	require.NoError(t, err)
	assert.Equal(t, s.Head, head)
	checkMoney(t, f, "Summary", 8, "Net", ledgerSum(t, l, "Acme", feb))
	checkMoney(t, f, "Summary", 8, "Adjustments", ledgerSum(t, l, "Acme", feb, ledger.KindAdjustment))
	checkMoney(t, f, "Summary", 8, "Waivers", ledgerSum(t, l, "Acme", feb, ledger.KindWaiver, ledger.KindDisputeOpen))
	deduction, err := f.GetCellValue("Summary", "B5", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "1980.25", deduction)
	panes, err := f.GetPanes("Summary")
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 8, panes.YSplit)

	// Months are dates, shown as months.
	typ, err := f.GetCellType("Summary", "B3")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeUnset, typ)
	assert.Equal(t, "mmm yyyy", numFmt(t, f, "Summary", "B3"))
	shown, err := f.GetCellValue("Summary", "B3")
	require.NoError(t, err)
	assert.Equal(t, "Feb 2025", shown)
	serial, err := f.GetCellValue("Summary", "B3", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "45689", serial, "1 February 2025 as an Excel date")

	checkMoney(t, f, "Lots", 1, "Credit", dec("2500.50"))
	checkMoney(t, f, "Lots", 1, "Earn-back", dec("-120.25"))
	checkMoney(t, f, "Lots", 1, "Net", dec("2380.25"))
	checkMoney(t, f, "KPI failures", 1, "Credit", dec("2500.50"))
	checkMoney(t, f, "Adjustments", 1, "Net", dec("-200"))
	checkMoney(t, f, "Waivers", 1, "Amount", dec("-200"))

	failures, _ := column(t, f, "KPI failures", 1, "Level")
	assert.Equal(t, []string{"critical", ""}, failures, "met KPIs without a credit are not failures")
	months, col := column(t, f, "Lots", 1, "Service month")
	assert.Len(t, months, 4)
	assert.Equal(t, "mmm yyyy", numFmt(t, f, "Lots", col+"2"))

	for _, sheet := range []string{"Lots", "KPI failures", "Adjustments", "Waivers"} {
		panes, err := f.GetPanes(sheet)
		require.NoError(t, err)
		assert.True(t, panes.Freeze, sheet)
		assert.Equal(t, 1, panes.YSplit, sheet)
	}
	// Widths fit the text: a hash column is wide, a KPI column narrow.
	_, hashCol := column(t, f, "Adjustments", 1, "Inputs SHA-256")
	w, err := f.GetColWidth("Adjustments", hashCol)
	require.NoError(t, err)
	assert.Equal(t, 66.0, w)
	_, kpiCol := column(t, f, "Adjustments", 1, "KPI")
	w, err = f.GetColWidth("Adjustments", kpiCol)
	require.NoError(t, err)
	assert.Equal(t, 8.0, w)
}

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		currency string
		places   int32
		want     string
	}{
		{"GBP", 2, `"£"#,##0.00;-"£"#,##0.00`},
		{"EUR", 2, `"€"#,##0.00;-"€"#,##0.00`},
		{"JPY", 0, `"JPY "#,##0;-"JPY "#,##0`},
		{"BHD", 3, `"BHD "#,##0.000;-"BHD "#,##0.000`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, statement.MoneyFormat(tt.currency, tt.places), tt.currency)
	}
}

// The same statement gives the same bytes, as every output of the module.
func TestXLSXReproducible(t *testing.T) {
	s := load(t, fixture(t), "Acme", "2025-02")
	var a, b bytes.Buffer
	require.NoError(t, s.WriteXLSX(&a))
	require.NoError(t, s.WriteXLSX(&b))
	assert.Equal(t, a.Bytes(), b.Bytes())
}
