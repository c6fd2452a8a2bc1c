// Package aasc is kpicredit's worked example: a made-up asylum
// accommodation and support contract (AASC) in the style of the UK's
// regional contracts. Three providers run seven regional lots over a
// ten-year term; rules.yaml in this directory is the contract's rulebook and
// data.csv and relief.csv are two years of monthly data drawn by Generate.
//
// The data come from a small, deliberately plain model. Each lot has a
// monthly charge and a stock of properties in proportion to its size; each
// KPI counts events (repair jobs, transport requests, complaints, ...) and
// how many of them were handled in time. A lot misses a share of its events
// that rises in winter (repairs) or summer (arrivals in initial
// accommodation), drifts from month to month, is higher for a provider that
// is weak at that kind of work, and jumps in an occasional bad month.
// Contract-wide events (storms, rail strikes, a portal outage, a fire) hit
// one region or all, and each gives rise to relief entries.
//
// Generation is deterministic: the same Config gives byte-identical files.
// Every lot draws from its own stream seeded from Config.Seed and its place
// in the lot list, so the contract's seven lots have the same data whatever
// Config.Lots is, and a shorter run is a prefix of a longer one.
package aasc

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/kpicredit/kpicredit/rules"
)

// Fields lists the data columns after provider, region and month, in the
// order rules.yaml declares them. monthly_charge is money (pounds with two
// decimals); every other column is a count.
var Fields = []string{
	"monthly_charge",
	"emergency_jobs", "emergency_fixed_24h", // KPI-01
	"urgent_jobs", "urgent_fixed_5d", // KPI-02
	"routine_jobs", "routine_fixed_20d", // KPI-03
	"inspections_due", "inspections_done", // KPI-04
	"ia_exits", "ia_nights", // KPI-05
	"transport_requests", "transport_on_time", // KPI-06
	"moves", "moves_5_days_notice", // KPI-07
	"complaints", "complaints_resolved_on_time", // KPI-08
	"incidents", "incidents_reported_24h", // KPI-09
	"safeguarding_cases", "safeguarding_referred_24h", // KPI-10
	"returns_due", "returns_on_time", // KPI-11
	"properties", "properties_compliant", // KPI-12
	"arrivals", "arrivals_inducted_24h", // KPI-13
	"visits_due", "visits_done", // KPI-14
	"calls", "calls_answered_60s", // KPI-15
}

// Lot is one provider's contract for one region.
type Lot struct {
	Provider string
	Region   string
	Charge   float64 // monthly charge in pounds at the start of the term

	provider int // index into providers, for the provider's weaknesses
}

// providers are the three (fictional) providers.
var providers = []string{"Northgate Housing", "Meridian Support", "Harbour Living"}

// regions are the seven regions, each with its monthly charge and the
// provider that runs it in the contract's own lot list. A region's charge
// follows the number of service users it houses.
var regions = []struct {
	name     string
	charge   float64 // pounds a month
	provider int
}{
	{"North East", 2_400_000, 0},
	{"Yorkshire and the Humber", 3_100_000, 0},
	{"Scotland", 1_900_000, 0},
	{"North West", 5_600_000, 1},
	{"Midlands and East", 5_900_000, 1},
	{"South", 4_400_000, 2},
	{"Wales", 1_300_000, 2},
}

// Lots returns the first n lots. The first seven are the contract's own:
// one provider per region. Lots 8 to 21 give every provider every region,
// as a benchmark of a larger contract needs; beyond 21 the providers repeat
// with a number ("Northgate Housing 2"). n <= 0 means the contract's seven.
func Lots(n int) []Lot {
	if n <= 0 {
		n = len(regions)
	}
	out := make([]Lot, n)
	for i := range out {
		r := regions[i%len(regions)]
		round := i / len(regions) // 0 for the contract's own lots
		p := (r.provider + round) % len(providers)
		name := providers[p]
		if k := round / len(providers); k > 0 {
			name += " " + strconv.Itoa(k+1)
		}
		out[i] = Lot{Provider: name, Region: r.name, Charge: r.charge, provider: p}
	}
	return out
}

// ratio describes how a KPI's two counts are drawn: the events in the
// month and how many of them were handled in time.
type ratio struct {
	kpi         string  // the KPI measured, for weaknesses and events
	total, done string  // the two columns
	perMillion  float64 // mean events a month per £1m of monthly charge
	ofStock     float64 // or: events a month as a share of the lot's properties
	miss        float64 // share of events a sound provider handles late
	winter      float64 // multiplies volume and misses from November to March
	summer      float64 // multiplies volume from July to October (arrivals peak)
	quiet       float64 // chance of a month with no events at all
	fixed       int64   // or: a fixed number of events (data returns)
}

// ratios are the KPIs measured as "done in time / total", in KPI order.
var ratios = []ratio{
	{kpi: "KPI-01", total: "emergency_jobs", done: "emergency_fixed_24h", perMillion: 30, miss: 0.004, winter: 1.5},
	{kpi: "KPI-02", total: "urgent_jobs", done: "urgent_fixed_5d", perMillion: 90, miss: 0.022, winter: 1.3},
	{kpi: "KPI-03", total: "routine_jobs", done: "routine_fixed_20d", perMillion: 240, miss: 0.05, winter: 1.2},
	{kpi: "KPI-04", total: "inspections_due", done: "inspections_done", ofStock: 1.0 / 3, miss: 0.009},
	{kpi: "KPI-06", total: "transport_requests", done: "transport_on_time", perMillion: 25, miss: 0.012, quiet: 0.015},
	{kpi: "KPI-07", total: "moves", done: "moves_5_days_notice", perMillion: 12, miss: 0.025},
	{kpi: "KPI-08", total: "complaints", done: "complaints_resolved_on_time", perMillion: 9, miss: 0.04, winter: 1.2},
	{kpi: "KPI-09", total: "incidents", done: "incidents_reported_24h", perMillion: 28, miss: 0.004},
	{kpi: "KPI-10", total: "safeguarding_cases", done: "safeguarding_referred_24h", perMillion: 6.5, miss: 0.003},
	{kpi: "KPI-11", total: "returns_due", done: "returns_on_time", fixed: 12, miss: 0.003},
	{kpi: "KPI-12", total: "properties", done: "properties_compliant", ofStock: 1, miss: 0.004},
	{kpi: "KPI-13", total: "arrivals", done: "arrivals_inducted_24h", perMillion: 110, miss: 0.02, summer: 1.3},
	{kpi: "KPI-14", total: "visits_due", done: "visits_done", ofStock: 1, miss: 0.012},
	{kpi: "KPI-15", total: "calls", done: "calls_answered_60s", perMillion: 420, miss: 0.06, winter: 1.15},
}

// The size of a lot, and initial accommodation (KPI-05), per £1m of
// monthly charge.
const (
	propertiesPerM    = 800  // properties in use
	iaExitsPerMillion = 100  // service users leaving initial accommodation a month
	iaNights          = 16.5 // average nights they stayed, with a sound provider
)

// weakness multiplies a provider's misses (for KPI-05, its nights):
// Meridian Support struggles with repairs, welfare visits and moving people
// on from initial accommodation, Harbour Living with transport and complaints, and
// Northgate Housing's helpline is a little slow.
var weakness = [...]map[string]float64{
	{"KPI-15": 1.3},
	{"KPI-01": 2.0, "KPI-02": 2.0, "KPI-03": 1.8, "KPI-05": 1.2, "KPI-14": 1.5},
	{"KPI-06": 1.8, "KPI-08": 1.6},
}

// eventKind is a kind of contract-wide event and what it does.
type eventKind struct {
	chance     float64  // per month
	winterOnly bool     // only from November to March
	everywhere bool     // hits every region, not one
	kpis       []string // KPIs whose misses it multiplies; nil for all
	miss       float64  // the multiplier
	surge      float64  // multiplies those KPIs' volumes (0 for no change)
	relief     string   // the KPI relieved, or *
	reason     string
}

// eventKinds are the events that may happen in a month, each with its own
// chance: winter storms, rail strikes, an outage of the Authority's data
// portal and a fire at an initial accommodation site.
var eventKinds = []eventKind{
	{chance: 0.3, winterOnly: true, kpis: []string{"KPI-01", "KPI-02"}, miss: 4, surge: 1.8,
		relief: "KPI-01", reason: "Storm damage — force majeure"},
	{chance: 0.05, kpis: []string{"KPI-06"}, miss: 6,
		relief: "KPI-06", reason: "Rail strike — relief agreed with the Authority"},
	{chance: 0.03, everywhere: true, kpis: []string{"KPI-11"}, miss: 60,
		relief: "KPI-11", reason: "Authority data portal outage"},
	{chance: 0.012, miss: 3,
		relief: "*", reason: "Fire at initial accommodation site — force majeure"},
}

// event is an event of a month and the region it hit ("" for all).
type event struct {
	kind   *eventKind
	region string
}

func (e event) hits(l Lot) bool { return e.region == "" || e.region == l.Region }

// factor is the event's multiplier on a KPI's misses.
func (e event) factor(kpi string, l Lot) float64 {
	if !e.hits(l) || e.kind.kpis != nil && !slices.Contains(e.kind.kpis, kpi) {
		return 1
	}
	return e.kind.miss
}

// Config says what Generate produces.
type Config struct {
	Seed   uint64      // the only source of randomness
	Start  rules.Month // the first month
	Months int         // how many months
	Lots   int         // how many lots (see Lots); 0 for the contract's seven
}

// Generate draws the data and relief files: data.csv has a header
// (provider, region, month, then Fields) and one row per month and lot,
// months in order and lots in Lots order within a month; relief.csv has
// provider, region, month, kpi, reason.
func Generate(cfg Config) (data, relief []byte, err error) {
	if cfg.Months < 1 {
		return nil, nil, fmt.Errorf("aasc: months must be at least 1, got %d", cfg.Months)
	}
	lots := Lots(cfg.Lots)
	events := drawEvents(cfg)
	rows := make([][][]string, len(lots)) // lot, month, columns
	for i, l := range lots {
		rows[i] = drawLot(cfg, i, l, events)
	}
	var d, r bytes.Buffer
	dw, rw := csv.NewWriter(&d), csv.NewWriter(&r)
	dw.Write(append([]string{"provider", "region", "month"}, Fields...))
	rw.Write([]string{"provider", "region", "month", "kpi", "reason"})
	for m := range cfg.Months {
		month := cfg.Start.Add(m).String()
		for i, l := range lots {
			dw.Write(append([]string{l.Provider, l.Region, month}, rows[i][m]...))
		}
		for _, e := range events[m] {
			for _, l := range lots {
				if e.hits(l) {
					rw.Write([]string{l.Provider, l.Region, month, e.kind.relief, e.kind.reason})
				}
			}
		}
	}
	dw.Flush()
	rw.Flush()
	if err := dw.Error(); err != nil {
		return nil, nil, err
	}
	return d.Bytes(), r.Bytes(), rw.Error()
}

// drawEvents draws each month's contract-wide events from their own stream.
func drawEvents(cfg Config) [][]event {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	out := make([][]event, cfg.Months)
	for m := range out {
		winter := isWinter(cfg.Start.Add(m))
		for k := range eventKinds {
			kind := &eventKinds[k]
			hit := rng.Float64() < kind.chance
			region := regions[rng.IntN(len(regions))].name
			if !hit || kind.winterOnly && !winter {
				continue
			}
			if kind.everywhere {
				region = ""
			}
			out[m] = append(out[m], event{kind, region})
		}
	}
	return out
}

// drawLot draws one lot's months from the lot's own stream: for each
// month, the values of Fields as text.
func drawLot(cfg Config, index int, l Lot, events [][]event) [][]string {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(index)+1))
	drift := make([]float64, len(ratios)+1) // per ratio, then KPI-05
	out := make([][]string, cfg.Months)
	for m := range out {
		month := cfg.Start.Add(m)
		winter, summer := isWinter(month), month.Number() >= 7 && month.Number() <= 10
		v := map[string]int64{}
		// Charges rise 3% a contract year and follow occupancy, ±3%.
		occupancy := 1 + 0.03*(2*rng.Float64()-1)
		size := l.Charge / 1e6 * occupancy
		v["monthly_charge"] = int64(math.Round(l.Charge * math.Pow(1.03, float64(m/12)) * occupancy * 100))
		properties := int64(math.Round(size * propertiesPerM))
		bad := 1.0 // an occasional bad month: a subcontractor fails, systems go down
		if rng.Float64() < 0.035 {
			bad = 4 + 4*rng.Float64()
		}
		for j, r := range ratios {
			drift[j] = 0.6*drift[j] + 0.3*rng.NormFloat64()
			mean, miss := r.perMillion*size, r.miss*weak(l, r.kpi)*math.Exp(drift[j])*bad
			if winter && r.winter > 0 {
				mean, miss = mean*r.winter, miss*r.winter
			}
			if summer && r.summer > 0 {
				mean *= r.summer
			}
			for _, e := range events[m] {
				if f := e.factor(r.kpi, l); f != 1 {
					miss *= f
					if e.kind.surge > 0 {
						mean *= e.kind.surge
					}
				}
			}
			var n int64
			switch {
			case r.fixed > 0:
				n = r.fixed
			case r.ofStock > 0:
				n = int64(math.Round(float64(properties) * r.ofStock))
			default:
				n = poisson(rng, mean)
			}
			if rng.Float64() < r.quiet {
				n = 0
			}
			v[r.total], v[r.done] = n, n-binomial(rng, n, min(miss, 0.6))
		}
		// Initial accommodation: average nights before moving on (lower is better).
		k := len(ratios)
		drift[k] = 0.6*drift[k] + 0.08*rng.NormFloat64()
		nights := iaNights * weak(l, "KPI-05") * math.Exp(drift[k]) * math.Pow(bad, 0.2)
		exits := iaExitsPerMillion * size
		if summer {
			nights, exits = nights*1.12, exits*1.25
		}
		v["ia_exits"] = poisson(rng, exits)
		v["ia_nights"] = int64(math.Round(float64(v["ia_exits"]) * nights))
		out[m] = format(v)
	}
	return out
}

// format writes a month's values in Fields order: the charge (in pence)
// as pounds with two decimals, counts as whole numbers.
func format(v map[string]int64) []string {
	out := make([]string, len(Fields))
	for i, f := range Fields {
		x, ok := v[f]
		if !ok {
			panic("aasc: no value drawn for field " + f)
		}
		if f == "monthly_charge" {
			out[i] = fmt.Sprintf("%d.%02d", x/100, x%100)
		} else {
			out[i] = strconv.FormatInt(x, 10)
		}
	}
	return out
}

func weak(l Lot, kpi string) float64 {
	if f, ok := weakness[l.provider][kpi]; ok {
		return f
	}
	return 1
}

func isWinter(m rules.Month) bool { return m.Number() >= 11 || m.Number() <= 3 }

// poisson draws a count with the given mean: exactly (Knuth's method) for
// small means, by the normal approximation for large ones.
func poisson(rng *rand.Rand, mean float64) int64 {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, int64(math.Round(mean+math.Sqrt(mean)*rng.NormFloat64())))
	}
	limit, p, k := math.Exp(-mean), 1.0, int64(0)
	for {
		p *= rng.Float64()
		if p <= limit {
			return k
		}
		k++
	}
}

// binomial draws how many of n events, each with chance p, happen: exactly
// for small n, by the Poisson or normal approximation otherwise.
func binomial(rng *rand.Rand, n int64, p float64) int64 {
	var k int64
	switch mean := float64(n) * p; {
	case n <= 0 || p <= 0:
		return 0
	case n <= 50:
		for range n {
			if rng.Float64() < p {
				k++
			}
		}
	case mean < 20:
		k = poisson(rng, mean)
	default:
		k = int64(math.Round(mean + math.Sqrt(mean*(1-p))*rng.NormFloat64()))
	}
	return min(max(k, 0), n)
}
