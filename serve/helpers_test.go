package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/kpicredit/kpicredit/serve"
	"github.com/stretchr/testify/require"
)

// exampleFiles are the bundled example contract's.
var exampleFiles = runner.Files{Rules: "../examples/aasc/rules.yaml", Data: "../examples/aasc/data.csv",
	Relief: "../examples/aasc/relief.csv"}

// prepare loads and prepares a job as the command does.
func prepare(t testing.TB, files runner.Files) *runner.Prepared {
	t.Helper()
	job, err := runner.Load(context.Background(), files)
	require.NoError(t, err)
	p, err := runner.Prepare(context.Background(), job)
	require.NoError(t, err)
	return p
}

// site is a server under test, listening on the loopback interface.
type site struct {
	t    testing.TB
	srv  *serve.Server
	http *httptest.Server
	host string // 127.0.0.1:port
}

func newSite(t testing.TB, p *runner.Prepared, opts serve.Options) *site {
	t.Helper()
	if opts.Files.Rules == "" {
		opts.Files = exampleFiles
	}
	srv, err := serve.New(p, opts)
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(nil)
	_, port, err := net.SplitHostPort(ts.Listener.Addr().String())
	require.NoError(t, err)
	ts.Config.Handler = srv.Handler(serve.LoopbackHosts(port))
	ts.Start()
	t.Cleanup(ts.Close)
	return &site{t: t, srv: srv, http: ts, host: "127.0.0.1:" + port}
}

// request sends a request with the headers given; the body is a string.
func (s *site) request(method, path, body string, header map[string]string) *http.Response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.http.URL+path, strings.NewReader(body))
	require.NoError(s.t, err)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := s.http.Client().Do(req)
	require.NoError(s.t, err)
	s.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// evaluate posts a change as the page does, and decodes the answer.
func (s *site) evaluate(change string) (int, result) {
	s.t.Helper()
	resp := s.request("POST", "/evaluate", change, map[string]string{"X-CSRF-Token": s.srv.Token(),
		"Content-Type": "application/json", "Origin": "http://" + s.host})
	var r result
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	if resp.StatusCode == http.StatusOK {
		require.NoError(s.t, json.Unmarshal(b, &r), string(b))
	} else {
		r.Text = string(b)
	}
	return resp.StatusCode, r
}

// download posts the download form as the page does.
func (s *site) download(change, token string) *http.Response {
	s.t.Helper()
	form := url.Values{"csrf": {token}, "change": {change}}
	return s.request("POST", "/download", form.Encode(), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://" + s.host})
}

func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// result is the JSON the page gets, as far as the tests look.
type result struct {
	OK       bool   `json:"ok"`
	File     string `json:"file"`
	YAML     string `json:"yaml"`
	Problems []struct {
		Pos, Key, Field, Msg string
	} `json:"problems"`
	Total *struct {
		Baseline, Credits, Exact, Diff, Rules, Caps, Change, Net, NetDiff, Moved string
		Changed                                                                  bool
	} `json:"total"`
	Groups []view `json:"groups"`
	KPIs   []view `json:"kpis"`
	Months []struct {
		Month, Baseline, Credits string
	} `json:"months"`
	Millis string `json:"ms"`
	Text   string `json:"-"` // the body of an answer that is not 200
}

type view struct {
	ID, Name, Baseline, Credits, Exact, Diff, Rules, Caps, Moved string
	Changed                                                      bool
}
