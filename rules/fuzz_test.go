package rules_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
)

// FuzzParse feeds the loader arbitrary documents: it must never panic, and
// it either returns a rulebook or a *ValidationError whose problems all
// carry the file name.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/basic.yaml", "../examples/aasc/rules.yaml"} {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, tc := range validationCases {
		f.Add(tc.src)
	}
	f.Add("a: &x [*x]\n")
	f.Add("kpis: &k\n  - *k\n")
	f.Fuzz(func(t *testing.T, src string) {
		rb, err := rules.Parse("f.yaml", strings.NewReader(src))
		if err == nil {
			if rb == nil || len(rb.KPIs) == 0 {
				t.Fatalf("no error and no KPIs for %q", src)
			}
			return
		}
		var ve *rules.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("error is not a *ValidationError with problems: %v", err)
		}
		for _, p := range ve.Problems {
			if p.Pos.File != "f.yaml" {
				t.Fatalf("problem without the file: %v", p)
			}
		}
	})
}
