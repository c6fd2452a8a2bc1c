package runner_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
)

// FuzzReadCSV feeds the data reader arbitrary files: it never panics, and
// it returns either a dataset whose every lot has every month, or an
// *InputError.
func FuzzReadCSV(f *testing.F) {
	seed, err := os.ReadFile("testdata/small.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add(header + "A,North,2025-01,1.00,1,1,1\n")
	f.Add(header + "A,\"North\nx\",2025-01,1.00,1,1,-1.5\r\n")
	f.Add("\xEF\xBB\xBF" + header)
	rb := small(f)
	f.Fuzz(func(t *testing.T, src string) {
		ds, err := runner.ReadCSV(rb, "f.csv", strings.NewReader(src))
		if err != nil {
			var ie *runner.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("not an *InputError: %v", err)
			}
			return
		}
		for _, lot := range ds.Lots {
			if len(lot.Rows) != ds.Months() {
				t.Fatalf("lot %s has %d rows for %d months", lot.Name(), len(lot.Rows), ds.Months())
			}
		}
	})
}
