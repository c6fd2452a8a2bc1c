package runner

import (
	"errors"

	"github.com/kpicredit/kpicredit/internal/par"
)

// InternalError is a panic recovered from a run: a bug in kpicredit,
// never a fault of the input. The CLI exits with code 1 for it and asks
// for a bug report.
type InternalError = par.PanicError

// IsInvalidInput reports whether err is the user's input being wrong — a
// rulebook, scenario, data or relief file, or inputs that fail together,
// such as an expression failing on the data or a value too large for an
// output column — rather than a failure of the run; the CLI exits with
// code 2 for these. Such errors, in every package, have a method
// InvalidInput returning true: *rules.ValidationError, *rules.Problem,
// *kpi.EvalError, *output.RangeError among them.
func IsInvalidInput(err error) bool {
	var ie interface{ InvalidInput() bool }
	return errors.As(err, &ie) && ie.InvalidInput()
}
