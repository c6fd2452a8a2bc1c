package kpi

// UseVM makes the evaluator evaluate every expression with expr's VM, as
// it did before the fast path, so that tests and benchmarks compare the two.
func (e *Evaluator) UseVM() { e.useVM = true }

// VMRuns returns how many expressions the VM has evaluated.
func (e *Evaluator) VMRuns() int { return e.vmRuns }

// Uncovered lists the expressions of the program the closures of the fast
// path do not cover, which the VM always evaluates.
func (p *Program) Uncovered() []string {
	var out []string
	for i, k := range p.rb.KPIs {
		c := p.kpis[i]
		for _, x := range []struct {
			x   *expression
			src string
		}{{c.measure, k.Measure.Source}, {c.volume, k.Volume.Source}, {c.applies, k.Applies.Source}} {
			if x.x != nil && x.x.num == nil && x.x.cond == nil {
				out = append(out, x.src)
			}
		}
	}
	return out
}

// UseVM makes the evaluator evaluate the condition with expr's VM only.
func (x *ConditionEvaluator) UseVM() { x.e.useVM = true }

// VMRuns returns how many times the VM has evaluated the condition.
func (x *ConditionEvaluator) VMRuns() int { return x.e.vmRuns }

// Covered reports whether the closures of the fast path cover the
// condition.
func (c *Condition) Covered() bool { return c.x.cond != nil }
