package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/vectoros/vectoros/internal/domain"
	"github.com/vectoros/vectoros/internal/http/httpx"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

// Failed sign-ins: an account locks after 5 failures within 15 minutes, a
// client address after 20 (it may be an office NAT), each for 15 minutes.
var (
	accountPolicy = store.LoginPolicy{MaxFailures: 5, Window: 15 * time.Minute, Lock: 15 * time.Minute}
	addressPolicy = store.LoginPolicy{MaxFailures: 20, Window: 15 * time.Minute, Lock: 15 * time.Minute}
)

// Auth is the one place that knows who a request is (Authenticate) and what
// it may do in a workspace (Authorize). The API and the web UI both use it.
type Auth struct {
	store    *store.Store
	sessions *scs.SessionManager
	hasher   *password.Hasher
	now      func() time.Time
	log      *slog.Logger
	// dummy is a hash verified for unknown emails, so a sign-in takes as
	// long whether or not the account exists.
	dummy func() string
	// reserveAddress charges an API-key check to the client address first
	// (see limiter.reserveAddress); nil means no limit.
	reserveAddress func(http.ResponseWriter, *http.Request) (refund func(), ok bool)
}

func newAuth(st *store.Store, sm *scs.SessionManager, h *password.Hasher, now func() time.Time, log *slog.Logger) *Auth {
	a := &Auth{store: st, sessions: sm, hasher: h, now: now, log: log}
	a.dummy = sync.OnceValue(func() string {
		hash, _ := h.Hash(context.Background(), "no account has this password")
		return hash
	})
	return a
}

// Authenticate resolves the request's principal: an API key when an
// Authorization header is present (and then only the key: one mechanism per
// request), else the session's user. A bad, revoked or expired key is a 401
// at once; no credentials at all is anonymous, left to the route to judge.
func (a *Auth) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var p httpx.Principal
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, secret, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				httpx.WriteError(w, r, a.log, domain.Errorf(domain.KindUnauthorized, "use Authorization: Bearer vos_…"))
				return
			}
			refund := func() {}
			if a.reserveAddress != nil {
				var ok bool
				if refund, ok = a.reserveAddress(w, r); !ok {
					return
				}
			}
			k, ws, err := a.store.AuthenticateAPIKey(ctx, strings.TrimSpace(secret))
			if err != nil {
				httpx.WriteError(w, r, a.log, err)
				return
			}
			refund()
			p.Key, p.KeyWorkspace = &k, &ws
			httpx.Note(ctx, slog.String("api_key_id", k.ID))
		} else {
			u, err := a.sessionUser(ctx)
			if err != nil {
				httpx.WriteError(w, r, a.log, err)
				return
			}
			if u != nil {
				p.User = u
				httpx.Note(ctx, slog.String("user_id", u.ID))
			}
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithPrincipal(ctx, p)))
	})
}

// sessionUser returns the session's user, or nil. A session whose version
// is older than the user's (the password changed since) is destroyed.
func (a *Auth) sessionUser(ctx context.Context) (*domain.User, error) {
	id := a.sessions.GetString(ctx, sessUserID)
	if id == "" {
		return nil, nil
	}
	u, err := a.store.GetUser(ctx, id)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.SessionVersion != a.sessions.GetInt(ctx, sessVersion)) {
		return nil, a.sessions.Destroy(ctx)
	}
	if err != nil {
		return nil, err
	}
	if u.LastSeenAt == nil || a.now().Sub(*u.LastSeenAt) >= time.Hour {
		if err := a.store.TouchUser(ctx, u.ID); err != nil {
			a.log.WarnContext(ctx, "record last seen", "error", err)
		}
	}
	return &u, nil
}

// SignUp validates and creates an account. It does not sign in.
func (a *Auth) SignUp(ctx context.Context, email, name, pw string) (domain.User, error) {
	email = store.NormalizeEmail(email)
	name = strings.TrimSpace(name)
	var v domain.Validation
	if !store.ValidEmail(email) {
		v.Add("email", "must be an email address such as jane@example.com")
	}
	if len(name) > 100 {
		v.Add("name", "must be at most 100 characters")
	}
	if msg := password.Check(pw, email); msg != "" {
		v.Add("password", "%s", msg)
	}
	if err := v.Err(); err != nil {
		return domain.User{}, err
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	hash, err := a.hasher.Hash(ctx, pw)
	if err != nil {
		return domain.User{}, fmt.Errorf("sign up: %w", err)
	}
	return a.store.CreateUser(ctx, email, name, hash)
}

// SignIn checks an email and password, throttling failures per account and
// per client address, and on success starts a fresh session (a new token:
// a token planted before sign-in is useless after it).
func (a *Auth) SignIn(ctx context.Context, email, pw string) (domain.User, error) {
	email = store.NormalizeEmail(email)
	keys := []string{"email:" + email, "ip:" + httpx.ClientIP(ctx)}
	now := a.now()
	until, err := a.store.LoginLockedUntil(ctx, keys...)
	if err != nil {
		return domain.User{}, err
	}
	if until.After(now) {
		return domain.User{}, tooManyFailures(until.Sub(now))
	}
	u, err := a.store.GetUserByEmail(ctx, email)
	switch {
	case domain.IsKind(err, domain.KindNotFound):
		_ = a.hasher.Verify(ctx, a.dummy(), pw)
	case err != nil:
		return domain.User{}, err
	default:
		err = a.hasher.Verify(ctx, u.PasswordHash, pw)
		if err != nil && !errors.Is(err, password.ErrMismatch) && ctx.Err() != nil {
			return domain.User{}, ctx.Err()
		}
	}
	if err != nil {
		// Unknown account, wrong password, or an account that has no usable
		// password: one answer for all, counted alike.
		for i, k := range keys {
			policy := accountPolicy
			if i == 1 {
				policy = addressPolicy
			}
			locked, rerr := a.store.RecordLoginFailure(ctx, k, policy)
			if rerr != nil {
				return domain.User{}, rerr
			}
			if !locked.IsZero() {
				return domain.User{}, tooManyFailures(locked.Sub(now))
			}
		}
		return domain.User{}, &domain.Error{Kind: domain.KindUnauthorized, Message: "the email or password is wrong"}
	}
	if err := a.store.ClearLoginFailures(ctx, keys[0]); err != nil {
		return domain.User{}, err
	}
	return u, a.StartSession(ctx, u)
}

func tooManyFailures(wait time.Duration) error {
	mins := int((wait + time.Minute - 1) / time.Minute)
	return httpx.WithRetryAfter(domain.Errorf(domain.KindTooMany,
		"too many failed sign-ins: try again in %d minutes", mins), wait)
}

// StartSession signs u in on this request's session, under a new token.
func (a *Auth) StartSession(ctx context.Context, u domain.User) error {
	if err := a.sessions.RenewToken(ctx); err != nil {
		return fmt.Errorf("session: renew: %w", err)
	}
	a.sessions.Put(ctx, sessUserID, u.ID)
	a.sessions.Put(ctx, sessVersion, u.SessionVersion)
	return nil
}

// SignOut ends this request's session.
func (a *Auth) SignOut(ctx context.Context) error {
	if err := a.sessions.Destroy(ctx); err != nil {
		return fmt.Errorf("session: destroy: %w", err)
	}
	return nil
}

// Authorize resolves the principal's role in a workspace and checks it is
// at least min. A workspace the principal cannot see is not found (never
// forbidden: its existence is not revealed); an API key sees only its own.
func (a *Auth) Authorize(ctx context.Context, p httpx.Principal, workspaceID string, min domain.Role) (domain.Workspace, domain.Role, error) {
	var ws domain.Workspace
	var role domain.Role
	var err error
	switch {
	case p.Key != nil:
		if p.Key.WorkspaceID != workspaceID {
			return ws, "", domain.ErrNotFound("workspace")
		}
		role = p.Key.Role
		if p.KeyWorkspace != nil {
			ws = *p.KeyWorkspace
		} else {
			ws, err = a.store.GetWorkspace(ctx, workspaceID)
		}
	case p.User != nil:
		ws, role, err = a.store.WorkspaceAccess(ctx, workspaceID, p.User.ID)
	default:
		return ws, "", domain.Errorf(domain.KindUnauthorized, "sign in or send an API key")
	}
	if err != nil {
		return ws, "", err
	}
	httpx.Note(ctx, slog.String("workspace_id", ws.ID))
	if !role.AtLeast(min) {
		return ws, role, domain.Errorf(domain.KindForbidden, "this needs the %s role in the workspace; you have %s", min, role)
	}
	return ws, role, nil
}
