package events

import (
	"bytes"
	"container/heap"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The QA sample of a source's lot-month is the first k of its events (the
// events that started in the month, exclusions aside) in order of
// SHA-256(contract|YYYY-MM|source|event id), k = max(1, ceil(share x n))
// for n events. It depends on nothing but those, so every run on every
// machine draws the same events. The sampler keeps, for each lot-month,
// the 2k+16 events of smallest hash seen so far, k growing with the
// events seen, and checks at the end that no event it let go could have
// been among the first k.

// SampleRow is one event drawn for the QA sample.
type SampleRow struct {
	Source  string
	Lot     []string
	Month   rules.Month // the month the event started
	Rank    int         // its place in the lot-month's sample, from 1
	Size    int         // how many the lot-month's sample holds
	Events  int64       // of how many events the lot-month had
	ID      string
	File    string
	Row     int64 // the event's line (row, for Parquet) in File
	Parquet bool
	Start   time.Time
	End     time.Time // zero for an event still open
	Hash    [sha256.Size]byte
}

// sampler draws the QA sample as events stream past.
type sampler struct {
	p      *Program
	lots   int
	months int
	groups []sampleGroup // by (source*lots + lot)*months + month
	share  []float64     // by source, for the growing bound
	buf    []byte
	files  []string // the files the kept events come from
	parq   []bool   // and whether each is Parquet
}

// sampleGroup is one source's lot-month.
type sampleGroup struct {
	n       int64
	items   sampleHeap // the kept events, largest hash on top
	evicted bool
	water   [sha256.Size]byte // the smallest hash let go
}

// sampleItem is an event kept for the sample.
type sampleItem struct {
	hash       [sha256.Size]byte
	id         string // a copy, not a part of the file's text
	line       int64
	start, end int64 // Unix nanoseconds; end stillOpen for an open event
	file       int32 // index into sampler.files
}

// sampleHeap is a max-heap of kept events by hash (container/heap).
type sampleHeap []sampleItem

// Len, Less, Swap, Push and Pop make a sampleHeap a heap.Interface whose
// top is the largest hash.
func (h sampleHeap) Len() int { return len(h) }

// Less orders larger hashes first.
func (h sampleHeap) Less(i, j int) bool { return bytes.Compare(h[i].hash[:], h[j].hash[:]) > 0 }

// Swap swaps two events.
func (h sampleHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

// Push adds an event.
func (h *sampleHeap) Push(x any) { *h = append(*h, x.(sampleItem)) }

// Pop removes the last event.
func (h *sampleHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newSampler(p *Program, lots, months int) *sampler {
	s := &sampler{p: p, lots: lots, months: months, groups: make([]sampleGroup, len(p.sources)*lots*months)}
	for _, src := range p.sources {
		f, _ := src.spec.QAPercent.Float64()
		s.share = append(s.share, f/100)
	}
	return s
}

// add offers an event to its lot-month's sample.
func (s *sampler) add(st *state) {
	src := st.s
	mi := st.a.monthIndex(st.started)
	if mi < 0 {
		return
	}
	g := &s.groups[(src.index*s.lots+st.lot)*s.months+mi]
	g.n++
	h := st.sampleH
	if !st.hashed {
		h, s.buf = sampleHash(s.buf, s.p.rb.Contract, src.spec.Name, st.started, st.cells[src.id])
	}
	if len(g.items) >= keep(s.share[src.index], g.n) {
		if bytes.Compare(h[:], g.items[0].hash[:]) >= 0 {
			g.let(h)
			return
		}
		g.let(heap.Pop(&g.items).(sampleItem).hash)
	}
	it := sampleItem{hash: h, id: strings.Clone(st.cells[src.id]), line: st.line,
		start: st.times[src.start].UnixNano(), end: stillOpen, file: s.file(st.in)}
	if src.end >= 0 && st.has[src.end] {
		it.end = st.times[src.end].UnixNano()
	}
	heap.Push(&g.items, it)
}

// stillOpen is the end of an open event kept for the sample: no instant
// of the years an event file may hold.
const stillOpen = math.MinInt64

// keep returns how many events a lot-month's sample keeps once it has seen
// n: the k of n events, k = ceil(share x n), with a margin of 4 sqrt(k) +
// 16, which an event that will be among the first k at the end passes
// unless the events still to come are over eight standard deviations
// from what their hashes make likely.
func keep(share float64, n int64) int {
	k := max(1, math.Ceil(share*float64(n)))
	return int(k + 4*math.Sqrt(k) + 16)
}

// file returns the index of the input's file among the sampler's.
func (s *sampler) file(in *input) int32 {
	if n := len(s.files); n > 0 && s.files[n-1] == in.file {
		return int32(n - 1)
	}
	s.files, s.parq = append(s.files, in.file), append(s.parq, in.parquet)
	return int32(len(s.files) - 1)
}

// let records an event let go.
func (g *sampleGroup) let(h [sha256.Size]byte) {
	if !g.evicted || bytes.Compare(h[:], g.water[:]) < 0 {
		g.water, g.evicted = h, true
	}
}

// appendMonth appends YYYY-MM.
func appendMonth(b []byte, m rules.Month) []byte {
	y, n := m.Year(), m.Number()
	return append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+n/10), byte('0'+n%10))
}

// SampleSize returns how many of n events a sample of pct percent holds:
// max(1, ceil(pct/100 x n)), exactly; 0 for no events.
func SampleSize(n int64, pct decimal.Decimal) int64 {
	if n <= 0 {
		return 0
	}
	return max(1, decimal.NewFromInt(n).Mul(pct).Shift(-2).Ceil().IntPart())
}

// rows returns the drawn sample, by source, lot and month, each
// lot-month's events in order of hash.
func (s *sampler) rows(lots [][]string, first rules.Month) ([]SampleRow, error) {
	var out []SampleRow
	loc := s.p.ev.Location
	for i := range s.groups {
		g := &s.groups[i]
		if g.n == 0 {
			continue
		}
		src := s.p.sources[i/(s.lots*s.months)]
		lot, month := i/s.months%s.lots, first.Add(i%s.months)
		k := int(SampleSize(g.n, src.spec.QAPercent))
		items := slices.Clone(g.items)
		slices.SortFunc(items, func(a, b sampleItem) int { return bytes.Compare(a.hash[:], b.hash[:]) })
		if g.evicted && (len(items) < k || bytes.Compare(items[k-1].hash[:], g.water[:]) > 0) {
			return nil, fmt.Errorf("events: the QA sample of %s, %v, %s could not be drawn in one pass; please report this as a bug",
				src.spec.Name, lots[lot], month)
		}
		for r, it := range items[:k] {
			row := SampleRow{Source: src.spec.Name, Lot: lots[lot], Month: month, Rank: r + 1, Size: k,
				Events: g.n, ID: it.id, File: s.files[it.file], Row: it.line, Parquet: s.parq[it.file],
				Start: time.Unix(0, it.start).In(loc), Hash: it.hash}
			if it.end != stillOpen {
				row.End = time.Unix(0, it.end).In(loc)
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// WriteSampleCSV writes the QA sample as CSV (qa_sample.csv): source, the
// rulebook's key columns, month, rank, sample_size, events, event_id,
// file, line (the row, for a Parquet file), start and end (RFC 3339 in
// the contract's time zone; end empty for an event still open) and
// sha256, the hash that ordered the events.
func WriteSampleCSV(w io.Writer, rb *rules.Rulebook, rows []SampleRow) error {
	cw := csv.NewWriter(w)
	header := append([]string{"source"}, rb.Keys...)
	header = append(header, "month", "rank", "sample_size", "events", "event_id", "file", "line", "start", "end", "sha256")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		rec := append([]string{r.Source}, r.Lot...)
		end := ""
		if !r.End.IsZero() {
			end = r.End.Format(time.RFC3339Nano)
		}
		rec = append(rec, r.Month.String(), strconv.Itoa(r.Rank), strconv.Itoa(r.Size),
			strconv.FormatInt(r.Events, 10), r.ID, r.File, strconv.FormatInt(r.Row, 10),
			r.Start.Format(time.RFC3339Nano), end, fmt.Sprintf("%x", r.Hash))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
