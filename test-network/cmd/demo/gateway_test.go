package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeBank is a gateway app that answers with scripted replies and
// records what it was sent.
type fakeBank struct {
	mu      sync.Mutex
	height  uint64 // what /readyz reports
	calls   []*http.Request
	keys    []string
	answers []func(w http.ResponseWriter) // for /v1 requests, in turn; the last one repeats
	events  []string                      // "readyz <height>" and "METHOD path", in order
}

func (f *fakeBank) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/readyz" {
		f.events = append(f.events, fmt.Sprintf("readyz %d", f.height))
		fmt.Fprintf(w, `{"status":"ready","height":%d}`, f.height)
		f.height++ // the peer keeps committing
		return
	}
	f.calls = append(f.calls, r)
	f.keys = append(f.keys, r.Header.Get("Idempotency-Key"))
	f.events = append(f.events, r.Method+" "+r.URL.Path)
	answer := f.answers[min(len(f.calls), len(f.answers))-1]
	answer(w)
}

func problemAnswer(status int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func okAnswer(block string, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if block != "" {
			w.Header().Set("X-Transaction-Id", "tx-"+block)
			w.Header().Set("X-Block-Number", block)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
}

// testBanks starts the fake banks and their gateways, sharing one
// causality tracker as the demo's do.
func testBanks(t *testing.T, fakes ...*fakeBank) []*gateway {
	t.Helper()
	keys, causal := &idempotencyKeys{prefix: "test"}, newCausality()
	var out []*gateway
	for i, f := range fakes {
		srv := httptest.NewServer(f)
		t.Cleanup(srv.Close)
		out = append(out, newGateway(bankConfig{MSP: fmt.Sprintf("Bank%dMSP", i+1), URL: srv.URL, Log: "/logs/gateway.log",
			Users: []apiToken{{User: "alice", Roles: []string{"investor"}, Token: "tng_alice"}}}, keys, causal))
	}
	return out
}

func TestARuleRefusalIsAProblemNamingTheRequest(t *testing.T) {
	f := &fakeBank{answers: []func(http.ResponseWriter){problemAnswer(422,
		`{"type":"/docs#problem-RULE_JURISDICTION_BLOCKED","status":422,"code":"RULE_JURISDICTION_BLOCKED","rule":4,"detail":"transfer refused: receiver jurisdiction US-TX"}`)}}
	g := testBanks(t, f)[0]
	_, err := g.write(context.Background(), http.MethodPost, "/v1/tranches/T/transfers", "alice", map[string]any{"units": 1000}, nil)
	var ce *callError
	if !errors.As(err, &ce) || ce.problem == nil || ce.problem.Code != "RULE_JURISDICTION_BLOCKED" || ce.problem.Rule != 4 {
		t.Fatalf("err = %#v", err)
	}
	for _, want := range []string{"POST", "/v1/tranches/T/transfers", "alice", "Bank1MSP", "422 RULE_JURISDICTION_BLOCKED (rule 4)", "US-TX"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if len(f.calls) != 1 {
		t.Errorf("a refusal was sent %d times; only conflicts and unavailability are retried", len(f.calls))
	}
	if got := f.calls[0].Header.Get("Authorization"); got != "Bearer tng_alice" {
		t.Errorf("Authorization %q", got)
	}
}

func TestAConflictIsRetriedWithTheSameIdempotencyKey(t *testing.T) {
	f := &fakeBank{answers: []func(http.ResponseWriter){
		problemAnswer(409, `{"status":409,"code":"TX_CONFLICT","detail":"MVCC_READ_CONFLICT"}`),
		problemAnswer(503, `{"status":503,"code":"LEDGER_UNAVAILABLE"}`),
		okAnswer("12", `{"txId":"tx-12","block":12}`),
	}}
	g := testBanks(t, f)[0]
	var out committed
	tx, err := g.write(context.Background(), http.MethodPost, "/v1/tranches/T/claims", "alice", nil, &out)
	if err != nil || tx != "tx-12" || out.Block != 12 {
		t.Fatalf("tx %q, out %+v, err %v", tx, out, err)
	}
	if len(f.keys) != 3 || f.keys[0] == "" || f.keys[0] != f.keys[1] || f.keys[1] != f.keys[2] {
		t.Fatalf("idempotency keys %q: want one key for the three attempts", f.keys)
	}
	// The next write is another operation: another key.
	if _, err := g.write(context.Background(), http.MethodPost, "/v1/tranches/T/claims", "alice", nil, nil); err != nil {
		t.Fatal(err)
	}
	if f.keys[3] == f.keys[0] {
		t.Errorf("two writes shared the key %q", f.keys[0])
	}
}

func TestReadsCarryNoIdempotencyKeyAndUnknownUsersAreRefusedLocally(t *testing.T) {
	f := &fakeBank{answers: []func(http.ResponseWriter){okAnswer("", `{"units":5}`)}}
	g := testBanks(t, f)[0]
	var p position
	if err := g.get(context.Background(), "/v1/tranches/T/holders/M/x", "alice", &p); err != nil || p.Units != 5 {
		t.Fatalf("%+v %v", p, err)
	}
	if f.keys[0] != "" {
		t.Errorf("a read carried Idempotency-Key %q", f.keys[0])
	}
	if err := g.get(context.Background(), "/v1/whoami", "mallory", nil); err == nil || !strings.Contains(err.Error(), `"mallory"`) {
		t.Errorf("unknown user: %v", err)
	}
	if len(f.calls) != 1 {
		t.Errorf("a request for an unknown user reached the gateway")
	}
}

func TestAWriteWaitsUntilEveryPeerHasTheLastCommittedBlock(t *testing.T) {
	// Bank 1 commits a write in block 20; bank 2's peer is at height 18
	// and commits a block per poll. Bank 2's next write must wait until its
	// peer reports height 21 (block 20 committed).
	b1 := &fakeBank{height: 21, answers: []func(http.ResponseWriter){okAnswer("20", `{}`)}}
	b2 := &fakeBank{height: 18, answers: []func(http.ResponseWriter){okAnswer("21", `{}`)}}
	gs := testBanks(t, b1, b2)
	if _, err := gs[0].write(context.Background(), http.MethodPost, "/v1/pools", "alice", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := gs[1].write(context.Background(), http.MethodPut, "/v1/pools/P/loans", "alice", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"readyz 18", "readyz 19", "readyz 20", "readyz 21", "PUT /v1/pools/P/loans"}
	if got := b2.events; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("bank 2 saw %v, want %v", got, want)
	}
	// Bank 1's own peer answered the write: it is not polled.
	if got := b1.events; len(got) != 1 || got[0] != "POST /v1/pools" {
		t.Errorf("bank 1 saw %v", got)
	}
}

func TestRefusedWantsExactlyTheRefusal(t *testing.T) {
	forbidden := problemAnswer(403, `{"status":403,"code":"FORBIDDEN","detail":"loan-level data"}`)
	g := testBanks(t, &fakeBank{answers: []func(http.ResponseWriter){forbidden}})[0]
	req := request{method: http.MethodGet, path: "/v1/pools/P/loans/1", user: "alice"}
	p, err := g.refused(context.Background(), req, 403, "FORBIDDEN")
	if err != nil || p.Status != 403 {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := g.refused(context.Background(), req, 422, "RULE_PAUSED"); err == nil || !strings.Contains(err.Error(), "want 422 RULE_PAUSED") {
		t.Errorf("another refusal: %v", err)
	}
	ok := testBanks(t, &fakeBank{answers: []func(http.ResponseWriter){okAnswer("", `{}`)}})[0]
	if _, err := ok.refused(context.Background(), req, 403, "FORBIDDEN"); err == nil || !strings.Contains(err.Error(), "was accepted") {
		t.Errorf("an acceptance: %v", err)
	}
}

func TestAFailureReportNamesTheStepTheProblemAndTheLog(t *testing.T) {
	f := &fakeBank{answers: []func(http.ResponseWriter){problemAnswer(502,
		`{"status":502,"code":"PEER_ERROR","txId":"50bf9ea8b2b21bda573e7f6a8555d4f1","detail":"ProposalResponsePayloads do not match"}`)}}
	g := testBanks(t, f)[0]
	_, err := g.write(context.Background(), http.MethodPost, "/v1/settlements/S/receive", "alice", map[string]any{}, nil)
	var out bytes.Buffer
	report(&out, &stepError{step: "Primary issuance", err: err}, nil)
	for _, want := range []string{`FAILED at step "Primary issuance"`, "POST " + g.URL + "/v1/settlements/S/receive", `"alice" of Bank1MSP`,
		"502 PEER_ERROR tx 50bf9ea8b2…: ProposalResponsePayloads do not match", `"code": "PEER_ERROR"`, "log: /logs/gateway.log"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	report(&out, &stepError{step: "Loan pool", err: errors.New("the file changed")}, []string{"/a.log", "/b.log"})
	if !strings.Contains(out.String(), "the file changed") || !strings.Contains(out.String(), "logs: /a.log, /b.log") {
		t.Errorf("a local failure:\n%s", out.String())
	}
}

func TestNextRunFindsTheFirstFreeNumber(t *testing.T) {
	for _, used := range []int{0, 1, 2, 3, 4, 5, 8, 9, 100, 1000} {
		asked := 0
		n, err := nextRun(func(n int) (bool, error) { asked++; return n <= used, nil })
		if err != nil || n != used+1 {
			t.Errorf("%d runs on the ledger: next %d (%v), want %d", used, n, err, used+1)
		}
		if limit := 2*bitLen(used+1) + 1; asked > limit {
			t.Errorf("%d runs: asked the ledger %d times, more than %d", used, asked, limit)
		}
	}
	boom := errors.New("ledger unavailable")
	if _, err := nextRun(func(int) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

func bitLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

func TestParallelReturnsTheFirstErrorInArgumentOrder(t *testing.T) {
	first, second := errors.New("first"), errors.New("second")
	ran := make([]bool, 3)
	err := parallel(
		func() error { ran[0] = true; return nil },
		func() error { ran[1] = true; return first },
		func() error { ran[2] = true; return second },
	)
	if !errors.Is(err, first) || !ran[0] || !ran[1] || !ran[2] {
		t.Fatalf("err %v, ran %v", err, ran)
	}
}
