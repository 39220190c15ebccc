package keypolicy

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// consortium builds n banks; bank 1 is the trustee (and settlement agent).
func consortium(n int) roles.OrgConfig {
	cfg := roles.OrgConfig{}
	for i := 1; i <= n; i++ {
		o := roles.Org{MSP: fmt.Sprintf("Org%dMSP", i), Roles: roles.SetOf(roles.Investor), Custodian: true}
		if i == 1 {
			o.Roles = roles.SetOf(roles.Trustee, roles.Arranger, roles.Settlement)
		}
		cfg.Orgs = append(cfg.Orgs, o)
	}
	return cfg
}

// subsets lists every subset of msps.
func subsets(msps []string) [][]string {
	var out [][]string
	for mask := 0; mask < 1<<len(msps); mask++ {
		var s []string
		for i, m := range msps {
			if mask&(1<<i) != 0 {
				s = append(s, m)
			}
		}
		out = append(out, s)
	}
	return out
}

// TestTrusteeAndMajorityNeedsTheTrusteeAndAMajority checks every subset
// of endorsing banks of consortia of one to six banks: the governance
// policy is met exactly when the trustee endorses and the endorsers are
// more than half of the banks; so no number of non-trustee banks ever
// meets it, and the trustee never meets it alone (beyond one bank).
func TestTrusteeAndMajorityNeedsTheTrusteeAndAMajority(t *testing.T) {
	for n := 1; n <= 6; n++ {
		cfg := consortium(n)
		policy, err := TrusteeAndMajority(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range subsets(cfg.MSPs()) {
			got, err := Satisfied(policy, set)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Contains(set, "Org1MSP") && 2*len(set) > n
			if got != want {
				t.Errorf("%d banks, endorsed by %v: satisfied %v, want %v", n, set, got, want)
			}
		}
	}
}

// TestTwoBanksNeverMeetTheGovernancePolicy is the attack of issue 11 in
// three banks: Org2 and Org3 together are a majority, not the trustee.
func TestTwoBanksNeverMeetTheGovernancePolicy(t *testing.T) {
	policy, err := TrusteeAndMajority(consortium(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range [][]string{{"Org2MSP", "Org3MSP"}, {"Org1MSP"}, {"Org2MSP", "Org2MSP", "Org3MSP"}} {
		if ok, _ := Satisfied(policy, set); ok {
			t.Errorf("endorsed by %v: satisfied", set)
		}
	}
	for _, set := range [][]string{{"Org1MSP", "Org2MSP"}, {"Org3MSP", "Org1MSP"}, {"Org1MSP", "Org2MSP", "Org3MSP"}} {
		if ok, _ := Satisfied(policy, set); !ok {
			t.Errorf("endorsed by %v: not satisfied", set)
		}
	}
}

// TestAllOfIsFabricsStateEndorsementPolicy checks AllOf against the
// policy the shim's statebased package builds for the same organisations
// (the form the other contracts already use), and the evaluator on both.
func TestAllOfIsFabricsStateEndorsementPolicy(t *testing.T) {
	msps := []string{"Org3MSP", "Org1MSP"}
	ours, err := AllOf(append(msps, "Org1MSP")...)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := statebased.NewStateEP(ours)
	if err != nil {
		t.Fatal(err)
	}
	if got := ep.ListOrgs(); !sameSet(got, msps) {
		t.Fatalf("orgs %v, want %v", got, msps)
	}
	ref, _ := statebased.NewStateEP(nil)
	if err := ref.AddOrgs(statebased.RoleTypePeer, msps...); err != nil {
		t.Fatal(err)
	}
	theirs, err := ref.Policy()
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range subsets([]string{"Org1MSP", "Org2MSP", "Org3MSP"}) {
		a, err1 := Satisfied(ours, set)
		b, err2 := Satisfied(theirs, set)
		want := slices.Contains(set, "Org1MSP") && slices.Contains(set, "Org3MSP")
		if err1 != nil || err2 != nil || a != want || b != want {
			t.Errorf("endorsed by %v: ours %v (%v), statebased %v (%v), want %v", set, a, err1, b, err2, want)
		}
	}
}

func TestClaimPolicyIsTheInvestorsBankAndTheTrustee(t *testing.T) {
	cfg := consortium(3)
	policy, err := ClaimPolicy(cfg, "Org3MSP")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		set  []string
		want bool
	}{{[]string{"Org1MSP", "Org3MSP"}, true}, {[]string{"Org2MSP", "Org3MSP"}, false}, {[]string{"Org1MSP", "Org2MSP"}, false}} {
		if got, _ := Satisfied(policy, c.set); got != c.want {
			t.Errorf("claim of an Org3 investor endorsed by %v: %v, want %v", c.set, got, c.want)
		}
	}
	// The trustee bank's own investor: the trustee alone.
	own, _ := ClaimPolicy(cfg, "Org1MSP")
	if ok, _ := Satisfied(own, []string{"Org1MSP"}); !ok {
		t.Error("a claim of the trustee bank's own investor needs more than the trustee")
	}
}

func TestSatisfiedRefusesGarbage(t *testing.T) {
	if _, err := Satisfied([]byte{0xff, 0x01}, []string{"Org1MSP"}); err == nil {
		t.Fatal("garbage policy accepted")
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
