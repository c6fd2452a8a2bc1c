package same_test

import (
	"testing"

	"github.com/kpicredit/kpicredit/internal/same"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

type inner struct {
	Amount decimal.Decimal
	KPI    *rules.KPI
}

type outer struct {
	Name   string
	Parts  []inner
	ByID   map[string]int
	Note   string
	Bonus  *inner
	hidden int
}

func TestDiff(t *testing.T) {
	k1, k2 := &rules.KPI{ID: "K"}, &rules.KPI{ID: "K"}
	base := func() outer {
		return outer{Name: "a", Parts: []inner{{decimal.RequireFromString("1.50"), k1}}, ByID: map[string]int{"x": 1},
			Bonus: &inner{Amount: decimal.New(2, 0)}, hidden: 1}
	}
	for _, tc := range []struct {
		name   string
		change func(*outer)
		want   string
		skip   []string
	}{
		{"the same", func(*outer) {}, "", nil},
		{"unexported fields are not compared", func(o *outer) { o.hidden = 2 }, "", nil},
		{"a decimal's exponent", func(o *outer) { o.Parts[0].Amount = decimal.RequireFromString("1.5") },
			".Parts[0].Amount: 1.5 (exponent -2) and 1.5 (exponent -1)", nil},
		{"a rulebook's part by identity", func(o *outer) { o.Parts[0].KPI = k2 },
			".Parts[0].KPI: pointers to different parts of the rulebook", nil},
		{"a pointer's target", func(o *outer) { o.Bonus = &inner{Amount: decimal.New(3, 0)} },
			".Bonus.Amount: 2 (exponent 0) and 3 (exponent 0)", nil},
		{"a nil pointer", func(o *outer) { o.Bonus = nil }, ".Bonus: one pointer is nil", nil},
		{"a map's entry", func(o *outer) { o.ByID = map[string]int{"y": 1} }, ".ByID[x]: missing", nil},
		{"a slice's length", func(o *outer) { o.Parts = nil }, ".Parts: 1 and 0 elements", nil},
		{"a string", func(o *outer) { o.Note = "n" }, ".Note:  and n", nil},
		{"a skipped field", func(o *outer) { o.Note = "n" }, "", []string{"Note"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base(), base()
			tc.change(&b)
			require.Equal(t, tc.want, same.Diff(a, b, tc.skip...))
		})
	}
}
