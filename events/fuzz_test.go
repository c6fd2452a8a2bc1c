package events_test

import (
	"bytes"
	"testing"

	"github.com/kpicredit/kpicredit/events"
)

// FuzzReadCSV reads arbitrary bytes as the test rulebook's repairs file:
// the reader never panics, rejects what it cannot read as invalid input,
// and what it accepts adds up (no lot-month has more jobs fixed in time
// than jobs).
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{worked, header, header + "U1,Acme,North,urgent,2025-03-30 01:30,,,,1\n",
		header + "U1,Acme,North,urgent,2025-05-23T16:55:00Z,2025-06-02T15:00:00+01:00,2025-05-28 00:00,,-1.5\n",
		"\ufeff" + header + "\"U1\",Acme,North,emergency,2025-10-26T01:30:00+01:00,2025-10-26 03:00,,,0\r\n"} {
		f.Add([]byte(s))
	}
	p := program(f, book)
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := options()
		opt.Sample = true
		opt.Explain = &events.ExplainRequest{Lot: north, Month: june}
		agg, err := p.NewAggregator(opt)
		if err != nil {
			t.Fatal(err)
		}
		err = agg.ReadCSV("repairs", "repairs.csv", bytes.NewReader(data))
		if err != nil {
			if !events.IsInvalidInput(err) {
				t.Fatalf("not invalid input: %v", err)
			}
			return
		}
		r, err := agg.Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, lot := range lots {
			for m := april; m <= june; m++ {
				jobs, _ := r.Value(lot, m, "urgent_jobs")
				fixed, _ := r.Value(lot, m, "urgent_fixed")
				late, _ := r.Value(lot, m, "urgent_late")
				if !fixed.Add(late).Equal(jobs) {
					t.Fatalf("%v %s: %s fixed + %s late != %s jobs", lot, m, fixed, late, jobs)
				}
			}
		}
	})
}
