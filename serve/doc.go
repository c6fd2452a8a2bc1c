// Package serve is the interactive what-if: a page, served over HTTP on
// the loopback interface, where an analyst picks a KPI, changes its
// target, bounds, scheme amounts or a cap, and sees the credits by
// provider, month and KPI against the baseline update at once; a button
// downloads the change as a scenario file that kpicredit run reproduces
// to the penny.
//
// A Server holds one runner.Prepared job: the data in memory and the
// baseline already run, with its expressions' values, so that each change
// prices only its own scenario (runner.Prepared.RunScenario), which applies
// last, over every amendment in force, as any scenario does. The page
// offers the KPIs, fields and caps of the terms in force in the data's
// last month: the contract as it stands. Every change is written as a
// scenario file and read back through rules.Rulebook.ParseScenarios and
// kpi.Check, the loader's own checks, so its problems are shown on the
// page at their line and column.
//
// It guards itself as a local tool must: Handler answers only requests
// whose Host header names an address it was told of (against DNS
// rebinding), every POST carries the page's CSRF token and, from a
// browser, the page's origin; bodies and evaluations are bounded in size,
// time and number at once; responses are not cached and no state is kept
// between requests or written anywhere. Listen refuses an address off the
// loopback interface unless asked to allow it. The page is one
// html/template document with its CSS and script inline: no framework,
// no build step, nothing fetched from the network.
//
// It depends on runner (the job), report (how a difference splits into
// rules and caps), kpi and rules (the checks), input and money.
package serve
