package consortium

import (
	"fmt"
	"testing"
)

// TestGovernancePolicy renders the trustee-and-majority rule for
// consortia of one, three, four and five banks.
func TestGovernancePolicy(t *testing.T) {
	base := loadTestNetwork(t)
	want := map[int]string{
		1: "OR('Org1MSP.peer')",
		3: "AND('Org1MSP.peer', OutOf(1, 'Org2MSP.peer', 'Org3MSP.peer'))",
		4: "AND('Org1MSP.peer', OutOf(2, 'Org2MSP.peer', 'Org3MSP.peer', 'Org4MSP.peer'))",
		5: "AND('Org1MSP.peer', OutOf(2, 'Org2MSP.peer', 'Org3MSP.peer', 'Org4MSP.peer', 'Org5MSP.peer'))",
	}
	for n, rule := range want {
		c := *base
		c.Orgs = nil
		for i := 1; i <= n; i++ {
			o := base.Orgs[min(i, len(base.Orgs))-1]
			o.MSPID = fmt.Sprintf("Org%dMSP", i)
			if i > 1 {
				o.Roles = []string{OrgRoleInvestor}
			}
			c.Orgs = append(c.Orgs, o)
		}
		if got := c.GovernancePolicy("peer"); got != rule {
			t.Errorf("%d banks: %s, want %s", n, got, rule)
		}
	}
	if got := base.GovernancePolicy("admin"); got != "AND('Org1MSP.admin', OutOf(1, 'Org2MSP.admin', 'Org3MSP.admin'))" {
		t.Errorf("the test network's admins: %s", got)
	}
}

// TestGovernanceQuorum: the fewest banks meeting the policy, the trustee
// always among them and a preferred bank before the others.
func TestGovernanceQuorum(t *testing.T) {
	three := loadTestNetwork(t)
	four, err := three.Admit("Org4")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		c      *Consortium
		prefer []string
		want   string
	}{
		{three, nil, "[Org1MSP Org2MSP]"},
		{three, []string{"Org3MSP"}, "[Org1MSP Org3MSP]"},
		{four, nil, "[Org1MSP Org2MSP Org3MSP]"},
		{four, []string{"Org4MSP"}, "[Org1MSP Org4MSP Org2MSP]"},
		{four, []string{"Org1MSP", "Org9MSP"}, "[Org1MSP Org2MSP Org3MSP]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(tc.c.GovernanceQuorum(tc.prefer...)); got != tc.want {
			t.Errorf("%d banks, prefer %v: %s, want %s", len(tc.c.Orgs), tc.prefer, got, tc.want)
		}
	}
}
