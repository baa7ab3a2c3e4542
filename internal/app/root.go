package app

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X github.com/vectoros/vectoros/internal/app.version=v1.2.3".
var version = "dev"

// Version returns the build's version, with the VCS revision when known.
func Version() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return version
}

func newRootCmd(env Env) *cobra.Command {
	root := &cobra.Command{
		Use:           "vectoros",
		Short:         "VectorOS: self-hosted revenue intelligence",
		Long:          "VectorOS keeps your pipeline and watches every open deal, every 30 minutes, for what needs attention.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newServeCmd(env),
		newMigrateCmd(env),
		newDemoCmd(env),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version",
			RunE: func(cmd *cobra.Command, _ []string) error {
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "vectoros %s\n", Version())
				return err
			},
		},
	)
	root.AddCommand(newBackupCmd(env), newRestoreCmd(env), newPreflightCmd(env))
	root.AddCommand(newHealthcheckCmd(env))
	root.AddCommand(newUserCmd(env))
	root.AddCommand(newWorkerCmd(env), newCycleCmd(env))
	return root
}
