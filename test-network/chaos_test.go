package testnetwork

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/test-network/chaos"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationChaos runs the fault campaign of issue 18 (package chaos)
// on a fresh network: the demo as load through the three gateway apps,
// every fault kind once, back to back as each recovers (the Raft leader,
// two orderers of three, a peer, the chaincode service, a gateway app
// killed mid tape upload and mid burst of keyed writes, an unwritable
// upload spool, and a whole-network down/up after real use), then proves
// from the ledger that nothing was lost or applied twice, that the cut
// upload resumed to its file's Merkle root, and that every bank's read
// model equals its rebuild from the chain. It is opt-in twice over: it
// needs TRANCHENET_CHAOS=1 besides TRANCHENET_INTEGRATION=1 (timings in
// the README, "Faults under load"). TRANCHENET_CHAOS_SEED and
// TRANCHENET_CHAOS_DURATION (a Go duration) choose another schedule or a
// longer campaign.
func TestIntegrationChaos(t *testing.T) {
	tnet.RequireIntegration(t)
	if os.Getenv("TRANCHENET_CHAOS") != "1" {
		t.Skip("fault campaign: set TRANCHENET_CHAOS=1 (with TRANCHENET_INTEGRATION=1) to run it; about 10 minutes after the network is up on a 2-core box")
	}
	seed, duration := int64(18), time.Minute
	if s := os.Getenv("TRANCHENET_CHAOS_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("TRANCHENET_CHAOS_SEED: %v", err)
		}
		seed = v
	}
	if s := os.Getenv("TRANCHENET_CHAOS_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("TRANCHENET_CHAOS_DURATION: %v", err)
		}
		duration = d
	}
	n := tnet.UpForTest(t)
	ctx := context.Background()
	if out, err := tnet.Script(ctx, n.Run, "gateways"); err != nil {
		t.Fatalf("gateways: %v\n%s", err, out)
	}
	// The campaign's client logs, and on failure the network's logs, are
	// kept for reading when it fails (removed when it passes).
	work := filepath.Join(os.TempDir(), fmt.Sprintf("tranchenet-chaos-%d", time.Now().UnixNano()))
	t.Cleanup(func() {
		if !t.Failed() {
			os.RemoveAll(work)
			return
		}
		exec.Command("cp", "-r", filepath.Join(n.Run, "logs"), filepath.Join(work, "network-logs")).Run()
		t.Logf("client logs and network logs kept in %s", work)
	})
	c, err := chaos.New(chaos.Config{Run: n.Run, Consortium: n.Consortium, Seed: seed, Duration: duration,
		Work: work, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	report.Print(&b)
	t.Log("\n" + b.String())
	if !report.Passed {
		t.Fatalf("lost = %d, duplicated = %d, findings: %s", report.Lost, report.Duplicated, strings.Join(report.Findings, "; "))
	}
	kinds := map[chaos.Kind]bool{}
	for _, f := range report.Faults {
		if f.Err != "" {
			t.Errorf("fault %s on %s: %s", f.Kind, f.Target, f.Err)
		}
		kinds[f.Kind] = true
	}
	for _, k := range chaos.AllKinds {
		if !kinds[k] {
			t.Errorf("no %s fault was injected", k)
		}
	}
}
