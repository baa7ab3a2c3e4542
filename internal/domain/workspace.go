package domain

import "time"

// Role is a member's or API key's power in a workspace.
type Role string

// Roles, from least to most powerful.
const (
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
	RoleOwner  Role = "owner"
)

// Rank orders roles so "at least admin" is one comparison.
func (r Role) Rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleAdmin:
		return 2
	case RoleMember:
		return 1
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.Rank() > 0 }

// AtLeast reports whether r grants at least the power of min.
func (r Role) AtLeast(min Role) bool { return r.Rank() >= min.Rank() }

// User is a person who can sign in.
type User struct {
	ID             string
	Email          string
	Name           string
	PasswordHash   string
	SessionVersion int
	LastSeenAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Workspace is a tenant: one team's pipeline.
type Workspace struct {
	ID        string
	Name      string
	Currency  string
	TimeZone  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Location returns the workspace's time zone, UTC when it cannot be loaded.
func (w Workspace) Location() *time.Location {
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Member is a user's membership in a workspace.
type Member struct {
	WorkspaceID string
	UserID      string
	Role        Role
	Email       string
	Name        string
	CreatedAt   time.Time
}

// Membership is a workspace seen from one user.
type Membership struct {
	Workspace Workspace
	Role      Role
}

// Invitation lets someone join a workspace by link until it expires.
type Invitation struct {
	ID          string
	WorkspaceID string
	Email       string
	Role        Role
	TokenHash   string
	InvitedBy   string
	ExpiresAt   time.Time
	AcceptedAt  *time.Time
	CreatedAt   time.Time
}

// APIKey is a workspace-scoped bearer credential. The secret is never
// stored: only its SHA-256 and a visible prefix.
type APIKey struct {
	ID          string
	WorkspaceID string
	Name        string
	Prefix      string
	Hash        []byte
	Role        Role
	CreatedBy   string
	ExpiresAt   *time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}

// CanSetRole says whether someone with role actor may move a member from
// one role to another: admins manage members and admins; only owners grant
// or take away ownership. The API and the web UI both apply it.
func CanSetRole(actor, from, to Role) error {
	if !actor.AtLeast(RoleAdmin) {
		return Errorf(KindForbidden, "changing roles needs the admin role")
	}
	if (from == RoleOwner || to == RoleOwner) && actor != RoleOwner {
		return Errorf(KindForbidden, "only owners can grant or take away ownership")
	}
	return nil
}

// CanRemoveMember says whether someone with role actor may remove a member
// holding role target: anyone may leave (self); removing someone else needs
// admin, and removing an owner needs owner.
func CanRemoveMember(actor Role, self bool, target Role) error {
	if self {
		return nil
	}
	if !actor.AtLeast(RoleAdmin) {
		return Errorf(KindForbidden, "removing other members needs the admin role")
	}
	if target == RoleOwner && actor != RoleOwner {
		return Errorf(KindForbidden, "only owners can remove an owner")
	}
	return nil
}
