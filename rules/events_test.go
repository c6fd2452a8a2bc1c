package rules_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventBook is a valid rulebook with an events section; each case of
// TestEventValidation replaces one line of it.
const eventBook = `contract: X
currency: GBP
keys: [provider, region]
charge: charge
fields: {charge: money, jobs: int, fixed: int, cost: decimal, mean_cost: decimal}
kpis:
  - {id: K1, measure: fixed / jobs, target: 0.9, credit: {fixed: {minor: 1}}}
events:
  time_zone: Europe/London
  calendar:
    nation: {by: region, map: {Scotland: scotland}, default: england_and_wales}
    non_working_days: [2025-12-29]
    working_hours: {from: "08:00", to: "18:00"}
  qa_sample_percent: 5
  sources:
    repairs:
      columns: {job: string, provider: string, area: string, reported: timestamp, done: timestamp, off: timestamp, on: timestamp, cost: number}
      id: job
      keys: {region: area}
      start: reported
      end: done
      stops:
        - {from: off, to: on}
        - {source: parts, columns: {job: string, at: timestamp, until: timestamp}, event: job, from: at, to: until}
      clocks:
        urgent: {limit: 5 working_days}
        fast: {limit: 7.5 hours, to: on}
        slot: {deadline: off, minimum: true}
      qa_sample_percent: 10
      fields:
        jobs: {count: events, where: 'area != "x"', clock: urgent}
        fixed: {count: met, clock: urgent, month: start}
        cost: {sum: cost, month: end}
        mean_cost: {mean: cost}
`

func TestEventsLoad(t *testing.T) {
	rb, err := rules.Parse("r.yaml", strings.NewReader(eventBook), kpi.Check)
	require.NoError(t, err)
	ev := rb.Events
	require.NotNil(t, ev)
	assert.Equal(t, "Europe/London", ev.Location.String())
	assert.Equal(t, "5", ev.QAPercent.String())
	c := ev.Calendar
	assert.Equal(t, "region", c.By)
	assert.Equal(t, map[string]sla.Nation{"Scotland": sla.Scotland}, c.Nations)
	assert.Equal(t, sla.EnglandAndWales, c.Default)
	assert.Equal(t, []sla.Date{{Year: 2025, Month: 12, Day: 29}}, c.NonWorkingDays)
	assert.Equal(t, [2]time.Duration{8 * time.Hour, 18 * time.Hour}, [2]time.Duration{c.WorkStart, c.WorkEnd})
	n, ok := c.NationOf([]string{"Acme", "Scotland"}, rb.Keys)
	assert.True(t, ok)
	assert.Equal(t, sla.Scotland, n)
	n, _ = c.NationOf([]string{"Acme", "Wales"}, rb.Keys)
	assert.Equal(t, sla.EnglandAndWales, n)

	require.Len(t, ev.Sources, 1)
	s := ev.Sources[0]
	assert.Equal(t, "repairs", s.Name)
	assert.Equal(t, []string{"provider", "area"}, s.Keys)
	assert.Equal(t, "10", s.QAPercent.String())
	assert.Equal(t, []rules.StopPair{{From: "off", To: "on", Pos: rules.Pos{File: "r.yaml", Line: 23, Column: 11}}}, s.Stops)
	require.Len(t, s.StopFiles, 1)
	assert.Equal(t, "parts", s.StopFiles[0].Name)
	require.Len(t, s.Clocks, 3)
	assert.Equal(t, sla.WorkingDays, s.Clocks[0].Kind)
	assert.Equal(t, 5*sla.Day, s.Clocks[0].Limit)
	assert.Equal(t, [2]string{"reported", "done"}, [2]string{s.Clocks[0].From, s.Clocks[0].To})
	assert.Equal(t, 7*time.Hour+30*time.Minute, s.Clocks[1].Limit)
	assert.Equal(t, "on", s.Clocks[1].To)
	assert.True(t, s.Clocks[2].Minimum)
	assert.Equal(t, "off", s.Clocks[2].Deadline)
	assert.True(t, s.Clocks[0].Counts())
	assert.False(t, s.Clocks[2].Counts())

	require.Len(t, s.Fields, 4)
	f := rb.EventField("jobs")
	require.NotNil(t, f)
	assert.Equal(t, rules.CountEvents, f.Aggregate)
	assert.Equal(t, rules.ByDeadline, f.Month)
	assert.Equal(t, `area != "x"`, f.Where.Source)
	assert.Equal(t, rules.Pos{File: "r.yaml", Line: 31, Column: 39}, f.Where.Pos)
	assert.Equal(t, rules.ByStart, rb.EventField("fixed").Month)
	assert.Equal(t, rules.ByEnd, rb.EventField("cost").Month)
	assert.Equal(t, rules.ByStart, rb.EventField("mean_cost").Month, "without a clock")
	assert.Nil(t, rb.EventField("charge"))

	// Scenarios keep the events section.
	rb, err = rules.Parse("r.yaml", strings.NewReader(eventBook+"scenarios:\n  - {id: s, kpis: {K1: {target: 0.8}}}\n"), kpi.Check)
	require.NoError(t, err)
	require.NotNil(t, rb.Scenarios[0].Rules().Events)
}

// Each case replaces a line of eventBook (old, which must be there once)
// and expects the problems listed, in full.
func TestEventValidation(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"not a mapping", "events:\n  time_zone: Europe/London\n", "events: 1\nxevents:\n  time_zone: Europe/London\n", []string{
			`r.yaml:8:9: events: must be a mapping, not "1"`,
			"r.yaml:9:1: xevents: unknown key (expected one of: contract, currency, minor_units, rounding, keys, charge, point_value, start, end, fields, kpis, caps, earn_back, service_areas, triggers, bonus, escalation_across_relief, amendments, scenarios, invoice_lag, invoice_party, authority, opening, events)"}},
		{"unknown key", "  qa_sample_percent: 5\n", "  qa_sample_percent: 5\n  zz: 1\n", []string{
			"r.yaml:15:3: events.zz: unknown key (expected one of: time_zone, calendar, qa_sample_percent, sources)"}},
		{"unknown zone", "  time_zone: Europe/London", "  time_zone: Mars/Olympus", []string{
			`r.yaml:9:14: events.time_zone: unknown time zone "Mars/Olympus" (give an IANA name such as Europe/London)`}},
		{"unknown nation", "map: {Scotland: scotland}", "map: {Scotland: alba}", []string{
			`r.yaml:11:42: events.calendar.nation.map.Scotland: unknown nation "alba": want england_and_wales, scotland or northern_ireland`}},
		{"nation by no key", "{by: region,", "{by: county,", []string{
			`r.yaml:11:18: events.calendar.nation.by: "county" is not a key column (keys: provider, region)`}},
		{"one nation", "nation: {by: region, map: {Scotland: scotland}, default: england_and_wales}", "nation: wales", []string{
			`r.yaml:11:13: events.calendar.nation: unknown nation "wales": want england_and_wales, scotland or northern_ireland`}},
		{"no nation", "    nation: {by: region, map: {Scotland: scotland}, default: england_and_wales}\n", "", []string{
			`r.yaml:11:5: events.calendar: missing required key "nation"`}},
		{"bad day", "[2025-12-29]", "[2025-02-30]", []string{
			`r.yaml:12:24: events.calendar.non_working_days[0]: date "2025-02-30": no such day`}},
		{"bad hours", `{from: "08:00", to: "18:00"}`, `{from: "8am", to: "07:00"}`, []string{
			`r.yaml:13:27: events.calendar.working_hours.from: "8am" is not a time of day (write HH:MM, from 00:00 to 24:00)`}},
		{"hours backwards", `{from: "08:00", to: "18:00"}`, `{from: "18:00", to: "08:00"}`, []string{
			"r.yaml:13:20: events.calendar.working_hours: from must be before to"}},
		{"no share", "  qa_sample_percent: 5\n", "  qa_sample_percent: 0\n", []string{
			"r.yaml:14:22: events.qa_sample_percent: must be above 0"}},
		{"too large a share", "      qa_sample_percent: 10\n", "      qa_sample_percent: 101\n", []string{
			"r.yaml:29:26: events.sources.repairs.qa_sample_percent: must be at most 100, got 101"}},
		{"source name", "    repairs:\n", "    re-pairs:\n", []string{
			"r.yaml:16:5: events.sources.re-pairs: a source's name must be letters, digits and _, starting with a letter, at most 256 bytes"}},
		{"source key", "      id: job\n", "      ident: job\n", []string{
			`r.yaml:17:7: events.sources.repairs: missing required key "id"`,
			"r.yaml:18:7: events.sources.repairs.ident: unknown key (expected one of: file, columns, id, keys, start, end, stops, clocks, fields, qa_sample_percent)"}},
		{"column type", "cost: number}", "cost: money}", []string{
			`r.yaml:17:137: events.sources.repairs.columns.cost: unknown column type "money" (expected string, number or timestamp)`,
			`r.yaml:33:21: events.sources.repairs.fields.cost.sum: "cost" is not a declared column`,
			`r.yaml:34:27: events.sources.repairs.fields.mean_cost.mean: "cost" is not a declared column`}},
		{"column name", "{job: string, provider", "{job: string, min: string, provider", []string{
			`r.yaml:17:30: events.sources.repairs.columns.min: "min" is a word expressions use; name the column otherwise`}},
		{"id of a timestamp", "      id: job\n", "      id: reported\n", []string{
			`r.yaml:18:11: events.sources.repairs.id: column "reported" is a timestamp; want a string column`}},
		{"no column for a key", "      keys: {region: area}\n", "", []string{
			`r.yaml:17:7: events.sources.repairs.keys: no string column holds the key "region": declare a column "region", or map the key to a column in keys`}},
		{"a key of no key", "{region: area}", "{region: area, county: area}", []string{
			"r.yaml:19:28: events.sources.repairs.keys.county: unknown key (expected one of: provider, region)"}},
		{"start not a time", "      start: reported\n", "      start: job\n", []string{
			`r.yaml:20:14: events.sources.repairs.start: column "job" is a string; want a timestamp column`}},
		{"stop pair", "{from: off, to: on}", "{from: off, too: on}", []string{
			`r.yaml:23:11: events.sources.repairs.stops[0]: missing required key "to"`,
			"r.yaml:23:23: events.sources.repairs.stops[0].too: unknown key (expected one of: from, to, source)"}},
		{"stop file", "event: job, from: at", "event: at, from: at", []string{
			`r.yaml:24:91: events.sources.repairs.stops[1].event: column "at" is a timestamp; want a string column`}},
		{"stop file name taken", "{source: parts,", "{source: repairs,", []string{
			`r.yaml:24:20: events.sources.repairs.stops: the name "repairs" is taken by another source or stop file`}},
		{"limit unit", "{limit: 5 working_days}", "{limit: 5 weekdays}", []string{
			`r.yaml:26:25: events.sources.repairs.clocks.urgent.limit: "5 weekdays" is not a number and a unit, such as 24 hours or 5 working_days (units: hours, working_hours, working_days, days)`}},
		{"limit of part days", "{limit: 5 working_days}", "{limit: 1.5 working_days}", []string{
			`r.yaml:26:25: events.sources.repairs.clocks.urgent.limit: working_days limit "1.5": want a whole number of days`}},
		{"no limit", "{deadline: off, minimum: true}", "{minimum: true}", []string{
			"r.yaml:28:15: events.sources.repairs.clocks.slot: needs a limit (such as 5 working_days) or a deadline column"}},
		{"limit and deadline", "{deadline: off, minimum: true}", "{deadline: off, limit: 1 days}", []string{
			"r.yaml:28:16: events.sources.repairs.clocks.slot: give limit or deadline, not both"}},
		{"minimum not a bool", "minimum: true}", "minimum: yes}", []string{
			`r.yaml:28:40: events.sources.repairs.clocks.slot.minimum: must be true or false, not "yes"`}},
		{"no end", "      end: done\n", "", []string{
			"r.yaml:25:9: events.sources.repairs.clocks.urgent: the source declares no end: give the clock's to",
			"r.yaml:27:9: events.sources.repairs.clocks.slot: the source declares no end: give the clock's to",
			"r.yaml:32:34: events.sources.repairs.fields.cost.month: the source declares no end: give clock, or month start"}},
		{"no calendar", "  calendar:\n    nation: {by: region, map: {Scotland: scotland}, default: england_and_wales}\n    non_working_days: [2025-12-29]\n    working_hours: {from: \"08:00\", to: \"18:00\"}\n", "", []string{
			"r.yaml:22:9: events.sources.repairs.clocks.urgent: a working_days clock needs a calendar: declare events.calendar with the lots' nation"}},
		{"undeclared field", "        mean_cost: {mean: cost}\n", "        median: {mean: cost}\n", []string{
			`r.yaml:34:9: events.sources.repairs.fields.median: "median" is not a declared field: declare it in fields (int for a count)`}},
		{"the charge", "        mean_cost: {mean: cost}\n", "        charge: {sum: cost}\n", []string{
			"r.yaml:34:9: events.sources.repairs.fields.charge: the charge comes from the data file, not from events"}},
		{"a count into a decimal", "        mean_cost: {mean: cost}\n", "        mean_cost: {count: events}\n", []string{
			"r.yaml:34:9: events.sources.repairs.fields.mean_cost: a field of count: events must be declared int, but fields declares it decimal"}},
		{"a mean into an int", "        jobs: {count: events, where: 'area != \"x\"', clock: urgent}\n", "        jobs: {mean: cost}\n", []string{
			"r.yaml:31:9: events.sources.repairs.fields.jobs: a field of mean must be declared decimal, but fields declares it int"}},
		{"two aggregates", "{mean: cost}", "{mean: cost, max: cost}", []string{
			"r.yaml:34:20: events.sources.repairs.fields.mean_cost: give one of count, sum, mean and max"}},
		{"unknown count", "{count: met, clock: urgent, month: start}", "{count: fixed, clock: urgent, month: start}", []string{
			`r.yaml:32:24: events.sources.repairs.fields.fixed.count: unknown count "fixed" (expected events, met or missed)`}},
		{"sum of text", "{sum: cost, month: end}", "{sum: job, month: end}", []string{
			`r.yaml:33:21: events.sources.repairs.fields.cost.sum: column "job" is a string; want a number column`}},
		{"met without a clock", "{count: met, clock: urgent, month: start}", "{count: met, month: start}", []string{
			"r.yaml:32:16: events.sources.repairs.fields.fixed: counting events that met or missed a clock needs the clock: give clock"}},
		{"unknown clock", "{count: met, clock: urgent, month: start}", "{count: met, clock: slow, month: start}", []string{
			`r.yaml:32:36: events.sources.repairs.fields.fixed.clock: "slow" is not a clock of the source`}},
		{"unknown month", "month: start}", "month: first}", []string{
			`r.yaml:32:51: events.sources.repairs.fields.fixed.month: unknown month "first" (expected deadline, start or end)`}},
		{"deadline month without a clock", "{mean: cost}", "{mean: cost, month: deadline}", []string{
			"r.yaml:34:40: events.sources.repairs.fields.mean_cost.month: a field without a clock has no deadline: give clock, or month start or end"}},
		{"two sources fill a field", "        mean_cost: {mean: cost}\n", "        mean_cost: {mean: cost}\n    moves:\n      columns: {id: string, provider: string, region: string, at: timestamp}\n      id: id\n      start: at\n      fields: {jobs: {count: events}}\n", []string{
			`r.yaml:39:16: events.sources.moves.fields.jobs: another source already fills the field "jobs"`}},
		{"amended", "        mean_cost: {mean: cost}\n", "        mean_cost: {mean: cost}\namendments:\n  - {id: A1, agreed: 2025-01-01, from: 2025-02, events: {}}\n", []string{
			"r.yaml:36:49: amendments.A1.events: events cannot be amended: an amendment may set only kpis, remove, add, caps, point_value, service_areas, earn_back, triggers and bonus"}},
		{"in a scenario", "        mean_cost: {mean: cost}\n", "        mean_cost: {mean: cost}\nscenarios:\n  - {id: s, events: {}}\n", []string{
			"r.yaml:36:13: scenarios.s.events: unknown key (expected one of: id, description, from, revoke, kpis, remove, add, caps, point_value, service_areas, earn_back, triggers, bonus, sweep)"}},
		{"no fields", "      fields:\n", "      fields: {}\n      xfields:\n", []string{
			"r.yaml:30:15: events.sources.repairs.fields: must declare at least one field",
			"r.yaml:31:7: events.sources.repairs.xfields: unknown key (expected one of: file, columns, id, keys, start, end, stops, clocks, fields, qa_sample_percent)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(eventBook, tc.old), "the case's anchor is unique")
			_, err := rules.Parse("r.yaml", strings.NewReader(strings.Replace(eventBook, tc.old, tc.new, 1)), kpi.Check)
			var ve *rules.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// Every key of the events section is documented in docs/rulebook.md, as
// TestRulebookDocListsEveryKey checks the others'.
func TestEventsDocListsEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/rulebook.md")
	require.NoError(t, err)
	cases := []struct{ name, old, new string }{
		{"events", "  qa_sample_percent: 5\n", "  qa_sample_percent: 5\n  zz: 1\n"},
		{"calendar", "    non_working_days:", "    zz: 1\n    non_working_days:"},
		{"nation", "default: england_and_wales}", "default: england_and_wales, zz: 1}"},
		{"working hours", `to: "18:00"}`, `to: "18:00", zz: 1}`},
		{"source", "      id: job\n", "      id: job\n      zz: 1\n"},
		{"stop pair", "{from: off, to: on}", "{from: off, to: on, zz: 1}"},
		{"stop file", "from: at, to: until}", "from: at, to: until, zz: 1}"},
		{"clock", "{limit: 5 working_days}", "{limit: 5 working_days, zz: 1}"},
		{"field", "{mean: cost}", "{mean: cost, zz: 1}"},
	}
	expected := regexp.MustCompile(`unknown key \(expected one of: ([^)]*)\)`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(eventBook, c.old), "the case's anchor is unique")
			_, err := rules.Parse("r.yaml", strings.NewReader(strings.Replace(eventBook, c.old, c.new, 1)), kpi.Check)
			m := expected.FindStringSubmatch(fmt.Sprint(err))
			require.NotNil(t, m, "%v", err)
			for _, key := range strings.Split(m[1], ", ") {
				assert.True(t, strings.Contains(string(doc), "`"+key+"`"), "docs/rulebook.md documents the %s key %s", c.name, key)
			}
		})
	}
}

// A source and a stop file may name their file, relative to the
// rulebook's directory unless absolute; --events replaces it.
func TestEventFiles(t *testing.T) {
	src := strings.Replace(eventBook, "      id: job\n", "      file: jobs/repairs.csv\n      id: job\n", 1)
	src = strings.Replace(src, "{source: parts,", "{source: parts, file: /srv/parts.parquet,", 1)
	rb, err := rules.Parse("contract/r.yaml", strings.NewReader(src), kpi.Check)
	require.NoError(t, err)
	assert.Equal(t, "jobs/repairs.csv", rb.Events.Sources[0].File)
	assert.Equal(t, map[string]string{"repairs": "contract/jobs/repairs.csv", "parts": "/srv/parts.parquet"}, rb.EventFiles())

	rb, err = rules.Parse("r.yaml", strings.NewReader(eventBook), kpi.Check)
	require.NoError(t, err)
	assert.Nil(t, rb.EventFiles(), "no source names a file")

	for _, tc := range []struct{ file, want string }{
		{`""`, `r.yaml:18:13: events.sources.repairs.file: must not be empty`},
		{`"a\nb"`, `r.yaml:18:13: events.sources.repairs.file: must be a file's path: one line, at most 4096 bytes`},
		{`[a]`, `r.yaml:18:13: events.sources.repairs.file: must be text, not a list`},
	} {
		_, err := rules.Parse("r.yaml", strings.NewReader(strings.Replace(eventBook, "      id: job\n", "      file: "+tc.file+"\n      id: job\n", 1)), kpi.Check)
		require.EqualError(t, err, tc.want)
	}
}
