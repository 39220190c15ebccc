package app

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient/catest"
	"github.com/tranchenet/tranchenet/test-network/gatewayconfig"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationGatewayIdentities onboards an investor through
// POST /v1/identities at an investor bank of a real network, attests it,
// lets it transact as itself, revokes it (DELETE) and checks that the
// ledger has it frozen and the gateway no longer acts for it.
//
// The bank's CA is the network's when the gateway configuration has one
// (test-network's Fabric CA per bank). On a network whose MSPs come from
// cryptogen there is none: the test then runs a fabric-ca-server that
// issues with the org's cryptogen CA certificate and key, so the channel
// MSP trusts what it issues exactly as it would a bank's Fabric CA.
func TestIntegrationGatewayIdentities(t *testing.T) {
	n := tnet.UpForTest(t)
	investorBanks := n.Consortium.OrgsWithRole("investor")
	if len(investorBanks) == 0 {
		t.Fatal("the consortium has no investor bank")
	}
	msp := investorBanks[len(investorBanks)-1].MSPID
	cfg, issued, err := gatewayconfig.ForOrg(n.Consortium, n.Run, msp)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CA == nil {
		// A cryptogen network: serve the bank's CA with the org's own CA
		// certificate and key, which the channel MSP trusts.
		org := investorBanks[len(investorBanks)-1]
		caDir := filepath.Join(n.Run, "crypto", "peerOrganizations", org.Domain, "ca")
		t.Logf("%s's gateway configuration has no CA (cryptogen network): a fabric-ca-server issues with the org's CA from %s", msp, caDir)
		srv := catest.StartWith(t, catest.Options{CACert: filepath.Join(caDir, "ca."+org.Domain+"-cert.pem"), CAKey: filepath.Join(caDir, "priv_sk")})
		cfg.CA = &config.CA{URL: srv.URL, Name: catest.CAName, TLSCACert: srv.TLSCACert,
			Registrar: config.Identity{Name: "registrar", Cert: srv.RegistrarCert, Key: srv.RegistrarKey}}
	}
	cfg.Listen = "127.0.0.1:0"
	g := &gatewayApp{t: t, msp: msp, cfg: cfg, tokens: map[string]string{}, log: filepath.Join(t.TempDir(), msp+".log")}
	for _, tok := range issued {
		g.tokens[tok.User] = tok.Token
	}
	g.start()

	complianceKey := g.whoamiKey("compliance")
	if r := g.call("PUT", "/v1/identities/"+complianceKey+"/roles/compliance", "admin", "", "grant-compliance"); r.status != 200 {
		t.Fatalf("admin grants compliance: %d %s", r.status, r.body)
	}

	r := g.call("POST", "/v1/identities", "compliance", `{"name":"onboarded-investor-1","role":"investor"}`, "onboard-1")
	if r.status != 201 {
		t.Fatalf("POST /v1/identities: %d %s", r.status, r.body)
	}
	var onboarded struct {
		IdentityKey, User, Token, Serial string
	}
	json.Unmarshal(r.body, &onboarded)
	if !strings.HasPrefix(onboarded.IdentityKey, msp+"/") || onboarded.Token == "" {
		t.Fatalf("onboarded: %s", r.body)
	}
	g.tokens[onboarded.User] = onboarded.Token
	if key := g.whoamiKey(onboarded.User); key != onboarded.IdentityKey {
		t.Fatalf("the new user acts as %s, want %s", key, onboarded.IdentityKey)
	}

	attest := `{"claims":{"investorType":"qib","jurisdiction":"US-NY","kycExpiry":"2031-01-31T00:00:00Z"},"dossier":{"name":"Onboarded Investor One"}}`
	if r := g.call("PUT", "/v1/investors/"+onboarded.IdentityKey+"/attestation", "compliance", attest, "attest-1"); r.status != 200 {
		t.Fatalf("attest the onboarded investor: %d %s", r.status, r.body)
	}

	// The new identity transacts as itself: the chaincode reads its role
	// from the certificate attribute the CA put there.
	r = g.call("GET", "/v1/whoami/ledger", onboarded.User, "", "")
	var who struct {
		Key           string
		Roles         []string
		RoleAttribute string
	}
	json.Unmarshal(r.body, &who)
	if r.status != 200 || who.Key != onboarded.IdentityKey || who.RoleAttribute != "investor" || !slices.Contains(who.Roles, "investor") {
		t.Fatalf("the onboarded investor's own ledger call: %d %s", r.status, r.body)
	}
	// Its own claims, read as itself (the chaincode lets an investor see its own).
	if r := g.call("GET", "/v1/investors/"+onboarded.IdentityKey+"/claims", onboarded.User, "", ""); r.status != 200 {
		t.Fatalf("the onboarded investor reading its own claims: %d %s", r.status, r.body)
	}

	r = g.call("DELETE", "/v1/identities/"+onboarded.IdentityKey, "compliance", "", "revoke-1")
	if r.status != 200 {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	var revoked struct {
		Status string
		Ledger struct{ Frozen bool }
		CRL    string
	}
	json.Unmarshal(r.body, &revoked)
	if revoked.Status != "revoked" || !revoked.Ledger.Frozen || !strings.Contains(revoked.CRL, "BEGIN X509 CRL") {
		t.Fatalf("revocation: %s", r.body)
	}
	r = g.call("GET", "/v1/investors/"+onboarded.IdentityKey+"/claims", "compliance", "", "")
	var claims struct {
		Claims struct{ Frozen bool }
	}
	json.Unmarshal(r.body, &claims)
	if r.status != 200 || !claims.Claims.Frozen {
		t.Fatalf("the ledger does not have the revoked investor frozen: %d %s", r.status, r.body)
	}
	if r := g.call("GET", "/v1/whoami", onboarded.User, "", ""); r.status != 401 {
		t.Fatalf("the revoked user still authenticates: %d %s", r.status, r.body)
	}
	var list struct {
		Identities []struct{ IdentityKey, Status string }
	}
	json.Unmarshal(g.call("GET", "/v1/identities", "admin", "", "").body, &list)
	if len(list.Identities) != 1 || list.Identities[0].Status != "revoked" {
		t.Fatalf("GET /v1/identities: %+v", list)
	}
}

// whoamiKey is the identity key the gateway computes for a user.
func (g *gatewayApp) whoamiKey(user string) string {
	g.t.Helper()
	r := g.call("GET", "/v1/whoami", user, "", "")
	var who struct {
		Identity struct{ Key string }
	}
	json.Unmarshal(r.body, &who)
	if r.status != 200 || who.Identity.Key == "" {
		g.t.Fatalf("whoami as %s: %d %s", user, r.status, r.body)
	}
	return who.Identity.Key
}
