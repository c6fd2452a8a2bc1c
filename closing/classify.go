package closing

import (
	"strings"

	"github.com/kpicredit/kpicredit/ledger"
	"github.com/kpicredit/kpicredit/rules"
)

// ReasonWaiver is the reason of an adjustment made because a waiver took
// its amount out of the earn-back pool, so that a later month earns back
// less.
const ReasonWaiver ledger.Reason = "waiver"

// classifier names the reason of each adjustment of a close (see the
// package documentation).
type classifier struct {
	snap *ledger.Snapshot
	now  map[string]string            // the current manifest's hashes by role
	held map[string]map[string]string // earlier manifests by their hash; nil when unreadable
}

func newClassifier(s *ledger.Snapshot, manifest string) *classifier {
	now, _ := parseManifest(manifest)
	return &classifier{snap: s, now: now, held: map[string]map[string]string{}}
}

// manifest returns the manifest recorded under an inputs hash, or nil.
func (c *classifier) manifest(h string) map[string]string {
	if m, ok := c.held[h]; ok {
		return m
	}
	var m map[string]string
	if text, err := c.snap.Document(h); err == nil {
		m, _ = parseManifest(text)
	}
	c.held[h] = m
	return m
}

// reason names why a's figure changed.
func (c *classifier) reason(a ledger.Adjustment) ledger.Reason {
	excused := rules.Excused.String()
	switch {
	case a.Disputed:
		return ledger.ReasonDisputeOutcome
	case (a.HeldLevel == excused) != (a.Level == excused):
		return ledger.ReasonRelief
	}
	rulebook := a.HeldHashes.Rulebook != a.Hashes.Rulebook
	held := c.manifest(a.HeldHashes.Inputs)
	if held == nil {
		switch {
		case a.HeldHashes.Inputs != a.Hashes.Inputs:
			return ledger.ReasonDataCorrection
		case rulebook:
			return ledger.ReasonAmendment
		}
		return ledger.ReasonRecomputed
	}
	changed := func(role string) bool { return held[role] != c.now[role] }
	switch {
	case changed("data") || eventsChanged(held, c.now):
		return ledger.ReasonDataCorrection
	case changed("relief") || changed("exclusions"):
		return ledger.ReasonRelief
	case rulebook:
		return ledger.ReasonAmendment
	case changed("waived"):
		return ReasonWaiver
	}
	return ledger.ReasonRecomputed
}

// eventsChanged reports whether an event file was added, removed or
// changed between two manifests.
func eventsChanged(held, now map[string]string) bool {
	for _, m := range []map[string]string{held, now} {
		for role := range m {
			if strings.HasPrefix(role, "events:") && held[role] != now[role] {
				return true
			}
		}
	}
	return false
}
