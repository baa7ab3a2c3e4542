package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

type healthBody struct {
	Status        string `json:"status"`
	Version       string `json:"version"`
	Database      string `json:"database"`
	SchemaVersion int64  `json:"schema_version,omitempty"`
	// LastSuccessfulCycle is shown, never gating readiness: a stalled
	// monitor is /health/monitor's business, not the load balancer's.
	LastSuccessfulCycle *time.Time `json:"last_successful_cycle,omitempty"`
	Error               string     `json:"error,omitempty"`
}

// handleLive answers as long as the process serves HTTP: uptime monitors
// and orchestrators restart the process when it stops answering.
func (s *Server) handleLive(w http.ResponseWriter, r *http.Request) {
	writeHealth(w, http.StatusOK, healthBody{Status: "ok", Version: s.deps.Version, Database: string(s.deps.Store.Dialect())})
}

// handleReady answers 200 only when the database is reachable and its
// schema is one this binary can run on; load balancers route by it.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	body := healthBody{Status: "ready", Version: s.deps.Version, Database: string(s.deps.Store.Dialect())}
	if err := s.deps.Store.Ping(ctx); err != nil {
		body.Status, body.Error = "not_ready", "database unreachable"
		s.deps.Logger.WarnContext(ctx, "readiness: database unreachable", "error", err)
		writeHealth(w, http.StatusServiceUnavailable, body)
		return
	}
	st, err := s.deps.Store.CheckSchema(ctx, nil)
	body.SchemaVersion = st.Current
	if err != nil {
		body.Status, body.Error = "not_ready", "database schema is not current: run vectoros migrate"
		s.deps.Logger.WarnContext(ctx, "readiness: schema", "error", err)
		writeHealth(w, http.StatusServiceUnavailable, body)
		return
	}
	if last, err := s.deps.Store.MonitorHeartbeat(ctx); err == nil {
		body.LastSuccessfulCycle = last
	}
	writeHealth(w, http.StatusOK, body)
}

func writeHealth(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
