package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vectoros/vectoros/internal/config"
	"github.com/vectoros/vectoros/internal/demo"
	"github.com/vectoros/vectoros/internal/password"
	"github.com/vectoros/vectoros/internal/store"
)

func newDemoCmd(env Env) *cobra.Command {
	var seed int64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Create the demo workspace with a realistic pipeline (idempotent)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, _, s, err := openMigrated(cmd.Context(), env)
			if err != nil {
				return err
			}
			defer s.Close()
			return runDemo(cmd.Context(), env, s, seed, cfg)
		},
	}
	cmd.Flags().Int64Var(&seed, "seed", 1, "random seed: the same seed gives the same pipeline")
	return cmd
}

func runDemo(ctx context.Context, env Env, s *store.Store, seed int64, cfg config.Config) error {
	if cfg.IsProduction() {
		return fmt.Errorf("the demo account has a published password: refusing to create it with APP_ENV=production")
	}
	res, err := demo.Seed(ctx, s, password.NewHasher(password.Default, 2), demo.Options{Seed: uint64(seed), Now: env.Now()})
	if err != nil {
		return err
	}
	out := env.Stdout
	if res.Created {
		fmt.Fprintf(out, "Created the demo workspace %q: %d open deals, %d won or lost, %d activities.\n",
			demo.WorkspaceName, res.OpenDeals, res.ClosedDeals, res.Activities)
	} else {
		fmt.Fprintf(out, "The demo workspace %q already exists.\n", demo.WorkspaceName)
	}
	host := cfg.PublicURL
	if host == "" {
		host = fmt.Sprintf("http://localhost:%d", cfg.Port)
	}
	fmt.Fprintf(out, "Sign in at %s/login as %s with password %s\n", host, demo.Email, demo.Password)
	return nil
}
