package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/vectoros/vectoros/internal/domain"
)

// The API's JSON shapes. Times are RFC 3339 in UTC; money is a decimal
// number in the workspace currency's major units; absent optional values
// are null.

// List is the envelope of every list; NextCursor is null on the last page.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func list[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	l := List[T]{Items: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}

func mapAll[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func utc(t time.Time) time.Time { return t.UTC() }

func utcp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

// User is an account.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func userView(u domain.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, CreatedAt: utc(u.CreatedAt)}
}

// Workspace is a tenant; Role is the caller's role in it.
type Workspace struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Currency  string      `json:"currency"`
	TimeZone  string      `json:"time_zone"`
	Role      domain.Role `json:"role"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func workspaceView(w domain.Workspace, role domain.Role) Workspace {
	return Workspace{ID: w.ID, Name: w.Name, Currency: w.Currency, TimeZone: w.TimeZone, Role: role,
		CreatedAt: utc(w.CreatedAt), UpdatedAt: utc(w.UpdatedAt)}
}

// Me is the signed-in user and the workspaces they belong to.
type Me struct {
	User       User        `json:"user"`
	Workspaces []Workspace `json:"workspaces"`
}

// Member is a user's membership of a workspace.
type Member struct {
	UserID   string      `json:"user_id"`
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     domain.Role `json:"role"`
	JoinedAt time.Time   `json:"joined_at"`
}

func memberView(m domain.Member) Member {
	return Member{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role, JoinedAt: utc(m.CreatedAt)}
}

// Actor says who made a change: kind user, api_key or system, and its id.
type Actor struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// actorOf reads the "kind:id" form stored for creators of keys and invitations.
func actorOf(s string) Actor {
	kind, id, ok := strings.Cut(s, ":")
	if !ok {
		return Actor{Kind: domain.ActorUser, ID: s}
	}
	return Actor{Kind: kind, ID: id}
}

// Invitation lets someone join a workspace by link.
type Invitation struct {
	ID         string      `json:"id"`
	Email      string      `json:"email"`
	Role       domain.Role `json:"role"`
	Status     string      `json:"status"` // pending | accepted | expired
	InvitedBy  Actor       `json:"invited_by"`
	ExpiresAt  time.Time   `json:"expires_at"`
	AcceptedAt *time.Time  `json:"accepted_at"`
	CreatedAt  time.Time   `json:"created_at"`
}

func invitationView(in domain.Invitation, now time.Time) Invitation {
	status := "pending"
	switch {
	case in.AcceptedAt != nil:
		status = "accepted"
	case !in.ExpiresAt.After(now):
		status = "expired"
	}
	return Invitation{ID: in.ID, Email: in.Email, Role: in.Role, Status: status, InvitedBy: actorOf(in.InvitedBy),
		ExpiresAt: utc(in.ExpiresAt), AcceptedAt: utcp(in.AcceptedAt), CreatedAt: utc(in.CreatedAt)}
}

// NewInvitation is a created invitation with its token, shown only once.
// The invitee signs in and posts the token to /api/v1/invitations/accept,
// or opens AcceptURL (the web UI's page, when PUBLIC_URL is set).
type NewInvitation struct {
	Invitation
	Token     string `json:"token"`
	AcceptURL string `json:"accept_url,omitempty"`
}

// APIKey is a workspace's bearer credential, without its secret.
type APIKey struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Prefix     string      `json:"prefix"`
	Role       domain.Role `json:"role"`
	CreatedBy  Actor       `json:"created_by"`
	ExpiresAt  *time.Time  `json:"expires_at"`
	LastUsedAt *time.Time  `json:"last_used_at"`
	RevokedAt  *time.Time  `json:"revoked_at"`
	CreatedAt  time.Time   `json:"created_at"`
}

func apiKeyView(k domain.APIKey) APIKey {
	return APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: k.Role, CreatedBy: actorOf(k.CreatedBy),
		ExpiresAt: utcp(k.ExpiresAt), LastUsedAt: utcp(k.LastUsedAt), RevokedAt: utcp(k.RevokedAt), CreatedAt: utc(k.CreatedAt)}
}

// NewAPIKey is a created key with its secret, shown only this once.
type NewAPIKey struct {
	APIKey
	Secret string `json:"secret"`
}

// Stage is a step of the workspace's pipeline.
type Stage struct {
	Key                string           `json:"key"`
	Name               string           `json:"name"`
	Position           int              `json:"position"`
	Kind               domain.StageKind `json:"kind"`
	IsLate             bool             `json:"is_late"`
	DefaultProbability int              `json:"default_probability"`
	ProbFloor          *int             `json:"prob_floor"`
	ProbCeiling        *int             `json:"prob_ceiling"`
	RottingDays        *int             `json:"rotting_days"`
	StuckDays          *int             `json:"stuck_days"`
}

func stageView(s domain.Stage) Stage {
	return Stage{Key: s.Key, Name: s.Name, Position: s.Position, Kind: s.Kind, IsLate: s.IsLate,
		DefaultProbability: s.DefaultProbability, ProbFloor: s.ProbFloor, ProbCeiling: s.ProbCeiling,
		RottingDays: s.RottingDays, StuckDays: s.StuckDays}
}

// money renders minor units as a JSON number in major units ("50000",
// "12.5"), exactly as domain.FormatMoneyPlain does but with integer
// arithmetic: lists render it for every deal, and big.Rat was a tenth of a
// deal list's CPU time.
func money(minor int64, currency string) json.Number {
	dec, _ := domain.CurrencyDecimals(currency)
	if dec == 0 || minor < 0 {
		return json.Number(domain.FormatMoneyPlain(minor, currency))
	}
	scale := int64(1)
	for range dec {
		scale *= 10
	}
	b := strconv.AppendInt(make([]byte, 0, 24), minor/scale, 10)
	if frac := minor % scale; frac != 0 {
		digits := strconv.AppendInt(nil, frac+scale, 10)[1:] // zero-padded to dec digits
		b = append(append(b, '.'), bytes.TrimRight(digits, "0")...)
	}
	return json.Number(b)
}

func moneyp(minor *int64, currency string) *json.Number {
	if minor == nil {
		return nil
	}
	m := money(*minor, currency)
	return &m
}
