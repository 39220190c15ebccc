// Command gateway-app is a bank's REST gateway to the tranchenet network.
//
//	gateway-app serve -config FILE
//	    Serve the API until SIGINT or SIGTERM, then shut down gracefully.
//	gateway-app token
//	    Print a fresh bearer token and the SHA-256 to put in a configuration.
//	gateway-app rebuild -config FILE -into DIR
//	    With the app stopped, replay the chain's events into a fresh read
//	    model in DIR, up to the app's checkpoint.
//	gateway-app dump -data DIR
//	    Print the canonical dump of the read model in DIR, one JSON line a key.
//
// Environment variables TRANCHENET_GATEWAY_* override configuration fields
// (run `gateway-app help` for the list).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/app"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "gateway-app: %v\n", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("%w: a command is required", errUsage)
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "token":
		token := config.NewToken()
		return writeJSON(stdout, map[string]string{"token": token, "tokenSHA256": config.HashToken(token)})
	case "rebuild":
		return rebuild(args[1:], stdout, stderr)
	case "dump":
		return dump(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "gateway-app", api.Version)
		return nil
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return nil
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  gateway-app serve -config FILE
  gateway-app token
  gateway-app rebuild -config FILE -into DIR
  gateway-app dump -data DIR
  gateway-app version

environment overrides:
`)
	for _, e := range config.EnvNames() {
		fmt.Fprintf(w, "  %-40s %s\n", e[0], e[1])
	}
}

func serve(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *path == "" {
		return fmt.Errorf("%w: serve needs -config FILE", errUsage)
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	log := app.NewLogger(stderr, cfg.LogLevel)
	a, err := app.New(cfg, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return a.Run(ctx)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
