package consortium

import (
	"strings"
	"testing"
)

func TestCandidatesAreNotMembers(t *testing.T) {
	c := loadTestNetwork(t)
	if len(c.Orgs) != 3 {
		t.Fatalf("%d member banks, want 3 (Org4 is a candidate)", len(c.Orgs))
	}
	org4, ok := c.Candidate("Org4")
	if !ok || org4.MSPID != "Org4MSP" || !org4.Custodian || len(org4.Peers) != 2 {
		t.Fatalf("candidate Org4 = %+v, %v", org4, ok)
	}
	for _, m := range c.MSPIDs() {
		if m == "Org4MSP" {
			t.Fatal("a candidate is listed among the channel's MSPs")
		}
	}
	if strings.Contains(string(c.ChaincodeConfigJSON()), "Org4MSP") {
		t.Fatal("the chaincode's consortium config names a candidate")
	}
}

func TestAdmitMovesTheCandidateIntoTheChannel(t *testing.T) {
	c := loadTestNetwork(t)
	next, err := c.Admit("Org4")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(next.MSPIDs(), " "); got != "Org1MSP Org2MSP Org3MSP Org4MSP" {
		t.Errorf("members after admit: %s", got)
	}
	if len(next.Candidates) != 0 || len(c.Candidates) != 1 || len(c.Orgs) != 3 {
		t.Errorf("admit changed the original or kept the candidate: %d/%d candidates, %d orgs", len(next.Candidates), len(c.Candidates), len(c.Orgs))
	}
	// Four banks: the trustee and two others make a majority.
	if got, want := next.GovernancePolicy("admin"), "AND('Org1MSP.admin', OutOf(2, 'Org2MSP.admin', 'Org3MSP.admin', 'Org4MSP.admin'))"; got != want {
		t.Errorf("governance with 4 banks = %s, want %s", got, want)
	}
	if _, err := next.Admit("Org4"); err == nil || !strings.Contains(err.Error(), "already a member") {
		t.Errorf("admitting a member again: %v", err)
	}
	if _, err := c.Admit("Org9"); err == nil || !strings.Contains(err.Error(), `no candidate bank "Org9"`) {
		t.Errorf("admitting an unknown bank: %v", err)
	}
	// The run folder keeps the admitted consortium; it must read back the same.
	b, err := next.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatalf("the written consortium does not parse: %v\n%s", err, b)
	}
	if got := strings.Join(back.MSPIDs(), " "); got != "Org1MSP Org2MSP Org3MSP Org4MSP" || len(back.Candidates) != 0 ||
		back.Orgs[3].Peers[1].Port != next.Orgs[3].Peers[1].Port || back.Orgs[3].GatewayApp.Port != 8084 {
		t.Errorf("round trip lost something: %+v", back.Orgs[3])
	}
}

func TestCandidateValidation(t *testing.T) {
	base := loadTestNetwork(t)
	b, err := base.YAML()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, from, to, wantErr string }{
		{"candidate port taken by a member", "port: 9251", "port: 9051", "candidates[0] (Org4).peers[0]: port 9051 already used"},
		{"candidate msp of a member", "mspID: Org4MSP", "mspID: Org3MSP", "mspID Org3MSP used twice"},
		{"candidate trustee", "      - investor\n      custodian: true\n      users: 8\n      ca:\n        port: 9255", "      - trustee\n      custodian: true\n      users: 8\n      ca:\n        port: 9255", "a candidate cannot have role \"trustee\""},
		{"candidate named like a member", "name: Org4", "name: Org2", "org name Org2 used twice"},
	}
	for _, tc := range cases {
		requireParseError(t, tc.name, string(b), tc.from, tc.to, tc.wantErr)
	}
}
