// Package analysis holds the monitor's rules: pure functions from a
// workspace snapshot and the current time to findings. No IO, no clock.
package analysis

import (
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// Run analyses every open deal of the snapshot at instant now, judging
// calendar days in the workspace's time zone, and returns the findings.
func Run(snap domain.WorkspaceSnapshot, now time.Time) []domain.Finding {
	var out []domain.Finding
	for _, d := range snap.Deals {
		if d.Deal.Status != domain.DealOpen {
			continue // won and lost deals are never analysed
		}
	}
	return out
}
