package sla_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Date arithmetic agrees with the time package from 1600 to 2400.
func TestDateMatchesTime(t *testing.T) {
	base := sla.Date{Year: 1600, Month: 1, Day: 1}
	tm := time.Date(1600, 1, 1, 12, 0, 0, 0, time.UTC)
	for n := 0; n < 800*366; n += 7 {
		d := base.AddDays(n)
		want := tm.AddDate(0, 0, n)
		require.Equal(t, sla.DateOf(want), d)
		require.Equal(t, want.Weekday(), d.Weekday(), "%v", d)
		require.Equal(t, n, d.DaysSince(base))
		require.True(t, d.IsValid())
	}
}

func TestDate(t *testing.T) {
	d := sla.Date{Year: 2024, Month: 2, Day: 28}
	assert.Equal(t, "2024-02-29", d.AddDays(1).String())
	assert.Equal(t, "2024-03-01", d.AddDays(2).String())
	assert.Equal(t, "2023-12-31", d.AddDays(-59).String())
	assert.True(t, d.Before(d.AddDays(1)))
	assert.True(t, d.After(d.AddDays(-1)))
	assert.Equal(t, 0, d.Compare(d))
	assert.False(t, sla.Date{}.IsValid())
	assert.False(t, sla.Date{Year: 2023, Month: 2, Day: 29}.IsValid())
	assert.False(t, sla.Date{Year: 1900, Month: 2, Day: 29}.IsValid())
	assert.True(t, sla.Date{Year: 2000, Month: 2, Day: 29}.IsValid())
	assert.False(t, sla.Date{Year: 2025, Month: 4, Day: 31}.IsValid())
	assert.False(t, sla.Date{Year: 2025, Month: 13, Day: 1}.IsValid())

	for _, tc := range []struct{ in, err string }{
		{"2025-6-1", `date "2025-6-1": want YYYY-MM-DD`},
		{"2025-06-0x", `date "2025-06-0x": want YYYY-MM-DD`},
		{"2025/06/01", `date "2025/06/01": want YYYY-MM-DD`},
		{"2025-02-29", `date "2025-02-29": no such day`},
		{"2025-00-10", `date "2025-00-10": no such day`},
	} {
		_, err := sla.ParseDate(tc.in)
		assert.EqualError(t, err, tc.err)
	}

	b, err := json.Marshal(map[string]sla.Date{"d": d})
	require.NoError(t, err)
	assert.Equal(t, `{"d":"2024-02-28"}`, string(b))
	var back map[string]sla.Date
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back["d"])
	assert.Error(t, json.Unmarshal([]byte(`{"d":"2024-02-30"}`), &back))
	_, err = json.Marshal(sla.Date{})
	assert.Error(t, err)
}
