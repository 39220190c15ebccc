package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/app"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// rebuild replays the chain into a fresh read model (app.Rebuild), so an
// operator, or the fault campaign, can check the app's read model against
// it: `dump` both and compare.
func rebuild(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the gateway app's configuration file (YAML); the app must be stopped")
	into := fs.String("into", "", "an empty directory for the rebuilt database")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *path == "" || *into == "" {
		return fmt.Errorf("%w: rebuild needs -config FILE and -into DIR", errUsage)
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cp, err := app.Rebuild(ctx, cfg, *into, app.NewLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	return writeJSON(stdout, map[string]any{"rebuilt": *into, "checkpoint": cp})
}

// dump prints a data directory's read model as store.DumpReadModel does.
func dump(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "the data directory (the app using it must be stopped)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *dir == "" {
		return fmt.Errorf("%w: dump needs -data DIR", errUsage)
	}
	db, err := store.Open(*dir)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.DumpReadModel(stdout)
}
