package events

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The time parser reads every timestamp as sla.ParseTime does: the same
// instant in the same zone, or an error.
func TestTimeParserAgreesWithSLA(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := &timeParser{loc: sla.London()}
	forms := []func(time.Time) string{
		func(t time.Time) string { return t.In(sla.London()).Format("2006-01-02 15:04") },
		func(t time.Time) string { return t.In(sla.London()).Format("2006-01-02 15:04:05") },
		func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") },
		func(t time.Time) string { return t.Format(time.RFC3339) },
	}
	check := func(s string) {
		want, wantErr := sla.ParseTime(s, sla.London())
		got, err := p.parse(s)
		if wantErr != nil {
			require.EqualError(t, err, wantErr.Error(), s)
			return
		}
		require.NoError(t, err, s)
		require.True(t, want.Equal(got), "%s: %v, want %v", s, got, want)
		require.Equal(t, want.Location(), got.Location(), s)
	}
	for range 20000 {
		// Times around the clock changes of 2024-2026 often, any else too.
		base := time.Date(2024+rng.IntN(3), []time.Month{3, 10, 6}[rng.IntN(3)], 24+rng.IntN(8), 0, 0, 0, 0, time.UTC)
		tm := base.Add(time.Duration(rng.IntN(3*24*3600)) * time.Second)
		if rng.IntN(10) == 0 {
			tm = time.Unix(rng.Int64N(8e9)-2.2e9, 0)
		}
		check(forms[rng.IntN(len(forms))](tm))
	}
	for _, s := range []string{"2025-03-30 01:30", "2025-10-26 01:30", "2025-10-26 01:30:00", "2025-02-29 10:00",
		"2024-02-29 10:00", "2025-06-31T10:00:00Z", "1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "2025-06-01 24:00",
		"2025-06-01 10:60", "2025-06-01T10:00:60Z", "2025-06-01 1a:00", "2025-06-01T1a:00:00Z", "20x5-06-01T10:00:00Z"} {
		check(s)
		check(s) // and with the day remembered
	}
}

func TestIDSet(t *testing.T) {
	s := &idSet{}
	defer s.free()
	rng := rand.New(rand.NewPCG(3, 4))
	hashes := make([][2]uint64, 50000)
	for i := range hashes {
		hashes[i] = [2]uint64{rng.Uint64(), rng.Uint64()}
		line, _ := s.add(hashes[i], int64(i+1), fmt.Sprint(i))
		require.Zero(t, line)
	}
	line, _ := s.flush()
	require.Zero(t, line)
	// The same again: each a duplicate, the first reported.
	line, _ = s.add(hashes[7], 100001, "seven")
	require.Zero(t, line, "waiting")
	s.add(hashes[9], 100002, "nine")
	line, id := s.flush()
	assert.Equal(t, int64(100001), line)
	assert.Equal(t, "seven", id)
	// The zero hash is an id like any other.
	line, _ = s.add([2]uint64{}, 1, "zero")
	require.Zero(t, line)
	line, _ = s.flush()
	require.Zero(t, line)
	s.add([2]uint64{}, 2, "zero again")
	line, _ = s.flush()
	assert.Equal(t, int64(2), line)
	n := 0
	for i := range s.tables {
		n += s.tables[i].n
	}
	assert.Equal(t, 50001, n)
}

// pipe returns the first error in the file's order and hands a panic of
// the reading goroutine to the caller.
func TestPipe(t *testing.T) {
	rows := func(n int, fail error) func(emit func(int64, []string) error) error {
		return func(emit func(int64, []string) error) error {
			for i := 1; i <= n; i++ {
				if err := emit(int64(i), []string{fmt.Sprint(i)}); err != nil {
					return err
				}
			}
			return fail
		}
	}
	prep := func(*batch, int) {}
	var seen int64
	count := func(b *batch, i int) error { seen = b.lines[i]; return nil }
	require.NoError(t, pipe(1, rows(5000, nil), prep, count))
	assert.Equal(t, int64(5000), seen)

	readErr := errors.New("read failed after the rows")
	require.ErrorIs(t, pipe(1, rows(5000, readErr), prep, count), readErr)

	rowErr := errors.New("row 3000")
	err := pipe(1, rows(5000, readErr), prep, func(b *batch, i int) error {
		if b.lines[i] == 3000 {
			return rowErr
		}
		return nil
	})
	require.ErrorIs(t, err, rowErr, "a row's error comes before the reader's")

	require.PanicsWithValue(t, "boom", func() {
		pipe(1, func(emit func(int64, []string) error) error { panic("boom") }, prep, count)
	})
}

// Sums and maxima stay exact when they outgrow an int64: they move to
// decimals.
func TestFixedSums(t *testing.T) {
	values := []string{"100.50", "200", "0.25", "-3", "999999999999999999", "999999999999999999", "0.0000000000000001", "12345678901234567890"}
	var acc accum
	want, most := decimal.Zero, decimal.Decimal{}
	for i, s := range values {
		d := decimal.RequireFromString(s)
		acc.addValue(fixedOf(s), d)
		want = want.Add(d)
		if i == 0 || d.GreaterThan(most) {
			most = d
		}
		sum, mx := acc.total()
		require.True(t, sum.Equal(want), "after %s: %s, want %s", s, sum, want)
		require.True(t, mx.Equal(most), "after %s: max %s, want %s", s, mx, most)
	}
	assert.True(t, acc.slow)
	assert.Equal(t, fixed{coef: -1234, exp: -2, ok: true}, fixedOf("-12.34"))
	assert.Equal(t, fixed{coef: 7, exp: 0, ok: true}, fixedOf("7"))
	assert.False(t, fixedOf("1234567890123456789").ok)

	// Small sums stay in int64s.
	var small accum
	for _, s := range []string{"1.5", "2.25", "3"} {
		small.addValue(fixedOf(s), decimal.RequireFromString(s))
	}
	assert.False(t, small.slow)
	sum, mx := small.total()
	assert.Equal(t, "6.75", sum.String())
	assert.Equal(t, "3", mx.String())
}
