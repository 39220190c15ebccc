package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationGatewayPeerFailover kills (SIGKILL, by the PID network.sh
// recorded) the first peer of the trustee bank while its gateway app is
// serving: the app keeps serving reads and writes through the bank's second
// peer; the killed peer, started again by `network.sh up`, catches up with
// the blocks written while it was down.
func TestIntegrationGatewayPeerFailover(t *testing.T) {
	n := tnet.UpForTest(t)
	ctx := context.Background()
	trusteeOrg := n.Consortium.Trustee()
	if len(trusteeOrg.Peers) < 2 {
		t.Fatalf("%s has %d peer(s) in %s: failover needs two", trusteeOrg.MSPID, len(trusteeOrg.Peers), tnet.ConsortiumPath())
	}
	bank := startGateway(t, n.Consortium, n.Run, trusteeOrg.MSPID)
	if len(bank.cfg.FailoverPeers) == 0 {
		t.Fatal("the test network's gateway config names no failover peer")
	}
	primary, second := trusteeOrg.Peers[0], trusteeOrg.Peers[1]
	primaryHost := trusteeOrg.PeerHost(primary)

	write := func(key, value string) {
		t.Helper()
		w := bank.call("PUT", "/v1/probe/public/"+key, "admin", fmt.Sprintf(`{"value":%q}`, value), key+"-"+value)
		if w.status != http.StatusOK {
			bank.dumpLog()
			t.Fatalf("write %s=%s: %d %s", key, value, w.status, w.body)
		}
	}
	read := func(key, want string) {
		t.Helper()
		r := bank.call("GET", "/v1/probe/public/"+key, "admin", "", "")
		if r.status != http.StatusOK || r.field("value") != want {
			bank.dumpLog()
			t.Fatalf("read %s: %d %s, want %q", key, r.status, r.body, want)
		}
	}

	write("failover", "before")
	read("failover", "before")

	pidFile := filepath.Join(n.Run, "pids", primaryHost+".pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatalf("%s: %v", pidFile, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill %s (pid %d): %v", primaryHost, pid, err)
	}
	for i := 0; syscall.Kill(pid, 0) == nil && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("killed %s (pid %d)", primaryHost, pid)

	// Served by the second peer: every call succeeds, none is retried by the test.
	for i := 1; i <= 3; i++ {
		value := fmt.Sprintf("during-%d", i)
		write("failover", value)
		read("failover", value)
	}
	downHeight := opsHeight(t, second.OperationsPort, n.Consortium.Channel)

	out, err := tnet.Script(ctx, n.Run, "up")
	if err != nil {
		t.Fatalf("restart: %v\n%s", err, out)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, want := opsHeight(t, primary.OperationsPort, n.Consortium.Channel), opsHeight(t, second.OperationsPort, n.Consortium.Channel)
		if got >= want && got >= downHeight {
			t.Logf("%s caught up at height %d", primaryHost, got)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s at height %d after 60 s, its org's other peer at %d", primaryHost, got, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
	write("failover", "after")
	read("failover", "after")
}

var heightMetric = regexp.MustCompile(`(?m)^ledger_blockchain_height\{channel="([^"]+)"\} (\d+)`)

// opsHeight reads a peer's ledger height from its operations /metrics (0
// while the peer does not answer).
func opsHeight(t *testing.T, port int, channel string) uint64 {
	t.Helper()
	res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0
	}
	for _, m := range heightMetric.FindAllStringSubmatch(string(body), -1) {
		if m[1] == channel {
			h, _ := strconv.ParseUint(m[2], 10, 64)
			return h
		}
	}
	return 0
}
