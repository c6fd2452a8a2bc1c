package runner

import (
	"fmt"
	"io"
	"slices"
	"strings"

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

// Lookup returns the relief for a lot's month as a Relief function; nil
// when none applies.
func (t *ReliefTable) Lookup(keys []string, m rules.Month) Relief {
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
	rb := ds.Rules
	want := append(slices.Clone(rb.Keys), "month", "kpi", "reason")
	lots := map[string]bool{}
	for _, l := range ds.Lots {
		lots[strings.Join(l.Keys, "\x00")] = true
	}
	t := &ReliefTable{entries: map[reliefKey]string{}}
	lines := map[reliefKey]int{}
	var idx []int // column of each wanted name
	fail := func(line, col int, column, format string, args ...any) error {
		return &InputError{File: name, Row: line, Col: col, Column: column, Msg: fmt.Sprintf(format, args...)}
	}
	err := readCSV(name, r, func(line int, cells []string) error {
		if idx == nil {
			var err error
			idx, err = reliefHeader(name, line, cells, want)
			return err
		}
		if len(cells) != len(want) {
			return fail(line, 0, "", "the row has %d values; the header has %d columns", len(cells), len(want))
		}
		get := func(i int) string { return strings.TrimSpace(cells[idx[i]]) }
		for i, w := range want {
			if get(i) == "" {
				return fail(line, idx[i]+1, w, "missing value")
			}
		}
		n := len(rb.Keys)
		keys := make([]string, n)
		for i := range keys {
			keys[i] = get(i)
		}
		lot := strings.Join(keys, "\x00")
		if !lots[lot] {
			return fail(line, idx[0]+1, "", "lot %s is not in the data", strings.Join(keys, " / "))
		}
		m, err := rules.ParseMonth(get(n))
		if err != nil {
			return fail(line, idx[n]+1, "month", "%v", err)
		}
		if m < ds.First || m > ds.Last {
			return fail(line, idx[n]+1, "month", "%s is outside the data (%s to %s)", m, ds.First, ds.Last)
		}
		id := get(n + 1)
		if id != "*" && !slices.Contains(kpiIDs, id) {
			return fail(line, idx[n+1]+1, "kpi", "unknown KPI %q (use a KPI id or * for all)", id)
		}
		k := reliefKey{lot, m, id}
		if first, dup := lines[k]; dup {
			return fail(line, 0, "", "repeats the relief of line %d", first)
		}
		lines[k], t.entries[k] = line, get(n+2)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if idx == nil {
		return nil, &InputError{File: name, Msg: "the file is empty; it needs a header row"}
	}
	return t, nil
}

// reliefHeader finds each wanted column, rejecting unknown and missing ones.
func reliefHeader(name string, line int, cells, want []string) ([]int, error) {
	idx := make([]int, len(want))
	for i := range idx {
		idx[i] = -1
	}
	for c, raw := range cells {
		h := strings.TrimSpace(raw)
		i := slices.Index(want, h)
		switch {
		case i < 0:
			return nil, &InputError{File: name, Row: line, Col: c + 1, Column: h,
				Msg: fmt.Sprintf("unknown column (expected: %s)", strings.Join(want, ", "))}
		case idx[i] >= 0:
			return nil, &InputError{File: name, Row: line, Col: c + 1, Column: h, Msg: "the column is repeated"}
		}
		idx[i] = c
	}
	for i, w := range want {
		if idx[i] < 0 {
			return nil, &InputError{File: name, Row: line, Column: w, Msg: "missing column"}
		}
	}
	return idx, nil
}
