package serve_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpicredit/kpicredit/examples/aasc"
	"github.com/kpicredit/kpicredit/rules"
	"github.com/kpicredit/kpicredit/runner"
	"github.com/kpicredit/kpicredit/serve"
	"github.com/stretchr/testify/require"
)

// scaledFiles writes the example contract scaled to 21 lots x 120 months
// (what go run ./examples/aasc/gen -months 120 -lots 21 writes) into a
// temporary directory.
func scaledFiles(b testing.TB) runner.Files {
	b.Helper()
	data, relief, err := aasc.Generate(aasc.Config{Seed: 1, Start: rules.NewMonth(2024, 9), Months: 120, Lots: 21})
	require.NoError(b, err)
	dir := b.TempDir()
	files := runner.Files{Rules: "../examples/aasc/rules.yaml", Data: filepath.Join(dir, "data.csv"), Relief: filepath.Join(dir, "relief.csv")}
	require.NoError(b, os.WriteFile(files.Data, data, 0o644))
	require.NoError(b, os.WriteFile(files.Relief, relief, 0o644))
	return files
}

// BenchmarkEvaluate measures the request handler on the scaled example
// (21 lots x 120 months x 15 KPIs): one change of KPI-07's target, from
// the JSON request to the JSON answer, as the page sends it. Only the
// scenario's lots are priced; the baseline's expressions are reused.
//
//	go test ./serve -run '^$' -bench Evaluate -benchtime 20x
func BenchmarkEvaluate(b *testing.B) {
	files := scaledFiles(b)
	srv, err := serve.New(prepare(b, files), serve.Options{Files: files})
	require.NoError(b, err)
	h := srv.Handler([]string{"127.0.0.1:8080"})
	targets := []string{"0.93", "0.94", "0.96", "0.97"}
	for i := 0; b.Loop(); i++ {
		body := `{"kpis":{"KPI-07":{"target":"` + targets[i%len(targets)] + `"}}}`
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/evaluate", strings.NewReader(body))
		req.Header.Set("X-CSRF-Token", srv.Token())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"ok":true`) {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
	}
}
