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

// The example: correcting one lot's emergency repairs in January
// from 247 to 249 of 251 after January, February and March were closed
// moves January's credit from £51,351.61 to £17,117.20 and March's from
// £185,565.73 to £136,616.84. The correction does not restate them: the
// April close posts the differences to April's invoice as adjustments,
// named data corrections with both input hashes, and nothing written
// before changes.
func TestCorrectionIsAnAdjustmentNotARestatement(t *testing.T) {
	c := example(t)
	for _, m := range []string{"2025-01", "2025-02", "2025-03"} {
		res := c.mustClose(t, m)
		assert.Equal(t, month(m), res.Invoice)
		assert.Equal(t, 7*15, res.Credits, "a figure for every lot and KPI")
		assert.Zero(t, res.Adjustments)
	}
	lot := []string{"Meridian Support", "North West"}
	jan, mar := month("2025-01"), month("2025-03")
	before := c.entries(t)
	requireMoney(t, "51351.61", lotSum(before, lot, jan))
	requireMoney(t, "185565.73", lotSum(before, lot, mar))

	edit(t, c.files.Data, "Meridian Support,North West,2025-01,5705734.92,251,247,", "Meridian Support,North West,2025-01,5705734.92,251,249,")
	res := c.mustClose(t, "2025-04")
	require.Positive(t, res.Adjustments)
	after := c.entries(t)
	require.Equal(t, before, after[:len(before)], "nothing written before changed")

	requireMoney(t, "17117.20", lotSum(after, lot, jan))
	requireMoney(t, "136616.84", lotSum(after, lot, mar))
	requireMoney(t, "51351.61", lotSum(after, lot, jan, ledger.KindCredit), "January's credits stand as closed")
	requireMoney(t, "-34234.41", lotSum(after, lot, jan, ledger.KindAdjustment))
	requireMoney(t, "-48948.89", lotSum(after, lot, mar, ledger.KindAdjustment))
	adjusted, credit := dec("0"), dec("0")
	for _, e := range after[len(before):] {
		if e.Kind != ledger.KindAdjustment {
			credit = credit.Add(e.Credit)
			continue
		}
		adjusted = adjusted.Add(e.Net())
		assert.Equal(t, month("2025-04"), e.Invoice)
		assert.Equal(t, lot, e.Lot, "only the corrected lot changes")
		assert.Equal(t, string(ledger.ReasonDataCorrection), e.Reason)
		assert.NotEqual(t, e.Prior.Inputs, e.Hashes.Inputs, "both input hashes")
		assert.Equal(t, e.Prior.Rulebook, e.Hashes.Rulebook)
		assert.Equal(t, res.Hashes, e.Hashes)
	}
	requireMoney(t, adjusted.String(), res.Adjusted, "the result's sums are the entries'")
	requireMoney(t, credit.String(), res.Credit)
	rep, err := closing.Verify(context.Background(), c.ledger)
	require.NoError(t, err)
	assert.Equal(t, res.Head, rep.Head)
}

// Every request a close cannot do as asked is an *InputError naming what
// is wrong, and leaves the ledger file as it was.
func TestCloseBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, c *contract) // after January is closed
		month  string
		want   string
		target error
	}{
		{"already closed", nil, "2025-01", "2025-01: month already closed (the last closed month is 2025-01)", ledger.ErrAlreadyClosed},
		{"before the last closed", nil, "2024-12", "cannot close 2024-12: month out of order (the next month to close is 2025-02)", ledger.ErrOutOfOrder},
		{"out of order", nil, "2025-03", "cannot close 2025-03: month out of order (the next month to close is 2025-02)", ledger.ErrOutOfOrder},
		{"no data", nil, "2026-09", "cannot close 2026-09: the data (DIR/data.csv) has no month 2026-09; it runs from 2024-09 to 2026-08", nil},
		{"outside the term", nil, "2034-09", "cannot close 2034-09: 2034-09 is after the contract ends (2034-08)", nil},
		{"another contract", func(t *testing.T, c *contract) {
			edit(t, c.files.Rules, "contract: Asylum Accommodation and Support Contract (example)", "contract: Another")
		}, "2025-02", `DIR/ledger.db is the ledger of "Asylum Accommodation and Support Contract (example)" (GBP, 2 decimal places, keys provider, region), not of the rulebook's "Another" (GBP, 2, keys provider, region)`, nil},
		{"data from after the start", func(t *testing.T, c *contract) {
			edit(t, c.files.Rules, "start: 2024-09 ", "start: 2024-06 ") // a quarter earlier: the quarters stay as they are
		}, "2025-02", "the data (DIR/data.csv) starts at 2024-09, after the contract's start 2024-06: the credits of 2025-02 depend on the months before; " +
			"give the data from 2024-06, or each lot's state at the end of 2024-08 as opening: in the rulebook", nil},
		{"a lot gone from the data", func(t *testing.T, c *contract) {
			b, err := os.ReadFile(c.files.Data)
			require.NoError(t, err)
			var keep []string
			for _, line := range strings.Split(string(b), "\n") {
				if !strings.HasPrefix(line, "Harbour Living,Wales,") {
					keep = append(keep, line)
				}
			}
			require.NoError(t, os.WriteFile(c.files.Data, []byte(strings.Join(keep, "\n")), 0o644))
			c.files.Relief = "" // it names the lot too
		}, "2025-02", "the ledger has credits for lot provider=Harbour Living,region=Wales, which is not in the data (DIR/data.csv)", nil},
		{"not a ledger", func(t *testing.T, c *contract) {
			require.NoError(t, os.WriteFile(c.ledger, []byte(strings.Repeat("not a database\n", 100)), 0o644))
		}, "2025-02", "DIR/ledger.db: not a kpicredit ledger", ledger.ErrNotLedger},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := example(t)
			c.mustClose(t, "2025-01")
			if tc.setup != nil {
				tc.setup(t, c)
			}
			before, err := os.ReadFile(c.ledger)
			require.NoError(t, err)
			_, err = c.close(t, tc.month)
			var ie *closing.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.True(t, runner.IsInvalidInput(err))
			dir := strings.TrimSuffix(c.ledger, "/ledger.db")
			assert.Contains(t, strings.ReplaceAll(err.Error(), dir, "DIR"), tc.want)
			if tc.target != nil {
				assert.ErrorIs(t, err, tc.target)
			}
			after, err := os.ReadFile(c.ledger)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the ledger file is as it was")
		})
	}
}

// A ledger written by a newer kpicredit is refused, and is not an input
// error: the program is too old.
func TestCloseRefusesANewerLedger(t *testing.T) {
	c := example(t)
	c.mustClose(t, "2025-01")
	setUserVersion(t, c.ledger, 99)
	_, err := c.close(t, "2025-02")
	var ve *ledger.VersionError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.False(t, runner.IsInvalidInput(err))
	assert.Contains(t, err.Error(), "ledger schema version 99 is newer than 2, the newest this program reads")
}
