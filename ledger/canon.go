package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/kpicredit/kpicredit/rules"
	"github.com/shopspring/decimal"
)

// The first line of each canonical serialisation.
const (
	entryHeader = "kpicredit ledger entry v1\n"
	metaHeader  = "kpicredit ledger meta v1\n"
)

// row is an entry as stored: every column as text, in the order of the
// canonical serialisation (hash last).
type row struct {
	Seq, Batch                        int64
	Prev, Kind, Invoice, Service      string
	Lot, KPI, Level, Credit, EarnBack string
	Reason, Actor, Role               string
	Inputs, Rules, PriorInputs        string
	PriorRules, At                    string
	Hash                              string
}

// fields returns the row's fields as name and text, in canonical order.
func (r *row) fields() [][2]string {
	return [][2]string{
		{"seq", strconv.FormatInt(r.Seq, 10)},
		{"batch", strconv.FormatInt(r.Batch, 10)},
		{"prev_hash", r.Prev},
		{"kind", r.Kind},
		{"invoice_month", r.Invoice},
		{"service_month", r.Service},
		{"lot", r.Lot},
		{"kpi", r.KPI},
		{"level", r.Level},
		{"credit", r.Credit},
		{"earn_back", r.EarnBack},
		{"reason", r.Reason},
		{"actor", r.Actor},
		{"role", r.Role},
		{"inputs_sha256", r.Inputs},
		{"rules_sha256", r.Rules},
		{"prior_inputs_sha256", r.PriorInputs},
		{"prior_rules_sha256", r.PriorRules},
		{"recorded_at", r.At},
	}
}

// serialise returns the canonical serialisation of an entry as stored (see
// the package documentation).
func (r *row) serialise() []byte { return canonical(entryHeader, r.fields()) }

// hash returns the SHA-256 of the row's canonical serialisation, in hex.
func (r *row) hash() string { return sum(r.serialise()) }

// canonical writes a header and name=len:value\n records.
func canonical(header string, fields [][2]string) []byte {
	b := []byte(header)
	for _, f := range fields {
		b = append(b, f[0]...)
		b = append(b, '=')
		b = strconv.AppendInt(b, int64(len(f[1])), 10)
		b = append(b, ':')
		b = append(b, f[1]...)
		b = append(b, '\n')
	}
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// metaRow is the meta table's row as stored.
type metaRow struct {
	Contract, Currency, MinorUnits, Keys, Created string
	Genesis                                       string
}

// genesis returns the hash the chain starts from.
func (m *metaRow) genesis() string {
	return sum(canonical(metaHeader, [][2]string{
		{"contract", m.Contract},
		{"currency", m.Currency},
		{"minor_units", m.MinorUnits},
		{"keys", m.Keys},
		{"created_at", m.Created},
	}))
}

// toMetaRow returns meta as stored, its genesis filled in.
func toMetaRow(m Meta) metaRow {
	r := metaRow{
		Contract:   m.Contract,
		Currency:   m.Currency,
		MinorUnits: strconv.Itoa(int(m.MinorUnits)),
		Keys:       lotText(m.Keys),
		Created:    timeText(m.Created),
	}
	r.Genesis = r.genesis()
	return r
}

// meta parses a stored meta row.
func (m *metaRow) meta() (Meta, error) {
	var out Meta
	out.Contract, out.Currency = m.Contract, m.Currency
	n, err := strconv.Atoi(m.MinorUnits)
	if err != nil {
		return out, fmt.Errorf("meta minor_units %q: %w", m.MinorUnits, err)
	}
	out.MinorUnits = int32(n)
	if err := json.Unmarshal([]byte(m.Keys), &out.Keys); err != nil {
		return out, fmt.Errorf("meta keys %q: %w", m.Keys, err)
	}
	if out.Created, err = parseTime(m.Created); err != nil {
		return out, fmt.Errorf("meta created_at: %w", err)
	}
	return out, nil
}

// timeLayout is how times are stored: RFC 3339, UTC, whole seconds.
const timeLayout = "2006-01-02T15:04:05Z"

func timeText(t time.Time) string { return t.UTC().Truncate(time.Second).Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil || timeText(t) != s {
		return time.Time{}, fmt.Errorf("time %q is not YYYY-MM-DDTHH:MM:SSZ", s)
	}
	return t, nil
}

// moneyText is an amount as stored: exactly places decimals, no "-0".
func moneyText(d decimal.Decimal, places int32) string {
	if d.IsZero() {
		return decimal.Zero.StringFixed(places)
	}
	return d.StringFixed(places)
}

// parseMoney parses an amount as stored, refusing any other spelling.
func parseMoney(s string, places int32) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil || moneyText(d, places) != s {
		return decimal.Decimal{}, fmt.Errorf("amount %q is not a number with %d decimal places", s, places)
	}
	return d, nil
}

// parseMonthText parses a stored month.
func parseMonthText(s string) (rules.Month, error) { return rules.ParseMonth(s) }

// parseLot parses a stored lot with n key values.
func parseLot(s string, n int) ([]string, error) {
	var lot []string
	if err := json.Unmarshal([]byte(s), &lot); err != nil || len(lot) != n || lotText(lot) != s {
		return nil, fmt.Errorf("lot %q is not a JSON array of %d key values", s, n)
	}
	return lot, nil
}

// places reports whether d has at most n decimal places.
func places(d decimal.Decimal, n int32) bool { return d.Equal(d.Truncate(n)) }
