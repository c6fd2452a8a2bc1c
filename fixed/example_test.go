package fixed_test

import (
	"fmt"

	"github.com/kpicredit/kpicredit/fixed"
)

// A KPI's measure in fixed point: a share to 16 places, compared with a
// two-place target. A figure fixed point cannot hold is reported, and the
// caller works it out with shopspring's decimal instead.
func Example() {
	fixed24h, _ := fixed.FromInt(247)
	jobs, _ := fixed.FromInt(255)
	share, ok := fixed24h.Quo(jobs, 16)
	fmt.Println(share, ok)
	target, _ := fixed.Parse("0.98")
	fmt.Println(share.Cmp(target))

	nights, _ := fixed.FromInt(923)
	exits, _ := fixed.FromInt(1)
	if _, ok := nights.Quo(exits, 16); !ok { // 923 at 16 places is beyond int64
		fmt.Println(nights.Decimal().DivRound(exits.Decimal(), 16))
	}
	// Output:
	// 0.9686274509803922 true
	// -1
	// 923
}
