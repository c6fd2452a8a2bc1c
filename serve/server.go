package serve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/kpicredit/kpicredit/limits"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
)

// Defaults of Options.
const (
	DefaultEvalTimeout = 10 * time.Second
	DefaultMaxBody     = 64 << 10
)

// Options says how a Server behaves; the zero value takes the defaults.
type Options struct {
	// Files are the files the job was read from. Only their names, not
	// their directories, appear on the page and in scenario files.
	Files runner.Files
	// EvalTimeout bounds each evaluation; 0 is DefaultEvalTimeout.
	EvalTimeout time.Duration
	// MaxBody bounds a request's body in bytes; 0 is DefaultMaxBody.
	MaxBody int64
	// Concurrent bounds the evaluations that run at once; the others wait
	// within their deadline. 0 is one per CPU.
	Concurrent int
}

// Server is the what-if page and its endpoints for one prepared job. It
// is safe for concurrent use and keeps no state between requests.
type Server struct {
	prep  *runner.Prepared
	rules *rules.Rulebook // the contract's, whose scenarios a change is
	// terms are the terms in force in the data's last month: the contract
	// as it stands, whose KPIs, fields and caps the page offers.
	terms     *rules.Rulebook
	names     runner.Files // the files' names, without directories
	opts      Options
	token     string             // the CSRF token every POST carries
	fields    map[string][]field // by KPI id: what the page offers to change
	capFields []field
	id        string // the id of the scenario a change becomes
	sem       chan struct{}
	base      *figures // the baseline's figures, worked out once
}

// New makes a Server for a prepared job: the baseline's figures are
// worked out now, and a random CSRF token drawn.
func New(p *runner.Prepared, opts Options) (*Server, error) {
	if p == nil {
		return nil, errors.New("serve: no prepared job")
	}
	if opts.EvalTimeout <= 0 {
		opts.EvalTimeout = DefaultEvalTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Concurrent <= 0 {
		opts.Concurrent = runtime.GOMAXPROCS(0)
	}
	rb := p.Rules()
	terms := rules.EpochAt(rb.Timeline(), p.Job().Data.Last).Rules
	s := &Server{prep: p, rules: rb, terms: terms, opts: opts, fields: map[string][]field{}, capFields: capFieldsOf(terms.Caps),
		sem: make(chan struct{}, opts.Concurrent), id: scenarioID(rb)}
	s.names = runner.Files{Rules: base(opts.Files.Rules, "rules.yaml"), Data: base(opts.Files.Data, "data.csv"),
		Relief: base(opts.Files.Relief, "")}
	for _, k := range terms.KPIs {
		s.fields[k.ID] = fieldsOf(k)
	}
	token := make([]byte, 32)
	if _, err := rand.Read(token); err != nil {
		return nil, err
	}
	s.token = base64.RawURLEncoding.EncodeToString(token)
	s.base = s.figuresOf(p.Baseline())
	return s, nil
}

func base(path, none string) string {
	if path == "" {
		return none
	}
	return filepath.Base(path)
}

// scenarioID is "whatif", or "whatif-2", ... when the rulebook has a
// scenario of that id, so that run --scenario can add it.
func scenarioID(rb *rules.Rulebook) string {
	taken := func(id string) bool {
		return slices.ContainsFunc(rb.Scenarios, func(s *rules.Scenario) bool { return s.ID == id })
	}
	id := "whatif"
	for n := 2; taken(id); n++ {
		id = fmt.Sprintf("whatif-%d", n)
	}
	return id
}

// Token returns the CSRF token the page carries and every POST must send.
func (s *Server) Token() string { return s.token }

// Handler serves the page and its endpoints to requests whose Host header
// is one of hosts (host:port, as LoopbackHosts or Hosts give them); any
// other gets 403, so that a page of another site cannot reach the server
// through a name it has pointed at 127.0.0.1.
//
//	GET  /          the page
//	POST /evaluate  a change as JSON (with the X-CSRF-Token header): the figures, or its problems
//	POST /download  a form with the change and the csrf token: the scenario file
func (s *Server) Handler(hosts []string) http.Handler {
	allowed := map[string]bool{}
	for _, h := range hosts {
		allowed[strings.ToLower(h)] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("POST /evaluate", s.evaluate)
	mux.HandleFunc("POST /download", s.download)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin") // no-referrer would make a form post send Origin: null
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if !allowed[strings.ToLower(r.Host)] {
			http.Error(w, "this server answers only to "+strings.Join(hosts, ", ")+", not "+limits.Quote(r.Host), http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost && !sameOrigin(r) {
			http.Error(w, "a request from another site's page", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether a request comes from the server's own page:
// a browser names the page's origin in Origin (and says in Sec-Fetch-Site
// whether it is the same); a request without either is not a browser's
// cross-site request, and the CSRF token decides.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	return origin == "" || strings.EqualFold(origin, "http://"+r.Host)
}

// tokenOK compares a token sent with the server's in constant time.
func (s *Server) tokenOK(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

// LoopbackHosts are the Host header values a browser sends to a server
// bound to the loopback interface at port: localhost, 127.0.0.1 and
// [::1].
func LoopbackHosts(port string) []string {
	return []string{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port}
}

// ErrNotLoopback is wrapped in the error Listen returns for an address
// off the loopback interface when remote access is not allowed.
var ErrNotLoopback = errors.New("not a loopback address (127.0.0.1, ::1 or localhost)")

// ErrUnspecified is wrapped in the error Listen returns for an address
// of every interface (an empty host, 0.0.0.0 or ::) with remote access
// allowed: the Host header check needs the address others will use.
var ErrUnspecified = errors.New("an unspecified address")

// Listen listens on addr (host:port; port 0 picks one). Unless
// allowRemote is set, host must be a loopback address or localhost
// (which binds 127.0.0.1), and an empty or unspecified host (every
// interface) is refused; with allowRemote, an address off the loopback
// interface must still name one interface. It returns the listener and
// the Host header values Handler is to accept: the loopback names with
// the bound port, and for an address off the loopback interface the
// address as given, last.
func Listen(addr string, allowRemote bool) (net.Listener, []string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("address %q: %w", addr, err)
	}
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil {
		loopback = ip.IsLoopback()
	}
	if !loopback && !allowRemote {
		return nil, nil, fmt.Errorf("%s: %w", addr, ErrNotLoopback)
	}
	if allowRemote && !loopback {
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			return nil, nil, fmt.Errorf("%s: give the address others will use, not every interface: %w", addr, ErrUnspecified)
		}
	}
	if host == "localhost" {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	_, bound, _ := net.SplitHostPort(ln.Addr().String())
	hosts := LoopbackHosts(bound)
	if !loopback {
		hosts = append(hosts, net.JoinHostPort(host, bound))
	}
	return ln, hosts, nil
}

// HTTPServer is the http.Server Serve runs: the handler for hosts, with
// limits on the time to read a request's headers and body, to write the
// response, and on idle connections and header size.
func (s *Server) HTTPServer(hosts []string) *http.Server {
	return &http.Server{
		Handler:           s.Handler(hosts),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      s.opts.EvalTimeout + 15*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// Serve serves on ln until ctx is done, then shuts down, letting requests
// in flight finish for up to five seconds.
func (s *Server) Serve(ctx context.Context, ln net.Listener, hosts []string) error {
	srv := s.HTTPServer(hosts)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
