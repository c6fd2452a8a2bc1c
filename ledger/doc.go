// Package ledger keeps the month-end close: an append-only ledger of service
// credits in one SQLite file. It depends on rules (months) and internal/pq
// (its Parquet export); the engine does not depend on it, and package
// statement renders what it holds.
//
// The ledger does not compute credits. The caller runs the engine and hands
// [Ledger.CloseMonth] the current computation of every closed month and of
// the month to close ([Figures]); the ledger records the new month, posts
// the difference for earlier months as adjustments, and never changes what
// it has written. Waivers and disputes ([Ledger.Waive], [Ledger.Dispute]) are
// checked against a delegated [Authority] and recorded as entries too.
// [Ledger.Verify] recomputes the hash chain and every sum; [Ledger.Export]
// writes the entries to Parquet.
//
// # Storage
//
// The file is SQLite, opened through database/sql with modernc.org/sqlite: a
// translation of SQLite to pure Go, so the program needs no C toolchain and
// cross-compiles like the rest of the module; it is widely used, and SQLite's
// file format is readable by every SQLite tool a finance team may have. The
// journal is the rollback journal (journal_mode=DELETE), not WAL: between
// transactions the ledger is the one file, which can be copied as it is. A
// close that is killed leaves a hot journal beside the file; whoever opens
// the ledger next rolls it back, so the ledger is as it was before the close.
//
// Every write (a close, a waiver, a dispute step) is one transaction started
// with BEGIN IMMEDIATE while the busy timeout is 0, so a second writer on the
// same file — in this process or another — fails at once with [ErrBusy]
// instead of waiting. Readers wait up to five seconds for a commit to end.
//
// # Schema
//
// The file's application_id is [ApplicationID] and its user_version the
// schema version ([SchemaVersion]); a file with another application_id is
// refused with [ErrNotLedger], one with a newer version with a
// [*VersionError]. Older versions are migrated when opened, in the
// transaction that opens them. Schema 1:
//
//	meta     one row: contract, currency, minor_units, keys (a JSON array of
//	         the lot key column names), created_at, genesis (the hash the
//	         chain starts from)
//	batches  one row per write: id (1, 2, ...), kind (close, waiver,
//	         dispute), service_month, invoice_month, inputs_sha256,
//	         rules_sha256 (a close's; empty otherwise), recorded_at,
//	         first_seq, last_seq, entries (count), credit and earn_back
//	         (the sums of its entries), head (the hash of its last entry)
//	entries  one row per entry: seq (1, 2, ... without gaps), batch, kind,
//	         invoice_month, service_month, lot (a JSON array of the key
//	         values), kpi, level, credit, earn_back, reason, actor, role,
//	         inputs_sha256, rules_sha256, prior_inputs_sha256,
//	         prior_rules_sha256, recorded_at, prev_hash, hash
//
// Schema 2 adds
//
//	documents  one row per text a close's hashes are of: sha256 (the key),
//	           content. A close may hand its rulebook and a manifest of its
//	           inputs (Figures.Documents); each is stored once, and
//	           [Ledger.Document] reads it back by the hash an entry carries.
//
// Months are text YYYY-MM; money is text with exactly minor_units decimal
// places ("-12.50", "0.00"; never "-0.00"); times are RFC 3339 in UTC to
// the second. Triggers refuse UPDATE and DELETE on every table, and this
// package has no code that updates or deletes.
//
// # Canonical serialisation and the hash chain
//
// An entry's hash is the SHA-256, in lower-case hex, of its canonical
// serialisation: the line "kpicredit ledger entry v1\n" followed by one
// record per field, in this order:
//
//	seq batch prev_hash kind invoice_month service_month lot kpi level
//	credit earn_back reason actor role inputs_sha256 rules_sha256
//	prior_inputs_sha256 prior_rules_sha256 recorded_at
//
// A record is the field's name, "=", the byte length of its value in
// decimal, ":", the value, and "\n". A value is the column's text exactly as
// stored (seq and batch in decimal without leading zeros), in UTF-8. So the
// entry seq=1, kind=credit, ... serialises as
//
//	kpicredit ledger entry v1
//	seq=1:1
//	batch=1:1
//	prev_hash=64:3f0a...
//	kind=6:credit
//	...
//
// The first entry's prev_hash is the genesis hash: the SHA-256 of
// "kpicredit ledger meta v1\n" followed by records of contract, currency,
// minor_units, keys and created_at in that order, built the same way. Each
// later entry's prev_hash is the hash of the entry before it. The chain head
// is the hash of the last entry (the genesis hash while there is none);
// statements and exports print it, so a copy kept elsewhere anchors the
// ledger: [Ledger.Verify] checks that an anchor is a hash in the chain. A
// document is not chained: it is addressed by its SHA-256, which chained
// entries carry, and Verify recomputes it.
//
// # Entries
//
// A close of service month M writes, in invoice month M+lag, one credit
// entry per figure of M (zero figures included, so the ledger lists every
// lot and KPI), then one adjustment entry per earlier credit whose current
// figure differs from what the ledger holds, carrying the difference, the
// reason and both pairs of hashes. A waiver is an entry of -amount; a
// dispute is opened and then agreed (the credit stands) or waived (settled,
// an entry of -amount), each step an entry. Waivers and dispute steps go to
// the invoice month after the last close's. The invariant: for every
// service month, the entries sum to the current computation less the
// waivers and settlements recorded for it.
package ledger
