package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/kpi"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// result is what the page gets for a change: the scenario file it
// becomes and, when the file is valid, the figures against the
// baseline's; otherwise its problems.
type result struct {
	OK       bool        `json:"ok"`
	File     string      `json:"file"` // the scenario file's name, e.g. whatif.yaml
	YAML     string      `json:"yaml"`
	Problems []problem   `json:"problems"`
	Total    *changeView `json:"total,omitempty"`
	Groups   []namedView `json:"groups,omitempty"`
	KPIs     []namedView `json:"kpis,omitempty"`
	Months   []monthView `json:"months,omitempty"`
	Millis   string      `json:"ms"` // how long the evaluation took
}

// problem is one thing wrong with a change, where the loader found it.
type problem struct {
	Pos   string `json:"pos"`   // file:line:column, the file without its directory
	Key   string `json:"key"`   // the key's path, e.g. scenarios.whatif.KPI-07.target
	Field string `json:"field"` // the page's field: KPI|path, caps|path or from; "" for none
	Msg   string `json:"msg"`
}

// evaluate answers POST /evaluate: a change as JSON, with the CSRF token
// in the X-CSRF-Token header.
func (s *Server) evaluate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
	if !s.tokenOK(r.Header.Get("X-CSRF-Token")) {
		http.Error(w, "missing or wrong CSRF token: reload the page", http.StatusForbidden)
		return
	}
	c, err := decodeChange(r.Body)
	if err != nil {
		s.fail(w, err)
		return
	}
	res, err := s.try(r.Context(), c)
	if err != nil {
		s.fail(w, err)
		return
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(res); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b.Bytes())
}

// download answers POST /download: a form with the change (as JSON) and
// the CSRF token. A valid change comes back as its scenario file, to be
// saved; an invalid one as its problems, with 400.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
	if err := r.ParseForm(); err != nil {
		if mb := (*http.MaxBytesError)(nil); !errors.As(err, &mb) {
			err = badRequest("the form cannot be read: %v", err)
		}
		s.fail(w, err)
		return
	}
	if !s.tokenOK(r.PostForm.Get("csrf")) {
		http.Error(w, "missing or wrong CSRF token: reload the page", http.StatusForbidden)
		return
	}
	c, err := decodeChange(strings.NewReader(r.PostForm.Get("change")))
	if err == nil {
		err = s.check(c)
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	doc := s.yamlDoc(c, s.id)
	if _, ps := s.parse(doc); ps != nil {
		var msgs []string
		for _, p := range ps {
			msgs = append(msgs, p.Pos+": "+p.Key+": "+p.Msg)
		}
		http.Error(w, "the change has problems:\n"+strings.Join(msgs, "\n"), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.id+`.yaml"`)
	_, _ = w.Write(doc)
}

// fail answers an error: a request the page would not send with 400, a
// body too large with 413, an evaluation out of time or turned away with
// 503, anything else with 500.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var re *requestError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		http.Error(w, fmt.Sprintf("the request is larger than %d bytes", mb.Limit), http.StatusRequestEntityTooLarge)
	case errors.As(err, &re):
		http.Error(w, re.msg, http.StatusBadRequest)
	case errors.Is(err, context.DeadlineExceeded):
		http.Error(w, fmt.Sprintf("the evaluation took longer than %s; try again", s.opts.EvalTimeout), http.StatusServiceUnavailable)
	case errors.Is(err, context.Canceled):
		http.Error(w, "the request was cancelled", http.StatusServiceUnavailable)
	default:
		http.Error(w, "kpicredit: "+err.Error(), http.StatusInternalServerError)
	}
}

// try evaluates a change within the evaluation deadline, waiting its turn
// among at most Options.Concurrent evaluations.
func (s *Server) try(ctx context.Context, c edit) (*result, error) {
	if err := s.check(c); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.EvalTimeout)
	defer cancel()
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	start := time.Now()
	doc := s.yamlDoc(c, s.id)
	res := &result{File: s.id + ".yaml", YAML: string(doc), Problems: []problem{}}
	sc, ps := s.parse(doc)
	if ps != nil {
		res.Problems = ps
		res.Millis = millis(start)
		return res, nil
	}
	run, err := s.prep.RunScenario(ctx, sc)
	if runner.IsInvalidInput(err) {
		res.Problems = []problem{{Pos: s.id + ".yaml", Msg: err.Error()}}
		res.Millis = millis(start)
		return res, nil
	} else if err != nil {
		return nil, err
	}
	s.fill(res, s.figuresOf(run))
	res.OK, res.Millis = true, millis(start)
	return res, nil
}

func millis(since time.Time) string {
	return fmt.Sprintf("%.1f", float64(time.Since(since).Microseconds())/1000)
}

// parse reads a scenario file as kpicredit run would read it with
// --scenario: through the rulebook's scenario loader and the expression
// checks. It returns the scenario, or the problems.
func (s *Server) parse(doc []byte) (*rules.Scenario, []problem) {
	scs, err := s.rules.ParseScenarios(s.id+".yaml", bytes.NewReader(doc))
	if err == nil {
		err = kpi.Check(s.rules, scs)
	}
	if err == nil && len(scs) != 1 {
		err = fmt.Errorf("the file holds %d scenarios, not one", len(scs))
	}
	if err == nil {
		return scs[0], nil
	}
	var ve *rules.ValidationError
	var p *rules.Problem
	switch {
	case errors.As(err, &ve):
		var out []problem
		for _, p := range ve.Problems {
			out = append(out, s.problem(p))
		}
		return nil, out
	case errors.As(err, &p):
		return nil, []problem{s.problem(p)}
	}
	return nil, []problem{{Pos: s.id + ".yaml", Msg: err.Error()}}
}

// problem shows a loader's problem: its file without the directory, and
// the page's field it is about, if any.
func (s *Server) problem(p *rules.Problem) problem {
	pos := p.Pos
	pos.File = filepath.Base(pos.File)
	return problem{Pos: pos.String(), Key: p.Key, Field: s.fieldOf(p.Key), Msg: p.Msg}
}

// fieldOf maps a problem's key (scenarios.<id>.<KPI>.<path>,
// scenarios.<id>.caps.<key>, scenarios.<id>.from) to the page's field.
func (s *Server) fieldOf(key string) string {
	rest, ok := strings.CutPrefix(key, "scenarios."+s.id+".")
	if !ok {
		return ""
	}
	if rest == "from" {
		return "from"
	}
	if c, ok := strings.CutPrefix(rest, "caps."); ok {
		return "caps|" + c
	}
	best := ""
	for id := range s.fields {
		if strings.HasPrefix(rest, id+".") && len(id) > len(best) {
			best = id
		}
	}
	if best == "" {
		return ""
	}
	return best + "|" + strings.TrimPrefix(rest, best+".")
}
