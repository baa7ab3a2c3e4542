package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vectoros/vectoros/internal/demo"
)

// TestDemoWorkspacePages looks at the main pages with the demo workspace's
// realistic pipeline (hundreds of deals, months of history) — the pages
// as a team sees them — and moves a deal on the board by drag-and-drop.
func TestDemoWorkspacePages(t *testing.T) {
	chromiumPath(t) // skip (or fail in CI) before starting the server
	base := serve(t, "--demo")
	b := newBrowser(t, base)
	b.open("/signin")
	b.typeIn("#f-email", demo.Email)
	b.typeIn("#f-password", demo.Password)
	if st := b.submit("form[action='/signin'] button[type=submit]"); st != 200 || !strings.HasPrefix(b.path(), "/w/") {
		t.Fatalf("demo sign-in: %d at %s", st, b.path())
	}
	ws := strings.TrimSuffix(b.path(), "/")
	b.want(demo.WorkspaceName, "Open pipeline", "Win rate, 90 days")
	b.shot("demo-01-dashboard")

	b.open(ws + "/deals")
	if n := b.js(`String(document.querySelectorAll('table.data tbody tr').length)`); n != "25" {
		t.Fatalf("deals page rows: %s", n)
	}
	b.want("Next page →")
	b.shot("demo-02-deals")
	if st := b.submit("a[rel=next]"); st != 200 {
		t.Fatalf("next page: %d", st)
	}
	b.want("← First page")
	b.open(ws + "/deals?stage=negotiation&sort=-value")
	b.shot("demo-03-deals-filtered")

	// The board, and drag-and-drop (app.js submits the card's move form).
	b.open(ws + "/deals/board")
	b.shot("demo-04-board")
	title := b.js(`document.querySelector('[data-stage-drop=lead] [data-deal-card] .card-title').textContent`)
	b.do(chromedp.Evaluate[chromedp.Void](`window.__vectorosLeft = true`))
	if _, err := chromedp.RunResponse(b.ctx, chromedp.DragAndDrop(
		chromedp.CSS(`[data-stage-drop=lead] [data-deal-card] .card-title`),
		chromedp.CSS(`[data-stage-drop=qualified] header`))); err != nil {
		t.Fatalf("drag and drop: %v", err)
	}
	b.waitNewDocument()
	b.want("“" + title + "” moved to Qualified.")
	b.shot("demo-05-board-after-drag")

	// serve's monitor runs its first cycle in the background at start;
	// wait for it rather than assume it finished while we looked around.
	for tries := 0; ; tries++ {
		b.open(ws + "/insights")
		if b.js(`String(document.querySelector('article.insight .badge') !== null)`) == "true" {
			break
		}
		if tries == 120 {
			t.Fatal("no insights 60 s after start: the monitor's first cycle did not run")
		}
		time.Sleep(500 * time.Millisecond)
	}
	if first := b.js(`document.querySelector('article.insight .badge').textContent`); first != "Critical" {
		t.Fatalf("first insight is %q", first)
	}
	b.shot("demo-06-insights")
	b.open(ws + "/insights?view=deal&priority=high")
	b.shot("demo-07-insights-high-by-deal")
	href := b.js(`document.querySelector('article.insight h3 a').getAttribute('href')`)
	b.open(href)
	b.shot("demo-08-insight")
	deal := b.js(`document.querySelector('#deal-h').parentElement.querySelector('a').getAttribute('href')`)
	b.open(deal)
	b.want("History", "Activities")
	b.shot("demo-09-deal")
	b.open(ws + "/operations")
	b.want("Monitor runs", "Succeeded")
	b.shot("demo-10-operations")
	b.open(ws + "/operations?days=7")
	b.shot("demo-11-operations-7-days")
	b.open(ws + "/settings")
	b.shot("demo-12-settings")
}
