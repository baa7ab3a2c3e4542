// Command vectoros is VectorOS: the web UI, the API, the monitor and the
// operator's tools in one binary. See `vectoros --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/vectoros/vectoros/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], app.OSEnv())
	stop()
	os.Exit(code)
}
