// Command chaos runs the fault campaign of package test-network/chaos
// against the test network that is up in the run folder (network.sh up,
// deploy, gateways), prints its report and exits 1 if an invariant broke.
//
//	go run ./test-network/cmd/chaos [-run test-network/.run] [-seed 18] [-duration 6m] [-kinds gateway,peer]
//
// -kinds runs only some fault kinds, once each, in the schedule's order
// (to try one fault without the whole campaign).
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
	"strings"
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
	kinds := flag.String("kinds", "", "comma-separated fault kinds to run alone, once each (default: the whole campaign)")
	flag.Parse()
	var only []chaos.Kind
	for _, k := range strings.Split(*kinds, ",") {
		if k = strings.TrimSpace(k); k != "" {
			only = append(only, chaos.Kind(k))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := consortium.Load(tnet.ConsortiumPath())
	if err != nil {
		fail(err)
	}
	campaign, err := chaos.New(chaos.Config{Run: *run, Consortium: c, Seed: *seed, Duration: *duration, Kinds: only,
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
