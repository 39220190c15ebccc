// Command chaos runs the fault campaign of package test-network/chaos
// against the test network that is up in the run folder (network.sh up,
// deploy, gateways), prints its report and exits 1 if an invariant broke.
//
//	go run ./test-network/cmd/chaos [-run test-network/.run] [-seed 18] [-duration 6m]
//
// A longer campaign is a longer -duration: after every fault kind has run
// once, further faults are drawn from the seed until it ends.
//
// As a test-network tool it may import the chaos package and the
// consortium description.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/chaos"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

func main() {
	run := flag.String("run", defaultRun(), "the test network's run folder (network.sh's TRANCHENET_RUN)")
	seed := flag.Int64("seed", 18, "the fault schedule's seed: the same seed and duration give the same schedule")
	duration := flag.Duration("duration", 6*time.Minute, "how long faults are injected (every kind runs once however short)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := consortium.Load(tnet.ConsortiumPath())
	if err != nil {
		fail(err)
	}
	campaign, err := chaos.New(chaos.Config{Run: *run, Consortium: c, Seed: *seed, Duration: *duration,
		Work: filepath.Join(*run, "chaos"),
		Log: func(format string, args ...any) {
			fmt.Printf("[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}})
	if err != nil {
		fail(err)
	}
	report, err := campaign.Run(ctx)
	if err != nil {
		fail(err)
	}
	report.Print(os.Stdout)
	if !report.Passed {
		os.Exit(1)
	}
}

func defaultRun() string {
	if r := os.Getenv("TRANCHENET_RUN"); r != "" {
		return r
	}
	return filepath.Join(tnet.RepoRoot(), "test-network", ".run")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "chaos:", err)
	os.Exit(2)
}
