package client

import (
	"context"
	"net/http"
	"time"
)

// SignupInput creates an account.
type SignupInput struct {
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	Password string `json:"password"`
}

// Signup creates an account and signs in.
func (c *Client) Signup(ctx context.Context, in SignupInput) (Me, error) {
	var me Me
	return me, c.Do(ctx, http.MethodPost, "/auth/signup", in, &me)
}

// Login signs in; the session cookie is kept for later calls.
func (c *Client) Login(ctx context.Context, email, password string) (Me, error) {
	var me Me
	return me, c.Do(ctx, http.MethodPost, "/auth/login", map[string]string{"email": email, "password": password}, &me)
}

// Logout ends the session.
func (c *Client) Logout(ctx context.Context) error {
	return c.Do(ctx, http.MethodPost, "/auth/logout", nil, nil)
}

// Me returns the signed-in user and their workspaces.
func (c *Client) Me(ctx context.Context) (Me, error) {
	var me Me
	return me, c.Do(ctx, http.MethodGet, "/me", nil, &me)
}

// WorkspaceInput creates a workspace.
type WorkspaceInput struct {
	Name     string `json:"name"`
	Currency string `json:"currency,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
}

// CreateWorkspace creates a workspace owned by the signed-in user.
func (c *Client) CreateWorkspace(ctx context.Context, in WorkspaceInput) (Workspace, error) {
	var w Workspace
	return w, c.Do(ctx, http.MethodPost, "/workspaces", in, &w)
}

// Workspace returns a workspace.
func (c *Client) Workspace(ctx context.Context, ws string) (Workspace, error) {
	var w Workspace
	return w, c.Do(ctx, http.MethodGet, "/workspaces/"+esc(ws), nil, &w)
}

// RenameWorkspace renames a workspace.
func (c *Client) RenameWorkspace(ctx context.Context, ws, name string) (Workspace, error) {
	var w Workspace
	return w, c.Do(ctx, http.MethodPatch, "/workspaces/"+esc(ws), map[string]string{"name": name}, &w)
}

// DeleteWorkspace deletes a workspace and everything in it (owners only).
func (c *Client) DeleteWorkspace(ctx context.Context, ws string) error {
	return c.Do(ctx, http.MethodDelete, "/workspaces/"+esc(ws), nil, nil)
}

// Stages lists the workspace's pipeline stages.
func (c *Client) Stages(ctx context.Context, ws string) ([]Stage, error) {
	return listOf[Stage](c, ctx, "/workspaces/"+esc(ws)+"/stages")
}

// Members lists a workspace's members.
func (c *Client) Members(ctx context.Context, ws string) ([]Member, error) {
	return listOf[Member](c, ctx, "/workspaces/"+esc(ws)+"/members")
}

// SetMemberRole changes a member's role.
func (c *Client) SetMemberRole(ctx context.Context, ws, userID, role string) (Member, error) {
	var m Member
	return m, c.Do(ctx, http.MethodPatch, "/workspaces/"+esc(ws)+"/members/"+esc(userID), map[string]string{"role": role}, &m)
}

// RemoveMember removes a member (or leaves, with one's own id).
func (c *Client) RemoveMember(ctx context.Context, ws, userID string) error {
	return c.Do(ctx, http.MethodDelete, "/workspaces/"+esc(ws)+"/members/"+esc(userID), nil, nil)
}

// InvitationInput invites someone.
type InvitationInput struct {
	Email          string `json:"email"`
	Role           string `json:"role"`
	ExpiresInHours int    `json:"expires_in_hours,omitempty"`
}

// Invite creates an invitation; its token is only in this answer.
func (c *Client) Invite(ctx context.Context, ws string, in InvitationInput) (NewInvitation, error) {
	var out NewInvitation
	return out, c.Do(ctx, http.MethodPost, "/workspaces/"+esc(ws)+"/invitations", in, &out)
}

// Invitations lists a workspace's invitations.
func (c *Client) Invitations(ctx context.Context, ws string) ([]Invitation, error) {
	return listOf[Invitation](c, ctx, "/workspaces/"+esc(ws)+"/invitations")
}

// RevokeInvitation withdraws a pending invitation.
func (c *Client) RevokeInvitation(ctx context.Context, ws, id string) error {
	return c.Do(ctx, http.MethodDelete, "/workspaces/"+esc(ws)+"/invitations/"+esc(id), nil, nil)
}

// AcceptInvitation joins the invitation's workspace.
func (c *Client) AcceptInvitation(ctx context.Context, token string) (Workspace, error) {
	var w Workspace
	return w, c.Do(ctx, http.MethodPost, "/invitations/accept", map[string]string{"token": token}, &w)
}

// APIKeyInput creates an API key.
type APIKeyInput struct {
	Name      string     `json:"name"`
	Role      string     `json:"role,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// CreateAPIKey creates a key; its secret is only in this answer.
func (c *Client) CreateAPIKey(ctx context.Context, ws string, in APIKeyInput) (NewAPIKey, error) {
	var out NewAPIKey
	return out, c.Do(ctx, http.MethodPost, "/workspaces/"+esc(ws)+"/api-keys", in, &out)
}

// APIKeys lists a workspace's keys.
func (c *Client) APIKeys(ctx context.Context, ws string) ([]APIKey, error) {
	return listOf[APIKey](c, ctx, "/workspaces/"+esc(ws)+"/api-keys")
}

// RevokeAPIKey revokes a key.
func (c *Client) RevokeAPIKey(ctx context.Context, ws, id string) error {
	return c.Do(ctx, http.MethodDelete, "/workspaces/"+esc(ws)+"/api-keys/"+esc(id), nil, nil)
}
