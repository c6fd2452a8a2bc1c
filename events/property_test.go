package events_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/events"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/require"
)

// randomEvent is a repair of the test rulebook drawn at random around
// April to June 2025, with clock changes, bank holidays, stops and open
// jobs among them.
type randomEvent struct {
	id, region, priority string
	start, end           time.Time // end zero: open
	stopFrom, stopTo     time.Time // zero: none
	cost                 int
}

func drawEvents(rng *rand.Rand, n int) []randomEvent {
	first := time.Date(2025, 3, 20, 0, 0, 0, 0, sla.London())
	out := make([]randomEvent, n)
	for i := range out {
		e := randomEvent{id: fmt.Sprintf("E%d", i), region: []string{"North", "Scotland"}[rng.IntN(2)],
			priority: []string{"urgent", "emergency", "routine"}[rng.IntN(3)], cost: rng.IntN(100)}
		e.start = first.Add(time.Duration(rng.IntN(110*24*60)) * time.Minute)
		if rng.IntN(8) != 0 {
			e.end = e.start.Add(time.Duration(rng.IntN(14*24*60)) * time.Minute)
		}
		if rng.IntN(5) == 0 {
			e.stopFrom = e.start.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
			e.stopTo = e.stopFrom.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
		}
		out[i] = e
	}
	return out
}

// csvOf writes events as the test rulebook's repairs file, times in RFC
// 3339 so that none is ambiguous.
func csvOf(evs []randomEvent) string {
	var b strings.Builder
	b.WriteString(header)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for _, e := range evs {
		fmt.Fprintf(&b, "%s,Acme,%s,%s,%s,%s,%s,%s,%d\n", e.id, e.region, e.priority, ts(e.start), ts(e.end),
			ts(e.stopFrom), ts(e.stopTo), e.cost)
	}
	return b.String()
}

// values returns every field's value for every lot-month, as numbers.
func values(t *testing.T, p *events.Program, opt events.Options, evs []randomEvent) map[string]float64 {
	t.Helper()
	r, err := run(t, p, opt, map[string]string{"repairs": csvOf(evs)})
	require.NoError(t, err)
	out := map[string]float64{}
	for _, lot := range lots {
		for m := april; m <= june; m++ {
			for _, f := range p.Rules().Fields[1:] {
				v, ok := r.Value(lot, m, f.Name)
				require.True(t, ok)
				out[fmt.Sprint(lot, m, f.Name)] = v.InexactFloat64()
			}
		}
	}
	return out
}

// Excluding events never increases a count or a sum (costs are never
// negative).
func TestPropertyExclusionsNeverIncrease(t *testing.T) {
	p := program(t, book)
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		evs := drawEvents(rng, 300)
		before := values(t, p, options(), evs)
		var ex strings.Builder
		ex.WriteString("source,event_id,reason\n")
		for _, e := range evs {
			if rng.IntN(4) == 0 {
				fmt.Fprintf(&ex, "repairs,%s,property test\n", e.id)
			}
		}
		opt := options()
		opt.Exclusions = exclusions(t, p, ex.String())
		after := values(t, p, opt, evs)
		for k, v := range after {
			if strings.Contains(k, "mean") || strings.Contains(k, "max") {
				continue
			}
			require.LessOrEqual(t, v, before[k], "seed %d: %s", seed, k)
		}
	}
}

// A later end never turns a failure into a met: delaying jobs' ends never
// raises a count of jobs fixed in time, nor lowers one of jobs late
// (each counts in its deadline month, which the end does not move).
func TestPropertyLaterEndNeverMeets(t *testing.T) {
	p := program(t, book)
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 11))
		evs := drawEvents(rng, 300)
		before := values(t, p, options(), evs)
		for i := range evs {
			if !evs[i].end.IsZero() && rng.IntN(2) == 0 {
				evs[i].end = evs[i].end.Add(time.Duration(1+rng.IntN(5*24*60)) * time.Minute)
			}
		}
		after := values(t, p, options(), evs)
		for _, lot := range lots {
			for m := april; m <= june; m++ {
				for _, f := range []string{"urgent_fixed", "emergency_fixed"} {
					k := fmt.Sprint(lot, m, f)
					require.LessOrEqual(t, after[k], before[k], "seed %d: %s", seed, k)
				}
				k := fmt.Sprint(lot, m, "urgent_late")
				require.GreaterOrEqual(t, after[k], before[k], "seed %d: %s", seed, k)
				for _, f := range []string{"urgent_jobs", "emergency_jobs"} {
					k := fmt.Sprint(lot, m, f)
					require.Equal(t, before[k], after[k], "seed %d: %s", seed, k)
				}
			}
		}
	}
}
