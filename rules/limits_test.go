package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/stretchr/testify/require"
)

// valid is a whole valid rulebook.
const valid = head + "kpis:\n  - {id: K1, measure: a, target: 1, credit: {fixed: {minor: 1}}}\n"

// Text a rulebook may not hold, nesting too deep, tags and values too long
// are each one problem, placed at their line and column, and a message
// quotes at most a short part of a long value.
func TestYAMLLimits(t *testing.T) {
	long := strings.Repeat("x", 1000)
	cases := []struct{ name, src, want string }{
		{"NUL", "contract: X\ncurrency: \x00GBP\n",
			"r.yaml:2:11: a control character (U+0000): the file must be plain text"},
		{"NUL on the first line", "\x00", "r.yaml:1:1: a control character (U+0000): the file must be plain text"},
		{"escape", "contract: X\x1b[31m\n", "r.yaml:1:12: a control character (U+001B): the file must be plain text"},
		{"DEL", "contract: X\x7f\n", "r.yaml:1:12: a control character (U+007F): the file must be plain text"},
		{"C1 control", "contract: \u0085X\n", "r.yaml:1:11: a control character (U+0085): the file must be plain text"},
		{"byte order mark inside", "contract: X\n\ufeffcurrency: GBP\n",
			"r.yaml:2:1: a byte order mark (U+FEFF) after the start of the file"},
		{"not UTF-8 after a multi-byte character", "contract: é\xff\n", "r.yaml:1:12: the file is not valid UTF-8 text"},
		{"too large", "contract: " + strings.Repeat("x", limits.MaxYAMLBytes),
			"r.yaml:1:1048577: the file is larger than 1048576 bytes (1 MiB)"},
		{"too large on a later line", "a: b\n" + strings.Repeat("c", limits.MaxYAMLBytes),
			"r.yaml:2:1048572: the file is larger than 1048576 bytes (1 MiB)"},
		{"nested too deep", "keys: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n",
			"r.yaml:1:38: mappings and lists nest more than 32 deep"},
		{"nested too deep in blocks", "keys:\n" + strings.Repeat("- ", 40) + "x\n",
			"r.yaml:2:63: mappings and lists nest more than 32 deep"},
		{"nested beyond the parser's bound", "keys: " + strings.Repeat("[", 10001),
			"r.yaml:1: invalid YAML: mappings and lists nest more than 32 deep"},
		{"nested beyond the parser's bound on line 3", "contract: X\ncurrency: GBP\nkeys: " + strings.Repeat("[", 10001),
			"r.yaml:3: invalid YAML: mappings and lists nest more than 32 deep"},
		{"python tag", "contract: !!python/object:os.system {x: 1}\n",
			"r.yaml:1:11: the tag !!python/object:os.system is not accepted: write values without YAML tags (quote a value to make it text)"},
		{"local tag", "contract: X\ncurrency: !money GBP\n",
			"r.yaml:2:11: the tag !money is not accepted: write values without YAML tags (quote a value to make it text)"},
		{"standard tag", "contract: !!str 12\n",
			"r.yaml:1:11: the tag !!str is not accepted: write values without YAML tags (quote a value to make it text)"},
		{"tag on a key", "!!str contract: X\n",
			"r.yaml:1:1: the tag !!str is not accepted: write values without YAML tags (quote a value to make it text)"},
		{"long tag", "contract: !" + long + " X\n",
			`r.yaml:1:11: the tag "!xxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" is not accepted: write values without YAML tags (quote a value to make it text)`},
		{"escaped control character", strings.Replace(valid, "contract: X", `contract: "X\x01"`, 1),
			"r.yaml:1:11: contract: must not hold control characters, but holds U+0001"},
		{"id with a line break", strings.Replace(valid, "id: K1", `id: "K\n1"`, 1),
			`r.yaml:8:10: "K\n1.id": an id must be one line of at most 256 bytes without control or formatting characters`},
		{"long id", strings.Replace(valid, "id: K1", "id: "+long, 1),
			`r.yaml:8:10: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…"xxxxxxxxxxxxxxxxxxxxxxxxxxx.id": an id must be one line of at most 256 bytes without control or formatting characters`},
		{"long unknown key", valid + long + ": 1\n",
			`r.yaml:9:1: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": unknown key (expected one of: contract, currency, minor_units, rounding, keys, charge, point_value, start, end, fields, kpis, caps, earn_back, service_areas, triggers, bonus, escalation_across_relief, amendments, scenarios, invoice_lag, invoice_party, authority, opening, events)`},
		{"long column name", strings.Replace(valid, "a: int", long+": int", 1),
			`r.yaml:6:25: "fields.xxxxxxxxxxxxxxxxxxxxxxx"…"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": column name is longer than 256 bytes`},
		{"too many digits", strings.Replace(valid, "target: 1", "target: 1"+strings.Repeat("0", 45), 1),
			`r.yaml:8:34: K1.target: must be a number of at most 40 digits and places, not "1000000000000000000000000000000000000000000000"`},
		{"too many places", strings.Replace(valid, "target: 1", "target: 0."+strings.Repeat("0", 40)+"1", 1),
			`r.yaml:8:34: K1.target: must be a number of at most 40 digits and places, not "0.00000000000000000000000000000000000000001"`},
		{"an exponent", strings.Replace(valid, "target: 1", "target: 1.0e300", 1),
			`r.yaml:8:34: K1.target: must be a number of at most 40 digits and places, not "1.0e300"`},
		{"long number", strings.Replace(valid, "target: 1", "target: 1"+strings.Repeat("0", 1000)+"x", 1),
			`r.yaml:8:34: K1.target: must be a number, not "100000000000000000000000000000"…"00000000000000000000000000000x"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.Parse("r.yaml", strings.NewReader(tc.src), nil)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			require.Equal(t, tc.want, err.Error())
		})
	}
}

// A byte order mark starts a file, and the non-specific tag ! is plain
// YAML: neither is a problem.
func TestYAMLAccepted(t *testing.T) {
	for _, src := range []string{"\ufeff" + valid, strings.Replace(valid, "target: 1", "target: ! 1", 1)} {
		_, err := rules.Parse("r.yaml", strings.NewReader(src), nil)
		require.NoError(t, err)
	}
}

// The same checks apply to a scenario file.
func TestScenarioFileLimits(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(valid), nil)
	require.NoError(t, err)
	err = rb.ReadScenarios("s.yaml", strings.NewReader("id: s\nkpis: !!map {K1: {target: 2}}\n"))
	require.EqualError(t, err, "s.yaml:2:7: the tag !!map is not accepted: write values without YAML tags (quote a value to make it text)")
}
