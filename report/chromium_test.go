package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium or Chrome binary on PATH, or returns "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLRendersInChromium opens summary.html in headless Chromium and
// checks the DOM it renders. Without Chromium the test is skipped, except
// in CI (CI=true), which installs it (apt-get install chromium).
func TestHTMLRendersInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium binary on PATH; CI must install it: apt-get install -y chromium")
		}
		t.Skip("no chromium binary on PATH")
	}
	s := fixture()
	dir := t.TempDir()
	page := filepath.Join(dir, "summary.html")
	require.NoError(t, os.WriteFile(page, []byte(render(t, html, s)), 0o644))

	dom := dumpDOM(t, bin, dir, page)
	m := amounts{s.Currency, s.MinorUnits}
	assert.Contains(t, dom, "<svg")
	assert.Contains(t, dom, "<title id=\"chart-monthly-title\">")
	assert.Contains(t, dom, m.f(s.Baseline.Credits), "total credits")
	for _, g := range s.ByGroup {
		assert.Contains(t, dom, "<td>"+g.Name+"</td>")
		assert.Contains(t, dom, "<td class=\"num\">"+m.f(g.Credits)+"</td>", g.Name)
	}
	assert.Contains(t, dom, "<h2>Scenarios</h2>")
}

// dumpDOM runs headless Chromium on page and returns the DOM it serialises.
func dumpDOM(t *testing.T, bin, dir, page string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second // don't wait on helper processes that keep the pipes open
	require.NoError(t, cmd.Run(), "chromium: %s", stderr.String())
	return stdout.String()
}
