package closing_test

import (
	"context"
	"os"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adjustments returns the reasons of the adjustments a close wrote, by
// lot, service month and KPI.
func adjustments(t *testing.T, c *contract, invoice string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range c.entries(t) {
		if e.Kind == ledger.KindAdjustment && e.Invoice == month(invoice) {
			out[e.Lot[1]+" "+e.Service.String()+" "+e.KPI] = e.Reason
		}
	}
	return out
}

// Each adjustment is named by what changed since its figure was recorded.
func TestAdjustmentReasons(t *testing.T) {
	t.Run("relief granted late", func(t *testing.T) {
		c := example(t)
		c.mustClose(t, "2025-01")
		b, err := os.ReadFile(c.files.Relief)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(c.files.Relief, append(b,
			"Meridian Support,North West,2025-01,KPI-01,Flood — relief agreed\n"...), 0o644))
		c.mustClose(t, "2025-02")
		got := adjustments(t, c, "2025-02")
		require.NotEmpty(t, got)
		for k, r := range got {
			assert.Equal(t, string(ledger.ReasonRelief), r, k)
		}
	})
	t.Run("retrospective amendment", func(t *testing.T) {
		c := example(t)
		c.mustClose(t, "2025-01")
		edit(t, c.files.Rules, "credit: { fixed: { minor: 5000.00, serious: 15000.00 } }", "credit: { fixed: { minor: 6000.00, serious: 15000.00 } }")
		c.mustClose(t, "2025-02")
		got := adjustments(t, c, "2025-02")
		require.NotEmpty(t, got)
		for k, r := range got {
			assert.Equal(t, string(ledger.ReasonAmendment), r, k)
		}
	})
	t.Run("an amendment agreed later, from a closed month", func(t *testing.T) {
		// CCN-003, agreed in March 2025, raises KPI-13's minor failure from
		// 3 points to 4 from February: February's credits change (Northgate
		// Housing / Yorkshire and the Humber failed it), January's do not.
		c := example(t)
		c.mustClose(t, "2025-01")
		c.mustClose(t, "2025-02")
		edit(t, c.files.Rules, "amendments:\n", "amendments:\n  - id: CCN-003\n    description: Data returns\n"+
			"    agreed: 2025-03-10\n    from: 2025-02\n    kpis:\n      KPI-13: { credit: { points: { minor: 4 } } }\n")
		c.mustClose(t, "2025-03")
		got := adjustments(t, c, "2025-03")
		require.Contains(t, got, "Yorkshire and the Humber 2025-02 KPI-13")
		for k, r := range got {
			assert.Equal(t, string(ledger.ReasonAmendment), r, k)
			assert.Contains(t, k, " 2025-02 ", "only the months the amendment governs")
		}
	})
	t.Run("an authority changed: no adjustment", func(t *testing.T) {
		c := example(t)
		c.mustClose(t, "2025-01")
		edit(t, c.files.Rules, "    Tom Okafor: commercial_director\n", "    Tom Okafor: commercial_director\n    Ann Lee: contract_manager\n")
		res := c.mustClose(t, "2025-02")
		assert.Zero(t, res.Adjustments)
		_, err := closing.Waive(context.Background(), c.ledger, waiver("2025-01", "KPI-01", "1.00", "Ann Lee"))
		require.NoError(t, err, "the new approver may waive once a close recorded the rulebook naming them")
	})
	t.Run("earn-back after a waiver", func(t *testing.T) {
		// Harbour Living / Wales fails KPI-06 in January and March 2025
		// (£10,000.00 each); June, its third met month, earns back half of
		// the pool: -£10,000.00. A waiver of £4,000.00 of January's credit
		// recorded after June was closed leaves £16,000.00 to earn back:
		// July's close adjusts June's earn-back by £2,000.00.
		c := example(t)
		for _, m := range []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"} {
			c.mustClose(t, m)
		}
		w := waiver("2025-01", "KPI-06", "4000.00", "Priya Shah")
		w.Lot = []string{"Harbour Living", "Wales"}
		_, err := closing.Waive(context.Background(), c.ledger, w)
		require.NoError(t, err)
		c.mustClose(t, "2025-07")
		assert.Equal(t, map[string]string{"Wales 2025-06 KPI-06": string(closing.ReasonWaiver)}, adjustments(t, c, "2025-07"))
		for _, e := range c.entries(t) {
			if e.Kind == ledger.KindAdjustment {
				requireMoney(t, "2000.00", e.EarnBack)
				requireMoney(t, "0", e.Credit)
			}
		}
	})
}
