package observe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vectoros/vectoros/internal/observe"
)

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

func TestRedact(t *testing.T) {
	const secret = "postgres-password-123"
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"message", func(l *slog.Logger) { l.Info("connecting with " + secret) }},
		{"string attr", func(l *slog.Logger) { l.Info("x", "url", "postgres://u:"+secret+"@db/x") }},
		{"error attr", func(l *slog.Logger) { l.Error("x", "error", fmt.Errorf("dial: %w", errors.New("bad "+secret))) }},
		{"stringer", func(l *slog.Logger) { l.Info("x", "v", stringer{"s=" + secret}) }},
		{"group", func(l *slog.Logger) { l.Info("x", slog.Group("db", slog.String("dsn", secret))) }},
		{"with attrs", func(l *slog.Logger) { l.With("dsn", secret).Info("x") }},
		{"with group", func(l *slog.Logger) { l.WithGroup("g").Info("x", "dsn", secret) }},
	}
	for _, tt := range tests {
		for _, json := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/json=%v", tt.name, json), func(t *testing.T) {
				var out bytes.Buffer
				var h slog.Handler = slog.NewTextHandler(&out, nil)
				if json {
					h = slog.NewJSONHandler(&out, nil)
				}
				tt.log(slog.New(observe.Redact(h, []string{secret, "short"[:3]})))
				if strings.Contains(out.String(), secret) || !strings.Contains(out.String(), observe.Redacted) {
					t.Fatalf("output %q", out.String())
				}
			})
		}
	}
}

func TestRedactLeavesOtherLinesAlone(t *testing.T) {
	var out bytes.Buffer
	// "sho" is under the minimum length: not treated as a secret.
	log := slog.New(observe.Redact(slog.NewTextHandler(&out, nil), []string{"a-long-secret", "sho", ""}))
	log.InfoContext(context.Background(), "short words stay", "n", 3, "err", errors.New("plain"))
	if got := out.String(); strings.Contains(got, observe.Redacted) || !strings.Contains(got, "short words stay") ||
		!strings.Contains(got, "n=3") || !strings.Contains(got, "err=plain") {
		t.Fatalf("output %q", got)
	}
	// Without secrets the handler is next itself.
	h := slog.NewTextHandler(&out, nil)
	if observe.Redact(h, nil) != slog.Handler(h) {
		t.Fatal("Redact without secrets should not wrap")
	}
}
