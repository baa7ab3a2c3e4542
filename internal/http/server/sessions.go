package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/store"
)

// Session settings. There is no idle timeout: a session lasts its lifetime
// unless its user signs out or their password changes.
const (
	SessionCookie   = "vectoros_session"
	sessionLifetime = 30 * 24 * time.Hour
	sessUserID      = "user_id"
	sessVersion     = "session_version"
)

// newSessions builds the session manager on the database's own sessions
// table and returns the function that stops its cleanup goroutine.
func newSessions(st *store.Store, production bool, log *slog.Logger) (*scs.SessionManager, func()) {
	m := scs.New()
	m.Lifetime = sessionLifetime
	m.IdleTimeout = 0
	m.HashTokenInStore = true // a leaked sessions table holds no usable tokens
	m.Cookie.Name = SessionCookie
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = production
	m.Cookie.Path = "/"
	m.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		httpx.WriteError(w, r, log, fmt.Errorf("session: %w", err))
	}
	if st.Dialect() == store.Postgres {
		ps := postgresstore.New(st.DB())
		m.Store = ps
		return m, ps.StopCleanup
	}
	ss := sqlite3store.New(st.DB())
	m.Store = ss
	return m, ss.StopCleanup
}
