package limits_test

import (
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/stretchr/testify/require"
)

func TestQuote(t *testing.T) {
	sixty := strings.Repeat("ab", 30)
	cases := []struct{ name, in, want string }{
		{"empty", "", `""`},
		{"short", "North", `"North"`},
		{"escapes", "a\"b\nc\x00", `"a\"b\nc\x00"`},
		{"exactly the limit", sixty, `"` + sixty + `"`},
		{"one over", sixty + "c", `"` + sixty[:30] + `"…"` + (sixty + "c")[31:] + `"`},
		{"huge", "x" + strings.Repeat("y", 1<<20) + "z", `"x` + strings.Repeat("y", 29) + `"…"` + strings.Repeat("y", 29) + `z"`},
		{"runes count as characters", strings.Repeat("é", 61), `"` + strings.Repeat("é", 30) + `"…"` + strings.Repeat("é", 30) + `"`},
		{"invalid bytes count one each", strings.Repeat("\xff", 61), `"` + strings.Repeat(`\xff`, 30) + `"…"` + strings.Repeat(`\xff`, 30) + `"`},
		{"a line break stays escaped", strings.Repeat("a\n", 40), `"` + strings.Repeat(`a\n`, 15) + `"…"` + strings.Repeat(`a\n`, 15) + `"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := limits.Quote(tc.in)
			require.Equal(t, tc.want, got)
			require.NotContains(t, got, "\n")
		})
	}
}

func TestName(t *testing.T) {
	long := strings.Repeat("n", limits.MaxNameBytes)
	cases := []struct{ name, in, want string }{
		{"plain", "Acme / North West", "Acme / North West"},
		{"accents", "Île-de-France", "Île-de-France"},
		{"at the limit", long, long},
		{"over the limit", long + "n", limits.Quote(long + "n")},
		{"line break", "a\nb", `"a\nb"`},
		{"byte order mark", "\ufeffAcme", `"\ufeffAcme"`},
		{"direction override", "a\u202eb", `"a\u202eb"`},
		{"not UTF-8", "a\xe9", `"a\xe9"`},
		{"NUL", "\x00", `"\x00"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, limits.Name(tc.in))
		})
	}
}
