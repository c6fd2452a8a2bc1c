package statement_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// TestHTMLPrints prints statement.html to PDF in headless Chromium: the
// summary on the first page, then a page per lot. Without Chromium the
// test is skipped, except in CI (CI=true), which installs it.
func TestHTMLPrints(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium binary on PATH; CI must install it: apt-get install -y chromium")
		}
		t.Skip("no chromium binary on PATH")
	}
	s := load(t, fixture(t), "Acme", "2025-02")
	dir := t.TempDir()
	require.NoError(t, s.WriteFiles(dir))
	pdf := filepath.Join(dir, "statement.pdf")

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdf,
		"file://"+filepath.Join(dir, "statement.html"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second // don't wait on helper processes that keep the pipes open
	require.NoError(t, cmd.Run(), "chromium: %s", stderr.String())
	b, err := os.ReadFile(pdf)
	require.NoError(t, err)
	pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(b, -1))
	assert.Equal(t, 1+len(s.Lots), pages, "the summary, then a page per lot")
}
