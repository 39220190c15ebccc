package schema

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

func TestParseIDAndText(t *testing.T) {
	for _, s := range []string{"A", "DEAL-2026.1_a", strings.Repeat("x", 64)} {
		if _, err := ParseID("id", s); err != nil {
			t.Errorf("ParseID(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "-A", "A B", "A/B", "A\x00", "é", strings.Repeat("x", 65)} {
		if _, err := ParseID("id", s); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseID(%q) = %v", s, err)
		}
	}
	if got, err := ParseText("reason", "  court order  ", 20); err != nil || got != "court order" {
		t.Errorf("ParseText = %q, %v", got, err)
	}
	for _, s := range []string{"", "   ", "a\nb", "\xff", strings.Repeat("x", 21)} {
		if _, err := ParseText("reason", s, 20); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseText(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "12\n", " 12", "12 ", "\xff", strings.Repeat("1", 65)} {
		if _, err := ParseAssetNumber("a", s); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseAssetNumber(%q) = %v", s, err)
		}
	}
	if got, err := ParseSHA256("h", strings.Repeat("AB", 32)); err != nil || got != strings.Repeat("ab", 32) {
		t.Errorf("ParseSHA256 = %q, %v", got, err)
	}
}

func TestParseIdentityKey(t *testing.T) {
	id := roles.NewIdentity("Org3MSP", "CN=bob", "CN=ca")
	if got, err := ParseIdentityKey("k", id.Key()); err != nil || got != id {
		t.Errorf("got %v, %v", got, err)
	}
	for _, s := range []string{"", "Org3MSP", "Org3MSP/xyz", "/" + id.ID, id.Key() + "0", "Org 3/" + id.ID} {
		if _, err := ParseIdentityKey("k", s); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseIdentityKey(%q) = %v", s, err)
		}
	}
}

func TestMaySee(t *testing.T) {
	bob := roles.NewIdentity("Org3MSP", "CN=bob", "CN=ca")
	grants := func(msp string, rs ...roles.Role) roles.Grants {
		return roles.Grants{Identity: roles.NewIdentity(msp, "CN=x", "CN=ca"), Roles: roles.SetOf(rs...)}
	}
	tests := []struct {
		viewer roles.Grants
		want   bool
	}{
		{roles.Grants{Identity: bob, Roles: roles.SetOf(roles.Investor)}, true},
		{grants("Org1MSP", roles.Trustee), true},
		{grants("Org3MSP", roles.Compliance), true},
		{grants("Org3MSP", roles.Admin), true},
		{grants("Org3MSP", roles.Investor), false},
		{grants("Org3MSP", roles.Auditor), false},
		{grants("Org2MSP", roles.Compliance, roles.Admin), false},
		{grants("Org1MSP", roles.Arranger, roles.Settlement), false},
	}
	for i, tt := range tests {
		if got := MaySee(tt.viewer, bob); got != tt.want {
			t.Errorf("case %d: MaySee(%v) = %v", i, tt.viewer.Roles, got)
		}
	}
}

func TestResolveEndorsers(t *testing.T) {
	cfg := roles.OrgConfig{Orgs: []roles.Org{
		{MSP: "Org1MSP", Roles: roles.SetOf(roles.Trustee, roles.Arranger), Custodian: true},
		{MSP: "Org2MSP", Roles: roles.SetOf(roles.Servicer), Custodian: true},
		{MSP: "Org3MSP", Roles: roles.SetOf(roles.Investor), Custodian: true},
		{MSP: "Org4MSP", Roles: roles.SetOf(roles.Investor), Custodian: true},
		{MSP: "Org5MSP", Roles: roles.SetOf(roles.Investor), Custodian: true},
	}}
	tests := []struct {
		kind          Endorsers
		caller, party string
		want          string
	}{
		{Query, "Org3MSP", "", "Org3MSP"},
		{QueryOnTrustee, "Org3MSP", "", "Org1MSP"},
		{ByOwnOrg, "Org4MSP", "", "Org4MSP"},
		{ByTrustee, "Org5MSP", "", "Org1MSP"},
		{ByMajority, "Org4MSP", "", "Org1MSP Org2MSP Org4MSP"},
		{ByMajority, "Org1MSP", "", "Org1MSP Org2MSP Org3MSP"},
		{ByOwnOrgAndTrustee, "Org5MSP", "", "Org1MSP Org2MSP Org5MSP"},
		{ByTrusteeAndServicer, "Org2MSP", "Org2MSP", "Org1MSP Org2MSP"},
		{ByTrusteeAndCustodian, "Org1MSP", "Org4MSP", "Org1MSP Org4MSP"},
	}
	for _, tt := range tests {
		got, err := tt.kind.Resolve(cfg, tt.caller, tt.party)
		if err != nil || strings.Join(got, " ") != tt.want {
			t.Errorf("%s by %s: %v, %v; want %s", tt.kind, tt.caller, got, err, tt.want)
		}
	}
	if _, err := ByMajority.Resolve(cfg, "Org9MSP", ""); !errs.Is(err, errs.Forbidden) {
		t.Errorf("outsider: %v", err)
	}
	if _, err := ByTrusteeAndServicer.Resolve(cfg, "Org2MSP", ""); !errs.Is(err, errs.BadInput) {
		t.Errorf("missing party: %v", err)
	}
	if _, err := Endorsers("everyone").Resolve(cfg, "Org2MSP", ""); !errs.Is(err, errs.BadInput) {
		t.Errorf("unknown kind: %v", err)
	}
}
