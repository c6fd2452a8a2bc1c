package serve_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kpicredit/kpicredit/runner"
	"github.com/kpicredit/kpicredit/serve"
	"github.com/stretchr/testify/require"
)

// Only a Host header naming the server's own loopback address and port is
// answered: a page of another site that points its name at 127.0.0.1
// (DNS rebinding) gets 403.
func TestHostHeader(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	_, port, _ := net.SplitHostPort(s.host)
	for _, tc := range []struct {
		host string
		code int
	}{
		{"127.0.0.1:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST:" + port, http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"evil.example:" + port, http.StatusForbidden},
		{"evil.example", http.StatusForbidden},
		{"127.0.0.1", http.StatusForbidden},
		{"localhost:1", http.StatusForbidden},
		{"127.0.0.2:" + port, http.StatusForbidden},
	} {
		t.Run(tc.host, func(t *testing.T) {
			resp := s.request("GET", "/", "", map[string]string{"Host": tc.host})
			require.Equal(t, tc.code, resp.StatusCode)
			if tc.code != http.StatusOK {
				require.Contains(t, body(t, resp), "this server answers only to localhost:"+port+", 127.0.0.1:"+port)
			}
			resp = s.request("POST", "/evaluate", "{}", map[string]string{"Host": tc.host, "X-CSRF-Token": s.srv.Token()})
			require.Equal(t, tc.code, resp.StatusCode, "POST too")
		})
	}
}

// Every POST carries the page's token, and a browser's must come from the
// page's own origin; the download, a form, carries it as a field.
func TestCSRF(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{})
	token := s.srv.Token()
	own := "http://" + s.host
	for _, tc := range []struct {
		name    string
		headers map[string]string
		code    int
	}{
		{"token and origin", map[string]string{"X-CSRF-Token": token, "Origin": own}, http.StatusOK},
		{"token, no origin (not a browser)", map[string]string{"X-CSRF-Token": token}, http.StatusOK},
		{"token, same-origin fetch", map[string]string{"X-CSRF-Token": token, "Origin": own, "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"no token", map[string]string{"Origin": own}, http.StatusForbidden},
		{"a wrong token", map[string]string{"X-CSRF-Token": token[:len(token)-1] + "x", "Origin": own}, http.StatusForbidden},
		{"another site's page", map[string]string{"X-CSRF-Token": token, "Origin": "http://evil.example"}, http.StatusForbidden},
		{"another port's page", map[string]string{"X-CSRF-Token": token, "Origin": "http://localhost:1"}, http.StatusForbidden},
		{"an opaque origin", map[string]string{"X-CSRF-Token": token, "Origin": "null"}, http.StatusForbidden},
		{"a cross-site fetch", map[string]string{"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"a same-site fetch from another origin", map[string]string{"X-CSRF-Token": token, "Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.request("POST", "/evaluate", "{}", tc.headers)
			require.Equal(t, tc.code, resp.StatusCode, body(t, resp))
		})
	}
	change := `{"kpis":{"KPI-07":{"target":"0.93"}}}`
	require.Equal(t, http.StatusOK, s.download(change, token).StatusCode)
	for _, bad := range []string{"", "x", token + "x"} {
		resp := s.download(change, bad)
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Contains(t, body(t, resp), "CSRF token")
	}
	other, err := serve.New(prepare(t, exampleFiles), serve.Options{})
	require.NoError(t, err)
	require.NotEqual(t, token, other.Token(), "each server draws its own token")
}

// Requests the page would never send are refused with 400, bodies over
// the limit with 413, other methods and paths with 405 and 404.
func TestRequestValidation(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{MaxBody: 2048})
	for _, tc := range []struct {
		name, change string
		code         int
		text         string
	}{
		{"not JSON", `{"kpis":`, http.StatusBadRequest, "the change is not valid JSON"},
		{"an unknown key", `{"remove":["KPI-01"]}`, http.StatusBadRequest, `unknown field "remove"`},
		{"a value that is not text", `{"kpis":{"KPI-07":{"target":0.93}}}`, http.StatusBadRequest, "not valid JSON"},
		{"more after the change", `{} {}`, http.StatusBadRequest, "followed by more data"},
		{"a KPI the rulebook lacks", `{"kpis":{"KPI-99":{"target":"1"}}}`, http.StatusBadRequest, `KPI "KPI-99" is not one of the rulebook's`},
		{"an expression", `{"kpis":{"KPI-07":{"measure":"1"}}}`, http.StatusBadRequest, `KPI-07: "measure" cannot be changed here`},
		{"another scheme's amount", `{"kpis":{"KPI-07":{"credit.fixed.minor":"1"}}}`, http.StatusBadRequest, "cannot be changed here"},
		{"an unknown cap", `{"caps":{"annual_amount":"1"}}`, http.StatusBadRequest, `caps: "annual_amount" cannot be changed here`},
		{"a value longer than a number", `{"kpis":{"KPI-07":{"target":"` + strings.Repeat("9", 65) + `"}}}`,
			http.StatusBadRequest, "longer than 64 bytes"},
		{"a long month", `{"from":"` + strings.Repeat("1", 65) + `"}`, http.StatusBadRequest, "from: the value is longer than 64 bytes"},
		{"a body over the limit", `{"from":"` + strings.Repeat(" ", 4096) + `"}`, http.StatusRequestEntityTooLarge, "larger than 2048 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := s.evaluate(tc.change)
			require.Equal(t, tc.code, code, r.Text)
			require.Contains(t, r.Text, tc.text)
			resp := s.download(tc.change, s.srv.Token())
			require.Equal(t, tc.code, resp.StatusCode)
		})
	}
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/evaluate", http.StatusMethodNotAllowed},
		{"GET", "/download", http.StatusMethodNotAllowed},
		{"PUT", "/", http.StatusMethodNotAllowed},
		{"POST", "/", http.StatusMethodNotAllowed},
		{"GET", "/rules.yaml", http.StatusNotFound},
		{"GET", "/examples/aasc/data.csv", http.StatusNotFound},
		{"GET", "/../../etc/passwd", http.StatusNotFound},
		{"GET", "/static/app.js", http.StatusNotFound},
		{"GET", "/index.html", http.StatusNotFound},
	} {
		resp := s.request(tc.method, tc.path, "", map[string]string{"X-CSRF-Token": s.srv.Token()})
		require.Equal(t, tc.code, resp.StatusCode, tc.method+" "+tc.path)
	}
}

// Every answer says not to cache it and sets no cookie; serving writes
// nothing, and one change leaves nothing behind for the next.
func TestNoStateKept(t *testing.T) {
	files := absFiles(t)
	wd := t.TempDir()
	t.Chdir(wd)
	s := newSite(t, prepare(t, files), serve.Options{Files: files})
	a := `{"kpis":{"KPI-07":{"target":"0.93"}},"caps":{"monthly_percent_of_charge":"5"}}`
	b := `{"kpis":{"KPI-09":{"credit.percent_of_charge.minor":"0.25"}}}`
	_, fresh := s.evaluate(b)
	_, _ = s.evaluate(a)
	code, after := s.evaluate(b)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, fresh.Total, after.Total, "b after a is b alone")
	require.Equal(t, fresh.YAML, after.YAML)
	for _, resp := range []*http.Response{
		s.request("GET", "/", "", nil),
		s.request("POST", "/evaluate", a, map[string]string{"X-CSRF-Token": s.srv.Token()}),
		s.download(a, s.srv.Token()),
		s.request("GET", "/nothing", "", nil),
		s.request("GET", "/", "", map[string]string{"Host": "evil.example"}),
	} {
		require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		require.Empty(t, resp.Header.Values("Set-Cookie"))
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
		require.Equal(t, "same-origin", resp.Header.Get("Referrer-Policy"), "no-referrer would make the page's form post send Origin: null")
		require.NotEmpty(t, resp.Header.Get("Content-Security-Policy"))
	}
	entries, err := os.ReadDir(wd)
	require.NoError(t, err)
	require.Empty(t, entries, "nothing written to the working directory")
}

// absFiles are the example's files by absolute path, for a test that
// leaves the package's directory.
func absFiles(t *testing.T) runner.Files {
	t.Helper()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		require.NoError(t, err)
		return a
	}
	return runner.Files{Rules: abs(exampleFiles.Rules), Data: abs(exampleFiles.Data), Relief: abs(exampleFiles.Relief)}
}

// The server reads its files once, at the start: with them gone it serves
// as before, and nothing it is sent names a file to read.
func TestReadsOnlyTheFilesGiven(t *testing.T) {
	dir := t.TempDir()
	var files runner.Files
	for role, src := range map[string]string{"rules": exampleFiles.Rules, "data": exampleFiles.Data, "relief": exampleFiles.Relief} {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		dst := filepath.Join(dir, filepath.Base(src))
		require.NoError(t, os.WriteFile(dst, b, 0o644))
		switch role {
		case "rules":
			files.Rules = dst
		case "data":
			files.Data = dst
		default:
			files.Relief = dst
		}
	}
	s := newSite(t, prepare(t, files), serve.Options{Files: files})
	require.NoError(t, os.RemoveAll(dir))
	code, r := s.evaluate(`{"kpis":{"KPI-07":{"target":"0.93"}}}`)
	require.Equal(t, http.StatusOK, code, r.Text)
	require.Equal(t, "3938827.71", r.Total.Exact)
	require.Equal(t, http.StatusOK, s.request("GET", "/", "", nil).StatusCode)
	require.Equal(t, http.StatusOK, s.download(`{}`, s.srv.Token()).StatusCode)
}

// An evaluation out of time is answered 503; so is one that waits for a
// turn past its deadline.
func TestEvaluationDeadline(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{EvalTimeout: time.Nanosecond})
	code, r := s.evaluate(`{"kpis":{"KPI-07":{"target":"0.93"}}}`)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, r.Text, "the evaluation took longer than 1ns; try again")
}

// The server's limits on reading, writing and idling, and on headers.
func TestHTTPServerLimits(t *testing.T) {
	srv, err := serve.New(prepare(t, exampleFiles), serve.Options{EvalTimeout: 2 * time.Second})
	require.NoError(t, err)
	h := srv.HTTPServer(serve.LoopbackHosts("8080"))
	require.Equal(t, 5*time.Second, h.ReadHeaderTimeout)
	require.Equal(t, 15*time.Second, h.ReadTimeout)
	require.Equal(t, 17*time.Second, h.WriteTimeout, "the evaluation's deadline and time to write")
	require.Equal(t, 60*time.Second, h.IdleTimeout)
	require.Equal(t, 16<<10, h.MaxHeaderBytes)
	_, err = serve.New(nil, serve.Options{})
	require.EqualError(t, err, "serve: no prepared job")
}

// Listen binds the loopback interface only, unless remote access is
// allowed, and then only a named interface.
func TestListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		err    error
		text   string
	}{
		{addr: "127.0.0.1:0"},
		{addr: "localhost:0"},
		{addr: "0.0.0.0:0", err: serve.ErrNotLoopback},
		{addr: ":0", err: serve.ErrNotLoopback},
		{addr: "[::]:0", err: serve.ErrNotLoopback},
		{addr: "192.0.2.10:0", err: serve.ErrNotLoopback},
		{addr: "example.com:0", err: serve.ErrNotLoopback},
		{addr: "0.0.0.0:0", remote: true, err: serve.ErrUnspecified},
		{addr: ":0", remote: true, err: serve.ErrUnspecified},
		{addr: "127.0.0.1:0", remote: true},
		{addr: "127.0.0.1", text: "missing port in address"},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			ln, hosts, err := serve.Listen(tc.addr, tc.remote)
			switch {
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
				require.Nil(t, ln)
				return
			case tc.text != "":
				require.ErrorContains(t, err, tc.text)
				return
			}
			require.NoError(t, err)
			defer ln.Close()
			addr := ln.Addr().(*net.TCPAddr)
			require.True(t, addr.IP.IsLoopback(), addr)
			port := strings.TrimPrefix(ln.Addr().String(), addr.IP.String()+":")
			require.Equal(t, serve.LoopbackHosts(port), hosts)
		})
	}
}

// Serve answers until its context ends, then shuts down cleanly.
func TestServe(t *testing.T) {
	srv, err := serve.New(prepare(t, exampleFiles), serve.Options{})
	require.NoError(t, err)
	ln, hosts, err := serve.Listen("127.0.0.1:0", false)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, hosts) }()
	resp, err := http.Get("http://" + hosts[1] + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	require.NoError(t, <-done)
	_, err = http.Get("http://" + hosts[1] + "/")
	require.Error(t, err, "closed")
}

// Evaluations at once give each their own figures (run with -race).
func TestConcurrentEvaluations(t *testing.T) {
	s := newSite(t, prepare(t, exampleFiles), serve.Options{Concurrent: 2})
	targets := []string{"0.90", "0.91", "0.92", "0.93", "0.94", "0.96", "0.97", "0.98"}
	want := map[string]string{}
	for _, v := range targets {
		_, r := s.evaluate(`{"kpis":{"KPI-07":{"target":"` + v + `"}}}`)
		want[v] = r.Total.Exact
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(targets)*3)
	for range 3 {
		for _, v := range targets {
			wg.Go(func() {
				_, r := s.evaluate(`{"kpis":{"KPI-07":{"target":"` + v + `"}}}`)
				if r.Total == nil || r.Total.Exact != want[v] {
					errs <- errors.New(v + ": " + r.Text)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
