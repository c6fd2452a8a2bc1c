package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium or Chrome binary on PATH. Without one the
// browser tests skip, except in CI (CI=true), which installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium binary on PATH; CI must install it: apt-get install -y chromium")
	}
	t.Skip("no chromium binary on PATH")
	return ""
}

// artifacts is where the browser tests save their screenshots: the
// directory KPICREDIT_ARTIFACTS names, or a temporary one.
func artifacts(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("KPICREDIT_ARTIFACTS"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		return dir
	}
	return t.TempDir()
}

// save writes a screenshot into the artifacts directory, and into
// KPICREDIT_DOCS_IMAGES when that is set (docs/images, for the README).
func save(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
	if docs := os.Getenv("KPICREDIT_DOCS_IMAGES"); docs != "" {
		require.NoError(t, os.WriteFile(filepath.Join(docs, name), png, 0o644))
	}
}

// headless starts headless Chromium with a fresh profile, no network
// services of its own and no sandbox (CI runs as root).
func headless(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 960),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("1"))) // start it, without a deadline
	return ctx
}

// A real browser loads the what-if page, changes KPI-07's target to 93%,
// waits for the figures to update, and downloads the scenario file;
// kpicredit run with that file gives the page's total to the penny.
func TestServeInChromium(t *testing.T) {
	ctx := headless(t)
	host := served(t, "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath)
	shots := artifacts(t)
	downloads := t.TempDir()
	step, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	_, err := chromedp.CallBrowser(step, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true)})
	require.NoError(t, err)
	progress := chromedp.BrowserEvents(step, browser.DownloadProgress)
	require.NoError(t, chromedp.Do(step, chromedp.Navigate("http://"+host+"/"), chromedp.WaitVisible(`#total`)))
	exact := `document.getElementById('total').dataset.exact`
	base, err := chromedp.Run(step, chromedp.Evaluate[string](exact))
	require.NoError(t, err)
	require.Equal(t, "4094511.83", base, "the baseline before any change")

	require.NoError(t, chromedp.Do(step,
		chromedp.SetValue(`#kpi`, "KPI-07"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('kpi').dispatchEvent(new Event('change'))`),
		chromedp.SendKeys(`input[data-path="KPI-07|target"]`, "0.93"),
	))
	_, err = chromedp.Run(step, chromedp.Poll[bool](`document.body.dataset.state === 'ok' &&
		document.getElementById('yaml').textContent.includes('target: 0.93')`, chromedp.WithPollingTimeout(60*time.Second)))
	require.NoError(t, err, "the page updates")
	total, err := chromedp.Run(step, chromedp.Evaluate[string](exact))
	require.NoError(t, err)
	require.Equal(t, "3938827.71", total, "the example's sweep gives the same for a 93% target")
	status, err := chromedp.Run(step, chromedp.Text(`#status`))
	require.NoError(t, err)
	t.Log(status)
	png, err := chromedp.Run(step, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	save(t, shots, "serve.png", png)

	require.NoError(t, chromedp.Do(step, chromedp.Click(`#download`)))
	var file string
	for ev, err := range progress {
		require.NoError(t, err)
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(downloads, ev.GUID)
			break
		}
		require.NotEqual(t, browser.DownloadProgressStateCanceled, ev.State)
	}
	require.FileExists(t, file)
	require.Equal(t, total, scenarioCredits(t, file, "whatif"), "kpicredit run --scenario with the downloaded file")
}

// A curves chart as a browser draws it, for the README.
func TestCurvesInChromium(t *testing.T) {
	ctx := headless(t)
	dir := filepath.Join(t.TempDir(), "curves")
	code, _, stderr := kpicredit("curves", "--rules", rulesPath, "--data", dataPath, "--relief", reliefPath, "--out", dir)
	require.Equal(t, 0, code, stderr)
	step, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(step, chromedp.Navigate("file://"+filepath.Join(dir, "curves.html"))))
	png, err := chromedp.Run(step, chromedp.Screenshot(`h2#KPI-06 + svg`))
	require.NoError(t, err)
	save(t, artifacts(t), "curves.png", png)
}

func ptr[T any](v T) *T { return &v }
