package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/kpicredit/kpicredit/serve"
)

// DefaultAddr is where serve listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8080"

// serveCmd serves the what-if page until the context ends (Ctrl-C).
func serveCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	rulesFile := fs.String("rules", "", "the rulebook `file` (YAML)")
	data := fs.String("data", "", "monthly data: a CSV `file` with a header row, or Parquet (.parquet)")
	relief := fs.String("relief", "", "relief entries: a CSV `file`")
	var in inputs
	in.registerEvents(fs)
	addr := fs.String("addr", DefaultAddr, "the `host:port` to listen on; port 0 picks a free one")
	remote := fs.Bool("allow-remote", false, "allow an --addr off the loopback interface (others on the network can then use the page)")
	if err := parse(fs, args); err != nil {
		return err
	}
	_, port, err := net.SplitHostPort(*addr)
	if err == nil && port != "" {
		_, err = net.LookupPort("tcp", port) // a number from 0 to 65535, or a service's name
	}
	if err != nil {
		return &usageError{fmt.Sprintf("--addr must be host:port, such as %s, with a port from 0 to 65535, not %q", DefaultAddr, *addr)}
	}
	in.rules, in.data, in.relief = *rulesFile, *data, *relief
	job, err := in.load(ctx, true)
	if err != nil {
		return err
	}
	prep, err := runner.Prepare(ctx, job)
	if err != nil {
		return err
	}
	srv, err := serve.New(prep, serve.Options{Files: job.Files})
	if err != nil {
		return err
	}
	ln, hosts, err := serve.Listen(*addr, *remote)
	switch {
	case errors.Is(err, serve.ErrNotLoopback):
		return &usageError{"--addr " + err.Error() + ": the what-if page is for this machine only; " +
			"pass --allow-remote to let others on the network use it"}
	case errors.Is(err, serve.ErrUnspecified):
		return &usageError{"--addr " + err.Error()}
	case err != nil:
		return err
	}
	url := hosts[1] // 127.0.0.1:port
	if *remote && len(hosts) > 3 {
		url = hosts[3]
	}
	fmt.Fprintf(stdout, "kpicredit what-if: http://%s/ (%d lots x %d months; Ctrl-C stops)\n", url,
		len(job.Data.Lots), job.Data.Months())
	return srv.Serve(ctx, ln, hosts)
}
