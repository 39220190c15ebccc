package nodes

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMetricsReadsLabelledSamples(t *testing.T) {
	m, err := parseMetrics(strings.NewReader(`# HELP consensus_etcdraft_is_leader The leadership status of the current node.
# TYPE consensus_etcdraft_is_leader gauge
consensus_etcdraft_is_leader{channel="tranchenet"} 1
ledger_blockchain_height{channel="tranchenet"} 240
go_goroutines 87
`))
	if err != nil {
		t.Fatal(err)
	}
	if m[`consensus_etcdraft_is_leader{channel="tranchenet"}`] != 1 || m[`ledger_blockchain_height{channel="tranchenet"}`] != 240 || m["go_goroutines"] != 87 {
		t.Fatalf("parsed %v", m)
	}
}

// The reading of issue 18: orderer2 at 185 while the others went on to
// 240, every /healthz OK.
func TestProblemsNameTheLaggardAndTheLeaderCount(t *testing.T) {
	in := []Node{
		{Name: "orderer1", Kind: Orderer, Height: 240, Role: Leader},
		{Name: "orderer2", Kind: Orderer, Height: 185, Role: Follower},
		{Name: "orderer3", Kind: Orderer, Height: 240, Role: Follower},
		{Name: "peer0", Kind: Peer, Height: 240},
	}
	got := Problems(in, Top(in))
	if len(got) != 1 || !strings.Contains(got[0], "orderer2 lags: height 185, 55 block(s) behind 240") {
		t.Fatalf("problems %q", got)
	}
	if lag := Lagging(in, Top(in)); len(lag) != 1 || !lag["orderer2"] {
		t.Fatalf("lagging %v", lag)
	}

	// No leader at all (the deadlocked restart), and a node that cannot be read.
	in[0].Role = Follower
	in[3].Err = errors.New("connection refused")
	got = Problems(in, 240)
	want := []string{"peer0: connection refused", "orderer2 lags", "0 Raft leader(s) among 3 orderer(s), want 1"}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("problems %q lack %q", got, w)
		}
	}

	// Every node in step.
	in[0].Role, in[1].Height, in[3].Err = Leader, 240, nil
	if got := Problems(in, Top(in)); len(got) != 0 {
		t.Fatalf("in step, yet %q", got)
	}
}
