package api

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

func TestAuthenticationFailuresAre401(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name   string
		header string
		detail string
	}{
		{"no credentials", "", "authentication required: send Authorization: Bearer <token> or a client certificate"},
		{"unknown token", "Bearer tng_nobody", "the bearer token is not valid"},
		{"basic scheme", "Basic YWRtaW46YWRtaW4=", `the Authorization header must be "Bearer <token>"`},
		{"empty bearer", "Bearer ", `the Authorization header must be "Bearer <token>"`},
		{"token hash instead of token", "Bearer " + config.HashToken(adminToken), "the bearer token is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ts.do(req{method: "GET", path: "/v1/whoami", mutate: func(r *http.Request) {
				if tt.header != "" {
					r.Header.Set("Authorization", tt.header)
				}
			}})
			if a.Status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %s", a.Status, a.Body)
			}
			if p := a.problem(t); p.Code != CodeUnauthenticated || p.Detail != tt.detail {
				t.Errorf("problem %+v", p)
			}
			if a.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	if n := len(ts.ledger.calls); n != 0 {
		t.Fatalf("unauthenticated requests reached the ledger %d times", n)
	}
}

func TestWhoamiComputesTheIdentityLocally(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "GET", path: "/v1/whoami", token: adminToken})
	if a.Status != http.StatusOK {
		t.Fatalf("status %d: %s", a.Status, a.Body)
	}
	var w Whoami
	a.json(t, &w)
	admin := ts.srv.identities["Admin"]
	want := roles.IdentityOf(testMSP, admin.Certificate)
	if w.User != "admin" || w.Method != "bearer" || !w.Roles.Has(roles.Admin) || !w.Identity.Admin ||
		w.Identity.MSPID != testMSP || w.Identity.ID != want.ID || w.Identity.Key != want.Key() || w.Identity.Name != "Admin" {
		t.Fatalf("whoami = %+v, want identity %s", w, want.Key())
	}
	if w.Identity.Subject != admin.Certificate.Subject.ToRDNSequence().String() {
		t.Errorf("subject %q", w.Identity.Subject)
	}
	if len(ts.ledger.calls) != 0 {
		t.Error("whoami must not call the ledger")
	}
}

func TestClientCertificateAuthentication(t *testing.T) {
	ts := newTestServer(t)
	robotCert := testCert(t, "ops-robot", "client")
	if got := robotCert.Subject.ToRDNSequence().String(); got != certUser {
		t.Fatalf("test certificate subject %q, want %q", got, certUser)
	}
	withCert := func(c *x509.Certificate) func(*http.Request) {
		return func(r *http.Request) {
			r.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{c}}}
		}
	}

	a := ts.do(req{method: "GET", path: "/v1/whoami", mutate: withCert(robotCert)})
	var w Whoami
	a.json(t, &w)
	if a.Status != http.StatusOK || w.User != "robot" || w.Method != "certificate" || w.Identity.Name != "Admin" {
		t.Fatalf("certificate login: %d %s", a.Status, a.Body)
	}

	// The same user by token and certificate: the token's user must match.
	a = ts.do(req{method: "GET", path: "/v1/whoami", token: trusteeToken, mutate: withCert(robotCert)})
	if a.Status != http.StatusUnauthorized || a.problem(t).Detail != "the bearer token and the client certificate belong to different users" {
		t.Fatalf("mixed credentials: %d %s", a.Status, a.Body)
	}

	stranger := testCert(t, "stranger", "client")
	a = ts.do(req{method: "GET", path: "/v1/whoami", mutate: withCert(stranger)})
	if a.Status != http.StatusUnauthorized {
		t.Fatalf("unmapped certificate: %d %s", a.Status, a.Body)
	}
	// An unmapped certificate does not spoil a valid token (a TLS client
	// may present its machine certificate to every server).
	a = ts.do(req{method: "GET", path: "/v1/whoami", token: trusteeToken, mutate: withCert(stranger)})
	a.json(t, &w)
	if a.Status != http.StatusOK || w.User != "trustee" || w.Method != "bearer" {
		t.Fatalf("token with unmapped certificate: %d %s", a.Status, a.Body)
	}
}

func TestRoleCheckIsLocalAndNamesTheRoles(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: trusteeToken, body: `{"value":"v"}`})
	if a.Status != http.StatusForbidden {
		t.Fatalf("status %d: %s", a.Status, a.Body)
	}
	p := a.problem(t)
	if p.Code != CodeForbidden || p.Detail != "user trustee holds role trustee; this operation needs role admin" {
		t.Fatalf("problem %+v", p)
	}
	if len(ts.ledger.calls) != 0 {
		t.Fatal("a refused role must not reach the ledger")
	}
}

func TestEveryCallUsesTheUsersOwnIdentity(t *testing.T) {
	ts := newTestServer(t)
	// Headers that look like they could pick an identity change nothing.
	a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, mutate: func(r *http.Request) {
		r.Header.Set("X-Fabric-Identity", "User1")
		r.Header.Set("X-Msp-Id", "Org2MSP")
	}})
	if a.Status != http.StatusOK {
		t.Fatalf("status %d: %s", a.Status, a.Body)
	}
	if c := ts.ledger.last(); c.Identity != "Admin" {
		t.Fatalf("submitted as %q, want the admin user's identity Admin", c.Identity)
	}
}

func TestAdminRoleNeedsAnAdminCertificate(t *testing.T) {
	db := newTestServer(t).store
	cfg := testConfig()
	cfg.Users = []config.User{{Name: "fake-admin", Identity: "User1", Roles: []string{"admin"}, TokenSHA256: config.HashToken("x")}}
	_, err := New(Deps{Config: cfg, Ledger: &fakeLedger{}, Store: db,
		Identities: []ledger.IdentityInfo{identityInfo(t, "User1", false)}})
	if err == nil || err.Error() != `users[0].roles: role admin needs an admin identity, and User1's certificate has no OU "admin"` {
		t.Fatalf("err = %v", err)
	}
}
