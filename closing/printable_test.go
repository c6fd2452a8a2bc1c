package closing

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A ledger's text is listed on one line, escaped where it holds what
// would garble a terminal or forge a line; plain text is as stored.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"the provider disputes the count": "the provider disputes the count",
		"Zoë Ng, café":                    "Zoë Ng, café",
		"x\r\x1b[2Jspoof":                 `x\r\x1b[2Jspoof`,
		"evil\x1b[0m\nline2":              `evil\x1b[0m\nline2`,
		"caf\xe9":                         `caf\xe9`,
		"abc\u202Edef":                    `abc\u202edef`,
		"a\u2028b":                        `a\u2028b`,
		"\ufeffbom":                       `\ufeffbom`,
		"\"quoted\" \\ back":              `"quoted" \ back`,
	} {
		require.Equal(t, want, printable(in), "%q", in)
	}
}
