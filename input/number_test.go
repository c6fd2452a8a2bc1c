package input

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// readLong is how number reads a number that parseShort does not take:
// the reference the short reading must agree with.
func readLong(typ rules.FieldType, s string, places int32) (decimal.Decimal, error) {
	if !decimalText.MatchString(s) {
		return decimal.Decimal{}, fmt.Errorf("%s is not a number (write digits with an optional - and decimal point, e.g. 1234.50)", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return checkNumber(typ, s, d, places)
}

// sameNumber fails unless parseShort and checkShort read s as the
// general reading does: the same decimal, to its representation, and
// the same error.
func sameNumber(t *testing.T, typ rules.FieldType, s string, places int32) {
	t.Helper()
	c, e, ok := parseShort(s)
	if !ok {
		return
	}
	want, wantErr := readLong(typ, s, places)
	c, e, zero, err := checkShort(typ, s, c, e, places)
	got := shortDecimal(c, e, zero)
	if wantErr != nil {
		require.EqualError(t, err, wantErr.Error(), "%q as %s", s, typ)
		return
	}
	require.NoError(t, err, "%q as %s", s, typ)
	require.True(t, reflect.DeepEqual(want, got), "%q as %s: %#v, want %#v", s, typ, got, want)
}

var numberTypes = []rules.FieldType{rules.TypeInt, rules.TypeMoney, rules.TypeDecimal}

// Every number short enough for parseShort reads as the general reading
// reads it, at the edges of each check.
func TestShortNumbers(t *testing.T) {
	for _, s := range []string{"0", "-0", "0.00", "-0.00", "00", "007", "12", "-12", "20.00", "20.50", "18.5",
		"1.23456", "1.2345", "1.23450", "0.000001", "-3.10", "10000.0000", "9999999999999.99", "10000000000000",
		"9999999999999.999", "999999999999999999", "-99999999999999999", "99999999999999999.9", "1.", ".5", "-",
		"", "1..2", "1.2.3", "--1", "1-", "+1", "1e5", " 1", "1,5", "9999999999999.995"} {
		for _, typ := range numberTypes {
			for _, places := range []int32{0, 2, 4} {
				sameNumber(t, typ, s, places)
			}
		}
	}
}

// parseShort takes exactly the numbers of at most 18 characters, the
// point not counted, that the general reading takes.
func TestParseShort(t *testing.T) {
	for _, tc := range []struct {
		s  string
		c  int64
		e  int32
		ok bool
	}{
		{"0", 0, 0, true}, {"-12.50", -1250, -2, true}, {"123456789012345678", 123456789012345678, 0, true},
		{"1234567890.12345678", 123456789012345678, -8, true}, {"-12345678901234567", -12345678901234567, 0, true},
		{"1234567890123456789", 0, 0, false}, {"-123456789012345678", 0, 0, false},
		{"1.", 0, 0, false}, {".1", 0, 0, false}, {"-", 0, 0, false}, {"", 0, 0, false}, {"1e2", 0, 0, false},
	} {
		c, e, ok := parseShort(tc.s)
		require.Equal(t, tc.ok, ok, tc.s)
		if ok {
			require.Equal(t, []any{tc.c, tc.e}, []any{c, e}, tc.s)
		}
	}
}

// FuzzShortNumber checks the short reading against the general one.
func FuzzShortNumber(f *testing.F) {
	for _, s := range []string{"0", "-0.00", "20.00", "9999999999999.99", "1.23456", "-3"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, places uint8) {
		for _, typ := range numberTypes {
			sameNumber(t, typ, s, int32(places%8))
		}
	})
}

// Interned numbers are the decimals shortDecimal makes, whichever number
// held their slot before.
func TestNumbersInterned(t *testing.T) {
	var n numbers
	for _, tc := range []struct {
		c    int64
		e    int32
		zero bool
	}{{0, 0, true}, {0, 0, false}, {0, -2, false}, {5, 0, false}, {5, -1, false}, {5, 0, false}, {-7, -3, false}, {4096, 0, false}, {0, 0, true}} {
		want := shortDecimal(tc.c, tc.e, tc.zero)
		for range 2 {
			require.True(t, reflect.DeepEqual(any(want), n.value(tc.c, tc.e, tc.zero)), "%+v", tc)
		}
	}
}

// ParseMoney reads money as a data file's money cells are read, with the
// same messages.
func TestParseMoney(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"250000.00", "250000", ""},
		{"1234.5", "1234.5", ""},
		{"0", "0", ""},
		{"12345678901234567890.5", "", "12345678901234567890.5 is too large for money (at most 13 digits before the decimal point)"},
		{"1e400", "", `"1e400" is not a number (write digits with an optional - and decimal point, e.g. 1234.50)`},
		{"0.001", "", "0.001 has more than 2 decimal places"},
		{"-5", "", "money cannot be negative here, got -5"},
		{"9999999999999.99", "9999999999999.99", ""},
		{"10000000000000", "", "10000000000000 is too large for money (at most 13 digits before the decimal point)"},
	} {
		got, err := ParseMoney(tc.in, 2)
		if tc.err != "" {
			require.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got.String(), tc.in)
	}
}
