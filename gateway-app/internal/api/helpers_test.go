package api

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

const testMSP = "Org1MSP"

// Tokens of the test users.
const (
	adminToken   = "tng_admin-token"
	trusteeToken = "tng_trustee-token"
	certUser     = "CN=ops-robot,OU=client,O=Org1"
)

// fakeLedger records every call and answers with its handler.
type fakeLedger struct {
	mu      sync.Mutex
	calls   []fakeCall
	handler func(kind, identity string, tx ledger.Tx) (ledger.Result, error)
}

type fakeCall struct {
	Kind, Identity string
	Tx             ledger.Tx
}

func (f *fakeLedger) Evaluate(_ context.Context, identity string, tx ledger.Tx) (ledger.Result, error) {
	return f.call("evaluate", identity, tx)
}

func (f *fakeLedger) Submit(_ context.Context, identity string, tx ledger.Tx) (ledger.Result, error) {
	return f.call("submit", identity, tx)
}

func (f *fakeLedger) call(kind, identity string, tx ledger.Tx) (ledger.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{kind, identity, tx})
	n := len(f.calls)
	h := f.handler
	f.mu.Unlock()
	if h != nil {
		return h(kind, identity, tx)
	}
	return ledger.Result{TxID: "tx" + strings.Repeat("0", n), Block: uint64(n)}, nil
}

func (f *fakeLedger) count(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.Kind == kind {
			n++
		}
	}
	return n
}

func (f *fakeLedger) last() fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[len(f.calls)-1]
}

// testCert issues a certificate with the given subject from a throwaway CA.
func testCert(t *testing.T, cn string, ou ...string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: cn, OrganizationalUnit: ou, Organization: []string{"Org1"}},
		Issuer:  pkix.Name{CommonName: "ca.org1"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func identityInfo(t *testing.T, name string, admin bool) ledger.IdentityInfo {
	ou := "client"
	if admin {
		ou = "admin"
	}
	cert := testCert(t, name+"@org1.example.com", ou)
	return ledger.IdentityInfo{Name: name, Certificate: cert, ID: roles.IdentityOf(testMSP, cert), Admin: admin}
}

type testServer struct {
	t       *testing.T
	srv     *Server
	handler http.Handler
	ledger  *fakeLedger
	store   *store.DB
	metrics *metrics.Registry
}

func testConfig() config.Config {
	cfg := config.Config{
		MSPID: testMSP, Channel: "tranchenet", Chaincode: "tranchenet", DataDir: "unused",
		Users: []config.User{
			{Name: "admin", Identity: "Admin", Roles: []string{"admin"}, TokenSHA256: config.HashToken(adminToken)},
			{Name: "trustee", Identity: "User1", Roles: []string{"trustee"}, TokenSHA256: config.HashToken(trusteeToken)},
			{Name: "robot", Identity: "Admin", Roles: []string{"admin"}, CertSubject: certUser},
		},
		Endorsement: config.Endorsement{Collections: map[string][]string{"loanTape": {"Org1MSP", "Org2MSP"}}},
	}
	cfg.SetDefaults()
	return cfg
}

func newTestServer(t *testing.T, mutate ...func(*config.Config, *Deps)) *testServer {
	t.Helper()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fl := &fakeLedger{}
	reg := metrics.NewRegistry()
	cfg := testConfig()
	d := Deps{
		Ledger: fl, Store: db, Metrics: reg,
		Identities: []ledger.IdentityInfo{identityInfo(t, "Admin", true), identityInfo(t, "User1", false)},
		Ready:      func(context.Context) (ReadyReport, error) { return ReadyReport{Height: 42}, nil },
	}
	for _, m := range mutate {
		m(&cfg, &d)
	}
	d.Config = cfg
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{t: t, srv: srv, handler: srv.Handler(), ledger: fl, store: db, metrics: reg}
}

// answer is a recorded response.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a answer) problem(t *testing.T) Problem {
	t.Helper()
	if ct := a.Header.Get("Content-Type"); ct != ProblemContentType {
		t.Fatalf("Content-Type %q, want %s; body %s", ct, ProblemContentType, a.Body)
	}
	var p Problem
	dec := json.NewDecoder(strings.NewReader(string(a.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem body %s: %v", a.Body, err)
	}
	if p.Status != a.Status || p.Type != "/docs#problem-"+p.Code || p.Title == "" || p.Code == "" || p.RequestID != a.Header.Get(HeaderRequestID) {
		t.Fatalf("malformed problem for status %d: %+v", a.Status, p)
	}
	return p
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("body %s: %v", a.Body, err)
	}
}

// req describes a request to send.
type req struct {
	method, path, token, body, idemKey, contentType string
	mutate                                          func(*http.Request)
}

func (ts *testServer) do(r req) answer {
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.body != "" {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	if r.idemKey != "" {
		hr.Header.Set(HeaderIdempotencyKey, r.idemKey)
	}
	if r.mutate != nil {
		r.mutate(hr)
	}
	w := httptest.NewRecorder()
	ts.handler.ServeHTTP(w, hr)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return answer{Status: res.StatusCode, Header: res.Header, Body: b}
}

// metricValue returns the value of an unlabelled metric from /metrics.
func (ts *testServer) metricValue(t *testing.T, name string) string {
	t.Helper()
	for _, line := range strings.Split(scrape(t, ts.metrics), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// waitFor polls cond until it holds; it fails the test if cond still does
// not hold after a generous 10 s (a hang, not a slow machine).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached after 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}

func sha(t *testing.T, token string) [32]byte {
	t.Helper()
	return sha256.Sum256([]byte(token))
}

// scrape returns the registry's text exposition, as /metrics serves it.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	w := httptest.NewRecorder()
	reg.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	return w.Body.String()
}
