package statement_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/statement"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// soffice finds LibreOffice on PATH, or returns "".
func soffice() string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// convertSheets converts every sheet of a workbook to CSV with headless
// LibreOffice, as shown (formatted) or as stored, and returns each
// sheet's rows by name.
func convertSheets(t *testing.T, bin, xlsx string, shown bool) map[string][][]string {
	t.Helper()
	dir := t.TempDir()
	// Comma, double quote, UTF-8, from row 1; quote text, detect special
	// numbers, cells as shown or not; every sheet, each to its own file.
	filter := "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
	if shown {
		filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", dir, xlsx)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	require.NoError(t, cmd.Run(), "soffice: %s", out.String())
	sheets := map[string][][]string{}
	for _, name := range []string{statement.SheetSummary, statement.SheetLots, statement.SheetFailures, statement.SheetAdjustments, statement.SheetWaivers} {
		b, err := os.ReadFile(filepath.Join(dir, "statement-"+name+".csv"))
		require.NoError(t, err, "LibreOffice wrote sheet %s: %s", name, out.String())
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		require.NoError(t, err)
		sheets[name] = rows
	}
	return sheets
}

// cell returns the value in the column headed name of the row whose first
// cell is first, below the header row that holds name.
func cell(t *testing.T, rows [][]string, first, name string) string {
	t.Helper()
	col := -1
	for _, r := range rows {
		for i, c := range r {
			if c == name && col < 0 {
				col = i
			}
		}
		if col >= 0 && len(r) > col && r[0] == first {
			return r[col]
		}
	}
	t.Fatalf("no row %q with a column %q in %v", first, name, rows)
	return ""
}

// value returns the second cell of the row whose first cell is label.
func value(t *testing.T, rows [][]string, label string) string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 1 && r[0] == label {
			return r[1]
		}
	}
	t.Fatalf("no row %q in %v", label, rows)
	return ""
}

// LibreOffice Calc opens statement.xlsx: every sheet converts; money cells
// are numbers in the currency's format whose totals are the ledger's sums,
// and months are dates. Without LibreOffice the test is skipped, except in
// CI (CI=true), which installs it (apt-get install libreoffice-calc).
func TestXLSXInLibreOffice(t *testing.T) {
	bin := soffice()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no soffice on PATH; CI must install it: apt-get install -y libreoffice-calc")
		}
		t.Skip("no soffice on PATH (apt-get install libreoffice-calc)")
	}
	l := fixture(t)
	s := load(t, l, "Acme", "2025-02")
	dir := t.TempDir()
	require.NoError(t, s.WriteFiles(dir))
	xlsx := filepath.Join(dir, statement.XLSXFile)

	raw := convertSheets(t, bin, xlsx, false)
	feb := month("2025-02")
	for _, tc := range []struct {
		sheet, column string
		kinds         []ledger.Kind
	}{
		{statement.SheetSummary, "Net", nil},
		{statement.SheetLots, "Net", []ledger.Kind{ledger.KindCredit}},
		{statement.SheetAdjustments, "Net", []ledger.Kind{ledger.KindAdjustment}},
		{statement.SheetWaivers, "Amount", []ledger.Kind{ledger.KindWaiver, ledger.KindDisputeOpen, ledger.KindDisputeAgree, ledger.KindDisputeWaive}},
	} {
		got, err := decimal.NewFromString(cell(t, raw[tc.sheet], "Total", tc.column))
		require.NoError(t, err, "%s: the total is a number", tc.sheet)
		want := ledgerSum(t, l, "Acme", feb, tc.kinds...)
		assert.True(t, want.Equal(got), "%s total %s, the ledger's %s", tc.sheet, got, want)
	}
	assert.Equal(t, "02/01/2025", value(t, raw[statement.SheetSummary], "Invoice month"),
		"a date, which LibreOffice writes as a date when not formatted")

	shown := convertSheets(t, bin, xlsx, true)
	assert.Equal(t, "Feb 2025", cell(t, shown[statement.SheetLots], "Acme", "Service month"), "months as dates, formatted")
	assert.Equal(t, "£1,980.25", value(t, shown[statement.SheetSummary], "Deduction"), "money as numbers, in the currency format")
	assert.Equal(t, "-£120.25", cell(t, shown[statement.SheetLots], "Total", "Earn-back"))
}
