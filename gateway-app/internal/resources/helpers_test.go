package resources

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// The test bank is the servicer bank of a three-bank consortium: Org1 the
// trustee bank, Org2 (this one) the servicer, Org3 the investor bank.
const testMSP = "Org2MSP"

func testConsortium() roles.OrgConfig {
	return roles.OrgConfig{Orgs: []roles.Org{
		{MSP: "Org1MSP", Roles: roles.SetOf(roles.Trustee, roles.Arranger, roles.Settlement, roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
		{MSP: "Org2MSP", Roles: roles.SetOf(roles.Servicer, roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
		{MSP: "Org3MSP", Roles: roles.SetOf(roles.Compliance, roles.Investor, roles.Auditor), Custodian: true},
	}}
}

// testRoles are the API users: one per role, named after it, each with
// its own identity (admin acts as the admin identity).
var testRoles = []roles.Role{roles.Admin, roles.Arranger, roles.Trustee, roles.Servicer, roles.Compliance, roles.Investor, roles.Settlement, roles.Auditor}

func token(r roles.Role) string { return "tok-" + string(r) }

// call is one ledger call the fake saw.
type call struct {
	Kind, Identity string
	Tx             ledger.Tx
}

// fakeLedger answers each function with a scripted handler and records
// every call.
type fakeLedger struct {
	mu      sync.Mutex
	calls   []call
	answers map[string]func(tx ledger.Tx) (ledger.Result, error)
	blocks  uint64
}

func (f *fakeLedger) Evaluate(_ context.Context, identity string, tx ledger.Tx) (ledger.Result, error) {
	return f.do("evaluate", identity, tx)
}

func (f *fakeLedger) Submit(_ context.Context, identity string, tx ledger.Tx) (ledger.Result, error) {
	return f.do("submit", identity, tx)
}

func (f *fakeLedger) do(kind, identity string, tx ledger.Tx) (ledger.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, call{kind, identity, tx})
	h := f.answers[tx.Fn]
	f.blocks++
	block := f.blocks
	f.mu.Unlock()
	res := ledger.Result{TxID: fmt.Sprintf("tx%04d", block), Block: block}
	if h == nil {
		if kind == "evaluate" {
			return res, &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: tx.Fn + ": nothing scripted"}
		}
		return res, nil
	}
	out, err := h(tx)
	if out.TxID == "" {
		out.TxID, out.Block = res.TxID, res.Block
	}
	return out, err
}

// answer scripts fn to answer v as JSON.
func (f *fakeLedger) answer(fn string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	f.script(fn, func(ledger.Tx) (ledger.Result, error) { return ledger.Result{Payload: b}, nil })
}

func (f *fakeLedger) script(fn string, h func(tx ledger.Tx) (ledger.Result, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[fn] = h
}

// refuse scripts fn to fail as the chaincode refusing it.
func (f *fakeLedger) refuse(fn string, code errs.Code, rule int, msg string) {
	f.script(fn, func(ledger.Tx) (ledger.Result, error) {
		return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: code, Rule: rule, Message: msg}
	})
}

// submitted returns the submitted calls of fn (all functions if fn is "").
func (f *fakeLedger) submitted(fn string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Kind == "submit" && (fn == "" || c.Tx.Fn == fn) {
			out = append(out, c)
		}
	}
	return out
}

// last returns the last call of fn.
func (f *fakeLedger) last(t *testing.T, fn string) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].Tx.Fn == fn {
			return f.calls[i]
		}
	}
	t.Fatalf("no call of %s", fn)
	return call{}
}

type testServer struct {
	t      *testing.T
	srv    *api.Server
	h      http.Handler
	ledger *fakeLedger
	store  *store.DB
	ids    map[string]ledger.IdentityInfo // identity name → info
}

func identityInfo(t *testing.T, name string, admin bool) ledger.IdentityInfo {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ou := "client"
	if admin {
		ou = "admin"
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: name + "@org2.example.com", OrganizationalUnit: []string{ou}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return ledger.IdentityInfo{Name: name, Certificate: cert, ID: roles.IdentityOf(testMSP, cert), Admin: admin}
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	uploadRetryWait = func(int) time.Duration { return 0 } // a chunk's retries need no pause against the fake ledger
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := config.Config{MSPID: testMSP, Channel: "tranchenet", Chaincode: "tranchenet", DataDir: dir}
	var ids []ledger.IdentityInfo
	byName := map[string]ledger.IdentityInfo{}
	for i, r := range testRoles {
		name := fmt.Sprintf("User%d", i)
		if r == roles.Admin {
			name = "Admin"
		}
		id := identityInfo(t, name, r == roles.Admin)
		ids, byName[name] = append(ids, id), id
		cfg.Users = append(cfg.Users, config.User{Name: string(r), Identity: name, Roles: []string{string(r)}, TokenSHA256: config.HashToken(token(r))})
	}
	cfg.SetDefaults()
	fl := &fakeLedger{answers: map[string]func(ledger.Tx) (ledger.Result, error){}}
	srv, err := api.New(api.Deps{
		Config: cfg, Ledger: fl, Store: db, Identities: ids,
		Endorsement: endorse.NewResolver(func(context.Context) (roles.OrgConfig, error) { return testConsortium(), nil }),
		Resources:   []func(*api.Server){Register},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{t: t, srv: srv, h: srv.Handler(), ledger: fl, store: db, ids: byName}
}

// key is the identity key of the user with role r.
func (ts *testServer) key(r roles.Role) string {
	for name, id := range ts.ids {
		if (r == roles.Admin) == (name == "Admin") && ts.userOf(name) == r {
			return id.ID.Key()
		}
	}
	ts.t.Fatalf("no user with role %s", r)
	return ""
}

func (ts *testServer) userOf(identity string) roles.Role {
	for i, r := range testRoles {
		if identity == fmt.Sprintf("User%d", i) || r == roles.Admin && identity == "Admin" {
			return r
		}
	}
	return ""
}

// answer is a recorded response.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a answer) problem(t *testing.T) api.Problem {
	t.Helper()
	if ct := a.Header.Get("Content-Type"); ct != api.ProblemContentType {
		t.Fatalf("Content-Type %q, want problem+json; %d %s", ct, a.Status, a.Body)
	}
	var p api.Problem
	if err := json.Unmarshal(a.Body, &p); err != nil {
		t.Fatalf("problem %s: %v", a.Body, err)
	}
	if p.Status != a.Status || p.Code == "" {
		t.Fatalf("malformed problem: %d %s", a.Status, a.Body)
	}
	return p
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("body %s: %v", a.Body, err)
	}
}

// do sends a request as the user with role as (no role: anonymous).
func (ts *testServer) do(method, path string, as roles.Role, body string, header ...string) answer {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if as != "" {
		r.Header.Set("Authorization", "Bearer "+token(as))
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	ts.h.ServeHTTP(w, r)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return answer{Status: res.StatusCode, Header: res.Header, Body: b}
}
