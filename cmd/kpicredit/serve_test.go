package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func TestServeUsage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no rules", []string{"--data", dataPath}, 2, "kpicredit: --rules is required"},
		{"no data", []string{"--rules", rulesPath}, 2, "kpicredit: --data is required"},
		{"an address off the loopback interface", []string{"--rules", rulesPath, "--data", dataPath, "--addr", "0.0.0.0:0"}, 2,
			"kpicredit: --addr 0.0.0.0:0: not a loopback address (127.0.0.1, ::1 or localhost): the what-if page is for this machine only; pass --allow-remote to let others on the network use it"},
		{"every interface, remote", []string{"--rules", rulesPath, "--data", dataPath, "--addr", ":0", "--allow-remote"}, 2,
			"kpicredit: --addr :0: give the address others will use, not every interface"},
		{"not an address", []string{"--rules", rulesPath, "--data", dataPath, "--addr", "8080"}, 2,
			`kpicredit: --addr must be host:port, such as 127.0.0.1:8080, with a port from 0 to 65535, not "8080"`},
		{"a port out of range", []string{"--rules", rulesPath, "--data", dataPath, "--addr", "127.0.0.1:99999"}, 2,
			`kpicredit: --addr must be host:port, such as 127.0.0.1:8080, with a port from 0 to 65535, not "127.0.0.1:99999"`},
		{"an invalid data file", []string{"--rules", rulesPath, "--data", filepath.Join(t.TempDir(), "none.csv")}, 2,
			"none.csv: cannot read the file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := kpicredit(append([]string{"serve"}, tc.args...)...)
			require.Equal(t, tc.code, code, stderr)
			require.Empty(t, stdout)
			require.Contains(t, stderr, tc.stderr)
		})
	}
}

// served starts kpicredit serve on a free loopback port and returns its
// address; the server stops when the test ends, and the command must then
// exit 0.
func served(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), w, &errOut)
		w.Close()
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	require.NoError(t, err, errOut.String())
	go func() { _, _ = io.Copy(io.Discard, r) }() // nothing more is printed
	m := regexp.MustCompile(`^kpicredit what-if: http://(127\.0\.0\.1:\d+)/ \(7 lots x 24 months; Ctrl-C stops\)\n$`).FindStringSubmatch(line)
	require.NotNil(t, m, line)
	t.Cleanup(func() {
		cancel()
		require.Equal(t, 0, <-done, errOut.String())
	})
	return m[1]
}

// scenarioCredits runs kpicredit run with a scenario file and adds up the
// scenario's credits in credits.csv.
func scenarioCredits(t *testing.T, scenario, id string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := kpicredit("run", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath,
		"--scenario", scenario, "--out", out, "--csv", "--quiet")
	require.Equal(t, 0, code, stderr)
	f, err := os.Open(filepath.Join(out, "credits.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	sum, n := decimal.Zero, 0
	for _, r := range rows[1:] {
		if r[col["scenario"]] == id {
			sum, n = sum.Add(decimal.RequireFromString(r[col["credits"]])), n+1
		}
	}
	require.Equal(t, 168, n, "every lot-month of the scenario")
	return sum.StringFixed(2)
}

// The page's total for a change is what kpicredit run gives with the
// scenario file the page downloads, to the penny.
func TestServeDownloadReproducesRun(t *testing.T) {
	host := served(t, "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath)
	resp, err := http.Get("http://" + host + "/")
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	token := regexp.MustCompile(`"token":"([^"]+)"`).FindSubmatch(page)
	require.NotNil(t, token)

	change := `{"from":"2025-03","kpis":{"KPI-07":{"target":"0.93"},"KPI-11":{"credit.sliding.max_percent_of_charge":"0.3"}},"caps":{"monthly_percent_of_charge":"6"}}`
	req, err := http.NewRequest("POST", "http://"+host+"/evaluate", strings.NewReader(change))
	require.NoError(t, err)
	req.Header.Set("X-CSRF-Token", string(token[1]))
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var res struct {
		OK    bool
		Total struct{ Exact string }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	resp.Body.Close()
	require.True(t, res.OK)

	resp, err = http.PostForm("http://"+host+"/download", url.Values{"csrf": {string(token[1])}, "change": {change}})
	require.NoError(t, err)
	doc, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(doc))
	file := filepath.Join(t.TempDir(), "whatif.yaml")
	require.NoError(t, os.WriteFile(file, doc, 0o644))
	require.Equal(t, res.Total.Exact, scenarioCredits(t, file, "whatif"))
}
