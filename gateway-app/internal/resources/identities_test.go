package resources

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard/onboardtest"
)

// newOnboardingServer is newTestServer with onboarding through a real
// fabric-ca-server.
func newOnboardingServer(t *testing.T) (*testServer, *onboardtest.Loader) {
	t.Helper()
	ts := newTestServer(t)
	env := onboardtest.NewEnv(t, testMSP)
	cfg := ts.srv.Config()
	env.Config.Users = cfg.Users
	svc, loader := env.Open(t)
	var ids []ledger.IdentityInfo
	for _, id := range ts.ids {
		ids = append(ids, id)
	}
	srv, err := api.New(api.Deps{
		Config: cfg, Ledger: ts.ledger, Store: ts.store, Identities: ids, Onboarded: svc,
		Endorsement: endorse.NewResolver(func(context.Context) (roles.OrgConfig, error) { return testConsortium(), nil }),
		Resources:   []func(*api.Server){Register, Identities(svc)},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.srv, ts.h = srv, srv.Handler()
	return ts, loader
}

// withToken sends a request with a raw bearer token.
func (ts *testServer) withToken(method, path, token string) answer {
	r := httptest.NewRequest(method, path, nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	ts.h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return answer{Status: w.Code, Header: w.Result().Header, Body: b}
}

func TestIdentitiesOnboardUseRevoke(t *testing.T) {
	ts, loader := newOnboardingServer(t)

	// Refusals name the field or the role, and reach no CA.
	if p := ts.do("POST", "/v1/identities", roles.Compliance, `{"name":"bob","role":"trustee"}`, "Idempotency-Key", "k0").problem(t); p.Field != "role" {
		t.Fatalf("onboarding a trustee: %+v", p)
	}
	if p := ts.do("POST", "/v1/identities", roles.Compliance, `{"name":"../x","role":"investor"}`, "Idempotency-Key", "k0").problem(t); p.Field != "name" {
		t.Fatalf("a bad name: %+v", p)
	}
	if a := ts.do("POST", "/v1/identities", roles.Investor, `{"name":"bob","role":"investor"}`, "Idempotency-Key", "k0"); a.Status != http.StatusForbidden {
		t.Fatalf("an investor onboarding: %d %s", a.Status, a.Body)
	}

	a := ts.do("POST", "/v1/identities", roles.Compliance, `{"name":"bob","role":"investor"}`, "Idempotency-Key", "k1")
	if a.Status != http.StatusCreated {
		t.Fatalf("POST /v1/identities: %d %s", a.Status, a.Body)
	}
	var got Onboarded
	a.decode(t, &got)
	if got.User != "bob" || got.Role != "investor" || got.Status != "active" || got.CreatedBy != "compliance" || !strings.HasPrefix(got.IdentityKey, testMSP+"/") || got.Token == "" {
		t.Fatalf("onboarded: %+v", got)
	}
	// The same Idempotency-Key replays the answer (not a second identity);
	// a new key for the same name is refused.
	if again := ts.do("POST", "/v1/identities", roles.Compliance, `{"name":"bob","role":"investor"}`, "Idempotency-Key", "k1"); string(again.Body) != string(a.Body) {
		t.Fatalf("retry with the same key: %d %s", again.Status, again.Body)
	}
	if p := ts.do("POST", "/v1/identities", roles.Admin, `{"name":"bob","role":"investor"}`, "Idempotency-Key", "k2").problem(t); p.Code != string(errs.AlreadyExists) {
		t.Fatalf("onboarding bob twice: %+v", p)
	}

	// The new user acts as the new identity, at once.
	var who api.Whoami
	ts.withToken("GET", "/v1/whoami", got.Token).decode(t, &who)
	if who.User != "bob" || who.Identity.Key != got.IdentityKey || !who.Roles.Has(roles.Investor) || who.Identity.Subject != "CN=bob,OU=client" {
		t.Fatalf("whoami as bob: %+v", who)
	}
	position := "/v1/tranches/T-1/holders/" + got.IdentityKey
	ts.ledger.answer("Token:Position", map[string]any{"units": 0})
	if a := ts.withToken("GET", position, got.Token); a.Status != http.StatusOK {
		t.Fatalf("position as bob: %d %s", a.Status, a.Body)
	}
	if c := ts.ledger.last(t, "Token:Position"); c.Identity != "bob" {
		t.Fatalf("Token:Position ran as %q, want bob", c.Identity)
	}

	var list IdentityList
	ts.do("GET", "/v1/identities", roles.Admin, "").decode(t, &list)
	if len(list.Identities) != 1 || list.Identities[0].IdentityKey != got.IdentityKey {
		t.Fatalf("GET /v1/identities: %+v", list)
	}

	// Revocation: compliance only; the CA revokes, the ledger freezes.
	path := "/v1/identities/" + got.IdentityKey
	if a := ts.do("DELETE", path, roles.Admin, "", "Idempotency-Key", "d0"); a.Status != http.StatusForbidden {
		t.Fatalf("an admin revoking: %d %s", a.Status, a.Body)
	}
	a = ts.do("DELETE", path, roles.Compliance, "", "Idempotency-Key", "d1")
	if a.Status != http.StatusOK {
		t.Fatalf("DELETE: %d %s", a.Status, a.Body)
	}
	var rev RevokedIdentity
	a.decode(t, &rev)
	if rev.Status != "revoked" || !rev.Ledger.Frozen || rev.Ledger.TxID == "" {
		t.Fatalf("revoked: %+v", rev)
	}
	freeze := ts.ledger.last(t, "Identity:Freeze")
	if freeze.Kind != "submit" || freeze.Identity != ts.userIdentity(roles.Compliance) || freeze.Tx.Args[0] != got.IdentityKey {
		t.Fatalf("freeze call: %+v", freeze)
	}
	b, _ := pem.Decode([]byte(rev.CRL))
	if b == nil {
		t.Fatalf("no PEM CRL: %q", rev.CRL)
	}
	if crl, err := x509.ParseRevocationList(b.Bytes); err != nil || len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Text(16) != got.Serial {
		t.Fatalf("CRL: %v %+v", err, crl)
	}
	if a := ts.withToken("GET", "/v1/whoami", got.Token); a.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked user authenticated: %d %s", a.Status, a.Body)
	}
	if loader.Loaded("bob") {
		t.Fatal("a revoked identity is still loaded")
	}
	// Repeating: the ledger has it frozen already.
	ts.ledger.refuse("Identity:Freeze", errs.WrongState, 0, "Org2MSP/… is already frozen")
	a = ts.do("DELETE", path, roles.Compliance, "", "Idempotency-Key", "d2")
	if a.Status != http.StatusOK {
		t.Fatalf("second DELETE: %d %s", a.Status, a.Body)
	}
	json.Unmarshal(a.Body, &rev)
	if !rev.Ledger.Frozen || rev.Ledger.Detail != "already frozen" {
		t.Fatalf("second revocation: %+v", rev.Ledger)
	}
	if p := ts.do("DELETE", "/v1/identities/"+testMSP+"/"+strings.Repeat("0", 64), roles.Compliance, "", "Idempotency-Key", "d3").problem(t); p.Code != api.CodeNotFound {
		t.Fatalf("revoking an unknown identity: %+v", p)
	}
}

// TestIdentitiesDocumented: the onboarding operations are in the OpenAPI
// document with their roles, and DELETE names the chaincode function it runs.
func TestIdentitiesDocumented(t *testing.T) {
	ts, _ := newOnboardingServer(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Summary   string   `json:"summary"`
			Roles     []string `json:"x-roles"`
			Functions []string `json:"x-chaincode-functions"`
		} `json:"paths"`
	}
	ts.do("GET", "/openapi.json", "", "").decode(t, &doc)
	for _, op := range []struct{ path, method, roles, fn string }{
		{"/v1/identities", "post", "admin,compliance", ""},
		{"/v1/identities", "get", "admin,compliance", ""},
		{"/v1/identities/{msp}/{id}", "delete", "compliance", "Identity:Freeze"},
	} {
		got, ok := doc.Paths[op.path][op.method]
		if !ok || got.Summary == "" || strings.Join(got.Roles, ",") != op.roles || (op.fn != "" && (len(got.Functions) != 1 || got.Functions[0] != op.fn)) {
			t.Errorf("%s %s documented as %+v", op.method, op.path, got)
		}
	}
}

// userIdentity is the identity name of the user with role r.
func (ts *testServer) userIdentity(r roles.Role) string {
	cfg := ts.srv.Config()
	u, _ := cfg.User(string(r))
	return u.Identity
}
