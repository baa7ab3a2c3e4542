package app

import (
	"strings"

	"github.com/spf13/cobra"
)

func newRootCmd(env Env) *cobra.Command {
	root := &cobra.Command{
		Use:           "vectoros",
		Short:         "VectorOS: self-hosted revenue intelligence",
		Long:          "VectorOS keeps your pipeline and watches every open deal, every 30 minutes, for what needs attention.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// --version prints what `vectoros version` prints.
	var versionText strings.Builder
	_ = readBuildInfo().write(&versionText)
	root.Version = Version()
	root.SetVersionTemplate(versionText.String())
	root.AddCommand(
		newServeCmd(env),
		newMigrateCmd(env),
		newDemoCmd(env),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version, commit and build date",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return readBuildInfo().write(cmd.OutOrStdout())
			},
		},
	)
	root.AddCommand(newBackupCmd(env), newRestoreCmd(env), newPreflightCmd(env))
	root.AddCommand(newHealthcheckCmd(env))
	root.AddCommand(newUserCmd(env))
	root.AddCommand(newWorkerCmd(env), newCycleCmd(env))
	return root
}
