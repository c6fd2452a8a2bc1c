package ledger

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closedLedger has January closed with a 1500.00 credit on Acme/North
// KPI-01 and a zero one on KPI-02.
func closedLedger(t *testing.T) *Ledger {
	t.Helper()
	l := newLedger(t)
	mustClose(t, l, closeReq("2025-01", hashes("jan"),
		fig("2025-01", "Acme", "North", "KPI-01", "1500.00", "0"),
		fig("2025-01", "Acme", "North", "KPI-02", "0", "0")))
	return l
}

func waiver(approver, amount string) Waiver {
	return Waiver{Month: month("2025-01"), Lot: []string{"Acme", "North"}, KPI: "KPI-01",
		Amount: dec(amount), Reason: "agreed at the performance meeting", Approver: approver, At: at}
}

func TestWaive(t *testing.T) {
	l := closedLedger(t)
	e, err := l.Waive(t.Context(), authority, waiver("Ann", "400.00"))
	require.NoError(t, err)
	assert.Equal(t, KindWaiver, e.Kind)
	assert.Equal(t, "-400.00", e.Credit.StringFixed(2))
	assert.Equal(t, "Ann", e.Actor)
	assert.Equal(t, "manager", e.Role)
	assert.Equal(t, month("2025-02"), e.Invoice, "the next invoice")
	assert.Equal(t, month("2025-01"), e.Service)
	assert.Equal(t, hashes("jan"), e.Hashes, "the hashes of the credit waived")

	bs, err := l.Balances(t.Context())
	require.NoError(t, err)
	require.Len(t, bs, 2)
	assert.Equal(t, "1500.00", bs[0].Credit.StringFixed(2))
	assert.Equal(t, "400.00", bs[0].Waived.StringFixed(2))

	// A second manager cannot take the total past the manager's limit ...
	_, err = l.Waive(t.Context(), authority, waiver("Bob", "600.01"))
	var ae *AuthorityError
	require.True(t, errors.As(err, &ae))
	assert.ErrorIs(t, err, ErrBeyondAuthority)
	assert.Equal(t, "1000.01", ae.Total.StringFixed(2))
	assert.Equal(t, "1000", ae.Limit.String())
	// ... but can reach it, and a director can go further, up to the credit.
	_, err = l.Waive(t.Context(), authority, waiver("Bob", "600.00"))
	require.NoError(t, err)
	_, err = l.Waive(t.Context(), authority, waiver("Dee", "500.01"))
	assert.ErrorIs(t, err, ErrExceedsCredit)
	_, err = l.Waive(t.Context(), authority, waiver("Dee", "500.00"))
	require.NoError(t, err)
	assert.Equal(t, "0.00", sums(t, l)[month("2025-01")].Credit.StringFixed(2))
	_, err = l.Verify(t.Context())
	require.NoError(t, err)
}

// Every bad waiver is a typed error and writes nothing.
func TestWaiveErrors(t *testing.T) {
	w := waiver
	tests := []struct {
		name string
		auth Authority
		w    Waiver
		want error
	}{
		{"beyond the role's limit", authority, w("Ann", "1000.01"), ErrBeyondAuthority},
		{"beyond the credit", authority, w("Dee", "1500.01"), ErrExceedsCredit},
		{"not an approver", authority, w("Eve", "1.00"), ErrNotApprover},
		{"no approver", authority, w("", "1.00"), ErrNotApprover},
		{"unknown month", authority, func() Waiver { x := w("Ann", "1.00"); x.Month = month("2025-02"); return x }(), ErrUnknownCredit},
		{"unknown lot", authority, func() Waiver { x := w("Ann", "1.00"); x.Lot = []string{"Acme", "South"}; return x }(), ErrUnknownCredit},
		{"unknown KPI", authority, func() Waiver { x := w("Ann", "1.00"); x.KPI = "KPI-09"; return x }(), ErrUnknownCredit},
		{"short lot", authority, func() Waiver { x := w("Ann", "1.00"); x.Lot = []string{"Acme"}; return x }(), ErrInvalid},
		{"no reason", authority, func() Waiver { x := w("Ann", "1.00"); x.Reason = ""; return x }(), ErrInvalid},
		{"an escape in the reason", authority, func() Waiver { x := w("Ann", "1.00"); x.Reason = "a\x1b[31mred"; return x }(), ErrInvalid},
		{"a line break in the reason", authority, func() Waiver { x := w("Ann", "1.00"); x.Reason = "a\r\nforged line"; return x }(), ErrInvalid},
		{"a reason too long", authority, func() Waiver { x := w("Ann", "1.00"); x.Reason = strings.Repeat("x", 4097); return x }(), ErrInvalid},
		{"a bidirectional override in the reason", authority, func() Waiver { x := w("Ann", "1.00"); x.Reason = "paid \u202Edias"; return x }(), ErrInvalid},
		{"a reason not UTF-8", authority, func() Waiver { x := w("Ann", "1.00"); x.Reason = "caf\xe9"; return x }(), ErrInvalid},
		{"zero amount", authority, w("Ann", "0"), ErrInvalid},
		{"negative amount", authority, w("Ann", "-5.00"), ErrInvalid},
		{"three decimals", authority, w("Ann", "1.001"), ErrInvalid},
		{"a zero credit", authority, func() Waiver { x := w("Ann", "1.00"); x.KPI = "KPI-02"; return x }(), ErrExceedsCredit},
		{"undefined role", Authority{Approvers: []Approver{{Name: "Ann", Role: "manager"}}}, w("Ann", "1.00"), ErrInvalid},
		{"repeated role", Authority{Roles: []Role{{Name: "m", Limit: dec("1")}, {Name: "m", Limit: dec("2")}}}, w("Ann", "1.00"), ErrInvalid},
		{"negative limit", Authority{Roles: []Role{{Name: "m", Limit: dec("-1")}}}, w("Ann", "1.00"), ErrInvalid},
		{"approver named twice", Authority{Roles: []Role{{Name: "m", Limit: dec("1")}},
			Approvers: []Approver{{Name: "Ann", Role: "m"}, {Name: "Ann", Role: "m"}}}, w("Ann", "1.00"), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := closedLedger(t)
			before := dump(t, l.Path())
			_, err := l.Waive(t.Context(), tt.auth, tt.w)
			assert.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), l.Path())
			assert.Equal(t, before, dump(t, l.Path()), "nothing written")
		})
	}
}

func dispute(action DisputeAction, by, amount string) Dispute {
	return Dispute{Action: action, Month: month("2025-01"), Lot: []string{"Acme", "North"}, KPI: "KPI-01",
		Reason: "the provider disputes the count", By: by, Amount: dec(amount), At: at}
}

func TestDisputeSteps(t *testing.T) {
	ctx := t.Context()
	l := closedLedger(t)
	step := func(d Dispute) Entry {
		t.Helper()
		e, err := l.Dispute(ctx, authority, d)
		require.NoError(t, err)
		return e
	}
	state := func() DisputeState {
		bs, err := l.Balances(ctx)
		require.NoError(t, err)
		return bs[0].Dispute
	}
	e := step(dispute(DisputeOpen, "Acme Ltd", "0"))
	assert.Equal(t, KindDisputeOpen, e.Kind)
	assert.True(t, e.Net().IsZero())
	assert.Equal(t, DisputeOpened, state())
	step(dispute(DisputeAgree, "Ann", "0"))
	assert.Equal(t, DisputeAgreed, state())

	step(dispute(DisputeOpen, "Acme Ltd", "0"))
	e = step(dispute(DisputeWaive, "Ann", "250.00"))
	assert.Equal(t, KindDisputeWaive, e.Kind)
	assert.Equal(t, "-250.00", e.Credit.StringFixed(2))
	assert.Equal(t, "manager", e.Role)
	assert.Equal(t, DisputeSettled, state())

	// A settlement of zero waives the rest of the credit.
	step(dispute(DisputeOpen, "Acme Ltd", "0"))
	e = step(dispute(DisputeWaive, "Dee", "0"))
	assert.Equal(t, "-1250.00", e.Credit.StringFixed(2))
	assert.Equal(t, "0.00", sums(t, l)[month("2025-01")].Credit.StringFixed(2))
	assert.Equal(t, "credit credit dispute_open dispute_agree dispute_open dispute_waive dispute_open dispute_waive", kindList(t, l))
	_, err := l.Verify(ctx)
	require.NoError(t, err)
}

// Every bad dispute step is a typed error and writes nothing.
func TestDisputeErrors(t *testing.T) {
	tests := []struct {
		name  string
		open  bool // open a dispute first
		step  Dispute
		want  error
		waive string // waive this much first
	}{
		{name: "agree without a dispute", step: dispute(DisputeAgree, "Ann", "0"), want: ErrDisputeState},
		{name: "waive without a dispute", step: dispute(DisputeWaive, "Ann", "10.00"), want: ErrDisputeState},
		{name: "open twice", open: true, step: dispute(DisputeOpen, "Acme Ltd", "0"), want: ErrDisputeState},
		{name: "waive beyond authority", open: true, step: dispute(DisputeWaive, "Ann", "1000.01"), want: ErrBeyondAuthority},
		{name: "rest beyond authority", open: true, step: dispute(DisputeWaive, "Ann", "0"), want: ErrBeyondAuthority},
		{name: "waive beyond the credit", open: true, step: dispute(DisputeWaive, "Dee", "1500.01"), want: ErrExceedsCredit},
		{name: "nothing left", open: true, waive: "1500.00", step: dispute(DisputeWaive, "Dee", "0"), want: ErrInvalid},
		{name: "waive by a non-approver", open: true, step: dispute(DisputeWaive, "Acme Ltd", "1.00"), want: ErrNotApprover},
		{name: "negative settlement", open: true, step: dispute(DisputeWaive, "Ann", "-1.00"), want: ErrInvalid},
		{name: "unknown action", step: dispute("close", "Ann", "0"), want: ErrInvalid},
		{name: "no one", step: dispute(DisputeOpen, "", "0"), want: ErrInvalid},
		{name: "no reason", step: func() Dispute { d := dispute(DisputeOpen, "Acme Ltd", "0"); d.Reason = ""; return d }(), want: ErrInvalid},
		{name: "a control character in the reason", step: func() Dispute { d := dispute(DisputeOpen, "Acme Ltd", "0"); d.Reason = "x\x00"; return d }(), want: ErrInvalid},
		{name: "an escape in the name", step: dispute(DisputeOpen, "evil\x1b[0m", "0"), want: ErrInvalid},
		{name: "a line break in the name", step: dispute(DisputeAgree, "Acme\nLtd", "0"), open: true, want: ErrInvalid},
		{name: "a name too long", step: dispute(DisputeOpen, strings.Repeat("n", 257), "0"), want: ErrInvalid},
		{name: "unknown credit", step: func() Dispute { d := dispute(DisputeOpen, "Acme Ltd", "0"); d.KPI = "KPI-07"; return d }(), want: ErrUnknownCredit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := closedLedger(t)
			if tt.waive != "" {
				_, err := l.Waive(t.Context(), authority, waiver("Dee", tt.waive))
				require.NoError(t, err)
			}
			if tt.open {
				_, err := l.Dispute(t.Context(), authority, dispute(DisputeOpen, "Acme Ltd", "0"))
				require.NoError(t, err)
			}
			before := dump(t, l.Path())
			_, err := l.Dispute(t.Context(), authority, tt.step)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, before, dump(t, l.Path()), "nothing written")
		})
	}
}
