package consortium

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func loadTestNetwork(t *testing.T) *Consortium {
	t.Helper()
	c, err := Load(filepath.Join("..", "consortium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTestNetworkConsortium(t *testing.T) {
	c := loadTestNetwork(t)
	if got := c.Trustee().MSPID; got != "Org1MSP" {
		t.Errorf("trustee = %s", got)
	}
	if n := len(c.OrdererOrg.Nodes); n != 3 {
		t.Errorf("%d orderers, want a 3-node Raft", n)
	}
	if got := len(c.Custodians()); got != 3 {
		t.Errorf("%d custodians", got)
	}
}

// The rendered files in network/ are what the README shows; they must match
// what the test network renders at run time.
func TestCheckedInRenderingsAreCurrent(t *testing.T) {
	c := loadTestNetwork(t)
	for name, render := range map[string]func() ([]byte, error){
		"configtx.yaml": c.ConfigTx,
	} {
		want, err := render()
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("network/%s is stale: run go run ./test-network/cmd/tnctl render network", name)
		}
	}
}

// The batch renders into configtx.yaml from consortium.yaml, and a
// consortium file without one gets the defaults.
func TestBatchRendersFromTheConsortium(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "consortium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ batch, timeout, count string }{
		{"batch: {timeout: 250ms, maxMessageCount: 40}", "BatchTimeout: 250ms", "MaxMessageCount: 40"},
		{"", "BatchTimeout: " + DefaultBatchTimeout, fmt.Sprintf("MaxMessageCount: %d", DefaultBatchMaxMessageCount)},
	} {
		src := regexp.MustCompile(`batch: \{[^}]*\}`).ReplaceAllString(string(base), tc.batch)
		c, err := Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.ConfigTx()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), tc.timeout) || !strings.Contains(string(out), tc.count) {
			t.Errorf("batch %q: configtx.yaml lacks %q or %q", tc.batch, tc.timeout, tc.count)
		}
	}
}

func TestValidateNamesTheProblem(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "consortium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to, wantErr string
	}{
		{"duplicate port", "port: 8051,", "port: 7051,", "port 7051 already used"},
		{"duplicate msp", "mspID: Org2MSP", "mspID: Org1MSP", "mspID Org1MSP used twice"},
		{"two trustees", "roles: [originator, servicer]", "roles: [trustee, servicer]", `exactly one org must have role "trustee"`},
		{"unknown role", "roles: [investor]", "roles: [hedgefund]", `unknown org role "hedgefund"`},
		{"bad channel", "channel: tranchenet", "channel: Tranche_Net", "channel"},
		{"unknown key", "    peers:\n      - {name: peer0, port: 9051", "    colour: red\n    peers:\n      - {name: peer0, port: 9051", "colour"},
		{"missing CA", "    ca: {port: 8055, operationsPort: 9455}\n", "", "orgs[1] (Org2).ca: port and operationsPort are required"},
		{"CA port taken", "ca: {port: 8055,", "ca: {port: 8051,", "port 8051 already used"},
		{"missing chaincode service", "    chaincodeService: {port: 8999}\n", "", "orgs[1] (Org2).chaincodeService: port is required"},
		{"chaincode service port taken", "chaincodeService: {port: 8999}", "chaincodeService: {port: 7999}", "port 7999 already used by orgs[0] (Org1).chaincodeService"},
		{"batch timeout", "timeout: 100ms", "timeout: 100", `ordererOrg.batch.timeout "100"`},
		{"batch timeout too long", "timeout: 100ms", "timeout: 1m", "from 10ms to 10s"},
		{"batch count", "maxMessageCount: 100}", "maxMessageCount: -1}", "ordererOrg.batch.maxMessageCount -1"},
	}
	for _, tc := range cases {
		requireParseError(t, tc.name, string(base), tc.from, tc.to, tc.wantErr)
	}
}

// requireParseError edits the consortium file base (from becomes to) and
// requires Parse to refuse it with an error containing wantErr.
func requireParseError(t *testing.T, name, base, from, to, wantErr string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		src := strings.Replace(base, from, to, 1)
		if src == base {
			t.Fatalf("test case did not change the file (from %q)", from)
		}
		_, err := Parse([]byte(src))
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("got %v, want error containing %q", err, wantErr)
		}
	})
}
