// Package server assembles VectorOS's HTTP surface: the router, the
// middleware every request passes through, health endpoints, and the mount
// points of the API and the web UI.
package server

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/vectoros/vectoros/internal/store"
)

// Deps are what the HTTP surface needs from the process.
type Deps struct {
	Store   *store.Store
	Logger  *slog.Logger
	Version string
}

// Server is the HTTP surface of one process.
type Server struct {
	deps   Deps
	router chi.Router
}

// New builds the router.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{deps: d, router: chi.NewRouter()}
	s.routes()
	return s
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.router }

func (s *Server) routes() {
	r := s.router
	r.Get("/health", s.handleLive)
	r.Get("/health/ready", s.handleReady)
}
