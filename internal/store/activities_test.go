package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/store"
	"github.com/vectoros/vectoros/internal/testdb"
)

func TestActivitiesMoveLastActivity(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		u, w := fixture(t, s, "act@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		d, _ := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "D"}, actor)
		last := func() *time.Time {
			got, err := s.GetDeal(ctx, w.ID, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.LastActivityAt
		}
		twoDaysAgo := clock.Now().Add(-48 * time.Hour)
		yesterday := clock.Now().Add(-24 * time.Hour)
		// A completed note does not count as engagement.
		if _, err := s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: domain.ActivityNote, Subject: "n", CompletedAt: &yesterday}, actor); err != nil {
			t.Fatal(err)
		}
		if last() != nil {
			t.Fatal("a note moved last_activity_at")
		}
		call, err := s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: domain.ActivityCall, Subject: "c", CompletedAt: &twoDaysAgo}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if l := last(); l == nil || !l.Equal(twoDaysAgo) {
			t.Fatalf("after a completed call: %v", l)
		}
		next := clock.Now().Add(72 * time.Hour)
		meeting, err := s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: domain.ActivityMeeting, Subject: "m", ScheduledAt: &next}, actor)
		if err != nil {
			t.Fatal(err)
		}
		if l := last(); !l.Equal(twoDaysAgo) {
			t.Fatalf("a planned meeting moved last_activity_at: %v", l)
		}
		done := clock.Now()
		dp := &done
		if _, err := s.UpdateActivity(ctx, w.ID, meeting.ID, domain.ActivityPatch{CompletedAt: &dp}); err != nil {
			t.Fatal(err)
		}
		if l := last(); !l.Equal(done) {
			t.Fatalf("completing the meeting: %v, want %v", l, done)
		}
		if err := s.DeleteActivity(ctx, w.ID, meeting.ID); err != nil {
			t.Fatal(err)
		}
		if l := last(); !l.Equal(twoDaysAgo) {
			t.Fatalf("after deleting the meeting: %v", l)
		}
		_ = s.DeleteActivity(ctx, w.ID, call.ID)
		if last() != nil {
			t.Fatal("last_activity_at kept after deleting every engagement")
		}
		list, err := s.ListActivities(ctx, w.ID, d.ID)
		if err != nil || len(list) != 1 || list[0].Type != domain.ActivityNote {
			t.Fatalf("list: %+v %v", list, err)
		}
		future := clock.Now().Add(time.Hour)
		_, err = s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: "fax", Subject: "", CompletedAt: &future}, actor)
		f := fieldsOf(t, err)
		if f["type"] == "" || f["subject"] == "" || f["completed_at"] == "" {
			t.Fatalf("validation: %v", f)
		}
	})
}

// TestTimesRoundTrip checks what is written is exactly what is read back,
// also through aggregates (SQLite returns MAX() of a timestamp as text).
func TestTimesRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s *store.Store, clock *testdb.Clock) {
		ctx := context.Background()
		clock.Set(time.Date(2026, 3, 29, 1, 30, 15, 123456789, time.FixedZone("CEST", 2*3600)))
		u, w := fixture(t, s, "time@example.com")
		actor := domain.Actor{Kind: domain.ActorUser, ID: u.ID}
		d, err := s.CreateDeal(ctx, w.ID, store.NewDeal{Title: "T"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 3, 28, 23, 30, 15, 123456000, time.UTC)
		if !d.CreatedAt.Equal(want) || d.CreatedAt.Location() != time.UTC {
			t.Fatalf("created_at %v, want %v UTC truncated to µs", d.CreatedAt, want)
		}
		got, _ := s.GetDeal(ctx, w.ID, d.ID)
		if got.CreatedAt != d.CreatedAt || got.StageEnteredAt != d.StageEnteredAt {
			t.Fatalf("read back %v, wrote %v", got.CreatedAt, d.CreatedAt)
		}
		times := []time.Time{
			time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 20, 9, 0, 0, 100000000, time.UTC), // .1 sorts after .0 even as text
			time.Date(2026, 3, 20, 9, 0, 0, 99000, time.UTC),
		}
		for _, at := range times {
			if _, err := s.CreateActivity(ctx, w.ID, d.ID, store.NewActivity{Type: domain.ActivityEmail, Subject: "e", CompletedAt: &at}, actor); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := s.LoadSnapshot(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Deals) != 1 || snap.Deals[0].LastEngagementAt == nil || !snap.Deals[0].LastEngagementAt.Equal(times[1]) {
			t.Fatalf("MAX(completed_at) through the aggregate: %+v", snap.Deals)
		}
		got, _ = s.GetDeal(ctx, w.ID, d.ID)
		if !got.LastActivityAt.Equal(times[1]) {
			t.Fatalf("last_activity_at %v, want %v", got.LastActivityAt, times[1])
		}
	})
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 27, 10, 0, 0, 500000000, time.UTC)
	for _, in := range []any{"2026-11-27 10:00:00.5+00:00", "2026-11-27T11:00:00.5+01:00", "2026-11-27 10:00:00.5", []byte("2026-11-27T10:00:00.5Z"), want.In(time.FixedZone("x", 3600))} {
		got, err := store.ParseTime(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%v) = %v, %v", in, got, err)
		}
	}
	if _, err := store.ParseTime("yesterday"); err == nil {
		t.Error("ParseTime accepted garbage")
	}
}
