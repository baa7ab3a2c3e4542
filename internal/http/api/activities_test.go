package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vectoros/vectoros/client"
)

func TestActivities(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c, w := e.owner("owner@example.com")
		d, err := c.CreateDeal(ctx, w.ID, client.DealInput{Title: "Deal"})
		ok(t, err)
		done := e.clock.Now().Add(-48 * time.Hour) // logged after the fact
		call, err := c.CreateActivity(ctx, w.ID, d.ID, client.ActivityInput{Type: "call", Subject: "Discovery call",
			Content: "Budget confirmed", CompletedAt: &done})
		ok(t, err)
		if call.Type != "call" || call.DealID != d.ID || !call.CompletedAt.Equal(done) || call.CreatedBy.Kind != "user" {
			t.Fatalf("created: %+v", call)
		}
		got, _ := c.Deal(ctx, w.ID, d.ID)
		if got.LastActivityAt == nil || !got.LastActivityAt.Equal(done) {
			t.Fatalf("a completed call must move last_activity_at: %+v", got.LastActivityAt)
		}
		next := e.clock.Now().Add(72 * time.Hour)
		task, err := c.CreateActivity(ctx, w.ID, d.ID, client.ActivityInput{Type: "task", Subject: "Send proposal", ScheduledAt: &next})
		ok(t, err)
		list, err := c.Activities(ctx, w.ID, d.ID)
		ok(t, err)
		if len(list) != 2 || list[0].ID != task.ID {
			t.Fatalf("list (latest first): %+v", list)
		}
		// Completing the task is a patch of completed_at; null clears a time.
		now := e.clock.Now()
		task, err = c.UpdateActivity(ctx, w.ID, task.ID, client.ActivityPatch{CompletedAt: client.Set(now), ScheduledAt: client.Clear[time.Time]()})
		ok(t, err)
		if task.CompletedAt == nil || !task.CompletedAt.Equal(now) || task.ScheduledAt != nil || task.Subject != "Send proposal" {
			t.Fatalf("patched: %+v", task)
		}
		got, _ = c.Deal(ctx, w.ID, d.ID)
		if !got.LastActivityAt.Equal(done) {
			t.Fatal("a completed task is not engagement: last_activity_at must stay")
		}

		n := e.count("activities")
		path := "/workspaces/" + w.ID + "/deals/" + d.ID + "/activities"
		future := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
		for _, tt := range []struct{ body, field string }{
			{`{"type":"fax","subject":"x"}`, "type"},
			{`{"type":"call","subject":""}`, "subject"},
			{`{"type":"call","subject":"` + strings.Repeat("s", 201) + `"}`, "subject"},
			{`{"type":"call","subject":"x","completed_at":"` + future + `"}`, "completed_at"},
			{`{"type":"call","subject":"x","scheduled_at":"tomorrow"}`, "scheduled_at"},
			{`{"type":"call","subject":"x","deal_id":"other"}`, "deal_id"},
		} {
			wantStatus(t, rawCall(t, c, "POST", path, "application/json", []byte(tt.body)), 400, tt.field)
		}
		for _, body := range []string{`{"type":null}`, `{"subject":null}`, `{"type":"fax"}`} {
			wantStatus(t, rawCall(t, c, "PATCH", "/workspaces/"+w.ID+"/activities/"+call.ID, "application/json", []byte(body)), 400)
		}
		if e.count("activities") != n {
			t.Fatal("invalid activities were written")
		}
		_, err = c.CreateActivity(ctx, w.ID, "no-such-deal", client.ActivityInput{Type: "note", Subject: "x"})
		wantStatus(t, err, 404)
		_, err = c.Activities(ctx, w.ID, "no-such-deal")
		wantStatus(t, err, 404)

		ok(t, c.DeleteActivity(ctx, w.ID, call.ID))
		wantStatus(t, c.DeleteActivity(ctx, w.ID, call.ID), 404)
		got, _ = c.Deal(ctx, w.ID, d.ID)
		if got.LastActivityAt != nil {
			t.Fatalf("deleting the only engagement must clear last_activity_at: %v", got.LastActivityAt)
		}
	})
}
