package ledger

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// Meta is what a ledger is about, fixed when it is created.
type Meta struct {
	Contract   string    // the contract's name
	Currency   string    // ISO 4217 code, e.g. GBP
	MinorUnits int32     // decimal places of every amount (2 for GBP)
	Keys       []string  // the lot key columns, e.g. provider, region
	Created    time.Time // when the ledger was created; Create fills in the time when zero
}

// Hashes are the SHA-256 digests, in lower-case hex, of what produced a
// computation: its inputs (data, relief, events, ...) and its rulebook.
type Hashes struct {
	Inputs   string
	Rulebook string
}

// Figure is one KPI's credit for one lot in one service month, as the
// engine computes it now.
type Figure struct {
	Month    rules.Month     // the service month
	Lot      []string        // the lot's key values, in the order of Meta.Keys
	KPI      string          // the KPI's id
	Level    string          // the KPI's status, e.g. met or minor; shown, not summed
	Credit   decimal.Decimal // credit after the caps, >= 0
	EarnBack decimal.Decimal // earn-back refunded this month, <= 0
}

// Figures is a computation handed to CloseMonth: a figure for every lot and
// KPI of every closed month and of the month to close, and the hashes of
// what produced them.
type Figures struct {
	Hashes Hashes
	Lines  []Figure
	// Documents are texts whose SHA-256 is Hashes.Inputs or
	// Hashes.Rulebook (the rulebook, a manifest of the inputs), kept in
	// the ledger so that what produced the figures can be read back with
	// Document. Optional.
	Documents []string
}

// Kind is what an entry records.
type Kind string

// The kinds of entry.
const (
	KindCredit       Kind = "credit"        // a closed month's figure
	KindAdjustment   Kind = "adjustment"    // a difference found for an earlier closed month
	KindWaiver       Kind = "waiver"        // -amount waived by an approver
	KindDisputeOpen  Kind = "dispute_open"  // a credit disputed; 0
	KindDisputeAgree Kind = "dispute_agree" // the dispute ends, the credit stands; 0
	KindDisputeWaive Kind = "dispute_waive" // the dispute ends in a settlement; -amount
)

var kinds = []Kind{KindCredit, KindAdjustment, KindWaiver, KindDisputeOpen, KindDisputeAgree, KindDisputeWaive}

// Reason says why an adjustment was posted.
type Reason string

// The reasons a classifier may give. Any other non-empty text is kept too.
const (
	ReasonRecomputed     Reason = "recomputed" // the default
	ReasonDataCorrection Reason = "data correction"
	ReasonRelief         Reason = "relief"
	ReasonAmendment      Reason = "retrospective amendment"
	ReasonDisputeOutcome Reason = "dispute outcome"
)

// Amounts are a credit and an earn-back.
type Amounts struct {
	Credit   decimal.Decimal
	EarnBack decimal.Decimal
}

// Adjustment is a difference between what the ledger holds for a credit and
// the current computation, for a Classifier to name.
type Adjustment struct {
	Month      rules.Month
	Lot        []string
	KPI        string
	Held       Amounts // the sum of the credit and adjustment entries
	Current    Amounts // the current figure (zero when the computation has none)
	HeldHashes Hashes  // of the held credit's latest entry
	Hashes     Hashes  // of the current computation
	HeldLevel  string  // the level of the held credit's latest entry
	Level      string  // the current figure's level ("" when the computation has none)
	// Disputed says that a dispute step (open, agree or waive) was
	// recorded for the credit after its held figure's latest entry.
	Disputed bool
}

// Classifier names the reason of an adjustment. A nil Classifier gives
// ReasonRecomputed.
type Classifier func(Adjustment) Reason

// CloseRequest is a close of one service month.
type CloseRequest struct {
	Month      rules.Month // the service month to close
	Figures    Figures     // the current computation of every closed month and Month
	InvoiceLag int         // months from service month to invoice month, >= 0
	Classify   Classifier  // nil: every adjustment is ReasonRecomputed
	At         time.Time   // recorded_at; the current time when zero
}

// CloseResult is what a close wrote.
type CloseResult struct {
	Batch       int64
	Invoice     rules.Month
	Credits     int    // credit entries
	Adjustments int    // adjustment entries
	Head        string // the chain head after the close
}

// Entry is one row of the ledger.
type Entry struct {
	Seq      int64
	Batch    int64
	Kind     Kind
	Invoice  rules.Month // the invoice month it is posted to
	Service  rules.Month // the service month of the credit
	Lot      []string
	KPI      string
	Level    string
	Credit   decimal.Decimal
	EarnBack decimal.Decimal
	Reason   string
	Actor    string // the approver, or who opened or ended a dispute
	Role     string // the approver's role
	Hashes   Hashes // what produced the entry
	Prior    Hashes // an adjustment's: what produced the figure it adjusts
	At       time.Time
	Prev     string // the previous entry's hash
	Hash     string
}

// Net is the entry's credit plus its earn-back.
func (e Entry) Net() decimal.Decimal { return e.Credit.Add(e.EarnBack) }

// Role is a role that may waive credits, and the most it may waive in total
// on one credit.
type Role struct {
	Name  string
	Limit decimal.Decimal
}

// Approver is a person who may waive credits in a role.
type Approver struct {
	Name string
	Role string
}

// Authority is the delegated budgetary authority: who may waive credits, and
// how much.
type Authority struct {
	Roles     []Role
	Approvers []Approver
}

// Waiver waives part or all of one credit.
type Waiver struct {
	Month    rules.Month // the service month
	Lot      []string
	KPI      string
	Amount   decimal.Decimal // > 0
	Reason   string
	Approver string
	At       time.Time // the current time when zero
}

// DisputeAction is a step of a dispute.
type DisputeAction string

// The steps of a dispute.
const (
	DisputeOpen  DisputeAction = "open"
	DisputeAgree DisputeAction = "agree" // the credit stands
	DisputeWaive DisputeAction = "waive" // settled: an amount is waived
)

// Dispute is one step of a dispute about one credit.
type Dispute struct {
	Action DisputeAction
	Month  rules.Month
	Lot    []string
	KPI    string
	Reason string
	By     string          // who opens or ends it; for waive, an approver
	Amount decimal.Decimal // waive: the amount settled; zero for the rest of the credit
	At     time.Time       // the current time when zero
}

// DisputeState is where a credit's dispute stands.
type DisputeState string

// The dispute states.
const (
	NoDispute      DisputeState = ""
	DisputeOpened  DisputeState = "open"
	DisputeAgreed  DisputeState = "agreed"
	DisputeSettled DisputeState = "waived"
)

// Balance is what the ledger holds for one credit.
type Balance struct {
	Month    rules.Month
	Lot      []string
	KPI      string
	Level    string          // the latest level recorded
	Credit   decimal.Decimal // credit and adjustment entries' credits
	EarnBack decimal.Decimal // credit and adjustment entries' earn-backs
	Waived   decimal.Decimal // waived and settled, >= 0
	Dispute  DisputeState
	Hashes   Hashes // of the latest credit or adjustment entry
}

// Report is what Verify checked.
type Report struct {
	Entries int
	Batches int
	Closed  []rules.Month
	Head    string
}

// lotText is a lot's JSON array, the form stored in the lot column.
func lotText(lot []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(lot) // a []string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
