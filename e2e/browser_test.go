// Package e2e drives VectorOS in a real browser (Debian chromium through
// chromedp) against `vectoros serve` itself — app.Main on port 0 with a
// temp SQLite database, the same server, API, web UI and monitor wiring the
// binary uses — through the checklist's end-to-end flow.
//
// Every page visited is screenshotted to testoutput/screenshots/ (not
// committed). The tests skip when chromium is missing, unless
// VECTOROS_TEST_REQUIRE_BROWSER=1 (CI), when they fail.
package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/vectoros/vectoros/internal/app"
)

// chromiumPath finds the browser, or skips (fails in CI) without one.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("VECTOROS_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatal("VECTOROS_TEST_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed; set VECTOROS_TEST_REQUIRE_BROWSER=1 to fail instead")
	return ""
}

// syncBuffer collects the server's log for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve runs `vectoros serve` (with args) on a fresh SQLite database and
// returns its base URL; it stops when the test ends.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	env := map[string]string{
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "vectoros.db"),
		"PORT":         "0",
		"LOG_LEVEL":    "warn",
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	logs := &syncBuffer{}
	go func() {
		done <- app.Main(ctx, append([]string{"serve"}, args...), app.Env{Getenv: func(k string) string { return env[k] },
			Stdout: logs, Stderr: logs, Now: time.Now, Ready: func(addr string) { addrc <- addr }})
	}()
	select {
	case addr := <-addrc:
		t.Cleanup(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("serve exited %d:\n%s", code, logs.String())
			}
			if t.Failed() {
				t.Logf("server log:\n%s", logs.String())
			}
		})
		return "http://127.0.0.1" + addr[strings.LastIndex(addr, ":"):]
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d:\n%s", code, logs.String())
	case <-time.After(90 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return ""
}

// browser is one chromium tab on the server, with the test's helpers.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

// newBrowser starts chromium (skipping the test without one) on base, the
// server's URL as serve returns it.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	shots := filepath.Join("..", "testoutput", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, ctx: ctx, base: base, shots: shots}
	b.do(chromedp.EmulateViewport(1280, 900))
	// Every page records its script errors and Content-Security-Policy
	// violations; shot fails on any.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__problems = [];
			document.addEventListener("securitypolicyviolation", e => window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI));
			window.addEventListener("error", e => window.__problems.push("script error " + e.message));`,
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v (at %s)", err, b.location())
	}
}

// open navigates to a path of the server.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// submit clicks sel and waits for the page it leads to; it returns the
// HTTP status of that page. The old document is marked first, so the wait
// cannot end on the page the click left (a POST answered 303 navigates
// twice).
func (b *browser) submit(sel string) int64 {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.__vectorosLeft = true`))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: submit %s: %v (at %s)", sel, err, b.location())
	}
	b.waitNewDocument()
	return resp.Status
}

// waitNewDocument waits until the marked document is gone and the new one
// has loaded.
func (b *browser) waitNewDocument() {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!window.__vectorosLeft && document.readyState === "complete"`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browser: the page did not change (at %s): %v", b.location(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// set puts a value into a form control.
func (b *browser) set(sel, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

// typeIn types into an input, as a user does.
func (b *browser) typeIn(sel, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// text is the visible text of the first element matching sel, read with
// JavaScript (node ids go stale across navigations; the DOM does not).
func (b *browser) text(sel string) string {
	b.t.Helper()
	q := strconv.Quote(sel)
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(function(){var e=document.querySelector(`+q+`);
		return e ? e.innerText.trim() : "<no element "+`+q+`+">"})()`))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v (at %s)", sel, err, b.location())
	}
	return s
}

// body is the page's visible text.
func (b *browser) body() string { return b.text("body") }

func (b *browser) location() string {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// path is the current location without the base.
func (b *browser) path() string { return strings.TrimPrefix(b.location(), b.base) }

// js evaluates an expression returning a string.
func (b *browser) js(expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("browser: evaluate: %v", err)
	}
	return s
}

// want fails unless the page's text contains each string.
func (b *browser) want(texts ...string) {
	b.t.Helper()
	body := b.body()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			b.t.Fatalf("%s: the page does not say %q:\n%s", b.path(), s, body)
		}
	}
}

// shot saves a full-page PNG screenshot under testoutput/screenshots,
// after checking the page had no script error or CSP violation.
func (b *browser) shot(name string) {
	b.t.Helper()
	if problems := b.js(`(window.__problems || []).join("\n")`); problems != "" {
		b.t.Fatalf("%s: %s", b.path(), problems)
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// mobileShot saves the current page as a phone (390 px wide) shows it.
func (b *browser) mobileShot(name string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload())
	b.shot(name)
	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
}

const password = "correct-horse-battery-9"

// signUp signs a new user up and creates their workspace through
// onboarding; it returns the workspace's path (/w/{id}). With shot set, the
// onboarding page is screenshotted under that name.
func (b *browser) signUp(name, email, workspace, shot string) string {
	b.t.Helper()
	b.open("/signup")
	b.typeIn("#f-name", name)
	b.typeIn("#f-email", email)
	b.typeIn("#f-password", password)
	b.typeIn("#f-password_confirm", password)
	if st := b.submit("form[action='/signup'] button[type=submit]"); st != 200 || b.path() != "/onboarding" {
		b.t.Fatalf("sign up: %d at %s", st, b.path())
	}
	if shot != "" {
		b.shot(shot)
	}
	b.typeIn("#f-name", workspace)
	b.set("#f-currency", "USD")
	if st := b.submit("form[action='/onboarding'] button[type=submit]"); st != 200 || !strings.HasPrefix(b.path(), "/w/") {
		b.t.Fatalf("onboarding: %d at %s:\n%s", st, b.path(), b.body())
	}
	return strings.TrimSuffix(b.path(), "/")
}
