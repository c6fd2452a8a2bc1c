package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kpicredit/kpicredit/curves"
	"github.com/kpicredit/kpicredit/input"
	"github.com/kpicredit/kpicredit/output"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// curvesCmd writes the credit curves of the rulebook and its scenarios:
// at the data's typical charge, or at --charge.
func curvesCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("curves", flag.ContinueOnError)
	var in inputs
	in.register(fs)
	chargeFlag := fs.String("charge", "", "price every curve at this monthly `amount` instead of the data's typical charge")
	out := fs.String("out", "", "the output `directory`")
	force := fs.Bool("force", false, "write into a directory that holds other files")
	if err := parse(fs, args); err != nil {
		return err
	}
	var opts curves.Options
	switch {
	case *out == "":
		return &usageError{"--out is required"}
	case in.data == "" && *chargeFlag == "":
		return &usageError{"--data or --charge is required"}
	case in.relief != "" && in.data == "":
		return &usageError{"--relief needs --data"}
	}
	job, err := in.load(ctx, false)
	if err != nil {
		return err
	}
	if *chargeFlag != "" {
		c, err := input.ParseMoney(strings.TrimSpace(*chargeFlag), job.Rules.MinorUnits)
		if err != nil || !c.IsPositive() {
			msg := fmt.Sprintf("--charge must be a positive amount, such as 250000.00, not %q", *chargeFlag)
			if err != nil {
				msg += ": " + err.Error()
			}
			return &usageError{msg}
		}
		opts.Charge = c
	}
	dest := output.Output{Dir: *out, Force: *force}
	if err := output.CheckCurvesOutput(dest); err != nil {
		return err
	}
	if job.Data != nil {
		// The baseline alone gives the charges and the judged measures.
		base := runner.Job{Rules: job.Rules, Data: job.Data, Relief: job.Relief, Scenarios: []*rules.Scenario{}}
		res, err := runner.Run(ctx, base)
		if err != nil {
			return err
		}
		opts.Data, opts.At = output.CurvesData(res), job.Data.Last // the contract as it stands at the data's end
	}
	set, err := curves.Compute(ctx, job.Rules, job.Rules.Scenarios, opts)
	if errors.Is(err, curves.ErrZeroCharge) {
		return &usageError{"the data's typical charge is zero: give one with --charge"}
	} else if err != nil {
		return err
	}
	if err := output.WriteCurves(ctx, set, dest); err != nil {
		return err
	}
	l := output.CurvesLink(set, "curves.html")
	fmt.Fprintf(stdout, "%s: %d KPIs, baseline and %d scenarios, at a charge of %s (%s)\n", *out, len(set.KPIs),
		len(job.Rules.Scenarios), set.Charge.StringFixed(set.Places), set.ChargeFrom)
	fmt.Fprintf(stdout, "KPIs flagged: cliff %d, over_at_risk %d, unreached %d\n", l.Cliff, l.OverAtRisk, l.Unreached)
	return nil
}
