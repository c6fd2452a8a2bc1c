package input

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
)

// ReliefTable holds the relief entries of a run: lot-months excused for
// one KPI or all of them ("*"), each with its reason.
type ReliefTable struct {
	entries map[reliefKey]string
}

type reliefKey struct {
	lot   string // key values joined by NUL
	month rules.Month
	kpi   string // a KPI id or "*"
}

// Lookup returns the relief for a lot's month as a function saying
// whether a KPI is excused and why (an engine.Relief); nil when none
// applies.
func (t *ReliefTable) Lookup(keys []string, m rules.Month) func(kpiID string) (reason string, ok bool) {
	if t == nil || len(t.entries) == 0 {
		return nil
	}
	lot := strings.Join(keys, "\x00")
	return func(id string) (string, bool) {
		if r, ok := t.entries[reliefKey{lot, m, id}]; ok {
			return r, true
		}
		r, ok := t.entries[reliefKey{lot, m, "*"}]
		return r, ok
	}
}

// Len is the number of entries.
func (t *ReliefTable) Len() int {
	if t == nil {
		return 0
	}
	return len(t.entries)
}

// ReadRelief reads a relief CSV (the key columns, month, kpi, reason) for
// the data's lots and months; kpiIDs lists the KPI ids any scenario knows.
func ReadRelief(ds *Dataset, kpiIDs []string, name string, r io.Reader) (*ReliefTable, error) {
	rr := &reliefReader{ds: ds, kpiIDs: kpiIDs, name: name, lots: map[string]bool{},
		want:  append(slices.Clone(ds.Rules.Keys), rules.MonthColumn, "kpi", "reason"),
		table: &ReliefTable{entries: map[reliefKey]string{}}, lines: map[reliefKey]int{}}
	for _, l := range ds.Lots {
		rr.lots[strings.Join(l.Keys, "\x00")] = true
	}
	err := readCSV(name, r, func(line int, cells []string) error {
		if rr.idx == nil {
			idx, err := matchHeader(name, line, false, cells, rr.want, nil)
			if err != nil {
				return err
			}
			rr.idx = idx
			return nil
		}
		return rr.row(line, cells)
	})
	if err != nil {
		return nil, err
	}
	if rr.idx == nil {
		return nil, place(name, 0, 0, "", false, "the file is empty; it needs a header row")
	}
	return rr.table, nil
}

// reliefReader checks relief rows against the data and files them.
type reliefReader struct {
	ds     *Dataset
	kpiIDs []string
	name   string
	want   []string        // the columns, keys first
	idx    []int           // where each wanted column is in the file
	lots   map[string]bool // the data's lots, keys joined by NUL
	table  *ReliefTable
	lines  map[reliefKey]int // where each entry was read
}

func (rr *reliefReader) fail(line, col int, column, format string, args ...any) error {
	return place(rr.name, line, col, column, false, fmt.Sprintf(format, args...))
}

func (rr *reliefReader) row(line int, cells []string) error {
	if len(cells) != len(rr.want) {
		return rr.fail(line, 0, "", "the row has %d values; the header has %d columns", len(cells), len(rr.want))
	}
	get := func(i int) string { return strings.TrimSpace(cells[rr.idx[i]]) }
	for i, w := range rr.want {
		if msg := cellText(get(i), i != len(rr.want)-1); msg != "" {
			return rr.fail(line, rr.idx[i]+1, w, "%s", msg)
		}
	}
	n := len(rr.ds.Rules.Keys)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = get(i)
	}
	lot := strings.Join(keys, "\x00")
	if !rr.lots[lot] {
		return rr.fail(line, rr.idx[0]+1, "", "lot %s is not in the data", limits.Name(strings.Join(keys, " / ")))
	}
	m, err := rules.ParseMonth(get(n))
	if err != nil {
		return rr.fail(line, rr.idx[n]+1, rules.MonthColumn, "%v", err)
	}
	if ds := rr.ds; m < ds.First || m > ds.Last {
		return rr.fail(line, rr.idx[n]+1, rules.MonthColumn, "%s is outside the data (%s to %s)", m, ds.First, ds.Last)
	}
	id := get(n + 1)
	if id != "*" && !slices.Contains(rr.kpiIDs, id) {
		return rr.fail(line, rr.idx[n+1]+1, "kpi", "unknown KPI %s (use a KPI id or * for all)", limits.Quote(id))
	}
	k := reliefKey{lot, m, id}
	if first, dup := rr.lines[k]; dup {
		return rr.fail(line, 0, "", "repeats the relief of line %d", first)
	}
	rr.lines[k], rr.table.entries[k] = line, get(n+2)
	return nil
}
