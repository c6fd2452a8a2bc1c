package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// closeArgs closes a month of the example into a ledger.
func closeArgs(ledger, month string) []string {
	return []string{"close", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath, "--ledger", ledger, "--month", month}
}

const northWest = "provider=Meridian Support,region=North West"

// The README's monthly routine: close, review, waive, statement, export;
// then a dispute, a verification, and the next month's close.
func TestMonthlyRoutine(t *testing.T) {
	dir := t.TempDir()
	l := filepath.Join(dir, "ledger.db")
	code, stdout, stderr := kpicredit(closeArgs(l, "2025-01")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, l+": closed 2025-01 into invoice 2025-01 (ledger created)\n  105 credits: £191,891.77, earn-back £0.00\n")

	code, stdout, stderr = kpicredit("ledger", "--ledger", l, "show")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^  46 +credit +2025-01 +Meridian Support / North West +KPI-01 +minor +20540\.65 +0\.00$`, stdout)
	assert.Contains(t, stdout, "and 92 zero credits")

	code, stdout, stderr = kpicredit("waive", "--ledger", l, "--lot", northWest, "--month", "2025-01", "--kpi", "KPI-01",
		"--amount", "1200.00", "--reason", "Agreed at the performance meeting", "--approver", "Priya Shah")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, l+": entry 106, Waiver: Meridian Support / North West 2025-01, KPI-01: -£1,200.00 by Priya Shah (contract_manager), into invoice 2025-02\n")

	code, _, stderr = kpicredit(closeArgs(l, "2025-02")...)
	require.Equal(t, 0, code, stderr)
	out := filepath.Join(dir, "statement")
	code, stdout, stderr = kpicredit("statement", "--ledger", l, "--provider", "Meridian Support", "--month", "2025-02", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "provider Meridian Support, invoice 2025-02: 2 lots, deduction £")
	assert.FileExists(t, filepath.Join(out, "statement.html"))
	assert.FileExists(t, filepath.Join(out, "statement.xlsx"))

	code, stdout, stderr = kpicredit("ledger", "--ledger", l, "export", "--out", filepath.Join(dir, "export"))
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `^`+regexp.QuoteMeta(filepath.Join(dir, "export", "ledger.parquet"))+`: 211 entries; chain head [0-9a-f]{64}\n$`, stdout)

	for _, step := range [][]string{
		{"dispute", "open", "--ledger", l, "--lot", northWest, "--month", "2025-02", "--kpi", "KPI-02", "--reason", "counts", "--by", "Meridian Support"},
		{"dispute", "--ledger", l, "waive", "--lot", northWest, "--month", "2025-02", "--kpi", "KPI-02", "--reason", "settled", "--by", "Tom Okafor", "--amount", "5000"},
	} {
		code, stdout, stderr = kpicredit(step...)
		require.Equal(t, 0, code, stderr)
	}
	assert.Contains(t, stdout, "Dispute settled: waived: Meridian Support / North West 2025-02, KPI-02: -£5,000.00 by Tom Okafor (commercial_director), into invoice 2025-03")
	code, stdout, stderr = kpicredit("ledger", "verify", "--ledger", l)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `: 213 entries in 5 batches, closed 2025-01 to 2025-02; chain head [0-9a-f]{64}: verified\n$`, stdout)
}

// Every request the close commands cannot do as asked exits 2 with one
// line naming what is wrong, and leaves the ledger file as it was.
func TestCloseCommandsBadInput(t *testing.T) {
	dir := t.TempDir()
	l := filepath.Join(dir, "ledger.db")
	code, _, stderr := kpicredit(closeArgs(l, "2025-01")...)
	require.Equal(t, 0, code, stderr)
	notLedger := filepath.Join(dir, "notes.db")
	require.NoError(t, os.WriteFile(notLedger, []byte(strings.Repeat("minutes of the meeting\n", 50)), 0o644))
	waive := func(lot, kpi, amount, approver string) []string {
		return []string{"waive", "--ledger", l, "--lot", lot, "--month", "2025-01", "--kpi", kpi, "--amount", amount,
			"--reason", "agreed", "--approver", approver}
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"a month already closed", closeArgs(l, "2025-01"), "2025-01: month already closed (the last closed month is 2025-01)"},
		{"a month out of order", closeArgs(l, "2025-03"), "cannot close 2025-03: month out of order (the next month to close is 2025-02)"},
		{"a month with no data", closeArgs(l, "2026-09"), "cannot close 2026-09: the data (" + dataPath + ") has no month 2026-09; it runs from 2024-09 to 2026-08"},
		{"a waiver larger than the credit", waive(northWest, "KPI-03", "10270.33", "Tom Okafor"),
			"waiver exceeds the credit: 10270.33 waived in total, the credit is 10270.32"},
		{"a waiver beyond the approver's authority", waive(northWest, "KPI-01", "10000.01", "Priya Shah"),
			"beyond delegated authority: Priya Shah (contract_manager) may waive 10000 in total on one credit; this would make 10000.01"},
		{"an approver without a role", waive(northWest, "KPI-01", "1", "Sam Jones"),
			`not an approver: "Sam Jones" has no role in the authority of the rulebook recorded by the close of 2025-01`},
		{"an unknown lot", waive("provider=Meridian Support,region=Wales", "KPI-01", "1", "Priya Shah"),
			"no such credit in the ledger: no lot provider=Meridian Support,region=Wales in 2025-01 (lots: "},
		{"an unknown KPI", waive(northWest, "KPI-16", "1", "Priya Shah"),
			`no such credit in the ledger: no KPI "KPI-16" for lot provider=Meridian Support,region=North West in 2025-01`},
		{"a lot without every key", waive("provider=Meridian Support", "KPI-01", "1", "Priya Shah"),
			"lot must name every key column (provider, region); region missing"},
		{"a dispute agreed before it is open", []string{"dispute", "agree", "--ledger", l, "--lot", northWest, "--month", "2025-01",
			"--kpi", "KPI-01", "--reason", "x", "--by", "Priya Shah"}, `dispute step out of order: no dispute is open (state "")`},
		{"a statement for nobody", []string{"statement", "--ledger", l, "--provider", "Nobody", "--month", "2025-01", "--out", filepath.Join(dir, "s")},
			`no entries for provider "Nobody" in invoice month 2025-01 (providers: Harbour Living, Meridian Support, Northgate Housing)`},
		{"a file that is not a ledger: close", closeArgs(notLedger, "2025-01"), notLedger + ": not a kpicredit ledger"},
		{"a file that is not a ledger: show", []string{"ledger", "--ledger", notLedger, "show"}, notLedger + ": not a kpicredit ledger"},
		{"no ledger", []string{"ledger", "--ledger", filepath.Join(dir, "none.db"), "verify"}, "none.db: no such ledger (the first close creates it)"},
		{"no month", []string{"close", "--rules", rulesPath, "--data", dataPath, "--ledger", l}, "--month is required"},
		{"a bad month", closeArgs(l, "2025-13"), `--month: month "2025-13" is not YYYY-MM`},
		{"a bad amount", waive(northWest, "KPI-01", "twelve", "Priya Shah"), `--amount "twelve" is not a positive amount such as 1200.00`},
		{"a negative amount", waive(northWest, "KPI-01", "-5", "Priya Shah"), `--amount "-5" is not a positive amount such as 1200.00`},
		{"no subcommand", []string{"ledger", "--ledger", l}, "expected a subcommand: show, verify, export"},
		{"an unknown subcommand", []string{"dispute", "close", "--ledger", l}, `unknown subcommand "close" (expected open, agree, waive)`},
		{"export without --out", []string{"ledger", "--ledger", l, "export"}, "export: --out is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := os.ReadFile(l)
			require.NoError(t, err)
			code, stdout, stderr := kpicredit(tc.args...)
			assert.Equal(t, exitInvalid, code, stderr)
			assert.Contains(t, stderr, tc.stderr)
			assert.Empty(t, stdout)
			if !strings.Contains(stderr, "usage:") {
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %s", stderr)
			}
			after, err := os.ReadFile(l)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the ledger is as it was")
		})
	}
	assert.NoDirExists(t, filepath.Join(dir, "s"))
}

// While another close, waiver or dispute holds the ledger's write lock, a
// close or a waiver fails at once with exit 1, "ledger busy", and writes
// nothing; readers are not held up.
func TestLedgerBusy(t *testing.T) {
	dir := t.TempDir()
	l := filepath.Join(dir, "ledger.db")
	code, _, stderr := kpicredit(closeArgs(l, "2025-01")...)
	require.Equal(t, 0, code, stderr)
	before, err := os.ReadFile(l)
	require.NoError(t, err)

	db, err := sql.Open("sqlite", "file:"+l)
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec("BEGIN IMMEDIATE") // what a close holds while it computes
	require.NoError(t, err)

	code, _, stderr = kpicredit(closeArgs(l, "2025-02")...)
	assert.Equal(t, exitFailed, code)
	assert.Regexp(t, `^kpicredit: .*ledger\.db: ledger busy`, stderr)
	code, _, stderr = kpicredit("waive", "--ledger", l, "--lot", northWest, "--month", "2025-01", "--kpi", "KPI-01",
		"--amount", "1", "--reason", "x", "--approver", "Priya Shah")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "ledger busy")
	code, _, stderr = kpicredit("ledger", "--ledger", l, "show")
	assert.Equal(t, 0, code, "a reader goes on: %s", stderr)

	_, err = db.Exec("ROLLBACK")
	require.NoError(t, err)
	after, err := os.ReadFile(l)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	code, _, stderr = kpicredit(closeArgs(l, "2025-02")...)
	assert.Equal(t, 0, code, stderr)
}

// Closes of the same month started at once as processes of their own: one
// succeeds; each other fails, with exit 1 (busy) while the first is
// closing or exit 2 (already closed) once it has; the ledger holds one
// close and verifies.
func TestConcurrentCloses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	l := filepath.Join(t.TempDir(), "ledger.db")
	code, _, stderr := kpicredit(closeArgs(l, "2025-01")...)
	require.Equal(t, 0, code, stderr)
	var cmdArgs []string
	for _, a := range closeArgs(l, "2025-02") {
		require.NotContains(t, a, " ", "startKpicredit splits its arguments at spaces")
		cmdArgs = append(cmdArgs, a)
	}
	stderrs := make([]bytes.Buffer, 4)
	cmds := make([]*exec.Cmd, len(stderrs))
	for i := range cmds {
		cmds[i] = startKpicredit(t, &stderrs[i], cmdArgs...)
	}
	codes := map[int]int{}
	for i, cmd := range cmds {
		c := exitCode(t, cmd)
		codes[c]++
		switch c {
		case 0:
		case exitFailed:
			assert.Contains(t, stderrs[i].String(), "ledger busy")
		case exitInvalid:
			assert.Contains(t, stderrs[i].String(), "2025-02: month already closed")
		default:
			t.Errorf("exit %d: %s", c, stderrs[i].String())
		}
	}
	assert.Equal(t, 1, codes[0], "one close succeeds: %v", codes)
	code, stdout, stderr := kpicredit("ledger", "--ledger", l, "verify")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "210 entries in 2 batches, closed 2025-01 to 2025-02")
}

// A ledger of a newer schema is refused with exit 1 (a newer kpicredit
// wrote it); one edited with an outside tool fails verification with exit
// 1, naming the entry.
func TestLedgerRefusedOrTampered(t *testing.T) {
	dir := t.TempDir()
	l := filepath.Join(dir, "ledger.db")
	code, _, stderr := kpicredit(closeArgs(l, "2025-01")...)
	require.Equal(t, 0, code, stderr)
	raw := func(stmt string) {
		db, err := sql.Open("sqlite", "file:"+l)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec(stmt)
		require.NoError(t, err)
	}
	raw("DROP TRIGGER entries_no_update; UPDATE entries SET credit = '0.00' WHERE seq = 46")
	code, stdout, stderr := kpicredit("ledger", "--ledger", l, "verify")
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "ledger fails verification")
	assert.Contains(t, stderr, "entry 46: contents do not match its hash")
	assert.Contains(t, stderr, "trigger entries_no_update is missing")

	raw(fmt.Sprintf("PRAGMA user_version = %d", 3))
	code, _, stderr = kpicredit(closeArgs(l, "2025-02")...)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "ledger schema version 3 is newer than 2, the newest this program reads")
}

// shellWords splits a command line as the shell does for the README's
// commands: words separated by spaces, double quotes grouping.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	quoted, in := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// The README's monthly routine runs as written, in a directory of its own:
// each of its five commands succeeds.
func TestReadmeMonthlyRoutine(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(b), "\n## The monthly routine\n")
	require.True(t, ok)
	_, block, ok := strings.Cut(section, "```sh\n")
	require.True(t, ok)
	block, _, _ = strings.Cut(block, "```")
	dir := t.TempDir()
	var commands [][]string
	for _, line := range strings.Split(strings.ReplaceAll(block, "\\\n", " "), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words := shellWords(line)
		require.Equal(t, "kpicredit", words[0])
		for i, w := range words {
			switch {
			case strings.HasPrefix(w, "examples/"):
				words[i] = "../../" + w
			case i > 0 && (words[i-1] == "--ledger" || words[i-1] == "--out"):
				words[i] = filepath.Join(dir, w)
			}
		}
		commands = append(commands, words[1:])
	}
	require.Len(t, commands, 5, "five commands")
	for _, c := range commands {
		code, stdout, stderr := kpicredit(c...)
		require.Equal(t, 0, code, "%v: %s", c, stderr)
		require.NotEmpty(t, stdout)
	}
	assert.FileExists(t, filepath.Join(dir, "statements", "2025-03", "statement.xlsx"))
	assert.FileExists(t, filepath.Join(dir, "warehouse", "ledger.parquet"))
}
