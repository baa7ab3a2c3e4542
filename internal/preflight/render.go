package preflight

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText prints the report for people: one line per check, the fix
// under every line that is not a PASS, and a verdict.
func WriteText(w io.Writer, r Report) error {
	width := 0
	for _, res := range r.Results {
		width = max(width, len(res.ID))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "VectorOS preflight %s · %s · APP_ENV=%s · %s\n\n", r.Version, r.CheckedAt.UTC().Format(time.RFC3339), r.AppEnv, r.Database)
	indent := strings.Repeat(" ", 6+width+2)
	for _, res := range r.Results {
		fmt.Fprintf(&b, "%-4s  %-*s  %s\n", res.Status, width, res.ID, res.Detail)
		if res.Fix != "" && res.Status != Pass {
			fmt.Fprintf(&b, "%sfix: %s\n", indent, res.Fix)
		}
	}
	s := r.Summary
	verdict := "ready for production"
	if !r.Ready {
		verdict = "NOT ready: fix every FAIL"
	} else if s.Warn > 0 {
		verdict = "ready, with warnings worth a look"
	}
	fmt.Fprintf(&b, "\n%d passed, %s, %d failed, %d skipped: %s\n", s.Pass, plural(s.Warn, "warning"), s.Fail, s.Skip, verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the report as one indented JSON object.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
