package endorse

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// testConsortium is the test network's shape: a trustee bank, a servicer
// bank and an investor bank.
func testConsortium() roles.OrgConfig {
	return roles.OrgConfig{Orgs: []roles.Org{
		{MSP: "Org1MSP", Roles: roles.SetOf(roles.Trustee, roles.Arranger, roles.Settlement, roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
		{MSP: "Org2MSP", Roles: roles.SetOf(roles.Servicer, roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
		{MSP: "Org3MSP", Roles: roles.SetOf(roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
	}}
}

func TestResolveByKind(t *testing.T) {
	loads := 0
	r := NewResolver(func(context.Context) (roles.OrgConfig, error) { loads++; return testConsortium(), nil })
	ctx := context.Background()
	for _, tt := range []struct {
		fn, caller, party string
		want              []string
	}{
		{"Token:Transfer", "Org3MSP", "", []string{"Org1MSP"}},                  // trustee
		{"Token:CanTransfer", "Org3MSP", "", []string{"Org1MSP"}},               // query on the trustee's peer
		{"Token:Position", "Org3MSP", "", []string{"Org3MSP"}},                  // own peer
		{"Pool:Create", "Org1MSP", "", []string{"Org1MSP", "Org2MSP"}},          // majority, filled up in order
		{"Identity:Attest", "Org3MSP", "", []string{"Org1MSP", "Org3MSP"}},      // own org and trustee: a majority
		{"Pool:AddLoans", "Org2MSP", "Org2MSP", []string{"Org1MSP", "Org2MSP"}}, // trustee and servicer
	} {
		got, err := r.Resolve(ctx, tt.fn, tt.caller, tt.party)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s by %s: %v %v, want %v", tt.fn, tt.caller, got, err, tt.want)
		}
	}
	if loads != 1 {
		t.Fatalf("configuration loaded %d times, want once", loads)
	}
	r.Invalidate()
	if _, err := r.Resolve(ctx, "Token:Transfer", "Org3MSP", ""); err != nil || loads != 2 {
		t.Fatalf("after Invalidate: %v, %d loads", err, loads)
	}
}

func TestResolveFailures(t *testing.T) {
	down := errors.New("peer down")
	r := NewResolver(func(context.Context) (roles.OrgConfig, error) { return roles.OrgConfig{}, down })
	if _, err := r.Resolve(context.Background(), "Token:Transfer", "Org3MSP", ""); !errors.Is(err, down) {
		t.Fatalf("a failed load: %v", err)
	}
	if got, err := r.Resolve(context.Background(), "Deal:Get", "Org3MSP", ""); err != nil || !slices.Equal(got, []string{"Org3MSP"}) {
		t.Fatalf("a query needs no configuration: %v %v", got, err)
	}
	if _, err := r.Resolve(context.Background(), "Nope:Never", "Org3MSP", ""); err == nil {
		t.Fatal("an unknown function must be refused")
	}
}

func TestTableCoversTheFunctionsKnownToTheGateway(t *testing.T) {
	for _, fn := range []string{"Servicing:AddReportRows", "Settlement:Settle", "Cash:Mint", "Admin:GrantRole"} {
		if _, ok := Kind(fn); !ok {
			t.Errorf("%s missing", fn)
		}
	}
	if k, _ := Kind("Servicing:Accrued"); k != schema.QueryOnTrustee || !IsQuery(k) {
		t.Errorf("Servicing:Accrued is %q", k)
	}
}
