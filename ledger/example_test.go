package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// A month-end close, a correction posted as an adjustment at the next
// close, and a waiver within delegated authority.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	l, err := ledger.Create(ctx, filepath.Join(dir, "ledger.db"), ledger.Meta{Contract: "AASC", Currency: "GBP",
		MinorUnits: 2, Keys: []string{"provider", "region"}, Created: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	defer l.Close()

	mar, apr := rules.NewMonth(2025, 3), rules.NewMonth(2025, 4)
	figure := func(m rules.Month, credit string) ledger.Figure {
		return ledger.Figure{Month: m, Lot: []string{"Acme", "North"}, KPI: "KPI-01", Level: "minor",
			Credit: decimal.RequireFromString(credit)}
	}
	hashes := ledger.Hashes{Inputs: fmt.Sprintf("%064d", 1), Rulebook: fmt.Sprintf("%064d", 2)}
	at := time.Date(2025, 4, 2, 9, 0, 0, 0, time.UTC)

	// Close March: the engine's figures for March.
	_, err = l.CloseMonth(ctx, ledger.CloseRequest{Month: mar, At: at,
		Figures: ledger.Figures{Hashes: hashes, Lines: []ledger.Figure{figure(mar, "1200.00")}}})
	if err != nil {
		panic(err)
	}
	// Close April: corrected data bring March's credit down.
	hashes.Inputs = fmt.Sprintf("%064d", 3)
	_, err = l.CloseMonth(ctx, ledger.CloseRequest{Month: apr, At: at,
		Figures: ledger.Figures{Hashes: hashes, Lines: []ledger.Figure{figure(mar, "1000.00"), figure(apr, "80.00")}}})
	if err != nil {
		panic(err)
	}
	// A manager waives part of March's credit.
	authority := ledger.Authority{Roles: []ledger.Role{{Name: "manager", Limit: decimal.NewFromInt(500)}},
		Approvers: []ledger.Approver{{Name: "Ann", Role: "manager"}}}
	_, err = l.Waive(ctx, authority, ledger.Waiver{Month: mar, Lot: []string{"Acme", "North"}, KPI: "KPI-01",
		Amount: decimal.NewFromInt(300), Reason: "agreed", Approver: "Ann", At: at})
	if err != nil {
		panic(err)
	}

	es, err := l.Entries(ctx)
	if err != nil {
		panic(err)
	}
	for _, e := range es {
		line := fmt.Sprintf("%d %-10s invoice %s service %s %s %8s %s", e.Seq, e.Kind, e.Invoice, e.Service, e.KPI,
			e.Net().StringFixed(2), e.Reason)
		fmt.Println(strings.TrimSpace(line))
	}
	rep, err := l.Verify(ctx)
	fmt.Println("verified:", err == nil, rep.Entries, "entries, closed", rep.Closed)
	// Output:
	// 1 credit     invoice 2025-03 service 2025-03 KPI-01  1200.00
	// 2 credit     invoice 2025-04 service 2025-04 KPI-01    80.00
	// 3 adjustment invoice 2025-04 service 2025-03 KPI-01  -200.00 recomputed
	// 4 waiver     invoice 2025-05 service 2025-03 KPI-01  -300.00 agreed
	// verified: true 4 entries, closed [2025-03 2025-04]
}
