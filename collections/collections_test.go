package collections

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/network/consortium"
)

func testNetwork(t *testing.T) *consortium.Consortium {
	t.Helper()
	c, err := consortium.Load(filepath.Join("..", "network", "consortium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckedInConfigIsCurrent(t *testing.T) {
	cs, err := Generate(testNetwork(t))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := JSON(cs)
	got, err := os.ReadFile("test-network.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("collections/test-network.json is stale: run go run ./collections/cmd/collgen -o collections/test-network.json")
	}
}

func TestPolicies(t *testing.T) {
	cs, err := Generate(testNetwork(t))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Collection{}
	for _, c := range cs {
		byName[c.Name] = c
	}
	tape := byName[roles.LoanTapeCollection]
	if tape.Policy != "OR('Org1MSP.member', 'Org2MSP.member')" || !tape.MemberOnlyRead || !tape.MemberOnlyWrite {
		t.Errorf("loanTape = %+v", tape)
	}
	if !strings.HasPrefix(tape.EndorsementPolicy.SignaturePolicy, "AND('Org1MSP.peer'") {
		t.Errorf("loanTape must need the trustee and the servicer: %s", tape.EndorsementPolicy.SignaturePolicy)
	}
	if got := byName[roles.ComplianceCollection].EndorsementPolicy.SignaturePolicy; got != "AND('Org1MSP.peer', OutOf(1, 'Org2MSP.peer', 'Org3MSP.peer'))" {
		t.Errorf("a new claim needs the trustee and a majority of 3 banks: %s", got)
	}
	for _, msp := range []string{"Org1MSP", "Org2MSP", "Org3MSP"} {
		r, ok := byName[roles.RegistryCollection(msp)]
		if !ok {
			t.Fatalf("no registry for %s", msp)
		}
		if r.EndorsementPolicy.SignaturePolicy != "OR('Org1MSP.peer')" {
			t.Errorf("%s: only the trustee's peer may endorse, got %s", r.Name, r.EndorsementPolicy.SignaturePolicy)
		}
		if !strings.Contains(r.Policy, "'Org1MSP.member'") || !strings.Contains(r.Policy, "'"+msp+".member'") {
			t.Errorf("%s members = %s", r.Name, r.Policy)
		}
		if strings.Count(r.Policy, ".member") > 2 {
			t.Errorf("%s shared beyond trustee and custodian: %s", r.Name, r.Policy)
		}
	}
	for _, c := range cs {
		if c.BlockToLive != 0 {
			t.Errorf("%s: blockToLive %d, want 0 (kept for the deal's life)", c.Name, c.BlockToLive)
		}
		if c.MaxPeerCount < c.RequiredPeerCount {
			t.Errorf("%s: maxPeerCount < requiredPeerCount", c.Name)
		}
	}
}

func TestNoServicerIsAnError(t *testing.T) {
	c := testNetwork(t)
	for i := range c.Orgs {
		c.Orgs[i].Roles = []string{"investor"}
	}
	c.Orgs[0].Roles = []string{"trustee"}
	if _, err := Generate(c); err == nil || !strings.Contains(err.Error(), "servicer") {
		t.Fatalf("got %v", err)
	}
}
