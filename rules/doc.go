// Package rules loads, validates and overlays kpicredit rulebooks: the YAML
// that says which data fields a contract reports, its KPIs and how their
// failures become service credits, its caps, and its what-if scenarios.
//
// Load and Parse read a rulebook and report every problem found at once,
// in a *ValidationError whose Problems each carry the file, line, column
// and key. Numbers are read exactly from their text. Expressions are kept
// as source with their position; package kpi compiles them.
//
// A Scenario is the baseline rulebook with an overlay applied — from a
// rulebook's scenarios section, a separate file (ReadScenarios) or code
// (AddOverlay) — and validated like the baseline. An override merges into
// a KPI key by key; a credit naming another scheme replaces the scheme,
// the same scheme merges; a null value removes the key. A sweep expands to
// one scenario per value, named "<id>/<field>=<value>".
package rules
