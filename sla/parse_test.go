package sla_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want: the instant in RFC 3339, London
	}{
		{"2025-06-02 00:00", "2025-06-02T00:00:00+01:00"},
		{"2025-06-02 09:15:30", "2025-06-02T09:15:30+01:00"},
		{"2025-01-31 23:59:59", "2025-01-31T23:59:59Z"},
		{"2025-06-02T08:15:00Z", "2025-06-02T09:15:00+01:00"},
		{"2025-06-02T09:15:00.25+01:00", "2025-06-02T09:15:00.25+01:00"},
		// Around the March gap, 01:00-02:00 GMT on 30 March 2025.
		{"2025-03-30 00:59:59", "2025-03-30T00:59:59Z"},
		{"2025-03-30 02:00", "2025-03-30T02:00:00+01:00"},
		{"2025-03-30T01:30:00Z", "2025-03-30T02:30:00+01:00"},
		// Around the October repeat, 01:00-02:00 on 26 October 2025.
		{"2025-10-26 00:59:59", "2025-10-26T00:59:59+01:00"},
		{"2025-10-26 02:00", "2025-10-26T02:00:00Z"},
		{"2025-10-26T01:30:00+01:00", "2025-10-26T01:30:00+01:00"},
		{"2025-10-26T01:30:00+00:00", "2025-10-26T01:30:00Z"},
		{"1900-01-01 00:00", "1900-01-01T00:00:00Z"},
		{"2199-12-31 23:59:59", "2199-12-31T23:59:59Z"},
	} {
		got, err := sla.ParseTime(tc.in, sla.London())
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got.Format(time.RFC3339Nano), tc.in)
		assert.Equal(t, sla.London(), got.Location())
	}
}

func TestParseTimeErrors(t *testing.T) {
	form := "; want RFC 3339 with an offset (2025-03-30T09:15:00Z, 2025-03-30T10:15:00+01:00) " +
		"or local time YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS"
	for _, tc := range []struct {
		in   string
		kind error
		msg  string
	}{
		{"2025-03-30 01:30", sla.ErrNonexistent, `timestamp "2025-03-30 01:30" does not exist in ` +
			`Europe/London (the clocks go forward over it); write it with an explicit offset`},
		{"2025-03-30 01:00:00", sla.ErrNonexistent, ""},
		{"2025-03-30 01:59:59", sla.ErrNonexistent, ""},
		{"2025-10-26 01:30", sla.ErrAmbiguous, `timestamp "2025-10-26 01:30" is ambiguous in ` +
			`Europe/London (the clocks go back and it occurs twice, as 2025-10-26T01:30:00+01:00 and ` +
			`2025-10-26T01:30:00Z); write it with an explicit offset`},
		{"2025-10-26 01:00", sla.ErrAmbiguous, ""},
		{"2025-10-26 01:59:59", sla.ErrAmbiguous, ""},
		{"1899-12-31 23:59", sla.ErrRange, `timestamp "1899-12-31 23:59" is outside the years 1900 to 2199`},
		{"2200-01-01T00:00:00Z", sla.ErrRange, ""},
		{"0001-01-01T00:00:00Z", sla.ErrRange, ""},
		{"2025-02-29 10:00", sla.ErrSyntax, `timestamp "2025-02-29 10:00": no such date` + form},
		{"2025-01-01 24:00", sla.ErrSyntax, `timestamp "2025-01-01 24:00": no such time of day` + form},
		{"2025-01-01 10:60", sla.ErrSyntax, ""},
		{"2025-01-01 10:00:60", sla.ErrSyntax, ""},
		{"2025-01-01T10:00:00", sla.ErrSyntax,
			`timestamp "2025-01-01T10:00:00": an RFC 3339 timestamp needs an offset (Z or +hh:mm)` + form},
		{"2025-01-01T10:00", sla.ErrSyntax, ""},
		{"2025-01-01T10:00+01:00", sla.ErrSyntax, `timestamp "2025-01-01T10:00+01:00": not RFC 3339` + form},
		{"2025-01-01 10:00:00Z", sla.ErrSyntax, `timestamp "2025-01-01 10:00:00Z": unknown form` + form},
		{"2025-01-01 10:00:00.5", sla.ErrSyntax, ""},
		{"2025/01/01 10:00", sla.ErrSyntax, ""},
		{"2025-01-01 1:00", sla.ErrSyntax, ""},
		{"2025-01-01 +1:00", sla.ErrSyntax, ""},
		{"2025-01-01", sla.ErrSyntax, ""},
		{"", sla.ErrSyntax, ""},
	} {
		_, err := sla.ParseTime(tc.in, sla.London())
		require.Error(t, err, tc.in)
		assert.ErrorIs(t, err, tc.kind, tc.in)
		var te *sla.TimeError
		require.True(t, errors.As(err, &te), tc.in)
		assert.Equal(t, tc.in, te.Value)
		assert.Equal(t, "Europe/London", te.Zone)
		if tc.msg != "" {
			assert.EqualError(t, err, tc.msg)
		}
	}
}

func TestParseTimeNilLocation(t *testing.T) {
	got, err := sla.ParseTime("2025-06-02 09:00", nil)
	require.NoError(t, err)
	assert.Equal(t, "2025-06-02T09:00:00+01:00", got.Format(time.RFC3339))
	assert.Equal(t, sla.London(), got.Location())
}

// In a zone whose clocks went forward at midnight (São Paulo, 4 November
// 2018, 00:00 to 01:00), midnight does not exist and the day starts at
// 01:00.
func TestMidnightGap(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	_, err = sla.ParseTime("2018-11-04 00:30", sp)
	assert.ErrorIs(t, err, sla.ErrNonexistent)
	c, err := sla.NewCalendar(sla.Config{Nation: sla.EnglandAndWales, Location: sp})
	require.NoError(t, err)
	day := c.DayStart(sla.Date{Year: 2018, Month: 11, Day: 4})
	assert.Equal(t, "2018-11-04T01:00:00-02:00", day.Format(time.RFC3339))
	// Saturday 3 November + 1 day: Sunday 4, 23 hours long, ends Monday 00:00.
	clock := sla.Clock{Kind: sla.Days, Limit: sla.Day, Calendar: c}
	start, err := sla.ParseTime("2018-11-03 12:00", sp)
	require.NoError(t, err)
	assert.Equal(t, "2018-11-05T00:00:00-02:00", clock.Deadline(start, nil).Format(time.RFC3339))
	// A deadline at the start of the gapped day belongs to the day before.
	assert.Equal(t, "2018-11-03", c.DeadlineDate(day).String())
}

// FuzzParseTime: nothing panics; every error is a *TimeError of one of the
// four kinds; a time read back from its RFC 3339 form, or from its local
// form when that is unambiguous, is the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2025-06-02 09:15", "2025-06-02 09:15:30", "2025-06-02T08:15:00Z",
		"2025-06-02T09:15:00.123456789+01:00", "2025-03-30 01:30", "2025-10-26 01:30",
		"2025-02-29 10:00", "2025-01-01T10:00:00", "9999-12-31T23:59:59+23:59", "1900-01-01 00:00",
		"2025-13-01 00:00", "2025-01-01 23:59:59", "", "T", "2025-01-01T",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := sla.ParseTime(s, sla.London())
		if err != nil {
			var te *sla.TimeError
			if !errors.As(err, &te) || te.Value != s {
				t.Fatalf("%q: error %v is not a *TimeError for it", s, err)
			}
			for _, kind := range []error{sla.ErrSyntax, sla.ErrRange, sla.ErrNonexistent, sla.ErrAmbiguous} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("%q: error %v of no known kind", s, err)
		}
		if y := got.Year(); y < sla.MinYear || y > sla.MaxYear {
			t.Fatalf("%q: year %d accepted", s, y)
		}
		back, err := sla.ParseTime(got.Format(time.RFC3339Nano), sla.London())
		if err != nil || !back.Equal(got) {
			t.Fatalf("%q: read as %v, which reads back as %v, %v", s, got, back, err)
		}
		if got.Nanosecond() != 0 {
			return
		}
		local, err := sla.ParseTime(got.Format("2006-01-02 15:04:05"), sla.London())
		if err == nil && !local.Equal(got) {
			t.Fatalf("%q: read as %v, whose local time reads as %v", s, got, local)
		}
		if err != nil && !errors.Is(err, sla.ErrAmbiguous) {
			t.Fatalf("%q: read as %v, whose local time fails: %v", s, got, err)
		}
	})
}

// Every instant's local time reads back as that instant, or as ambiguous
// between it and one other, in zones with clock changes at 01:00 UTC
// (London), at midnight (São Paulo until 2019) and of half an hour (Lord
// Howe Island).
func TestParseTimeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, name := range []string{"Europe/London", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		var ambiguous, gaps int
		for range 20000 {
			// Half the instants within two hours of a clock change.
			u := time.Unix(946684800+r.Int64N(20*365*86400), 0).In(loc)
			if r.IntN(2) == 0 {
				_, end := u.ZoneBounds()
				if !end.IsZero() {
					u = end.Add(time.Duration(r.IntN(4*3600)-2*3600) * time.Second)
				}
			}
			wall := u.Format("2006-01-02 15:04:05")
			got, err := sla.ParseTime(wall, loc)
			var te *sla.TimeError
			switch {
			case err == nil:
				require.True(t, got.Equal(u), "%s %s: %v, want %v", name, wall, got, u)
			case errors.As(err, &te) && te.Err == sla.ErrAmbiguous:
				ambiguous++
				require.True(t, te.Earlier.Equal(u) || te.Later.Equal(u), "%s %s: %v", name, wall, err)
				require.True(t, te.Earlier.Before(te.Later))
				require.Equal(t, wall, te.Later.Format("2006-01-02 15:04:05"))
			default:
				t.Fatalf("%s %s: %v", name, wall, err)
			}
			// The wall clock run on 30 minutes as if it never changed: at a
			// change forward, sometimes a time that does not exist.
			zone, off := u.Zone()
			shifted := u.Add(30 * time.Minute).In(time.FixedZone(zone, off)).Format("2006-01-02 15:04:05")
			if _, err := sla.ParseTime(shifted, loc); errors.Is(err, sla.ErrNonexistent) {
				gaps++
			} else if err != nil {
				require.ErrorIs(t, err, sla.ErrAmbiguous, "%s %s", name, shifted)
			}
		}
		if name != "UTC" {
			require.Positive(t, ambiguous, name)
			require.Positive(t, gaps, name)
		}
	}
}
