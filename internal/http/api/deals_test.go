package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
)

func TestDealLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, w := e.owner("owner@example.com")
		me, _ := c.Me(ctx)
		prob := 20
		d, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: " Test Deal - High Value ", Value: client.Amount("50000.50"),
			Stage: "negotiation", Probability: &prob, CloseDate: "2026-12-15", ContactName: "Pat Buyer",
			ContactEmail: "pat@buyer.example", Company: "Buyer Inc", OwnerID: me.User.ID, Source: "referral", ExternalID: "crm-1"})
		ok(t, err)
		if d.Title != "Test Deal - High Value" || d.Value.String() != "50000.5" || d.Currency != "USD" || d.Stage != "negotiation" ||
			*d.Probability != 20 || *d.CloseDate != "2026-12-15" || *d.OwnerID != me.User.ID || d.Status != "open" ||
			!d.CreatedAt.Equal(e.clock.Now()) || !d.StageEnteredAt.Equal(e.clock.Now()) || d.ClosedAt != nil {
			t.Fatalf("created: %+v", d)
		}
		got, err := c.Deal(ctx, w.ID, d.ID)
		ok(t, err)
		if got.Value.String() != "50000.5" || got.UpdatedAt != d.UpdatedAt {
			t.Fatalf("get: %+v", got)
		}
		// Defaults: the first open stage and its probability.
		d2, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "Small", Value: client.Amount("0.01")})
		ok(t, err)
		if d2.Stage != "lead" || *d2.Probability != 10 || d2.Value.String() != "0.01" || d2.CloseDate != nil || d2.OwnerID != nil {
			t.Fatalf("defaults: %+v", d2)
		}

		// PATCH changes only what is given; null clears; each change is an event.
		e.clock.Advance(time.Hour)
		d, err = c.UpdateDeal(ctx, w.ID, d.ID, client.DealPatch{Value: client.Set(json.Number("45000")),
			CloseDate: client.Clear[string](), OwnerID: client.Clear[string](), Company: client.Clear[string]()})
		ok(t, err)
		if d.Value.String() != "45000" || d.CloseDate != nil || d.OwnerID != nil || d.Company != "" ||
			d.Title != "Test Deal - High Value" || *d.Probability != 20 || !d.UpdatedAt.Equal(e.clock.Now()) {
			t.Fatalf("patched: %+v", d)
		}
		// Winning closes the deal; moving back reopens it.
		e.clock.Advance(time.Hour)
		d, err = c.UpdateDeal(ctx, w.ID, d.ID, client.DealPatch{Stage: client.Set("won")})
		ok(t, err)
		if d.Status != "won" || d.ClosedAt == nil || !d.ClosedAt.Equal(e.clock.Now()) || *d.Probability != 100 {
			t.Fatalf("won: %+v", d)
		}
		d, err = c.UpdateDeal(ctx, w.ID, d.ID, client.DealPatch{Stage: client.Set("proposal"), Probability: client.Set(60)})
		ok(t, err)
		if d.Status != "open" || d.ClosedAt != nil || *d.Probability != 60 {
			t.Fatalf("reopened: %+v", d)
		}
		events, err := c.DealEvents(ctx, w.ID, d.ID)
		ok(t, err)
		var kinds []string
		for _, ev := range events {
			kinds = append(kinds, ev.Kind)
			if ev.Actor.Kind != "user" || ev.Actor.ID != me.User.ID {
				t.Fatalf("event actor: %+v", ev)
			}
		}
		want := "created value_changed close_date_changed owner_changed company_changed stage_changed won probability_changed stage_changed reopened probability_changed"
		if strings.Join(kinds, " ") != want {
			t.Fatalf("events:\n got %s\nwant %s", strings.Join(kinds, " "), want)
		}
		// Amounts in the log are in major units, like everywhere in the API.
		if *events[1].OldValue != "50000.5" || *events[1].NewValue != "45000" {
			t.Fatalf("value event: %v → %v", *events[1].OldValue, *events[1].NewValue)
		}
		var initial map[string]any
		ok(t, json.Unmarshal([]byte(*events[0].NewValue), &initial))
		if initial["value"] != 50000.5 || initial["stage"] != "negotiation" {
			t.Fatalf("created event: %s", *events[0].NewValue)
		}
		// An empty PATCH changes nothing and writes no event.
		n := e.count("deal_events")
		_, err = c.UpdateDeal(ctx, w.ID, d.ID, client.DealPatch{})
		ok(t, err)
		if e.count("deal_events") != n {
			t.Fatal("an empty patch wrote events")
		}

		// Imports keep their history times.
		created := e.clock.Now().Add(-30 * 24 * time.Hour)
		entered := created.Add(10 * 24 * time.Hour)
		imp, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "Imported", CreatedAt: &created, StageEnteredAt: &entered, Stage: "qualified"})
		ok(t, err)
		if !imp.CreatedAt.Equal(created) || !imp.StageEnteredAt.Equal(entered) || imp.Value != nil {
			t.Fatalf("import: %+v", imp)
		}

		ok(t, c.DeleteDeal(ctx, w.ID, d.ID))
		_, err = c.Deal(ctx, w.ID, d.ID)
		wantStatus(t, err, 404)
		wantStatus(t, c.DeleteDeal(ctx, w.ID, d.ID), 404)
		_, err = c.DealEvents(ctx, w.ID, d.ID)
		wantStatus(t, err, 404)
	})
}

// TestDealValidation sends bad input every way a client can, and checks
// each is refused with the right status and field, and nothing is written.
func TestDealValidation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, w := e.owner("owner@example.com")
		existing, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "Existing", Value: client.Amount("100")})
		ok(t, err)
		future := e.clock.Now().Add(time.Hour)
		past := e.clock.Now().Add(-time.Hour)
		tests := []struct {
			name, body, ctype string
			status            int
			field             string
		}{
			{"empty title", `{"title":""}`, "", 400, "title"},
			{"blank title", `{"title":"   "}`, "", 400, "title"},
			{"long title", `{"title":"` + strings.Repeat("t", 201) + `"}`, "", 400, "title"},
			{"negative value", `{"title":"x","value":-1}`, "", 400, "value"},
			{"NaN", `{"title":"x","value":NaN}`, "", 400, "value"},
			{"NaN as text", `{"title":"x","value":"NaN"}`, "", 400, "value"},
			{"1e13", `{"title":"x","value":1e13}`, "", 400, "value"},
			{"above a trillion", `{"title":"x","value":1000000000000.01}`, "", 400, "value"},
			{"12.345 in USD", `{"title":"x","value":12.345}`, "", 400, "value"},
			{"value as object", `{"title":"x","value":{}}`, "", 400, "value"},
			{"probability 101", `{"title":"x","probability":101}`, "", 400, "probability"},
			{"probability -1", `{"title":"x","probability":-1}`, "", 400, "probability"},
			{"probability 50.5", `{"title":"x","probability":50.5}`, "", 400, "probability"},
			{"unknown stage", `{"title":"x","stage":"closing"}`, "", 400, "stage"},
			{"another currency", `{"title":"x","currency":"EUR","value":10}`, "", 400, "currency"},
			{"bad date", `{"title":"x","close_date":"2026-02-30"}`, "", 400, "close_date"},
			{"date with time", `{"title":"x","close_date":"2026-02-03T00:00:00Z"}`, "", 400, "close_date"},
			{"bad email", `{"title":"x","contact_email":"pat at buyer"}`, "", 400, "contact_email"},
			{"email with name", `{"title":"x","contact_email":"Pat <pat@buyer.example>"}`, "", 400, "contact_email"},
			{"unknown owner", `{"title":"x","owner_id":"nobody"}`, "", 400, "owner_id"},
			{"future created_at", `{"title":"x","created_at":"` + future.Format(time.RFC3339) + `"}`, "", 400, "created_at"},
			{"entered before created", `{"title":"x","created_at":"` + past.Format(time.RFC3339) + `","stage_entered_at":"` +
				past.Add(-time.Minute).Format(time.RFC3339) + `"}`, "", 400, "stage_entered_at"},
			{"bad time", `{"title":"x","created_at":"yesterday"}`, "", 400, "created_at"},
			{"unknown field", `{"title":"x","colour":"red"}`, "", 400, "colour"},
			{"status is derived", `{"title":"x","status":"won"}`, "", 400, "status"},
			{"not an object", `["x"]`, "", 400, "body"},
			{"broken JSON", `{"title":"x"`, "", 400, "body"},
			{"empty body", ``, "", 400, "body"},
			{"two objects", `{"title":"x"}{"title":"y"}`, "", 400, "body"},
			{"form post", `title=x`, "application/x-www-form-urlencoded", 415, ""},
			{"text", `{"title":"x"}`, "text/plain", 415, ""},
			{"oversized", `{"title":"x","company":"` + strings.Repeat("c", 1<<20) + `"}`, "", 413, ""},
		}
		deals, events := e.count("deals"), e.count("deal_events")
		for _, tt := range tests {
			for _, method := range []string{"POST", "PATCH"} {
				path := "/workspaces/" + w.ID + "/deals"
				if method == "PATCH" {
					if tt.name == "entered before created" {
						continue // import times exist only on create
					}
					path += "/" + existing.ID
				}
				ctype := tt.ctype
				if ctype == "" {
					ctype = "application/json"
				}
				ce := wantStatus(t, rawCall(t, c, method, path, ctype, []byte(tt.body)), tt.status)
				if tt.field != "" && ce.Field(tt.field) == "" {
					t.Errorf("%s %s: problem %v lacks field %q", method, tt.name, ce, tt.field)
				}
				if ce.Code == "" || ce.RequestID == "" {
					t.Errorf("%s %s: problem without code or request id: %+v", method, tt.name, ce)
				}
			}
		}
		if e.count("deals") != deals || e.count("deal_events") != events {
			t.Fatalf("invalid requests wrote rows: deals %d→%d, events %d→%d", deals, e.count("deals"), events, e.count("deal_events"))
		}
		after, err := c.Deal(ctx, w.ID, existing.ID)
		ok(t, err)
		if after.UpdatedAt != existing.UpdatedAt || after.Title != "Existing" {
			t.Fatalf("invalid patches changed the deal: %+v", after)
		}
		// Several problems are reported together.
		err = rawCall(t, c, "POST", "/workspaces/"+w.ID+"/deals", "application/json",
			[]byte(`{"title":"","probability":101,"stage":"nope","contact_email":"bad"}`))
		ce := wantStatus(t, err, 400, "title", "probability", "stage", "contact_email")
		if len(ce.Errors) != 4 {
			t.Fatalf("errors: %+v", ce.Errors)
		}
		// PATCH refuses nulls where a value is required.
		for _, f := range []string{"title", "stage"} {
			err = rawCall(t, c, "PATCH", "/workspaces/"+w.ID+"/deals/"+existing.ID, "application/json", []byte(`{"`+f+`":null}`))
			wantStatus(t, err, 400, f)
		}
	})
}

// rawCall sends body as given (any bytes, any content type) and returns
// the problem as a *client.Error, nil on success.
func rawCall(t *testing.T, c *client.Client, method, path, ctype string, body []byte) error {
	t.Helper()
	resp, err := c.Raw(ctx, method, path, ctype, body, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 400 {
		return nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s %s: error with content type %q", method, path, ct)
	}
	ce := &client.Error{Status: resp.StatusCode, Header: resp.Header}
	var p struct {
		Status    int                 `json:"status"`
		Detail    string              `json:"detail"`
		Code      string              `json:"code"`
		RequestID string              `json:"request_id"`
		Errors    []client.FieldError `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.Status != resp.StatusCode || p.Errors == nil {
		t.Fatalf("%s %s: problem body %+v: %v", method, path, p, err)
	}
	ce.Detail, ce.Code, ce.RequestID, ce.Errors = p.Detail, p.Code, p.RequestID, p.Errors
	return ce
}

func TestDealList(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, w := e.owner("owner@example.com")
		me, _ := c.Me(ctx)
		for i := range 25 {
			in := client.DealInput{Title: fmt.Sprintf("Deal %02d", i), Value: client.Amount(fmt.Sprint(1000 + i)), Company: "Globex"}
			if i%5 == 0 {
				in.Stage, in.Company, in.OwnerID = "proposal", "Initech", me.User.ID
			}
			_, err := c.CreateDeal(ctx, w.ID, in)
			ok(t, err)
			e.clock.Advance(time.Minute)
		}
		// Keyset pages cover every deal once, newest first.
		seen := map[string]bool{}
		var titles []string
		q := client.DealQuery{Limit: 10}
		for {
			p, err := c.Deals(ctx, w.ID, q)
			ok(t, err)
			for _, d := range p.Items {
				if seen[d.ID] {
					t.Fatalf("deal %s on two pages", d.ID)
				}
				seen[d.ID] = true
				titles = append(titles, d.Title)
			}
			if q.Cursor = p.Next(); q.Cursor == "" {
				break
			}
		}
		if len(seen) != 25 || titles[0] != "Deal 24" || titles[24] != "Deal 00" {
			t.Fatalf("pages: %d deals, first %q last %q", len(seen), titles[0], titles[len(titles)-1])
		}
		p, err := c.Deals(ctx, w.ID, client.DealQuery{Stage: "proposal", Sort: "-value"})
		ok(t, err)
		if len(p.Items) != 5 || p.Items[0].Title != "Deal 20" || p.Next() != "" {
			t.Fatalf("stage filter, value sort: %+v", p.Items)
		}
		p, err = c.Deals(ctx, w.ID, client.DealQuery{Q: "initech", Owner: me.User.ID, Status: "open", Sort: "title"})
		ok(t, err)
		if len(p.Items) != 5 || p.Items[0].Title != "Deal 00" {
			t.Fatalf("search: %+v", p.Items)
		}
		for _, bad := range []string{"limit=0", "limit=201", "limit=ten", "status=maybe", "sort=colour", "cursor=garbage", "stauts=open"} {
			err := c.Do(ctx, "GET", "/workspaces/"+w.ID+"/deals?"+bad, nil, nil)
			field, _, _ := strings.Cut(bad, "=")
			wantStatus(t, err, 400, field)
		}
		// A cursor is bound to its sort.
		p, err = c.Deals(ctx, w.ID, client.DealQuery{Limit: 2, Sort: "value"})
		ok(t, err)
		_, err = c.Deals(ctx, w.ID, client.DealQuery{Limit: 2, Sort: "title", Cursor: p.Next()})
		wantStatus(t, err, 400, "cursor")
	})
}
