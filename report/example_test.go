package report_test

import (
	"os"

	"github.com/kpicredit/kpicredit/report"
	"github.com/shopspring/decimal"
)

func ExampleWriteMarkdown() {
	m := decimal.RequireFromString
	s := &report.Summary{
		Contract: "Tiny contract", Currency: "GBP", MinorUnits: 2,
		FirstMonth: "2025-01", LastMonth: "2025-02", GroupBy: "provider",
		Lots: 1, KPIs: 1, LotMonths: 2,
		Baseline: report.Totals{Charge: m("200000"), Credits: m("1500"), EarnBack: m("-250"), Net: m("1250"),
			Failures: 1, Measured: 2},
		ByGroup: []report.GroupTotal{{Name: "Acme", Totals: report.Totals{Charge: m("200000"),
			Credits: m("1500"), EarnBack: m("-250"), Net: m("1250"), Failures: 1, Measured: 2}}},
		ByKPI: []report.KPITotal{{ID: "KPI-01", Name: "Repairs on time", Scheme: "fixed",
			Credits: m("1500"), Failures: 1, Met: 1}},
	}
	if err := report.WriteMarkdown(os.Stdout, s); err != nil {
		panic(err)
	}
	// Output:
	// # Tiny contract: service credits, Jan 2025 – Feb 2025
	//
	// 1 provider · 1 lot · 1 KPI · 2 lot-months · GBP
	//
	// Over Jan 2025 – Feb 2025, charges of £200,000.00 earned service credits of £1,500.00 after caps, 0.75% of charges. Earn-back returned £250.00 of them, leaving net credits of £1,250.00. 1 of 2 measured KPI-months failed (50.00%); 0 lot-months hit the monthly cap.
	//
	// ## Credits by provider
	//
	// | Provider |     Charges |   Credits | % of charges | Earn-back returned |       Net | Failures | Capped months |
	// | -------- | ----------: | --------: | -----------: | -----------------: | --------: | -------: | ------------: |
	// | Acme     | £200,000.00 | £1,500.00 |        0.75% |            £250.00 | £1,250.00 |        1 |             0 |
	//
	// ## Credits by KPI
	//
	// | KPI    | Name            | Scheme |   Credits | Failures | Met | Not measured | Excused |
	// | ------ | --------------- | ------ | --------: | -------: | --: | -----------: | ------: |
	// | KPI-01 | Repairs on time | fixed  | £1,500.00 |        1 |   1 |            0 |       0 |
}
