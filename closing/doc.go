// Package closing is the month-end close as a library, the one the
// kpicredit command's close, ledger, waive, dispute and statement commands
// are a shell over: a service calls it the same way.
//
//   - [Close] closes a month of a contract into its ledger: it prices every
//     closed month and the month to close from the current inputs
//     (runner.Run), and the ledger records the month's credits and posts
//     each difference for an earlier month as an adjustment, with its
//     reason and the hashes of the inputs and rulebook before and now.
//   - [Waive] and [Dispute] record a waiver or a dispute step under the
//     authority of the rulebook the ledger's last close recorded.
//   - [Statement] and [Statements] build the statements of an invoice month
//     per invoice party; [Show], [Verify] and [Export] list, check and
//     export a ledger.
//
// # What a close records of its inputs
//
// A close stores in the ledger the rulebook's text and a manifest of its
// other inputs; the entries carry their SHA-256 (ledger.Hashes). The
// manifest is UTF-8 text:
//
//	kpicredit inputs v1
//	data <SHA-256 of the data file>
//	relief <SHA-256 of the relief file>       (when there is one)
//	events:NAME <SHA-256 of the event file>   (per event source and stop file, by name)
//	exclusions <SHA-256 of the exclusions>    (when there is one)
//	waived <SHA-256 of the waivers' list>     (when anything is waived)
//
// The waivers' list has a line per credit with something waived, in
// ledger order: service month, the lot as a JSON array, KPI and the total
// waived, separated by tabs. Waivers are an input because they take what
// they waive out of the earn-back pool (runner.Job.Waived): a waiver can
// change a later month's earn-back.
//
// # Why an adjustment is posted
//
// An adjustment's reason is decided from what changed between the close
// that recorded the figure held and this one, the first rule that applies
// winning:
//
//  1. dispute outcome: a dispute step was recorded for the credit since
//     its figure was;
//  2. relief: the credit's level went to or from excused;
//  3. data correction: the data file's hash differs, or an event file's;
//  4. relief: the relief file's hash differs, or the exclusions file's;
//  5. retrospective amendment: the rulebook's hash differs;
//  6. waiver: the waivers' list differs (an earn-back refund recomputed
//     after a waiver);
//  7. recomputed: nothing recorded differs (a new version of kpicredit).
//
// When several inputs changed at once the first that did is named: the
// data before the rulebook, since a rulebook is edited for reasons that
// change no figure (a new approver, a comment). A ledger whose held figure
// has no manifest (written by another program) names data correction when
// the inputs' hash differs, else retrospective amendment when the
// rulebook's does.
//
// # The invariant
//
// After every close, for each closed service month, the ledger's entries
// sum to the computation of that close (the current inputs, with the
// waivers recorded by then) less the waivers and settlements recorded;
// a waiver recorded since the last close is in the entries at once, and
// what it changes of a later earn-back is posted by the next close.
//
// It depends on runner (loading and pricing), ledger (recording),
// statement (rendering), rules and money; nothing below it depends on it.
package closing
