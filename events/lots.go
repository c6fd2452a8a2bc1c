package events

import "strings"

// lotFinder finds a lot by its key values: each key column's value is
// numbered, and the numbers index a table of the lots, so that finding an
// event's lot hashes each short value once instead of the joined key.
type lotFinder struct {
	values  []map[string]int // by key column: value -> its number
	recent  []valueCache     // by key column: values found lately
	strides []int
	table   []int32        // by the values' numbers: the lot, or -1
	joined  map[string]int // instead of table when it would be large
}

// maxLotTable bounds the table: beyond, lots are found by their joined key.
const maxLotTable = 1 << 20

func newLotFinder(lots [][]string, keys int) *lotFinder {
	f := &lotFinder{values: make([]map[string]int, keys), strides: make([]int, keys), recent: make([]valueCache, keys)}
	for j := range f.values {
		f.values[j] = map[string]int{}
		for _, l := range lots {
			if _, ok := f.values[j][l[j]]; !ok {
				f.values[j][l[j]] = len(f.values[j])
			}
		}
	}
	size := 1
	for j := keys - 1; j >= 0; j-- {
		f.strides[j] = size
		if size *= len(f.values[j]); size > maxLotTable {
			f.joined = map[string]int{}
			for i, l := range lots {
				f.joined[strings.Join(l, "\x00")] = i
			}
			return f
		}
	}
	f.table = make([]int32, size)
	for i := range f.table {
		f.table[i] = -1
	}
	for i, l := range lots {
		f.table[f.slot(l)] = int32(i)
	}
	return f
}

// slot returns the table's index of key values all numbered.
func (f *lotFinder) slot(keys []string) int {
	n := 0
	for j, v := range keys {
		n += f.values[j][v] * f.strides[j]
	}
	return n
}

// find returns the lot of the key values in cells[cols[0]], ...; -1 for
// none. buf is scratch space.
func (f *lotFinder) find(cells []string, cols []int, buf []byte) int {
	if f.joined != nil {
		buf = buf[:0]
		for j, c := range cols {
			if j > 0 {
				buf = append(buf, 0)
			}
			buf = append(buf, cells[c]...)
		}
		if i, ok := f.joined[string(buf)]; ok {
			return i
		}
		return -1
	}
	n := 0
	for j, c := range cols {
		v, ok := f.recent[j].get(cells[c])
		if !ok {
			if v, ok = f.values[j][cells[c]]; !ok {
				return -1
			}
			f.recent[j].put(cells[c], v)
		}
		n += v * f.strides[j]
	}
	return int(f.table[n])
}

// valueCache remembers the numbers of values found lately, in a table by
// their length and end bytes: looking one up compares a string or two,
// where a map hashes it.
type valueCache [32]struct {
	s string
	n int
}

func slot(s string) int {
	if s == "" {
		return 0
	}
	return (len(s)*31 + int(s[0])*7 + int(s[len(s)-1])) & 31
}

func (c *valueCache) get(s string) (int, bool) {
	e := &c[slot(s)]
	return e.n, e.s == s && s != ""
}

func (c *valueCache) put(s string, n int) {
	c[slot(s)].s, c[slot(s)].n = s, n
}
