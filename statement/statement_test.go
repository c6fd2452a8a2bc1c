package statement_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/statement"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var at = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func month(s string) rules.Month {
	m, err := rules.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func hashes(word string) ledger.Hashes {
	h := func(s string) string { x := sha256.Sum256([]byte(s)); return hex.EncodeToString(x[:]) }
	return ledger.Hashes{Inputs: h("inputs " + word), Rulebook: h("rules " + word)}
}

func fig(m, provider, region, kpi, level, credit, earnBack string) ledger.Figure {
	return ledger.Figure{Month: month(m), Lot: []string{provider, region}, KPI: kpi, Level: level,
		Credit: dec(credit), EarnBack: dec(earnBack)}
}

var authority = ledger.Authority{
	Roles:     []ledger.Role{{Name: "manager", Limit: dec("1000")}},
	Approvers: []ledger.Approver{{Name: "Ann", Role: "manager"}},
}

// fixture is a ledger of two providers with January and February closed:
// February's invoice has Acme's February credits, an adjustment to
// January, a waiver and a dispute, and Bolt's credits.
func fixture(t *testing.T) *ledger.Ledger {
	t.Helper()
	ctx := t.Context()
	l, err := ledger.Create(ctx, filepath.Join(t.TempDir(), "ledger.db"), ledger.Meta{Contract: "Asylum <accommodation>",
		Currency: "GBP", MinorUnits: 2, Keys: []string{"provider", "region"}, Created: at})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	jan := []ledger.Figure{
		fig("2025-01", "Acme", "North", "KPI-01", "minor", "1200.00", "0"),
		fig("2025-01", "Acme", "South", "KPI-01", "met", "0", "-40.00"),
		fig("2025-01", "Bolt", "East", "KPI-01", "serious", "300.00", "0"),
	}
	_, err = l.CloseMonth(ctx, ledger.CloseRequest{Month: month("2025-01"), Figures: ledger.Figures{Hashes: hashes("jan"), Lines: jan}, At: at})
	require.NoError(t, err)
	_, err = l.Waive(ctx, authority, ledger.Waiver{Month: month("2025-01"), Lot: []string{"Acme", "North"}, KPI: "KPI-01",
		Amount: dec("200.00"), Reason: "agreed <in> meeting", Approver: "Ann", At: at})
	require.NoError(t, err)
	_, err = l.Dispute(ctx, authority, ledger.Dispute{Action: ledger.DisputeOpen, Month: month("2025-01"),
		Lot: []string{"Acme", "North"}, KPI: "KPI-01", Reason: "counts disputed", By: "Acme Ltd", At: at})
	require.NoError(t, err)
	feb := []ledger.Figure{
		fig("2025-01", "Acme", "North", "KPI-01", "minor", "1000.00", "0"),
		jan[1], jan[2],
		fig("2025-02", "Acme", "North", "KPI-01", "critical", "2500.50", "0"),
		fig("2025-02", "Acme", "North", "KPI-02", "met", "0", "-120.25"),
		fig("2025-02", "Acme", "South", "KPI-01", "met", "0", "0"),
		fig("2025-02", "Bolt", "East", "KPI-01", "minor", "99.99", "0"),
	}
	_, err = l.CloseMonth(ctx, ledger.CloseRequest{Month: month("2025-02"), Figures: ledger.Figures{Hashes: hashes("feb"), Lines: feb},
		At: at, Classify: func(ledger.Adjustment) ledger.Reason { return ledger.ReasonDataCorrection }})
	require.NoError(t, err)
	return l
}

// ledgerSum sums the nets of the entries for a provider in an invoice month.
func ledgerSum(t *testing.T, l *ledger.Ledger, provider string, invoice rules.Month, kinds ...ledger.Kind) decimal.Decimal {
	t.Helper()
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	sum := decimal.Zero
	for _, e := range es {
		if e.Invoice == invoice && e.Lot[0] == provider && (len(kinds) == 0 || contains(kinds, e.Kind)) {
			sum = sum.Add(e.Net())
		}
	}
	return sum
}

func contains(ks []ledger.Kind, k ledger.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func load(t *testing.T, l *ledger.Ledger, party, invoice string) *statement.Statement {
	t.Helper()
	s, err := statement.Load(t.Context(), l, statement.Select{Party: party, Invoice: month(invoice)})
	require.NoError(t, err)
	return s
}

func TestStatementTotalsMatchTheLedger(t *testing.T) {
	l := fixture(t)
	s := load(t, l, "Acme", "2025-02")
	head, err := l.Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, head, s.Head)
	assert.Equal(t, "provider", s.PartyKey)
	require.Len(t, s.Lots, 2)
	assert.Equal(t, []string{"Acme", "North"}, s.Lots[0].Lot)
	assert.Equal(t, "region North", s.Label(s.Lots[0]))

	feb := month("2025-02")
	assert.Equal(t, ledgerSum(t, l, "Acme", feb).String(), s.Totals.Net.String())
	assert.Equal(t, "2500.5", s.Totals.Credits.String())
	assert.Equal(t, "-120.25", s.Totals.EarnBack.String())
	assert.Equal(t, ledgerSum(t, l, "Acme", feb, ledger.KindAdjustment).String(), s.Totals.Adjustments.String())
	assert.Equal(t, "-200", s.Totals.Adjustments.String())
	assert.Equal(t, "-200", s.Totals.Waivers.String(), "January's waiver went to the next invoice")
	north := s.Lots[0]
	assert.Len(t, north.Credits, 2)
	assert.Len(t, north.Adjustments, 1)
	assert.Len(t, north.Waivers, 2, "the waiver and the dispute")
	sum := decimal.Zero
	for _, lot := range s.Lots {
		sum = sum.Add(lot.Totals.Net)
	}
	assert.Equal(t, s.Totals.Net.String(), sum.String())

	bolt := load(t, l, "Bolt", "2025-02")
	assert.Equal(t, "99.99", bolt.Totals.Net.String())
}

func TestStatementErrors(t *testing.T) {
	l := fixture(t)
	_, err := statement.Load(t.Context(), l, statement.Select{Party: "Acme", Invoice: month("2025-05")})
	assert.ErrorIs(t, err, statement.ErrNoEntries)
	_, err = statement.Load(t.Context(), l, statement.Select{Party: "Zed", Invoice: month("2025-02")})
	assert.ErrorIs(t, err, statement.ErrNoEntries)
	_, err = statement.Load(t.Context(), l, statement.Select{PartyKey: "lot", Party: "Acme", Invoice: month("2025-02")})
	assert.ErrorIs(t, err, statement.ErrUnknownKey)
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	_, err = statement.Parties(l.Meta(), es, "lot", month("2025-02"))
	assert.ErrorIs(t, err, statement.ErrUnknownKey)
}

func TestParties(t *testing.T) {
	l := fixture(t)
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	tests := []struct {
		key, invoice string
		want         []string
	}{
		{"", "2025-02", []string{"Acme", "Bolt"}},
		{"provider", "2025-01", []string{"Acme", "Bolt"}},
		{"region", "2025-02", []string{"North", "South", "East"}},
		{"", "2025-07", nil},
	}
	for _, tt := range tests {
		got, err := statement.Parties(l.Meta(), es, tt.key, month(tt.invoice))
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt)
	}
	// a statement per region: the lot is labelled by the other key
	s, err := statement.Load(t.Context(), l, statement.Select{PartyKey: "region", Party: "North", Invoice: month("2025-02")})
	require.NoError(t, err)
	assert.Equal(t, "provider Acme", s.Label(s.Lots[0]))
}

func TestHTML(t *testing.T) {
	l := fixture(t)
	s := load(t, l, "Acme", "2025-02")
	var b bytes.Buffer
	require.NoError(t, s.WriteHTML(&b))
	page := b.String()
	for _, want := range []string{
		`<span class="hash" id="chain-head">` + s.Head + `</span>`,
		"<h2>region North</h2>", "<h2>region South</h2>",
		"<dd>February 2025</dd>", "<dd>provider Acme</dd>",
		`<td class="num">£2,500.50</td>`, `<td class="num">-£120.25</td>`,
		"<strong>" + "£1,980.25" + "</strong>", // 2500.50 - 120.25 - 200 - 200
		"Asylum &lt;accommodation&gt;", "agreed &lt;in&gt; meeting",
		"Dispute opened", "data correction", "@media print", "break-before: page",
	} {
		assert.Contains(t, page, want)
	}
	assert.Equal(t, 2, strings.Count(page, `<section class="lot">`))
	assert.Equal(t, "1980.25", s.Totals.Net.StringFixed(2))
}

func TestWriteFiles(t *testing.T) {
	l := fixture(t)
	s := load(t, l, "Acme", "2025-02")
	dir := t.TempDir()
	require.NoError(t, s.WriteFiles(dir))
	for _, name := range []string{statement.HTMLFile, statement.XLSXFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Positive(t, fi.Size())
	}
	err := s.WriteFiles(filepath.Join(dir, "missing"))
	assert.ErrorContains(t, err, "missing")
}

// Entries of another ledger's shape are refused, not a panic.
func TestNewChecksEntries(t *testing.T) {
	l := fixture(t)
	es, err := l.Entries(t.Context())
	require.NoError(t, err)
	es[3].Lot = es[3].Lot[:1]
	_, err = statement.New(l.Meta(), es, "h", statement.Select{Party: "Acme", Invoice: month("2025-02")})
	assert.ErrorContains(t, err, "entry 4 has 1 lot key values for the 2 key columns")
}
