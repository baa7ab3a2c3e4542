package server

import (
	"context"
	"net/http"
	"time"
)

// defaultMonitorInterval is MONITOR_INTERVAL's default, for a Server built
// without one.
const defaultMonitorInterval = 30 * time.Minute

type monitorHealthBody struct {
	Status            string     `json:"status"` // ok | stale | unknown
	IntervalSeconds   int64      `json:"interval_seconds"`
	LastSuccessAt     *time.Time `json:"last_success_at"`
	SecondsSince      *int64     `json:"seconds_since_last_success,omitempty"`
	LastCycle         *cycleInfo `json:"last_cycle,omitempty"`
	Error             string     `json:"error,omitempty"`
	StaleAfterSeconds int64      `json:"stale_after_seconds"`
}

type cycleInfo struct {
	ID          string    `json:"id"`
	Trigger     string    `json:"trigger"`
	CompletedAt time.Time `json:"completed_at"`
	Expected    int       `json:"expected"`
	Succeeded   int       `json:"succeeded"`
	Failed      int       `json:"failed"`
}

// handleMonitorHealth answers 200 while some process's monitor completed a
// cycle without a failed run within twice the interval, 503 otherwise (no
// worker running, every cycle failing somewhere, or cycles taking too long).
// It reads the database, so it speaks for every worker of the deployment,
// not only this process.
func (s *Server) handleMonitorHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	interval := s.deps.MonitorInterval
	if interval <= 0 {
		interval = defaultMonitorInterval
	}
	body := monitorHealthBody{Status: "unknown", IntervalSeconds: int64(interval / time.Second), StaleAfterSeconds: int64(2 * interval / time.Second)}
	last, err := s.deps.Store.MonitorHeartbeat(ctx)
	if err == nil {
		var c *cycleInfo
		if lc, cerr := s.deps.Store.LastCompletedCycle(ctx); cerr == nil && lc != nil {
			c = &cycleInfo{ID: lc.ID, Trigger: lc.Trigger, CompletedAt: lc.CompletedAt.UTC(), Expected: lc.Expected,
				Succeeded: lc.Succeeded, Failed: lc.Failed}
		} else {
			err = cerr
		}
		body.LastCycle = c
	}
	if err != nil {
		body.Error = "database unreachable"
		s.deps.Logger.WarnContext(ctx, "monitor health: database", "error", err)
		writeHealth(w, http.StatusServiceUnavailable, body)
		return
	}
	if last == nil {
		body.Error = "no monitoring cycle has completed without a failed run yet"
		writeHealth(w, http.StatusServiceUnavailable, body)
		return
	}
	t := last.UTC()
	age := s.deps.Now().Sub(t)
	secs := int64(age / time.Second)
	body.LastSuccessAt, body.SecondsSince = &t, &secs
	if age > 2*interval {
		body.Status, body.Error = "stale", "no monitoring cycle succeeded within twice the interval"
		writeHealth(w, http.StatusServiceUnavailable, body)
		return
	}
	body.Status = "ok"
	writeHealth(w, http.StatusOK, body)
}
