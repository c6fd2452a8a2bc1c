package closing_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/money"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/statement"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corrected is the example with January and February closed, January's
// data corrected before February's close, and a waiver and a dispute in
// between: February's invoice has credits, adjustments, a waiver and a
// dispute step.
func corrected(t *testing.T) *contract {
	t.Helper()
	ctx := context.Background()
	c := example(t)
	c.mustClose(t, "2025-01")
	_, err := closing.Waive(ctx, c.ledger, waiver("2025-01", "KPI-02", "2500.00", "Priya Shah"))
	require.NoError(t, err)
	_, err = closing.Dispute(ctx, c.ledger, ledger.Dispute{Action: ledger.DisputeOpen, Month: month("2025-01"),
		Lot: northWest, KPI: "KPI-03", Reason: "routine jobs miscounted", By: "Meridian Support"})
	require.NoError(t, err)
	edit(t, c.files.Data, "Meridian Support,North West,2025-01,5705734.92,251,247,", "Meridian Support,North West,2025-01,5705734.92,251,249,")
	c.mustClose(t, "2025-02")
	return c
}

// invoiceSum sums the nets of an invoice party's entries in an invoice
// month.
func invoiceSum(es []ledger.Entry, provider string, invoice rules.Month) decimal.Decimal {
	sum := decimal.Zero
	for _, e := range es {
		if e.Invoice == invoice && e.Lot[0] == provider {
			sum = sum.Add(e.Net())
		}
	}
	return sum
}

// A statement has one section per lot of the invoice party, and totals
// that are the ledger's; every party with entries gets one; a party
// without entries is an input error naming those with.
func TestStatements(t *testing.T) {
	ctx := context.Background()
	c := corrected(t)
	feb := month("2025-02")
	s, err := closing.Statement(ctx, c.ledger, "Meridian Support", feb)
	require.NoError(t, err)
	require.Len(t, s.Lots, 2)
	es := c.entries(t)
	requireMoney(t, invoiceSum(es, "Meridian Support", feb).String(), s.Totals.Net)
	assert.Equal(t, es[len(es)-1].Hash, s.Head)
	nw := s.Lots[0]
	assert.Equal(t, northWest, nw.Lot, "first recorded in the invoice month: its waiver")
	assert.NotEmpty(t, nw.Adjustments)
	assert.Len(t, nw.Waivers, 2, "the waiver and the dispute step")

	all, err := closing.Statements(ctx, c.ledger, feb)
	require.NoError(t, err)
	var parties []string
	total := decimal.Zero
	for _, s := range all {
		parties = append(parties, s.Party)
		total = total.Add(s.Totals.Net)
	}
	assert.ElementsMatch(t, []string{"Harbour Living", "Meridian Support", "Northgate Housing"}, parties)
	requireMoney(t, sumNets(es, feb).String(), total)

	_, err = closing.Statement(ctx, c.ledger, "Nobody Ltd", feb)
	var ie *closing.InputError
	require.True(t, errors.As(err, &ie), "%v", err)
	assert.Contains(t, err.Error(), `no entries for provider "Nobody Ltd" in invoice month 2025-02 (providers: `)
}

func sumNets(es []ledger.Entry, invoice rules.Month) decimal.Decimal {
	sum := decimal.Zero
	for _, e := range es {
		if e.Invoice == invoice {
			sum = sum.Add(e.Net())
		}
	}
	return sum
}

// chromium finds a Chromium or Chrome binary on PATH, or returns "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// runChromium runs headless Chromium with the given arguments on a file
// and returns its stdout.
func runChromium(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second // don't wait on helper processes that keep the pipes open
	require.NoError(t, cmd.Run(), "chromium: %s", stderr.String())
	return stdout.String()
}

// The statement of the corrected example, as written for a provider, in
// headless Chromium: the page it renders has one section per lot, whose
// totals and the statement's are the ledger's sums; printed to PDF, each
// lot starts a page after the summary's. Without Chromium the test is
// skipped, except in CI (CI=true), which installs it.
func TestStatementInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium binary on PATH; CI must install it: apt-get install -y chromium")
		}
		t.Skip("no chromium binary on PATH")
	}
	c := corrected(t)
	feb := month("2025-02")
	s, err := closing.Statement(context.Background(), c.ledger, "Meridian Support", feb)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "statement")
	require.NoError(t, closing.WriteStatement(s, dir))
	page := "file://" + filepath.Join(dir, statement.HTMLFile)

	dom := runChromium(t, bin, dir, "--dump-dom", page)
	es := c.entries(t)
	f := func(d decimal.Decimal) string { return money.Format(d, "GBP", 2) }
	assert.Equal(t, len(s.Lots), strings.Count(dom, `<section class="lot">`), "one section per lot")
	assert.Contains(t, dom, "<dd><strong>"+f(invoiceSum(es, "Meridian Support", feb))+"</strong></dd>", "the deduction is the ledger's")
	for _, l := range s.Lots {
		sum := decimal.Zero
		for _, e := range es {
			if e.Invoice == feb && strings.Join(e.Lot, "/") == strings.Join(l.Lot, "/") {
				sum = sum.Add(e.Net())
			}
		}
		assert.Contains(t, dom, "<h2>"+s.Label(l)+"</h2>")
		assert.Regexp(t, "<td>"+regexp.QuoteMeta(s.Label(l))+`</td>(<td class="num">[^<]*</td>){4}<td class="num">`+regexp.QuoteMeta(f(sum))+"</td>", dom,
			"%s's net is the ledger's", s.Label(l))
	}
	assert.Contains(t, dom, s.Head, "the chain head")

	pdf := filepath.Join(dir, "statement.pdf")
	runChromium(t, bin, dir, "--no-pdf-header-footer", "--print-to-pdf="+pdf, page)
	b, err := os.ReadFile(pdf)
	require.NoError(t, err)
	pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(b, -1))
	assert.GreaterOrEqual(t, pages, 1+len(s.Lots), "the summary, then each lot from a new page")
}
