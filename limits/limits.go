// Package limits holds, in one place, every limit kpicredit puts on its
// inputs, and the helpers that show input text in messages.
//
// Every input is read within these limits, so that memory stays bounded
// whatever a file holds: an input beyond one is rejected as invalid input
// (exit status 2) with a message naming its file, its line or row and its
// column, and no more of it is read. The README's Limits section gives the
// peak memory they allow.
package limits

// Rulebook and scenario files (YAML).
const (
	// MaxYAMLBytes is the largest rulebook or scenario file, in bytes. The
	// YAML parser takes about 250 bytes of memory per byte of a file of
	// tiny values, so this bounds a file's parse at about 300 MB.
	MaxYAMLBytes = 1 << 20
	// MaxYAMLDepth bounds how deeply mappings and lists nest; a rulebook
	// needs about 8.
	MaxYAMLDepth = 32
	// MaxSweepValues bounds the scenarios one sweep may expand to.
	MaxSweepValues = 10_000
	// MaxScenarios bounds the scenarios of a rulebook, sweeps expanded, so
	// that a short file cannot ask for a run of unbounded time and memory.
	MaxScenarios = 10_000
	// MaxAmendments bounds a rulebook's amendments: each is a set of terms
	// read and checked on its own, and each scenario's terms are built
	// again from them.
	MaxAmendments = 200
	// MaxTerms bounds the sets of terms the scenarios need: each scenario,
	// sweeps expanded, needs one from its from month and one more from
	// each amendment in force from a later month.
	MaxTerms = 20_000
	// MaxTriggerMonths bounds the trailing window a trigger counts over
	// and how long a bonus point is kept: ten years.
	MaxTriggerMonths = 120
	// MaxKPIs bounds a rulebook's list of KPIs, and a scenario's or
	// amendment's list of KPIs to add: the credit curves price each KPI in
	// a lot of every KPI, in time that grows with their square.
	MaxKPIs = 500
	// MaxEscalation bounds a KPI's escalation multipliers: one a month of
	// a failure streak over ten years (longer streaks take the last), as
	// every scenario and sweep member holds its KPIs' lists.
	MaxEscalation = 120
)

// Expressions in a rulebook, so that a hostile one cannot exhaust the
// compiler or make evaluation slow.
const (
	MaxExprChars     = 2000 // characters of one expression
	MaxExprNodes     = 500  // nodes of its syntax tree
	MaxExprDepth     = 32   // brackets nested inside one another
	MaxLiteralDigits = 40   // digits and decimal exponent of a number literal
)

// Data and relief files (CSV and Parquet). The data is held in memory
// whole, at about 100 bytes a value, so MaxCells bounds it at about 1 GB
// plus its text.
const (
	// MaxFileBytes is the largest data or relief file, as stored.
	MaxFileBytes = 256 << 20
	// MaxRows bounds the data rows of a data file (one a lot and month:
	// 16,000 lots over 10 years), and the entries of a relief file.
	MaxRows = 2_000_000
	// MaxCells bounds a data file's rows times its columns.
	MaxCells = 10_000_000
	// MaxColumns bounds the columns of a file.
	MaxColumns = 1024
	// MaxRowBytes bounds one row of a CSV file, line breaks inside quoted
	// values included.
	MaxRowBytes = 1 << 20
	// MaxCellBytes bounds one value: a number, a text field, a reason.
	MaxCellBytes = 4 << 10
	// MaxNameBytes bounds a column's name, a key value (a lot's name is
	// its key values) and an id (of a KPI, service area or scenario).
	MaxNameBytes = 256
	// MaxPathBytes bounds a file's path a rulebook names (an event
	// source's default file).
	MaxPathBytes = 4096
	// MaxDigits bounds the digits of a number in a data file.
	MaxDigits = 30
)

// Parquet data files, besides the limits above: what is decompressed and
// decoded is checked against these before parquet-go reads it.
const (
	// MaxFooterBytes bounds the file's metadata (its footer), as stored.
	MaxFooterBytes = 16 << 20
	// MaxFooterMemory bounds the memory the metadata takes once decoded,
	// counting each structure listed in it at its size in memory.
	MaxFooterMemory = 128 << 20
	// MaxPageBytes bounds one page, decompressed, and the values it
	// decodes to.
	MaxPageBytes = 32 << 20
	// MaxParquetBytes bounds all the pages of a file, decompressed.
	MaxParquetBytes = 512 << 20
)

// MaxQuoted is how many characters of an input's text a message quotes.
const MaxQuoted = 60

// Event files (package events): the providers' job records, read as a
// stream, so that their size costs time, not memory. What memory holds
// grows only with these counts: 12 bytes of a hash of each event id of
// the source being read (to find duplicates; about 20 bytes each with the
// hash table, which is outside the Go heap), each stop read from a stop
// file (about 100 bytes) and each exclusion.
const (
	// MaxEventFileBytes is the largest event or stop file, as stored.
	MaxEventFileBytes = 16 << 30
	// MaxEvents bounds the events of one run, every source together:
	// about 400 MB of id hashes at the limit.
	MaxEvents = 20_000_000
	// MaxEventBytes bounds a Parquet event file decompressed, all its
	// pages together.
	MaxEventBytes = 64 << 30
	// MaxStops bounds the stops read from stop files (held in memory
	// until their events are read).
	MaxStops = 2_000_000
	// MaxExclusions bounds the entries of an exclusions file.
	MaxExclusions = 1_000_000
)
