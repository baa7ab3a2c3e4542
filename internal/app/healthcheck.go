package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// newHealthcheckCmd probes a health endpoint and exits non-zero unless it
// answers 200: container HEALTHCHECKs use it because the runtime image has
// no shell or curl.
func newHealthcheckCmd(env Env) *cobra.Command {
	var url string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Probe a health endpoint (for container HEALTHCHECK); exit 1 unless it answers 200",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				port := env.Getenv("PORT")
				if port == "" {
					port = "8080"
				}
				url = "http://127.0.0.1:" + port + "/health/ready"
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("healthcheck %s: %w", url, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("healthcheck %s: status %d", url, resp.StatusCode)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", url)
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "endpoint to probe (default http://127.0.0.1:$PORT/health/ready)")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "give up after this long")
	return cmd
}
