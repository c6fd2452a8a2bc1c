package input_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/rules"
)

// FuzzReadCSV feeds the data reader arbitrary files: it never panics, and
// it returns either a dataset whose every lot has every month and whose
// text is UTF-8, or a *rules.Problem.
func FuzzReadCSV(f *testing.F) {
	seed, err := os.ReadFile("../testdata/small/small.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add(header + "A,North,2025-01,1.00,1,1,1\n")
	f.Add(header + "A,\"North\nx\",2025-01,1.00,1,1,-1.5\r\n")
	f.Add("\xEF\xBB\xBF" + header)
	f.Add(header + "A,North,2025-01,1.00,1,1,1\n\xEF\xBB\xBFA,North,2025-02,1.00,1,1,1\n")
	f.Add(header + "\"A\nB\",North,2025-01,1.00,1,1,1\n")
	f.Add(header + "A,No\x00rth,2025-01,1.00,1,1,1\n")
	rb := small(f)
	f.Fuzz(func(t *testing.T, src string) {
		ds, err := input.ReadCSV(rb, "f.csv", strings.NewReader(src))
		if rejected(t, err) {
			return
		}
		for _, lot := range ds.Lots {
			if len(lot.Rows) != ds.Months() {
				t.Fatalf("lot %s has %d rows for %d months", lot.Name(), len(lot.Rows), ds.Months())
			}
			if !utf8.ValidString(lot.Name()) {
				t.Fatalf("lot %q is not UTF-8", lot.Name())
			}
			for _, row := range lot.Rows {
				for _, v := range row.Values {
					if s, ok := v.(string); ok && !utf8.ValidString(s) {
						t.Fatalf("value %q is not UTF-8", s)
					}
				}
			}
		}
	})
}

// FuzzReadRelief feeds the relief reader arbitrary files for the small
// data set: it never panics, and it returns either a *rules.Problem or
// entries whose reasons are non-empty UTF-8 text, which the outputs carry.
func FuzzReadRelief(f *testing.F) {
	seed, err := os.ReadFile("../testdata/small/relief.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add("kpi,provider,region,month,reason\r\nK1,Acme,North,2025-01,storm\r\n*,Acme,North,2025-02,\"fire, \"\"big\"\"\"\r\n")
	f.Add("\xEF\xBB\xBFprovider,region,month,kpi,reason\nAcme,North,2025-01,*,r\xe9\n")
	rb := small(f)
	ds, err := input.LoadData(rb, "../testdata/small/small.csv")
	if err != nil {
		f.Fatal(err)
	}
	ids := []string{"*"}
	for _, k := range rb.KPIs {
		ids = append(ids, k.ID)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rt, err := input.ReadRelief(ds, ids[1:], "f.csv", strings.NewReader(src))
		if rejected(t, err) {
			return
		}
		for _, lot := range ds.Lots {
			for m := ds.First; m <= ds.Last; m++ {
				relief := rt.Lookup(lot.Keys, m)
				for _, id := range ids {
					if relief == nil {
						continue
					}
					if r, ok := relief(id); ok && (r == "" || !utf8.ValidString(r)) {
						t.Fatalf("relief %s %s %s has reason %q", lot.Name(), m, id, r)
					}
				}
			}
		}
	})
}

// rejected reports whether a reader rejected its input, failing the test
// unless it did so with a *rules.Problem.
func rejected(t *testing.T, err error) bool {
	var ie *rules.Problem
	if err != nil && !errors.As(err, &ie) {
		t.Fatalf("not a *rules.Problem: %v", err)
	}
	return err != nil
}
