package api

import (
	"context"
	"net/http"

	"github.com/vectoros/vectoros/internal/domain"
)

// SignupInput creates an account. Name defaults to the email's local part.
type SignupInput struct {
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	Password string `json:"password"`
}

// LoginInput signs in.
type LoginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (a *API) authRoutes() []route {
	return []route{
		{method: http.MethodPost, path: "/auth/signup", tag: "auth", access: anyone, handle: a.signup,
			summary: "Create an account (password: 8+ characters, not the email, not a common password) and sign in",
			body:    SignupInput{}, reply: Me{}, status: http.StatusCreated},
		{method: http.MethodPost, path: "/auth/login", tag: "auth", access: anyone, handle: a.login,
			summary: "Sign in; sets the session cookie. Repeated failures lock the account or address for 15 minutes (429)",
			body:    LoginInput{}, reply: Me{}, status: http.StatusOK},
		{method: http.MethodPost, path: "/auth/logout", tag: "auth", access: userOnly, handle: a.logout,
			summary: "Sign out of this session", status: http.StatusNoContent},
		{method: http.MethodGet, path: "/me", tag: "auth", access: userOnly, handle: a.me,
			summary: "The signed-in user and their workspaces with roles", reply: Me{}, status: http.StatusOK},
	}
}

func (a *API) signup(w http.ResponseWriter, r *http.Request) {
	var in SignupInput
	if !a.decode(w, r, &in) {
		return
	}
	u, err := a.auth.SignUp(r.Context(), in.Email, in.Name, in.Password)
	if err == nil {
		err = a.auth.StartSession(r.Context(), u)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.replyMe(w, r, u, http.StatusCreated)
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var in LoginInput
	if !a.decode(w, r, &in) {
		return
	}
	u, err := a.auth.SignIn(r.Context(), in.Email, in.Password)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.replyMe(w, r, u, http.StatusOK)
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	if err := a.auth.SignOut(r.Context()); err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusNoContent, nil)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	a.replyMe(w, r, *scopeOf(r.Context()).principal.User, http.StatusOK)
}

func (a *API) replyMe(w http.ResponseWriter, r *http.Request, u domain.User, status int) {
	me, err := a.meOf(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, status, me)
}

func (a *API) meOf(ctx context.Context, u domain.User) (Me, error) {
	ms, err := a.store.ListMemberships(ctx, u.ID)
	if err != nil {
		return Me{}, err
	}
	return Me{User: userView(u), Workspaces: mapAll(ms, func(m domain.Membership) Workspace {
		return workspaceView(m.Workspace, m.Role)
	})}, nil
}
