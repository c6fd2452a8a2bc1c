// Package rules loads, validates and overlays kpicredit rulebooks: the YAML
// that says which data fields a contract reports, its KPIs and how their
// failures become service credits, its caps, and its what-if scenarios.
//
// Load and Parse read a rulebook and report every problem found at once,
// in a *ValidationError whose Problems each carry the file, line, column
// and key. Numbers are read exactly from their text. Expressions are kept
// as source with their position; package kpi compiles them.
//
// A KPI's unit says what its measure is: a share (0 to 1), a percent (0 to
// 100) or a number, with an optional range; KPI.Unit and KPI.Range hold
// it. The loader rejects a target, bound or sliding floor that the range
// puts out of reach, and, where no unit says otherwise, a whole percent
// such as 95 written beside shares such as 0.90. KPI.Unreachable applies
// the same check to a range worked out elsewhere: package kpi passes the
// range a measure's expression gives.
//
// A Scenario is the baseline rulebook with an overlay applied — from a
// rulebook's scenarios section, a separate file (ReadScenarios) or code
// (AddOverlay) — and validated like the baseline. An override merges into
// a KPI key by key; a credit naming another scheme replaces the scheme,
// the same scheme merges; a null value removes the key. A sweep expands to
// one scenario per value, named "<id>/<field>=<value>". Its members after
// the first share the first's terms but for the swept KPI, which each
// reads again alone, and keep no YAML: a member's document is built again
// when asked for, and WriteTermsYAML writes it from the sweep's text.
//
// Amendments are agreed change notices: overlays, like a scenario's, in
// force from a month on. Timeline gives the terms month by month, each
// epoch the original rulebook with every amendment in force applied in
// order of from (listed order for equal months); each Amendment's Rules
// are checked as a whole rulebook. A Scenario's Timeline is the
// baseline's before its From month, then the amendments in force less
// those it revokes with its overlay applied last. Adopt moves an agreed
// scenario into the amendments, splicing the rulebook's text at the
// syntax tree's positions so that the rest of the file is kept byte for
// byte.
//
// A KPI's Period may be a quarter of the contract year or a rolling window
// (a Field's Aggregate says how its values combine); Triggers count
// failures beyond money; Bonus, a KPI's BonusAt and a ServiceArea's Bands
// are priced by package credits. CheckSpan reports what a data's months
// make impossible.
//
// Closing holds what the month-end close reads (invoice_lag,
// invoice_party, authority, opening): who may waive how much, and each
// lot's opening state when the data does not start at the contract's
// start. Scenarios and amendments keep the original rulebook's: the close's
// keys cannot be amended.
//
// Events is the events section (package events measures it): the event
// sources, their SLA clocks and the fields they fill, each source's file
// (EventFiles) and calendars. It is structure, like the fields: no
// amendment or scenario can change it.
//
// Optional settings are pointers, nil when not given (a bound, a cap, the
// contract's start); the results of other packages keep an optional value
// as a value and a Has flag instead, so that pricing allocates nothing.
//
// Every other package of kpicredit depends on rules, and rules on period,
// money, limits and sla (the clocks' kinds and calendars) only. Package
// kpi, which compiles expressions, imports rules, so Load takes it as a
// Checker: rules.Load(path, kpi.Check).
package rules
