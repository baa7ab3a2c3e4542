package analysis

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

const (
	day  = 24 * time.Hour
	hour = time.Hour
)

// testNow is a Tuesday afternoon in UTC (09:00 in Los Angeles, PDT).
var testNow = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

// workspace returns a snapshot of the given deals in a USD workspace with
// the default stages.
func workspace(tz string, deals ...domain.DealSnapshot) domain.WorkspaceSnapshot {
	return domain.WorkspaceSnapshot{
		Workspace: domain.Workspace{ID: "ws", Name: "Northwind", Currency: "USD", TimeZone: tz},
		Stages:    domain.DefaultStages(),
		Deals:     deals,
	}
}

// dealOpt adjusts a test deal; times are relative to testNow unless set.
type dealOpt func(*dealBuilder)

type dealBuilder struct {
	ds           domain.DealSnapshot
	initialValue *int64 // the created event's value when it differs
	noCreated    bool
	createdJSON  *string
}

// deal builds an open deal that, by default, trips no rule: created and
// entered its stage just now, engaged just now, a small value, no close
// date, the stage's default probability.
func deal(id, stage string, opts ...dealOpt) domain.DealSnapshot {
	v := int64(1_000_00)
	b := &dealBuilder{ds: domain.DealSnapshot{Deal: domain.Deal{
		ID: id, WorkspaceID: "ws", Title: "Deal " + id, Value: &v, Currency: "USD", Stage: stage,
		Status: domain.DealOpen, StageEnteredAt: testNow, CreatedAt: testNow, UpdatedAt: testNow,
	}}}
	eng := testNow
	b.ds.LastEngagementAt = &eng
	for _, o := range opts {
		o(b)
	}
	if !b.noCreated {
		b.ds.Events = append([]domain.DealEvent{b.created()}, b.ds.Events...)
	}
	return b.ds
}

// created mirrors the store's created event: the initial values as JSON.
func (b *dealBuilder) created() domain.DealEvent {
	d := b.ds.Deal
	e := domain.DealEvent{ID: d.ID + "-created", WorkspaceID: "ws", DealID: d.ID, Kind: domain.EventCreated,
		Actor: domain.SystemActor, At: d.CreatedAt}
	if b.createdJSON != nil {
		e.NewValue = b.createdJSON
		return e
	}
	m := map[string]any{"title": d.Title, "stage": d.Stage, "currency": d.Currency, "status": "open",
		"stage_entered_at": d.CreatedAt.Format(time.RFC3339Nano)}
	val := d.Value
	if b.initialValue != nil {
		val = b.initialValue
	}
	if val != nil {
		m["value"] = strconv.FormatInt(*val, 10)
	}
	if d.Probability != nil {
		m["probability"] = strconv.Itoa(*d.Probability)
	}
	js, _ := json.Marshal(m)
	s := string(js)
	e.NewValue = &s
	return e
}

func value(major int64) dealOpt {
	return func(b *dealBuilder) { v := major * 100; b.ds.Deal.Value = &v }
}

func valueMinor(minor int64) dealOpt { return func(b *dealBuilder) { b.ds.Deal.Value = &minor } }

func noValue() dealOpt { return func(b *dealBuilder) { b.ds.Deal.Value = nil } }

func initialValue(major int64) dealOpt {
	return func(b *dealBuilder) { v := major * 100; b.initialValue = &v }
}

func prob(p int) dealOpt { return func(b *dealBuilder) { b.ds.Deal.Probability = &p } }

func closeOn(d domain.Date) dealOpt { return func(b *dealBuilder) { b.ds.Deal.CloseDate = &d } }

// closeIn sets the close date n calendar days from today in UTC.
func closeIn(n int) dealOpt { return closeOn(domain.DateOf(testNow).AddDays(n)) }

// idle makes the last engagement d ago.
func idle(d time.Duration) dealOpt {
	return func(b *dealBuilder) { t := testNow.Add(-d); b.ds.LastEngagementAt = &t }
}

// neverEngaged removes every engagement: idle counts from creation.
func neverEngaged() dealOpt { return func(b *dealBuilder) { b.ds.LastEngagementAt = nil } }

// age sets creation d ago; the deal entered its stage then too.
func age(d time.Duration) dealOpt {
	return func(b *dealBuilder) {
		b.ds.Deal.CreatedAt = testNow.Add(-d)
		b.ds.Deal.StageEnteredAt = testNow.Add(-d)
	}
}

// inStage sets the stage entry d ago (creation is at least as old).
func inStage(d time.Duration) dealOpt {
	return func(b *dealBuilder) {
		b.ds.Deal.StageEnteredAt = testNow.Add(-d)
		if b.ds.Deal.CreatedAt.After(b.ds.Deal.StageEnteredAt) {
			b.ds.Deal.CreatedAt = b.ds.Deal.StageEnteredAt
		}
	}
}

// nextAt adds an open activity scheduled at t.
func nextAt(t time.Time) dealOpt {
	return func(b *dealBuilder) { b.ds.LatestOpenScheduledAt = &t; b.ds.OpenActivities++ }
}

func events(ev ...domain.DealEvent) dealOpt {
	return func(b *dealBuilder) {
		for _, e := range ev {
			e.DealID, e.WorkspaceID = b.ds.Deal.ID, "ws"
			b.ds.Events = append(b.ds.Events, e)
		}
	}
}

func noCreatedEvent() dealOpt { return func(b *dealBuilder) { b.noCreated = true } }

func createdJSON(s string) dealOpt { return func(b *dealBuilder) { b.createdJSON = &s } }

func withStatus(s domain.DealStatus) dealOpt { return func(b *dealBuilder) { b.ds.Deal.Status = s } }

func str(s string) *string { return &s }

// change is a change-log event at t.
func change(kind string, at time.Time, oldV, newV *string) domain.DealEvent {
	return domain.DealEvent{ID: fmt.Sprintf("%s-%d", kind, at.UnixNano()), Kind: kind, OldValue: oldV, NewValue: newV,
		Actor: domain.Actor{Kind: domain.ActorUser, ID: "u1"}, At: at}
}

func minorStr(major int64) *string { return str(strconv.FormatInt(major*100, 10)) }

// find returns the finding of rule on dealID, or nil.
func find(fs []domain.Finding, dealID, rule string) *domain.Finding {
	for i := range fs {
		if fs[i].DealID == dealID && fs[i].Rule == rule {
			return &fs[i]
		}
	}
	return nil
}

// evidence returns the named evidence value, failing the test when absent.
func evidence(t *testing.T, f *domain.Finding, name string) float64 {
	t.Helper()
	for _, e := range f.Evidence {
		if e.Name == name {
			return e.Value
		}
	}
	t.Fatalf("%s: no evidence %q in %+v", f.Rule, name, f.Evidence)
	return 0
}

// want is the expected outcome of one rule on one deal; an empty priority
// means the rule must not fire.
type want struct {
	priority   domain.Priority
	severity   float64
	confidence float64
}

// check runs the snapshot and compares one rule's finding on deal "d".
func check(t *testing.T, snap domain.WorkspaceSnapshot, rule string, w want) *domain.Finding {
	t.Helper()
	fs := Run(snap, testNow)
	f := find(fs, "d", rule)
	if w.priority == "" {
		if f != nil {
			t.Fatalf("%s fired with %s, evidence %+v; want no finding", rule, f.Priority, f.Evidence)
		}
		return nil
	}
	if f == nil {
		t.Fatalf("%s did not fire; want %s (findings: %v)", rule, w.priority, rulesOf(fs))
	}
	if f.Priority != w.priority {
		t.Errorf("%s priority = %s, want %s (evidence %+v)", rule, f.Priority, w.priority, f.Evidence)
	}
	if w.severity != 0 && f.Severity != w.severity {
		t.Errorf("%s severity = %v, want %v", rule, f.Severity, w.severity)
	}
	if w.confidence != 0 && f.Confidence != w.confidence {
		t.Errorf("%s confidence = %v, want %v", rule, f.Confidence, w.confidence)
	}
	checkShape(t, *f)
	return f
}

func rulesOf(fs []domain.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.DealID+"/"+f.Rule+"/"+string(f.Priority))
	}
	return out
}

// checkShape asserts what every finding must carry.
func checkShape(t *testing.T, f domain.Finding) {
	t.Helper()
	if n := len(f.Actions); n < 1 || n > 4 {
		t.Errorf("%s has %d actions, want 1–4", f.Rule, n)
	}
	for _, a := range f.Actions {
		switch a.Kind {
		case domain.ActionScheduleActivity, domain.ActionUpdateCloseDate, domain.ActionUpdateProbability,
			domain.ActionContactBuyer, domain.ActionEscalate, domain.ActionCloseDeal:
		default:
			t.Errorf("%s: unknown action kind %q", f.Rule, a.Kind)
		}
		if a.Title == "" || a.DueInDays < 1 {
			t.Errorf("%s: action %+v needs a title and a due day", f.Rule, a)
		}
	}
	if len(f.Evidence) == 0 {
		t.Errorf("%s has no evidence", f.Rule)
	}
	seen := map[string]bool{}
	for _, e := range f.Evidence {
		if seen[e.Name] {
			t.Errorf("%s: evidence %s appears twice", f.Rule, e.Name)
		}
		seen[e.Name] = true
		switch e.Unit {
		case "days", "percent", "count":
			if e.Value != float64(int64(e.Value)) {
				t.Errorf("%s: evidence %s = %v is not whole", f.Rule, e.Name, e.Value)
			}
		case "money", "ratio":
		default:
			t.Errorf("%s: evidence %s has unit %q", f.Rule, e.Name, e.Unit)
		}
	}
	if f.Severity <= 0 || f.Severity > 1 || f.Confidence <= 0 || f.Confidence > 1 {
		t.Errorf("%s: severity %v, confidence %v out of (0, 1]", f.Rule, f.Severity, f.Confidence)
	}
}

// crowd returns n open deals of the given value, so a test deal's value
// can be kept below (or placed above) the 80th percentile.
func crowd(n int, major int64) []domain.DealSnapshot {
	out := make([]domain.DealSnapshot, n)
	for i := range out {
		out[i] = deal(fmt.Sprintf("c%03d", i), "lead", value(major))
	}
	return out
}
