package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestChecklistEndToEnd walks the checklist's end-to-end test in chromium:
// sign up → onboarding creates a workspace → create the deal "Test Deal -
// High Value", 50,000, negotiation, 20% (after an invalid attempt whose
// error shows inline and saves nothing) → run the monitor → the insights
// page shows a critical insight for it with actions → take an action → the
// dashboard and the deal page reflect it. Then: sign out ends the session,
// and a second user cannot open the first user's deal (404 page). Every page
// is screenshotted.
func TestChecklistEndToEnd(t *testing.T) {
	chromiumPath(t) // skip (or fail in CI) before starting the server
	base := serve(t)
	b := newBrowser(t, base)

	b.open("/")
	b.want("Know which deals need you today")
	b.shot("01-landing")
	b.mobileShot("01-landing-mobile")
	b.open("/signup")
	b.shot("02-signup")

	// Sign up and onboarding.
	ws := b.signUp("Ann Seller", "ann@example.com", "Acme Sales", "03-onboarding")
	b.want("Acme Sales is ready.", "Open pipeline", "No open deal has a value yet", "Not run yet")
	b.shot("04-dashboard-empty")
	// Onboarding is never asked again.
	b.open("/onboarding")
	if b.path() != ws {
		t.Fatalf("onboarding again landed on %s", b.path())
	}

	// A deal with an invalid value: the error is shown next to the field
	// and nothing is saved.
	b.open(ws + "/deals/new")
	b.shot("05-deal-form")
	b.typeIn("#f-title", "Test Deal - High Value")
	b.typeIn("#f-value", "fifty thousand")
	b.set("#f-stage", "negotiation")
	b.typeIn("#f-probability", "20")
	if st := b.submit("form.form-grid button[type=submit]"); st != 422 {
		t.Fatalf("invalid deal: HTTP %d", st)
	}
	if got := b.text("#f-value-error"); !strings.Contains(got, "Value (USD) must be a decimal number") {
		t.Fatalf("inline error: %q", got)
	}
	if inv := b.js(`document.querySelector('#f-value').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Fatalf("aria-invalid on the value: %q", inv)
	}
	b.shot("06-deal-form-invalid")
	b.open(ws + "/deals")
	b.want("No deals yet.")

	// The checklist deal.
	b.open(ws + "/deals/new")
	b.typeIn("#f-title", "Test Deal - High Value")
	b.typeIn("#f-value", "50,000")
	b.set("#f-stage", "negotiation")
	b.typeIn("#f-probability", "20")
	if st := b.submit("form.form-grid button[type=submit]"); st != 200 {
		t.Fatalf("create deal: HTTP %d", st)
	}
	dealPath := b.path()
	if !strings.HasPrefix(dealPath, ws+"/deals/") {
		t.Fatalf("after create: %s", dealPath)
	}
	b.want("Deal “Test Deal - High Value” created.", "$50,000", "20%", "Negotiation", "Created in Negotiation at $50,000, 20% likely")
	b.shot("07-deal")
	b.open(ws + "/deals")
	b.want("Test Deal - High Value", "$50,000")
	b.shot("08-deals")
	b.open(ws + "/deals/board")
	b.want("Test Deal - High Value")
	b.shot("09-board")

	// Run the monitor from the operations page (the job queue, as the API
	// does), then wait for its insights.
	b.open(ws + "/operations")
	if st := b.submit("#run-now"); st != 200 {
		t.Fatalf("run now: HTTP %d", st)
	}
	// The periodic cycle's first run may already be queued (it starts with
	// the server): then the request joins it, and says so.
	if body := b.body(); !strings.Contains(body, "Monitor run queued.") && !strings.Contains(body, "your request joined it") {
		t.Fatalf("run now said:\n%s", body)
	}
	b.shot("10-operations-run-requested")
	// A joined run may have read the pipeline before the deal existed: ask
	// again, as a user would, until the deal's insights are there.
	deadline := time.Now().Add(90 * time.Second)
	for asked := time.Now(); ; {
		b.open(ws + "/insights?priority=critical")
		if strings.Contains(b.body(), "Test Deal - High Value") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no critical insight for the deal after 90 s:\n%s", b.body())
		}
		if time.Since(asked) > 5*time.Second {
			b.open(ws + "/operations")
			b.submit("#run-now")
			asked = time.Now()
		}
		time.Sleep(300 * time.Millisecond)
	}

	// The insights page: a critical insight for the deal, with actions.
	b.open(ws + "/insights")
	card := `[...document.querySelectorAll('article.insight')].find(a => a.querySelector('.p-critical') &&
		a.textContent.includes('Test Deal - High Value') && a.textContent.includes('Update the probability'))`
	if b.js(`(`+card+`) ? 'yes' : 'no'`) != "yes" {
		t.Fatalf("no critical insight with actions for the deal:\n%s", b.body())
	}
	if first := b.js(`document.querySelector('article.insight .badge').textContent`); first != "Critical" {
		t.Fatalf("first insight is %q, not critical", first)
	}
	b.shot("11-insights")
	b.open(ws + "/insights?view=deal")
	b.shot("12-insights-by-deal")
	b.open(ws + "/insights")

	// Take an action: update the probability from the insight page.
	href := b.js(`[...(` + card + `).querySelectorAll('.action-links a')].find(a => a.textContent.includes('Update the probability')).getAttribute('href')`)
	b.open(href)
	b.want("What the monitor found", "Recommended actions", "Viewed")
	b.shot("13-insight")
	form := `document.querySelector('.action-item:target form')`
	if b.js(form+` ? 'yes' : 'no'`) != "yes" {
		t.Fatal("the action link does not lead to its form")
	}
	sel := "#action-" + strings.TrimPrefix(href[strings.Index(href, "#"):], "#action-")
	b.set(sel+" input[name=probability]", "60")
	if st := b.submit(sel + " button[type=submit]"); st != 200 {
		t.Fatalf("take action: HTTP %d", st)
	}
	b.want("Probability set to 60%. The insight is marked actioned.", "Actioned")
	b.shot("14-insight-actioned")

	// The dashboard reflects it: weighted pipeline 60% of 50,000, the
	// insight actioned, the monitor's last run.
	b.open(ws)
	if got := b.text("#kpi-weighted"); got != "$30,000" {
		t.Fatalf("weighted pipeline %q, want $30,000", got)
	}
	b.want("Actioned", "Succeeded", "1 deal analysed")
	b.shot("15-dashboard")
	b.mobileShot("15-dashboard-mobile")

	// The deal page reflects it: the probability and its history.
	b.open(dealPath)
	if got := b.text("#deal-probability"); got != "60%" {
		t.Fatalf("deal probability %q", got)
	}
	b.want("Probability changed from 20% to 60%", "Actioned")
	b.shot("16-deal-after-action")
	b.mobileShot("16-deal-mobile")

	// More pages, for the screenshots and a look at what they say.
	b.open(ws + "/operations")
	b.want("Monitor runs", "Manual")
	b.shot("17-operations")
	b.open(ws + "/settings")
	b.want("Pipeline stages", "Members", "Invitations", "API keys")
	b.shot("18-settings")
	b.typeIn("#f-key-name", "CRM sync")
	if st := b.submit("form[action$='/settings/api-keys'] button[type=submit]"); st != 200 {
		t.Fatalf("create key: HTTP %d", st)
	}
	if secret := b.text("#new-secret"); !strings.HasPrefix(secret, "vos_") {
		t.Fatalf("secret %q", secret)
	}
	b.shot("19-settings-new-key")
	b.open(ws + "/settings")
	b.typeIn("#f-inv-email", "bob@example.com")
	if st := b.submit("form[action$='/settings/invitations'] button[type=submit]"); st != 200 {
		t.Fatalf("create invitation: HTTP %d", st)
	}
	link := b.text("#new-link")
	if !strings.HasPrefix(link, base+"/invitations/vinv_") {
		t.Fatalf("invitation link %q", link)
	}
	b.shot("19-settings-new-invitation")
	b.open(dealPath + "/edit")
	b.shot("20-deal-edit")

	// Sign out ends the session: workspace pages send us to sign in.
	if st := b.submit("form[action='/signout'] button"); st != 200 {
		t.Fatalf("sign out: HTTP %d", st)
	}
	b.want("You are signed out.")
	b.shot("21-signed-out")
	b.open(dealPath)
	if !strings.HasPrefix(b.path(), "/signin") {
		t.Fatalf("after sign out, %s is at %s", dealPath, b.path())
	}
	b.shot("22-signin")

	// A second user cannot open the first user's deal: the 404 page.
	other := b.signUp("Bob Rival", "bob@example.com", "Rival Co", "")
	b.open(dealPath)
	b.want("Page not found", "404")
	if strings.Contains(b.body(), "Test Deal - High Value") {
		t.Fatal("the second user sees the first user's deal")
	}
	b.shot("23-not-found")
	b.open(other)
	b.want("Rival Co", "0 open deals")
	if strings.Contains(b.body(), "Test Deal") {
		t.Fatal("the first user's deal in the second user's dashboard")
	}

	// Membership is what opens it: Bob accepts Ann's invitation.
	b.open(strings.TrimPrefix(link, base))
	b.want("Join a workspace", "bob@example.com")
	b.shot("24-invitation")
	if st := b.submit("form[action^='/invitations/'] button"); st != 200 || b.path() != ws {
		t.Fatalf("accept: HTTP %d at %s", st, b.path())
	}
	b.want("You joined Acme Sales as member.")
	b.open(dealPath)
	b.want("Test Deal - High Value", "Probability changed from 20% to 60%")
	b.open(ws + "/operations")
	b.want("Not allowed", "for the workspace") // members do not see operations
	b.shot("25-member-forbidden")
	// Bob now has two workspaces: the switcher lists both.
	b.do(chromedp.Click(chromedp.CSS(".switcher summary")))
	b.want("Acme Sales (member)", "Rival Co (owner)")
	b.shot("26-workspace-switcher")
}
