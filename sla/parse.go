package sla

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The years a timestamp may fall in. ParseTime rejects others, and a
// Calendar answers for these years (and, so that deadlines past them can be
// found, for some decades after).
const (
	MinYear = 1900
	MaxYear = 2199
)

// Errors of ParseTime, wrapped in a *TimeError; test with errors.Is.
var (
	// ErrSyntax: the text is not a timestamp in one of the accepted forms,
	// or names no real date and time.
	ErrSyntax = errors.New("not a timestamp")
	// ErrRange: the timestamp is outside the years MinYear to MaxYear.
	ErrRange = errors.New("year out of range")
	// ErrNonexistent: a local time skipped when the clocks go forward.
	ErrNonexistent = errors.New("local time does not exist")
	// ErrAmbiguous: a local time that occurs twice when the clocks go back.
	ErrAmbiguous = errors.New("local time is ambiguous")
)

// A TimeError reports a timestamp that ParseTime cannot read.
type TimeError struct {
	Value string // the text as given
	Zone  string // the name of the time zone local times are read in
	Err   error  // ErrSyntax, ErrRange, ErrNonexistent or ErrAmbiguous
	// Earlier and Later are the two instants an ambiguous local time
	// names; zero otherwise.
	Earlier, Later time.Time
	reason         string // what is wrong, for ErrSyntax
}

// Error describes the problem and how to write the timestamp instead.
func (e *TimeError) Error() string {
	switch e.Err {
	case ErrNonexistent:
		return fmt.Sprintf("timestamp %q does not exist in %s (the clocks go forward over it); "+
			"write it with an explicit offset", e.Value, e.Zone)
	case ErrAmbiguous:
		return fmt.Sprintf("timestamp %q is ambiguous in %s (the clocks go back and it occurs "+
			"twice, as %s and %s); write it with an explicit offset", e.Value, e.Zone,
			e.Earlier.Format(time.RFC3339), e.Later.Format(time.RFC3339))
	case ErrRange:
		return fmt.Sprintf("timestamp %q is outside the years %d to %d", e.Value, MinYear, MaxYear)
	}
	return fmt.Sprintf("timestamp %q: %s; want RFC 3339 with an offset "+
		"(2025-03-30T09:15:00Z, 2025-03-30T10:15:00+01:00) or local time "+
		"YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS", e.Value, e.reason)
}

// Unwrap returns the error's kind: ErrSyntax, ErrRange, ErrNonexistent or
// ErrAmbiguous.
func (e *TimeError) Unwrap() error { return e.Err }

// ParseTime reads a timestamp. It accepts RFC 3339 with an offset
// ("2025-03-30T09:15:00Z", "2025-03-30T10:15:00.5+01:00"), or a local time
// in loc written "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS". A local time
// that does not exist in loc (skipped when the clocks go forward) or that
// is ambiguous (repeated when they go back) is an error: such an event
// time must carry an explicit offset. The result is in loc; a nil loc means
// Europe/London. Every error is a *TimeError.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = London()
	}
	fail := func(err error, reason string) (time.Time, error) {
		return time.Time{}, &TimeError{Value: s, Zone: loc.String(), Err: err, reason: reason}
	}
	if len(s) > 10 && s[10] == 'T' {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			if !strings.ContainsAny(s[11:], "Zz+-") {
				return fail(ErrSyntax, "an RFC 3339 timestamp needs an offset (Z or +hh:mm)")
			}
			return fail(ErrSyntax, "not RFC 3339")
		}
		t = t.In(loc)
		if y := t.Year(); y < MinYear || y > MaxYear {
			return fail(ErrRange, "")
		}
		return t, nil
	}
	wall, reason := parseLocal(s)
	if reason != "" {
		return fail(ErrSyntax, reason)
	}
	if y := dateOfDay(int(floorDiv64(wall, 86400))).Year; y < MinYear || y > MaxYear {
		return fail(ErrRange, "")
	}
	first, last, n := localInstant(loc, wall)
	switch n {
	case 0:
		return fail(ErrNonexistent, "")
	case 2:
		return time.Time{}, &TimeError{Value: s, Zone: loc.String(), Err: ErrAmbiguous,
			Earlier: time.Unix(first, 0).In(loc), Later: time.Unix(last, 0).In(loc)}
	}
	return time.Unix(first, 0).In(loc), nil
}

// parseLocal reads "YYYY-MM-DD HH:MM[:SS]" as wall-clock seconds since
// 1970-01-01 00:00, or says what is wrong with it.
func parseLocal(s string) (wall int64, reason string) {
	if len(s) != 16 && len(s) != 19 || s[10] != ' ' || s[13] != ':' || len(s) == 19 && s[16] != ':' {
		return 0, "unknown form"
	}
	date, err := ParseDate(s[:10])
	if err != nil {
		return 0, "no such date"
	}
	hh, ok1 := digits(s[11:13])
	mm, ok2 := digits(s[14:16])
	ss, ok3 := 0, true
	if len(s) == 19 {
		ss, ok3 = digits(s[17:19])
	}
	if !ok1 || !ok2 || !ok3 {
		return 0, "unknown form"
	}
	if hh > 23 || mm > 59 || ss > 59 {
		return 0, "no such time of day"
	}
	return int64(date.dayNumber())*86400 + int64(hh*3600+mm*60+ss), ""
}

// floorDiv64 returns a / b rounded toward minus infinity.
func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// offsetAt returns loc's offset from UTC, in seconds, at Unix second u.
func offsetAt(loc *time.Location, u int64) int64 {
	_, off := time.Unix(u, 0).In(loc).Zone()
	return int64(off)
}

// localInstant finds the instants (Unix seconds) at which the wall clock
// in loc reads wall (seconds since 1970-01-01 00:00 on the wall clock). n
// is how many there are: 1; 2 when the clocks go back over wall (first
// and last are then the earlier and the later); 0 when they go forward
// over it, and then first and last are the instant they go forward, the
// first instant whose wall time is later than wall. Zone transitions are
// assumed to be more than a day apart, as in every real zone.
func localInstant(loc *time.Location, wall int64) (first, last int64, n int) {
	guess := wall - offsetAt(loc, wall)
	zs, ze := time.Unix(guess, 0).In(loc).ZoneBounds()
	var bounds [2]int64
	nb := 0
	offs := [3]int64{offsetAt(loc, guess)}
	no := 1
	if !zs.IsZero() {
		bounds[nb], offs[no] = zs.Unix(), offsetAt(loc, zs.Unix()-1)
		nb, no = nb+1, no+1
	}
	if !ze.IsZero() {
		bounds[nb], offs[no] = ze.Unix(), offsetAt(loc, ze.Unix())
		nb, no = nb+1, no+1
	}
	for _, o := range offs[:no] {
		u := wall - o
		if offsetAt(loc, u) != o {
			continue
		}
		switch {
		case n == 0:
			first, last, n = u, u, 1
		case u < first:
			first, n = u, 2
		case u > last:
			last, n = u, 2
		}
	}
	if n > 0 {
		return first, last, n
	}
	for _, b := range bounds[:nb] {
		if wall >= b+offsetAt(loc, b-1) && wall < b+offsetAt(loc, b) {
			return b, b, 0
		}
	}
	panic(fmt.Sprintf("sla: no instant for wall time %d in %s", wall, loc))
}
