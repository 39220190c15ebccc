package consortium_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// The chaincode owns the on-chain role vocabulary (core/roles); the
// consortium names the roles as plain strings so that it does not import
// the chaincode. These tests are the boundary where the two must agree: a
// test may import both, the consortium package may not.

func TestChaincodeRolesAreTheChaincodes(t *testing.T) {
	var inChaincodeOrder []string
	for _, r := range roles.All() {
		if r != roles.Admin {
			inChaincodeOrder = append(inChaincodeOrder, string(r))
		}
	}
	if got := consortium.ChaincodeRoles(); !slices.Equal(got, inChaincodeOrder) {
		t.Fatalf("consortium names roles %v, the chaincode has %v (admin aside, same order)", got, inChaincodeOrder)
	}
}

func TestChaincodeConfigIsWhatAdminInitReads(t *testing.T) {
	c, err := consortium.Load(filepath.Join("..", "consortium.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	raw := c.ChaincodeConfigJSON()
	cfg, err := roles.ParseOrgConfig(raw)
	if err != nil {
		t.Fatalf("the chaincode refuses the consortium's Admin:Init argument %s: %v", raw, err)
	}
	// The chaincode's own canonical encoding is byte for byte what the
	// consortium wrote, so the role order and the field names agree.
	back, err := canon.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, raw) {
		t.Fatalf("consortium wrote\n%s\nthe chaincode encodes it as\n%s", raw, back)
	}
	org1, _ := cfg.Org("Org1MSP")
	org3, _ := cfg.Org("Org3MSP")
	if !org1.Roles.Has(roles.Trustee) || !org1.Roles.Has(roles.Settlement) || org3.Roles.Has(roles.Trustee) || !org3.Roles.Has(roles.Investor) {
		t.Fatalf("roles: org1 %s, org3 %s", org1.Roles, org3.Roles)
	}
	if got := cfg.Custodians(); !slices.Equal(got, []string{"Org1MSP", "Org2MSP", "Org3MSP"}) {
		t.Fatalf("custodians %v", got)
	}
}
