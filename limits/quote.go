package limits

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Quote quotes text from an input for a message, as %q does, keeping at
// most MaxQuoted characters: of a longer text it keeps the first and the
// last MaxQuoted/2, quoted apart with "…" between them, so that a huge
// value is never echoed whole. Bytes that are not UTF-8 count as one
// character each. It reads only the characters it keeps.
func Quote(s string) string {
	head, n := 0, 0
	for head < len(s) && n <= MaxQuoted {
		_, size := utf8.DecodeRuneInString(s[head:])
		head += size
		n++
	}
	if n <= MaxQuoted {
		return strconv.Quote(s)
	}
	head, tail := 0, len(s)
	for range MaxQuoted / 2 {
		_, size := utf8.DecodeRuneInString(s[head:])
		head += size
		_, size = utf8.DecodeLastRuneInString(s[:tail])
		tail -= size
	}
	return strconv.Quote(s[:head]) + "…" + strconv.Quote(s[tail:])
}

// Name shows a name from an input in a message — a column's name, a lot's
// key values, an id — as it is when it is plain: UTF-8 text of at most
// MaxNameBytes bytes without control or formatting characters (such as a
// line break, a byte order mark or a change of writing direction). It
// quotes any other with Quote.
func Name(s string) string {
	if len(s) > MaxNameBytes || !utf8.ValidString(s) {
		return Quote(s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return Quote(s)
		}
	}
	return s
}
