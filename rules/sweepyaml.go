package rules

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// A sweep's members' documents differ only in the values the sweep sets
// (the value, and the bounds it shifts), so their YAML is one text with
// those values in place: a member's YAML is written from the text of the
// first member's terms cut around them, without encoding its document.
// The encoder writes a plain decimal such as 0.9001, tagged !!float and
// without comments, as its digits; whether it breaks a line in a flow
// mapping depends on the column, so values of one shape (see shape) are
// written into the text encoded with a placeholder of that shape. The
// text for a shape is checked once against a member encoded in full, and
// any value that is not such a plain decimal is encoded in full.

// plainDecimal matches the values written as their digits.
var plainDecimal = regexp.MustCompile(`^-?[0-9]+\.[0-9]+$`)

// splices holds the cut texts of a set of terms of a sweep's first
// member, by the shapes of the values (nil for a shape that is encoded
// in full). It is safe for concurrent use.
type splices struct {
	mu  sync.Mutex
	cut map[string]*cutText
}

// cutText is a document's YAML cut around its values: parts[0], the
// value order[0], parts[1], and so on.
type cutText struct {
	parts [][]byte
	order []int
}

// write writes the text with the values in place.
func (c *cutText) write(w io.Writer, values []string) error {
	for i, p := range c.parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
		if i < len(c.order) {
			if _, err := io.WriteString(w, values[c.order[i]]); err != nil {
				return err
			}
		}
	}
	return nil
}

// shape is a value with its digits replaced by 9s: values of one shape
// are written alike.
func shape(v string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '9'
		}
		return r
	}, v)
}

// values lists the member's values as its document holds them: the
// swept value, then the bounds it shifts; false when one is not a plain
// decimal that the encoder writes as its digits.
func (d *memberDoc) values() ([]string, bool) {
	v := d.value
	if v.Kind != yaml.ScalarNode || v.Tag != "!!float" || v.Style != 0 || v.Anchor != "" ||
		v.HeadComment != "" || v.LineComment != "" || v.FootComment != "" || !plainDecimal.MatchString(v.Value) {
		return nil, false
	}
	out := []string{v.Value}
	for _, b := range d.base.shiftedBounds(d.sweep, v) {
		if !plainDecimal.MatchString(b.value) {
			return nil, false
		}
		out = append(out, b.value)
	}
	return out, true
}

// writeYAML writes the member's document as yaml.Marshal writes it.
func (d *memberDoc) writeYAML(w io.Writer) error {
	if values, ok := d.values(); ok {
		if c := d.terms.splice.text(d, values); c != nil {
			return c.write(w, values)
		}
	}
	y, err := yaml.Marshal(d.root())
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}

// text returns the cut text for the shapes of values, making it the
// first time they are asked for; nil when members of these shapes are
// encoded in full.
func (s *splices) text(d *memberDoc, values []string) *cutText {
	shapes := make([]string, len(values))
	for i, v := range values {
		shapes[i] = shape(v)
	}
	key := strings.Join(shapes, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cut[key]; ok {
		return c
	}
	c := d.cutText(shapes)
	if c != nil && !c.matches(d, values) {
		c = nil
	}
	if s.cut == nil {
		s.cut = map[string]*cutText{}
	}
	s.cut[key] = c
	return c
}

// matches checks the cut text against the member encoded in full.
func (c *cutText) matches(d *memberDoc, values []string) bool {
	want, err := yaml.Marshal(d.root())
	if err != nil {
		return false
	}
	var got bytes.Buffer
	return c.write(&got, values) == nil && bytes.Equal(got.Bytes(), want)
}

// cutText encodes the member's document with placeholders of the shapes
// given for its values, and cuts it around them; nil when no placeholders
// tried occur once each in the text.
func (d *memberDoc) cutText(shapes []string) *cutText {
	for attempt := range 8 {
		ph := placeholders(shapes, attempt)
		leaf := *d.value
		leaf.Value = ph[0]
		var bounds []levelValue
		for i, b := range d.base.shiftedBounds(d.sweep, d.value) {
			bounds = append(bounds, levelValue{b.level, ph[i+1]})
		}
		y, err := yaml.Marshal(d.withOverride(d.sweep.override(&leaf, bounds)))
		if err != nil {
			return nil
		}
		if c := cutAt(y, ph); c != nil {
			return c
		}
	}
	return nil
}

// placeholders returns a value of each shape, its digits drawn from a
// sequence that the attempt seeds.
func placeholders(shapes []string, attempt int) []string {
	x := uint64(attempt)*0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D
	out := make([]string, len(shapes))
	for i, s := range shapes {
		out[i] = strings.Map(func(r rune) rune {
			if r != '9' {
				return r
			}
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			return rune('0' + x%10)
		}, s)
	}
	return out
}

// cutAt cuts text around the placeholders, each of which must occur once
// in it; nil when one does not.
func cutAt(text []byte, ph []string) *cutText {
	at := make([]int, len(ph))
	for i, p := range ph {
		if bytes.Count(text, []byte(p)) != 1 {
			return nil
		}
		at[i] = bytes.Index(text, []byte(p))
	}
	c := &cutText{}
	prev := 0
	for len(c.order) < len(ph) {
		next := -1
		for i := range ph {
			if at[i] >= prev && (next < 0 || at[i] < at[next]) {
				next = i
			}
		}
		if next < 0 {
			return nil // placeholders that overlap
		}
		c.parts = append(c.parts, text[prev:at[next]])
		c.order = append(c.order, next)
		prev = at[next] + len(ph[next])
	}
	c.parts = append(c.parts, text[prev:])
	return c
}
