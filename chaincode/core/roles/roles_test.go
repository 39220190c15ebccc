package roles

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// testCA issues certificates the way a Fabric CA or cryptogen does.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, org string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ca." + strings.ToLower(org) + ".example.com", Organization: []string{org}, Country: []string{"US"}},
		NotBefore:             time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) issue(t *testing.T, serial int64, cn string, ous ...string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn, OrganizationalUnit: ous, Organization: ca.cert.Subject.Organization},
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestIdentityFromCert(t *testing.T) {
	ca := newCA(t, "Org2")
	der := ca.issue(t, 10, "alice", "client")
	id, err := IdentityFromCert("Org2MSP", der)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("CN=alice,OU=client,O=Org2" + "\x00" + "CN=ca.org2.example.com,O=Org2,C=US"))
	if want := (Identity{MSP: "Org2MSP", ID: hex.EncodeToString(sum[:])}); id != want {
		t.Fatalf("identity %+v, want %+v", id, want)
	}
	if err := id.Validate(); err != nil {
		t.Fatal(err)
	}

	renewed, _ := IdentityFromCert("Org2MSP", ca.issue(t, 11, "alice", "client"))
	if renewed != id {
		t.Error("a renewed certificate (new key and serial, same names) must be the same identity")
	}
	other := newCA(t, "Org2") // same names, different key: DNs are equal by design
	if twin, _ := IdentityFromCert("Org2MSP", other.issue(t, 10, "alice", "client")); twin != id {
		t.Error("identity depends only on subject and issuer names")
	}
	for name, der := range map[string][]byte{
		"other subject": ca.issue(t, 12, "bob", "client"),
		"other OU":      ca.issue(t, 13, "alice", "admin"),
		"other issuer":  newCA(t, "Org3").issue(t, 10, "alice", "client"),
	} {
		if got, _ := IdentityFromCert("Org2MSP", der); got == id {
			t.Errorf("%s: same identity as alice", name)
		}
	}
	if got, _ := IdentityFromCert("Org3MSP", der); got.ID != id.ID || got == id {
		t.Error("the same certificate in another MSP must differ only by MSP")
	}
	if _, err := IdentityFromCert("Org2MSP", []byte("not a certificate")); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("bad DER: got %v, want UNAUTHENTICATED", err)
	}
}

func TestKeyRoundTrip(t *testing.T) {
	id := NewIdentity("Org2MSP", "CN=alice", "CN=ca")
	if !strings.HasPrefix(id.Key(), "Org2MSP/") || len(id.Key()) != len("Org2MSP/")+64 {
		t.Fatalf("Key = %q", id.Key())
	}
	back, err := ParseKey(id.Key())
	if err != nil || back != id {
		t.Fatalf("ParseKey(Key) = %+v, %v", back, err)
	}
	if s := id.Short(); s != "Org2MSP/"+id.ID[:12]+"…" {
		t.Errorf("Short = %q", s)
	}
	bad := []string{
		"", "Org2MSP", "Org2MSP/", "/" + id.ID, "Org2MSP/" + strings.ToUpper(id.ID),
		"Org2MSP/" + id.ID[:63], "Org2MSP/" + id.ID + "0", "Org 2/" + id.ID, "Org2MSP/" + id.ID[:63] + "g",
	}
	for _, k := range bad {
		if _, err := ParseKey(k); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseKey(%q): got %v, want BAD_INPUT", k, err)
		}
	}
}

func TestValidMSP(t *testing.T) {
	good := []string{"Org1MSP", "bank-a.example", "B", "org_3", strings.Repeat("a", 64)}
	bad := []string{"", ".org", "-org", "Org 1", "Org/1", "Org\x00", "Örg", strings.Repeat("a", 65)}
	for _, m := range good {
		if err := ValidMSP(m); err != nil {
			t.Errorf("ValidMSP(%q) = %v", m, err)
		}
	}
	for _, m := range bad {
		if err := ValidMSP(m); !errs.Is(err, errs.BadInput) {
			t.Errorf("ValidMSP(%q) = %v, want BAD_INPUT", m, err)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range All() {
		got, err := ParseRole(string(r))
		if err != nil || got != r || !r.Valid() {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Trustee", "trustees", " investor"} {
		if _, err := ParseRole(s); !errs.Is(err, errs.BadInput) {
			t.Errorf("ParseRole(%q): got %v", s, err)
		}
	}
	if len(All()) != 9 {
		t.Fatalf("All() = %v", All())
	}
}

func TestSet(t *testing.T) {
	s := SetOf(Trustee, Arranger, Trustee)
	if !s.Has(Trustee) || !s.Has(Arranger) || s.Has(Investor) || s.Has("nonsense") {
		t.Fatalf("membership wrong: %v", s)
	}
	if got := s.String(); got != "arranger, trustee" {
		t.Errorf("String = %q", got)
	}
	if Set(0).String() != "none" || !Set(0).IsEmpty() || s.Without(Trustee).Without(Arranger) != 0 {
		t.Error("empty set")
	}
	b, err := json.Marshal(s.With(Investor))
	if err != nil || string(b) != `["arranger","trustee","investor"]` {
		t.Errorf("JSON = %s, %v", b, err)
	}
	if b, _ := json.Marshal(Set(0)); string(b) != `[]` {
		t.Errorf("empty JSON = %s", b)
	}
	var back Set
	if err := json.Unmarshal([]byte(`["investor","trustee","arranger","investor"]`), &back); err != nil || back != SetOf(Arranger, Trustee, Investor) {
		t.Errorf("Unmarshal = %v, %v", back, err)
	}
	for _, in := range []string{`["root"]`, `"trustee"`, `[1]`} {
		if err := json.Unmarshal([]byte(in), &back); err == nil {
			t.Errorf("Unmarshal(%s) accepted", in)
		}
	}
}

func TestParseRoleList(t *testing.T) {
	tests := []struct {
		in   string
		want Set
		ok   bool
	}{
		{"", 0, true},
		{"investor", SetOf(Investor), true},
		{" investor , compliance ,", SetOf(Investor, Compliance), true},
		{"trustee,trustee", SetOf(Trustee), true},
		{"admin", 0, false},
		{"investor,admin", 0, false},
		{"investor;compliance", 0, false},
		{"Investor", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseRoleList(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRoleList(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func testConfig() OrgConfig {
	return OrgConfig{Orgs: []Org{
		{MSP: "Org1MSP", Roles: SetOf(Trustee, Arranger, Settlement, Compliance, Investor), Custodian: true},
		{MSP: "Org2MSP", Roles: SetOf(Servicer, Compliance, Investor), Custodian: true},
		{MSP: "Org3MSP", Roles: SetOf(Investor, Compliance), Custodian: true},
		{MSP: "regulator.example", Roles: SetOf(Auditor)},
	}}
}

func TestResolve(t *testing.T) {
	cfg := testConfig()
	id := func(msp string) Identity { return NewIdentity(msp, "CN=u", "CN=ca") }
	tests := []struct {
		name    string
		caller  Caller
		onChain Set
		want    Set
		code    errs.Code
	}{
		{"on-chain grant", Caller{Identity: id("Org3MSP")}, SetOf(Investor), SetOf(Investor), ""},
		{"attribute", Caller{Identity: id("Org1MSP"), RoleAttr: "trustee,arranger"}, 0, SetOf(Trustee, Arranger), ""},
		{"union of sources", Caller{Identity: id("Org1MSP"), RoleAttr: "trustee"}, SetOf(Settlement), SetOf(Trustee, Settlement), ""},
		{"admin from NodeOU", Caller{Identity: id("Org2MSP"), Admin: true}, 0, SetOf(Admin), ""},
		{"org may not hold grant", Caller{Identity: id("Org3MSP")}, SetOf(Trustee, Investor), SetOf(Investor), ""},
		{"org may not hold attribute role", Caller{Identity: id("Org3MSP"), RoleAttr: "trustee"}, 0, 0, ""},
		{"no roles at all", Caller{Identity: id("Org3MSP")}, 0, 0, ""},
		{"admin stored on chain is ignored", Caller{Identity: id("Org3MSP")}, SetOf(Admin), 0, ""},
		{"not a member", Caller{Identity: id("Org9MSP"), Admin: true}, SetOf(Investor), 0, errs.Forbidden},
		{"malformed attribute", Caller{Identity: id("Org1MSP"), RoleAttr: "trustee,root"}, 0, 0, errs.Unauthenticated},
		{"admin in attribute", Caller{Identity: id("Org1MSP"), RoleAttr: "admin"}, 0, 0, errs.Unauthenticated},
		{"no identity", Caller{}, 0, 0, errs.Unauthenticated},
	}
	for _, tt := range tests {
		g, err := Resolve(tt.caller, tt.onChain, cfg)
		if errs.CodeOf(err) != tt.code {
			t.Errorf("%s: error %v, want code %q", tt.name, err, tt.code)
			continue
		}
		if err == nil && (g.Roles != tt.want || g.Identity != tt.caller.Identity) {
			t.Errorf("%s: roles %v, want %v", tt.name, g.Roles, tt.want)
		}
	}
}

func TestNewCaller(t *testing.T) {
	ca := newCA(t, "Org1")
	admin, _ := x509.ParseCertificate(ca.issue(t, 2, "Admin@org1", "admin"))
	client, _ := x509.ParseCertificate(ca.issue(t, 3, "user1", "client", "department1"))
	if c := NewCaller("Org1MSP", admin, ""); !c.Admin || c.Identity != IdentityOf("Org1MSP", admin) {
		t.Errorf("admin cert: %+v", c)
	}
	if c := NewCaller("Org1MSP", client, "trustee"); c.Admin || c.RoleAttr != "trustee" {
		t.Errorf("client cert: %+v", c)
	}
}

func TestRequire(t *testing.T) {
	id := NewIdentity("Org3MSP", "CN=u", "CN=ca")
	g := Grants{Identity: id, Roles: SetOf(Investor)}
	if err := g.Require(Investor); err != nil {
		t.Fatal(err)
	}
	if err := g.Require(Trustee, Investor); err != nil {
		t.Fatal(err)
	}
	err := g.Require(Trustee)
	if want := "[FORBIDDEN] " + id.Short() + " holds investor; role trustee required"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	err = Grants{Identity: id}.Require(Trustee, Arranger)
	if want := "[FORBIDDEN] " + id.Short() + " holds none; one of roles trustee, arranger required"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if err := g.Require(); !errs.Is(err, errs.Forbidden) {
		t.Fatal("requiring nothing must not grant access")
	}
}

func TestCanGrant(t *testing.T) {
	cfg := testConfig()
	org2 := NewIdentity("Org2MSP", "CN=alice", "CN=ca2")
	org3 := NewIdentity("Org3MSP", "CN=bob", "CN=ca3")
	admin2 := Caller{Identity: NewIdentity("Org2MSP", "CN=admin", "CN=ca2"), Admin: true}
	user2 := Caller{Identity: NewIdentity("Org2MSP", "CN=carol", "CN=ca2"), RoleAttr: "servicer"}
	tests := []struct {
		name    string
		granter Caller
		grantee Identity
		role    Role
		code    errs.Code
	}{
		{"admin grants in own MSP", admin2, org2, Servicer, ""},
		{"admin grants another allowed role", admin2, org2, Investor, ""},
		{"non-admin", user2, org2, Investor, errs.Forbidden},
		{"admin of another MSP", admin2, org3, Investor, errs.Forbidden},
		{"role the org may not hold", admin2, org2, Trustee, errs.Forbidden},
		{"admin role", admin2, org2, Admin, errs.BadInput},
		{"unknown role", admin2, org2, "root", errs.BadInput},
		{"malformed grantee", admin2, Identity{MSP: "Org2MSP", ID: "x"}, Investor, errs.BadInput},
	}
	for _, tt := range tests {
		err := CanGrant(tt.granter, tt.grantee, tt.role, cfg)
		if errs.CodeOf(err) != tt.code {
			t.Errorf("%s: CanGrant = %v, want code %q", tt.name, err, tt.code)
		}
	}
	// Revoking needs the same admin, but not the configuration's blessing.
	if err := CanRevoke(admin2, org2, Trustee); err != nil {
		t.Errorf("revoking a role the org may no longer hold: %v", err)
	}
	if err := CanRevoke(admin2, org3, Investor); !errs.Is(err, errs.Forbidden) {
		t.Errorf("revoke across MSPs: %v", err)
	}
	if err := CanRevoke(user2, org2, Investor); !errs.Is(err, errs.Forbidden) {
		t.Errorf("revoke by non-admin: %v", err)
	}
	if err := CanRevoke(admin2, org2, Admin); !errs.Is(err, errs.BadInput) {
		t.Errorf("revoke admin: %v", err)
	}
}

// TestCanGrantProperty checks every combination of granter MSP, admin flag,
// grantee MSP and role: a grant is allowed exactly when the granter is an
// admin of the grantee's MSP, the role is not admin, and the grantee's
// organisation may hold it.
func TestCanGrantProperty(t *testing.T) {
	cfg := testConfig()
	msps := append(cfg.MSPs(), "Org9MSP")
	for _, gm := range msps {
		for _, admin := range []bool{false, true} {
			granter := Caller{Identity: NewIdentity(gm, "CN=g", "CN=ca"), Admin: admin}
			for _, em := range msps {
				grantee := NewIdentity(em, "CN=e", "CN=ca")
				org, member := cfg.Org(em)
				for _, r := range All() {
					want := admin && gm == em && r != Admin && member && org.Roles.Has(r)
					if got := CanGrant(granter, grantee, r, cfg) == nil; got != want {
						t.Errorf("granter %s admin=%v, grantee %s, role %s: allowed=%v, want %v", gm, admin, em, r, got, want)
					}
				}
			}
		}
	}
}

func TestOrgConfigValidate(t *testing.T) {
	if err := testConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(*OrgConfig)) OrgConfig {
		c := testConfig()
		c.Orgs = append([]Org(nil), c.Orgs...)
		f(&c)
		return c
	}
	tests := []struct {
		name  string
		cfg   OrgConfig
		field string
	}{
		{"empty", OrgConfig{}, "orgs"},
		{"bad MSP", mutate(func(c *OrgConfig) { c.Orgs[1].MSP = "Org 2" }), "orgs[1].msp"},
		{"empty MSP", mutate(func(c *OrgConfig) { c.Orgs[0].MSP = "" }), "orgs[0].msp"},
		{"duplicate MSP", mutate(func(c *OrgConfig) { c.Orgs[2].MSP = "Org1MSP" }), "orgs[2].msp"},
		{"admin role", mutate(func(c *OrgConfig) { c.Orgs[2].Roles = c.Orgs[2].Roles.With(Admin) }), "orgs[2].roles"},
		{"custodian with dot", mutate(func(c *OrgConfig) { c.Orgs[3].Custodian = true }), "orgs[3].msp"},
		{"no trustee", mutate(func(c *OrgConfig) { c.Orgs[0].Roles = c.Orgs[0].Roles.Without(Trustee) }), "orgs"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != errs.BadInput || e.Field != tt.field {
			t.Errorf("%s: Validate = %v (field %v), want BAD_INPUT at %s", tt.name, err, e, tt.field)
		}
	}
}

func TestOrgConfigQueries(t *testing.T) {
	cfg := testConfig()
	if got := cfg.MSPs(); !reflect.DeepEqual(got, []string{"Org1MSP", "Org2MSP", "Org3MSP", "regulator.example"}) {
		t.Errorf("MSPs = %v", got)
	}
	if got := cfg.MSPsWithRole(Compliance); !reflect.DeepEqual(got, []string{"Org1MSP", "Org2MSP", "Org3MSP"}) {
		t.Errorf("MSPsWithRole(compliance) = %v", got)
	}
	if got := cfg.MSPsWithRole(Trustee); !reflect.DeepEqual(got, []string{"Org1MSP"}) {
		t.Errorf("MSPsWithRole(trustee) = %v", got)
	}
	if got := cfg.Custodians(); !reflect.DeepEqual(got, []string{"Org1MSP", "Org2MSP", "Org3MSP"}) {
		t.Errorf("Custodians = %v", got)
	}
	if got := (OrgConfig{}).MSPsWithRole(Trustee); got == nil || len(got) != 0 {
		t.Errorf("no orgs: %#v, want an empty non-nil list", got)
	}
	if !cfg.IsMember("Org2MSP") || cfg.IsMember("Org9MSP") {
		t.Error("IsMember")
	}
	if c, err := cfg.RegistryFor("Org2MSP"); err != nil || c != "registryOrg2MSP" {
		t.Errorf("RegistryFor(Org2MSP) = %q, %v", c, err)
	}
	for _, msp := range []string{"regulator.example", "Org9MSP"} {
		if _, err := cfg.RegistryFor(msp); !errs.Is(err, errs.Forbidden) {
			t.Errorf("RegistryFor(%s) = %v", msp, err)
		}
	}
	if ImplicitCollection("Org3MSP") != "_implicit_org_Org3MSP" || RegistryCollection("Org3MSP") != "registryOrg3MSP" {
		t.Error("collection names")
	}
}

func TestOrgConfigJSON(t *testing.T) {
	cfg := testConfig()
	b, err := canon.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"orgs":[` +
		`{"custodian":true,"msp":"Org1MSP","roles":["arranger","trustee","compliance","investor","settlement"]},` +
		`{"custodian":true,"msp":"Org2MSP","roles":["servicer","compliance","investor"]},` +
		`{"custodian":true,"msp":"Org3MSP","roles":["compliance","investor"]},` +
		`{"custodian":false,"msp":"regulator.example","roles":["auditor"]}]}`
	if string(b) != want {
		t.Fatalf("canonical JSON:\n got %s\nwant %s", b, want)
	}
	var back OrgConfig
	if err := canon.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, cfg) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	err = canon.Unmarshal([]byte(`{"orgs":[{"msp":"Org1MSP","roles":["trustee","king"]}]}`), &back)
	if !errs.Is(err, errs.BadInput) || !strings.HasPrefix(err.Error(), `[BAD_INPUT] orgs[0].roles: unknown role "king"`) {
		t.Fatalf("unknown role in config: %v", err)
	}
}
