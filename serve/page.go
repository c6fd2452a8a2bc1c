package serve

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/kpicredit/kpicredit/rules"
)

//go:embed page.html.tmpl
var pageSource string

// The page's style and script, written into it as they are: they are the
// program's own, not input.
var (
	//go:embed page.css
	pageCSS string
	//go:embed page.js
	pageJS string
)

// pageTemplate is the page; html/template escapes every value, and writes
// the page's data into its JSON script block escaped for it.
var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// pageData is what the page template shows.
type pageData struct {
	Contract, Period, Files string
	Nonce                   string // allows the inline style and script, and nothing else
	CSS                     template.CSS
	Script                  template.JS
	Init                    initData
}

// initData is the page's data, read by its script.
type initData struct {
	Token    string      `json:"token"`
	Currency string      `json:"currency"`
	GroupBy  string      `json:"groupBy"`
	KPIs     []kpiMeta   `json:"kpis"`
	Caps     []field     `json:"caps"`
	Months   []string    `json:"months"` // the data's months, YYYY-MM
	Result   *result     `json:"result"` // the baseline against itself
	Files    runnerFiles `json:"files"`
}

// runnerFiles names the files the server read, without directories.
type runnerFiles struct {
	Rules, Data, Relief string
}

// kpiMeta is a KPI as the page's editor shows it.
type kpiMeta struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Share     bool    `json:"share"` // the measure is a share of 1: hint values as percents
	Direction string  `json:"direction"`
	Scheme    string  `json:"scheme"`
	Area      string  `json:"area"`
	Fields    []field `json:"fields"`
}

// page answers GET /: the page, with a fresh nonce for its inline style
// and script.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		s.fail(w, err)
		return
	}
	d := s.pageData(base64.RawURLEncoding.EncodeToString(nonce)) // nothing to escape in an attribute
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, d); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+d.Nonce+"'; style-src 'nonce-"+
		d.Nonce+"'; connect-src 'self'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

func (s *Server) pageData(nonce string) pageData {
	rb, ds := s.rules, s.prep.Job().Data
	d := pageData{Contract: rb.Contract, Period: ds.First.String() + " to " + ds.Last.String(), Nonce: nonce,
		Files: s.names.Rules + " · " + s.names.Data, CSS: template.CSS(pageCSS), Script: template.JS(pageJS)}
	if s.names.Relief != "" {
		d.Files += " · " + s.names.Relief
	}
	init := initData{Token: s.token, Currency: rb.Currency, GroupBy: rb.Keys[0], Caps: s.capFields,
		Files: runnerFiles{s.names.Rules, s.names.Data, s.names.Relief}}
	for _, k := range s.terms.KPIs {
		m := kpiMeta{ID: k.ID, Name: k.Name, Share: k.Unit == rules.Share, Direction: k.Direction.String(),
			Scheme: k.Credit.Kind.String(), Fields: s.fields[k.ID]}
		if k.Area != nil {
			m.Area = k.Area.ID
		}
		init.KPIs = append(init.KPIs, m)
	}
	for i := range ds.Months() {
		init.Months = append(init.Months, ds.First.Add(i).String())
	}
	res := &result{OK: true, File: s.id + ".yaml", YAML: string(s.yamlDoc(edit{}, s.id)), Problems: []problem{}, Millis: "0"}
	s.fill(res, s.base)
	init.Result = res
	d.Init = init
	return d
}
