package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/demo"
	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/server"
	"github.com/vectoros/vectoros/internal/http/web"
	"github.com/vectoros/vectoros/internal/monitor"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

// BenchmarkPages renders the main pages of the demo workspace (340 open and
// 250 closed deals, months of activities, the monitor's 600-odd insights)
// through the whole server stack — sessions, authentication, the web
// handlers, the store — on each configured database. ns/op is the server
// time of one page; the bar is 50 ms.
//
//	go test ./internal/http/web -run '^$' -bench Pages -benchtime 2s
//	VECTOROS_TEST_POSTGRES_URL=… for PostgreSQL too.
func BenchmarkPages(b *testing.B) {
	for _, kind := range testdb.Kinds(b) {
		b.Run(string(kind), func(b *testing.B) {
			benchPages(b, testdb.Open(b, kind, time.Now))
		})
	}
}

func benchPages(b *testing.B, s *store.Store) {
	ctx := context.Background()
	res, err := demo.Seed(ctx, s, password.NewHasher(password.Fast, 2), demo.Options{Seed: 1, Now: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	ws := res.WorkspaceID
	runID := store.NewRunID()
	if err := s.InMonitorTx(ctx, func(mt *store.MonitorTx) error {
		_, err := mt.CreateRun(ctx, runID, nil, ws, domain.TriggerManual)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	if _, _, err := monitor.New(monitor.Options{Store: s}).Execute(ctx, runID, true, nil); err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Deps{Store: s, Hasher: password.NewHasher(password.Default, 2)})
	b.Cleanup(srv.Close)
	if _, err := web.Register(srv, web.Deps{Store: s}); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()

	// Sign in once; every request carries the session cookie.
	form := url.Values{"email": {demo.Email}, "password": {demo.Password}}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("sign in: %d", rec.Code)
	}
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	base := "/w/" + ws
	deals := get(base + "/deals").Body.String()
	deal := regexp.MustCompile(`href="(` + base + `/deals/[0-9a-f-]{36})"`).FindStringSubmatch(deals)
	insights := get(base + "/insights").Body.String()
	insight := regexp.MustCompile(`href="(` + base + `/insights/[0-9a-f-]{36})"`).FindStringSubmatch(insights)
	if deal == nil || insight == nil {
		b.Fatal("no deal or insight link on the list pages")
	}
	pages := []struct{ name, path string }{
		{"dashboard", base},
		{"deals", base + "/deals"},
		{"deals_filtered", base + "/deals?stage=negotiation&sort=-value&q=a"},
		{"board", base + "/deals/board"},
		{"deal", deal[1]},
		{"insights", base + "/insights"},
		{"insights_by_deal", base + "/insights?view=deal"},
		{"insight", insight[1]},
		{"operations", base + "/operations"},
		{"operations_90_days", base + "/operations?days=90"},
		{"settings", base + "/settings"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var bytes int
			for b.Loop() {
				rec := get(p.path)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
				bytes = rec.Body.Len()
			}
			b.ReportMetric(float64(bytes), "bytes/page")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}
