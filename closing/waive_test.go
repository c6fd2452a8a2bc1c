package closing_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/closing"
	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// northWest is the lot of the example; its January KPI-01 credit is
// £20,540.65.
var northWest = []string{"Meridian Support", "North West"}

func waiver(m, kpi, amount, approver string) ledger.Waiver {
	return ledger.Waiver{Month: month(m), Lot: northWest, KPI: kpi, Amount: dec(amount),
		Reason: "agreed at the performance meeting", Approver: approver}
}

// Waivers are checked against the authority of the rulebook the last close
// recorded: the total waived on one credit by everyone stays within the
// approver's role and the credit. Every refusal is an *InputError naming
// what is wrong, and writes nothing.
func TestWaive(t *testing.T) {
	ctx := context.Background()
	c := example(t)
	c.mustClose(t, "2025-01")
	e, err := closing.Waive(ctx, c.ledger, waiver("2025-01", "KPI-01", "6000.00", "Priya Shah"))
	require.NoError(t, err)
	assert.Equal(t, ledger.KindWaiver, e.Kind)
	assert.Equal(t, "contract_manager", e.Role)
	assert.Equal(t, month("2025-02"), e.Invoice, "the next invoice")

	for _, tc := range []struct {
		name   string
		w      ledger.Waiver
		want   string
		target error
	}{
		{"split to get round the limit", waiver("2025-01", "KPI-01", "4000.01", "Priya Shah"),
			"beyond delegated authority: Priya Shah (contract_manager) may waive 10000 in total on one credit; this would make 10000.01",
			ledger.ErrBeyondAuthority},
		{"more than the credit", waiver("2025-01", "KPI-01", "14540.66", "Tom Okafor"),
			"waiver exceeds the credit: 20540.66 waived in total, the credit is 20540.65", ledger.ErrExceedsCredit},
		{"an approver without a role", waiver("2025-01", "KPI-01", "1.00", "Sam Jones"),
			`not an approver: "Sam Jones" has no role in the authority of the rulebook recorded by the close of 2025-01 ` +
				"(approvers: Priya Shah (contract_manager), Tom Okafor (commercial_director))", ledger.ErrNotApprover},
		{"an unknown KPI", waiver("2025-01", "KPI-99", "1.00", "Priya Shah"),
			`no such credit in the ledger: no KPI "KPI-99" for lot provider=Meridian Support,region=North West in 2025-01 (KPIs: KPI-01, KPI-02`,
			ledger.ErrUnknownCredit},
		{"an unknown lot", ledger.Waiver{Month: month("2025-01"), Lot: []string{"Meridian Support", "Wales"}, KPI: "KPI-01",
			Amount: dec("1"), Reason: "x", Approver: "Priya Shah"},
			"no such credit in the ledger: no lot provider=Meridian Support,region=Wales in 2025-01 (lots: ", ledger.ErrUnknownCredit},
		{"a month not closed", waiver("2025-02", "KPI-01", "1.00", "Priya Shah"),
			"no such credit in the ledger: 2025-02 is not a closed month (closed: 2025-01)", ledger.ErrUnknownCredit},
		{"too many places", waiver("2025-01", "KPI-01", "1.001", "Priya Shah"),
			"invalid request: amount 1.001 is not positive with at most 2 decimal places", ledger.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := os.ReadFile(c.ledger)
			require.NoError(t, err)
			_, err = closing.Waive(ctx, c.ledger, tc.w)
			var ie *closing.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.ErrorIs(t, err, tc.target)
			after, err := os.ReadFile(c.ledger)
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
	_, err = closing.Waive(ctx, c.ledger, waiver("2025-01", "KPI-01", "4000.00", "Priya Shah"))
	require.NoError(t, err, "up to the limit exactly")
}

// Without an authority in the rulebook nobody may waive; without a close
// there is nothing to waive.
func TestWaiveWithoutAuthority(t *testing.T) {
	ctx := context.Background()
	c := example(t)
	_, err := closing.Waive(ctx, c.ledger, waiver("2025-01", "KPI-01", "1.00", "Priya Shah"))
	require.True(t, runner.IsInvalidInput(err))
	assert.Contains(t, err.Error(), "ledger.db: no such ledger (the first close creates it)")

	b, err := os.ReadFile(c.files.Rules)
	require.NoError(t, err)
	i := strings.Index(string(b), "authority:")
	j := i + strings.Index(string(b[i:]), "\n\n") + 2 // the authority's block ends at a blank line
	require.NoError(t, os.WriteFile(c.files.Rules, append(b[:i:i], b[j:]...), 0o644))
	c.mustClose(t, "2025-01")
	_, err = closing.Waive(ctx, c.ledger, waiver("2025-01", "KPI-01", "1.00", "Priya Shah"))
	require.True(t, runner.IsInvalidInput(err))
	assert.ErrorIs(t, err, ledger.ErrNotApprover)
	assert.Contains(t, err.Error(), "the rulebook recorded by the close of 2025-01 has no authority: nobody may waive credits")
}

// A dispute is opened, then settled by an approver within the authority;
// a correction of the disputed credit's data afterwards is posted as a
// dispute outcome. Steps out of order are refused.
func TestDispute(t *testing.T) {
	ctx := context.Background()
	c := example(t)
	c.mustClose(t, "2025-01")
	d := ledger.Dispute{Action: ledger.DisputeAgree, Month: month("2025-01"), Lot: northWest, KPI: "KPI-01",
		Reason: "counts disputed", By: "Meridian Support"}
	_, err := closing.Dispute(ctx, c.ledger, d)
	assert.ErrorIs(t, err, ledger.ErrDisputeState)
	assert.True(t, runner.IsInvalidInput(err), "agree before open")

	d.Action = ledger.DisputeOpen
	e, err := closing.Dispute(ctx, c.ledger, d)
	require.NoError(t, err)
	assert.Equal(t, ledger.KindDisputeOpen, e.Kind)
	d.Action, d.By, d.Amount = ledger.DisputeWaive, "Sam Jones", dec("500.00")
	_, err = closing.Dispute(ctx, c.ledger, d)
	assert.ErrorIs(t, err, ledger.ErrNotApprover, "a settlement needs an approver")
	d.By = "Priya Shah"
	e, err = closing.Dispute(ctx, c.ledger, d)
	require.NoError(t, err)
	assert.Equal(t, ledger.KindDisputeWaive, e.Kind)
	requireMoney(t, "-500.00", e.Credit)

	edit(t, c.files.Data, "Meridian Support,North West,2025-01,5705734.92,251,247,", "Meridian Support,North West,2025-01,5705734.92,251,249,")
	c.mustClose(t, "2025-02")
	reasons := map[string]string{}
	for _, e := range c.entries(t) {
		if e.Kind == ledger.KindAdjustment {
			reasons[e.KPI] = e.Reason
		}
	}
	assert.Equal(t, string(ledger.ReasonDisputeOutcome), reasons["KPI-01"], "the disputed credit")
	assert.Equal(t, string(ledger.ReasonDataCorrection), reasons["KPI-02"], "its area's other credits, undisputed")
}
