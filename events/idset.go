package events

// idSet is a set of hashes of event ids, to find duplicates, in about 14
// bytes an id. Of an id's 128-bit hash it keeps 104 bits: the low 8 bits
// of the first word pick one of 256 tables, which each grow on their own
// (so that growing never holds two copies of the whole set); the second
// word, whose low bits pick a bucket, and 32 more bits of the first make
// the key. Two of 20 million ids share those 104 bits with a chance of one
// in 10^17. A bucket holds five keys in one 64-byte cache line, and a key
// whose bucket is full goes to the next with room, so that adding an id
// mostly costs one read of memory; a table grows when it is 85% full.
//
// Ids wait in a buffer per table, and go in 64 at a time: the table, some
// 1/256 of the set, then stays in the processor's caches while they do, so
// that a set far larger than the caches costs little more than a small
// one. A duplicate is thus found a little after it is read, and reported
// as the first duplicate among those waiting (see flush).
type idSet struct {
	tables [256]idTable
	wait   [256][]waitingID
}

// waitingID is an id waiting to go into its table, with where it was read.
type waitingID struct {
	key  idKey
	line int64
	id   string
}

// waitFor is how many ids wait for a table before they go in.
const waitFor = 64

// idKey is a key; the zero key marks no key, and an id whose key would be
// zero gets 1.
type idKey [3]uint32

// idBucket is five keys and how many are set: 64 bytes.
type idBucket struct {
	keys [5]idKey
	n    uint32
}

type idTable struct {
	buckets []idBucket
	mapped  bool // outside the heap: see newBuckets
	n       int
	sink    uint32 // what touch read, so that the reads are not dropped
}

// add adds the hash h of an event's id, read at line. If a table's turn
// to take its waiting ids finds a duplicate, add returns the line and id
// of the first duplicate waiting in any table; else 0.
func (s *idSet) add(h [2]uint64, line int64, id string) (int64, string) {
	k := idKey{uint32(h[1]), uint32(h[1] >> 32), uint32(h[0] >> 8)}
	if k == (idKey{}) {
		k[2] = 1
	}
	i := h[0] & 255
	s.wait[i] = append(s.wait[i], waitingID{k, line, id})
	if len(s.wait[i]) < waitFor {
		return 0, ""
	}
	if dup := s.tables[i].take(&s.wait[i]); dup != nil {
		first := *dup
		if line, id := s.flush(); line > 0 && line < first.line {
			return line, id
		}
		return first.line, first.id
	}
	return 0, ""
}

// flush puts every waiting id into its table and returns the line and id
// of the first duplicate among them; 0 for none.
func (s *idSet) flush() (int64, string) {
	var first *waitingID
	for i := range s.wait {
		if dup := s.tables[i].take(&s.wait[i]); dup != nil && (first == nil || dup.line < first.line) {
			v := *dup
			first = &v
		}
	}
	if first == nil {
		return 0, ""
	}
	return first.line, first.id
}

// take puts the waiting ids into the table and empties the wait; it
// returns the first that is a duplicate, if any.
func (t *idTable) take(wait *[]waitingID) *waitingID {
	var dup *waitingID
	t.touch(*wait)
	for j := range *wait {
		w := &(*wait)[j]
		if (t.n+1)*20 > len(t.buckets)*5*17 {
			t.grow()
		}
		if t.insert(w.key) {
			t.n++
		} else if dup == nil {
			v := *w
			dup = &v
		}
	}
	clear(*wait)
	*wait = (*wait)[:0]
	return dup
}

// insert puts k into the table, which has room, unless it is there.
func (t *idTable) insert(k idKey) bool {
	mask := uint32(len(t.buckets) - 1)
	for i := k[0] & mask; ; i = (i + 1) & mask {
		b := &t.buckets[i]
		for _, x := range b.keys[:b.n] {
			if x == k {
				return false
			}
		}
		if b.n < uint32(len(b.keys)) {
			b.keys[b.n] = k
			b.n++
			return true
		}
	}
}

// touch reads the bucket of each waiting id, once the table has room for
// them all: the reads do not depend on one another, so the processor
// fetches their cache lines at once, where the inserts that follow, one
// after another, would each wait for memory in turn.
func (t *idTable) touch(wait []waitingID) {
	for (t.n+len(wait))*20 > len(t.buckets)*5*17 {
		t.grow()
	}
	mask := uint32(len(t.buckets) - 1)
	var n uint32
	for i := range wait {
		n += t.buckets[wait[i].key[0]&mask].n
	}
	t.sink = n
}

// grow doubles the table (from 64 buckets).
func (t *idTable) grow() {
	old, mapped := t.buckets, t.mapped
	t.buckets, t.mapped = newBuckets(max(64, 2*len(old)))
	for i := range old {
		for _, k := range old[i].keys[:old[i].n] {
			t.insert(k)
		}
	}
	if mapped {
		freeBuckets(old)
	}
}

// free returns the set's memory; the set is then empty.
func (s *idSet) free() {
	for i := range s.tables {
		t := &s.tables[i]
		if t.mapped {
			freeBuckets(t.buckets)
		}
		*t = idTable{}
		s.wait[i] = nil
	}
}
