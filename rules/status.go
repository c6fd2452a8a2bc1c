package rules

// Status is the outcome of one KPI for one lot and month.
type Status uint8

// The statuses in the order reports list them. The failure levels run from
// Minor to Critical; a larger value is a worse failure.
const (
	NotMeasured   Status = iota // volume below min_volume, or the measure is undefined (0/0)
	NotApplicable               // the KPI's applies expression is false
	Excused                     // a relief entry covers the lot, month and KPI
	Met                         // the measure meets the target
	Minor                       // missed the target
	Serious                     // worse than the serious bound
	Severe                      // worse than the severe bound
	Critical                    // worse than the critical bound
	// InPeriod is a month of a quarterly KPI's quarter other than its last,
	// in which the quarter is judged: no credit, streaks unchanged.
	InPeriod
)

var statusNames = [...]string{
	NotMeasured:   "not_measured",
	NotApplicable: "not_applicable",
	Excused:       "excused",
	Met:           "met",
	Minor:         "minor",
	Serious:       "serious",
	Severe:        "severe",
	Critical:      "critical",
	InPeriod:      "in_period",
}

// String returns the status as written in rulebooks and outputs, e.g. "not_measured".
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Failed reports whether the status is one of the failure levels.
func (s Status) Failed() bool { return s >= Minor && s <= Critical }

// Levels lists the failure levels from least to most severe.
var Levels = []Status{Minor, Serious, Severe, Critical}

// ParseLevel returns the failure level named s ("minor", "serious", "severe"
// or "critical").
func ParseLevel(s string) (Status, bool) {
	for _, l := range Levels {
		if l.String() == s {
			return l, true
		}
	}
	return 0, false
}
