package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kpicredit/kpicredit/runner"
)

// adoptCmd moves an agreed scenario into the rulebook's amendments and
// rewrites the rulebook in place, atomically, once the result is valid.
func adoptCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("adopt", flag.ContinueOnError)
	rules := fs.String("rules", "", "the rulebook `file` (YAML) to rewrite")
	id := fs.String("scenario-id", "", "the scenario to adopt: one of the rulebook's, or of --scenario's file")
	file := fs.String("scenario", "", "a scenario `file` (YAML) holding the scenario to adopt")
	agreed := fs.String("agreed", "", "the `date` the change was agreed, YYYY-MM-DD")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *rules == "":
		return &usageError{"--rules is required"}
	case *id == "" && *file == "":
		return &usageError{"--scenario-id or --scenario is required"}
	case *agreed == "":
		return &usageError{"--agreed is required"}
	}
	out, err := runner.Adopt(runner.AdoptFiles{Rules: *rules, ScenarioID: *id, ScenarioFile: *file, Agreed: *agreed})
	if err != nil {
		return unreadable(err)
	}
	if err := replaceFile(*rules, out); err != nil {
		return err
	}
	name := *id
	if name == "" {
		name = "the scenario of " + *file
	}
	fmt.Fprintf(stdout, "%s: %s adopted as an amendment agreed %s\n", *rules, name, *agreed)
	return nil
}

// replaceFile writes data to a new file beside path, syncs it and renames
// it over path, keeping path's permissions: path is replaced whole or
// left as it was. A symbolic link is written through.
func replaceFile(path string, data []byte) (err error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".adopt-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), info.Mode().Perm())
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		derr = d.Sync()
		d.Close()
		if derr != nil {
			return fmt.Errorf("writing %s: %w", path, derr)
		}
	}
	return nil
}
