package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

// newUserCmd is the installation admin's account tool: it works on the
// database directly, so it needs no signed-in user (the first account of a
// fresh install, a locked-out owner).
func newUserCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage accounts: create a user, reset a password"}
	var email, name, workspace string
	var fromStdin bool
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a user (and optionally a workspace they own)",
		Long: "Create a user. The password is read from the first line of standard input with --password-stdin;\n" +
			"otherwise one is generated and printed once.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withUserStore(cmd.Context(), env, func(s *store.Store) error {
				pw, generated, err := readPassword(cmd.InOrStdin(), fromStdin, email)
				if err != nil {
					return err
				}
				hash, err := password.NewHasher(password.Default, 1).Hash(cmd.Context(), pw)
				if err != nil {
					return err
				}
				u, err := s.CreateUser(cmd.Context(), email, name, hash)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "Created user %s (%s).\n", u.Email, u.ID)
				if workspace != "" {
					w, err := s.CreateWorkspace(cmd.Context(), store.NewWorkspace{Name: workspace}, u.ID)
					if err != nil {
						return err
					}
					fmt.Fprintf(out, "Created workspace %q (%s) owned by %s.\n", w.Name, w.ID, u.Email)
				}
				if generated {
					fmt.Fprintf(out, "Password (shown once): %s\n", pw)
				}
				return nil
			})
		},
	}
	create.Flags().StringVar(&email, "email", "", "email address (required)")
	create.Flags().StringVar(&name, "name", "", "display name (default: the email's local part)")
	create.Flags().StringVar(&workspace, "workspace", "", "also create a workspace with this name, owned by the user")
	create.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	_ = create.MarkFlagRequired("email")

	var resetEmail string
	var resetStdin bool
	reset := &cobra.Command{
		Use:   "reset-password",
		Short: "Set a user's password; every session of theirs ends and sign-in locks are lifted",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withUserStore(cmd.Context(), env, func(s *store.Store) error {
				u, err := s.GetUserByEmail(cmd.Context(), resetEmail)
				if err != nil {
					return fmt.Errorf("no user with email %s: %w", resetEmail, err)
				}
				pw, generated, err := readPassword(cmd.InOrStdin(), resetStdin, u.Email)
				if err != nil {
					return err
				}
				hash, err := password.NewHasher(password.Default, 1).Hash(cmd.Context(), pw)
				if err != nil {
					return err
				}
				if err := s.SetPassword(cmd.Context(), u.ID, hash); err != nil {
					return err
				}
				if err := s.ClearLoginFailures(cmd.Context(), "email:"+u.Email); err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "Password changed for %s; every session of theirs has ended.\n", u.Email)
				if generated {
					fmt.Fprintf(out, "Password (shown once): %s\n", pw)
				}
				return nil
			})
		},
	}
	reset.Flags().StringVar(&resetEmail, "email", "", "the user's email address (required)")
	reset.Flags().BoolVar(&resetStdin, "password-stdin", false, "read the password from the first line of standard input")
	_ = reset.MarkFlagRequired("email")

	cmd.AddCommand(create, reset)
	return cmd
}

// withUserStore opens the database, checks its schema is current, and runs fn.
func withUserStore(ctx context.Context, env Env, fn func(*store.Store) error) error {
	cfg, log, err := loadConfig(env)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg, env, log, 10*time.Second)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.CheckSchema(ctx, log.Warn); err != nil {
		return err
	}
	return fn(s)
}

// readPassword takes the first line of in, or generates a password; either
// way it must pass the password rules.
func readPassword(in io.Reader, fromStdin bool, email string) (pw string, generated bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return "", false, err
		}
		pw, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	if msg := password.Check(pw, email); msg != "" {
		return "", false, fmt.Errorf("password %s", msg)
	}
	return pw, generated, nil
}
