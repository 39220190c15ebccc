package api

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

func TestIdempotentRetryReturnsTheFirstAnswerAndSubmitsOnce(t *testing.T) {
	ts := newTestServer(t)
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "order-42"}
	first := ts.do(put)
	if first.Status != http.StatusOK || first.Header.Get(HeaderIdempotentReplay) != "" {
		t.Fatalf("first: %d %v %s", first.Status, first.Header, first.Body)
	}
	for i := 0; i < 3; i++ {
		again := ts.do(put)
		if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) || again.Header.Get(HeaderIdempotentReplay) != "true" {
			t.Fatalf("retry %d: %d %s, want replay of %s", i, again.Status, again.Body, first.Body)
		}
		for _, h := range []string{HeaderTransactionID, HeaderBlockNumber, "Content-Type"} {
			if again.Header.Get(h) != first.Header.Get(h) {
				t.Errorf("retry %d: header %s = %q, first had %q", i, h, again.Header.Get(h), first.Header.Get(h))
			}
		}
		if again.Header.Get(HeaderRequestID) == first.Header.Get(HeaderRequestID) {
			t.Error("a replay is a new request: it gets its own request ID")
		}
	}
	if n := ts.ledger.count("submit"); n != 1 {
		t.Fatalf("ledger saw %d submits, want 1", n)
	}
	if got := ts.metricValue(t, "tranchenet_gateway_idempotent_replays_total"); got != "3" {
		t.Errorf("replays metric %s, want 3", got)
	}
}

func TestSameKeyDifferentRequestIs422(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "k-1"})
	if a.Status != http.StatusOK {
		t.Fatal(a.Status)
	}
	for _, other := range []req{
		{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"w"}`, idemKey: "k-1"},
		{method: "PUT", path: "/v1/probe/public/other", token: adminToken, body: `{"value":"v"}`, idemKey: "k-1"},
	} {
		b := ts.do(other)
		if b.Status != http.StatusUnprocessableEntity || b.problem(t).Code != CodeIdempotencyKeyReused {
			t.Fatalf("%s with a used key: %d %s", other.path, b.Status, b.Body)
		}
	}
	if n := ts.ledger.count("submit"); n != 1 {
		t.Fatalf("ledger saw %d submits, want 1", n)
	}
}

func TestKeysArePerUser(t *testing.T) {
	ts := newTestServer(t)
	ts.srv.auth.tokens = append(ts.srv.auth.tokens, tokenEntry{hash: sha(t, "tng_second-admin"), user: &User{Name: "admin2", Identity: "Admin", Roles: ts.srv.auth.tokens[0].user.Roles}})
	for _, token := range []string{adminToken, "tng_second-admin"} {
		a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: token, body: `{"value":"v"}`, idemKey: "shared"})
		if a.Status != http.StatusOK || a.Header.Get(HeaderIdempotentReplay) != "" {
			t.Fatalf("token %s: %d replayed=%q", token, a.Status, a.Header.Get(HeaderIdempotentReplay))
		}
	}
	if n := ts.ledger.count("submit"); n != 2 {
		t.Fatalf("two users' requests with the same key: %d submits, want 2", n)
	}
}

func TestConcurrentDuplicatesWaitForTheFirst(t *testing.T) {
	ts := newTestServer(t)
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
		once.Do(func() { close(started) })
		<-release
		return ledger.Result{TxID: "tx-only", Block: 7}, nil
	}
	const n = 8
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "dup"}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); answers[0] = ts.do(put) }()
	<-started // the first request is inside the ledger call
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); answers[i] = ts.do(put) }()
	}
	// Release the first only once every duplicate is waiting for it.
	waitFor(t, func() bool { return ts.metricValue(t, "tranchenet_gateway_idempotent_waits_total") == fmt.Sprint(n-1) })
	close(release)
	wg.Wait()
	if c := ts.ledger.count("submit"); c != 1 {
		t.Fatalf("%d concurrent duplicates caused %d submits, want 1", n, c)
	}
	for i, a := range answers {
		if a.Status != http.StatusOK || !bytes.Equal(a.Body, answers[0].Body) {
			t.Fatalf("answer %d: %d %s, want %s", i, a.Status, a.Body, answers[0].Body)
		}
	}
}

func TestRetryableFailuresReleaseTheKey(t *testing.T) {
	for _, kind := range []ledger.Kind{ledger.KindUnavailable, ledger.KindConflict} {
		t.Run(kind.String(), func(t *testing.T) {
			ts := newTestServer(t)
			calls := 0
			ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
				calls++
				if calls == 1 {
					return ledger.Result{}, &ledger.Error{Kind: kind, Retryable: true, Message: "try later"}
				}
				return ledger.Result{TxID: "tx-2", Block: 3}, nil
			}
			put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "retry-me"}
			if a := ts.do(put); a.Status < 409 {
				t.Fatalf("first: %d", a.Status)
			}
			a := ts.do(put)
			if a.Status != http.StatusOK || a.Header.Get(HeaderIdempotentReplay) != "" {
				t.Fatalf("retry after a retryable failure must run again: %d %s", a.Status, a.Body)
			}
			if b := ts.do(put); b.Header.Get(HeaderIdempotentReplay) != "true" || !bytes.Equal(b.Body, a.Body) {
				t.Fatalf("the success must then be kept: %s", b.Body)
			}
			if ts.ledger.count("submit") != 2 {
				t.Fatalf("%d submits, want 2", ts.ledger.count("submit"))
			}
		})
	}
}

func TestFinalFailuresAreKept(t *testing.T) {
	for _, le := range []*ledger.Error{
		{Kind: ledger.KindUnknownOutcome, Message: "commit status lost", TxID: "tx-lost"},
		{Kind: ledger.KindRefused, Code: "RULE_FROZEN", Rule: 8, Message: "sender frozen"},
	} {
		t.Run(le.Kind.String(), func(t *testing.T) {
			ts := newTestServer(t)
			ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) { return ledger.Result{}, le }
			put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "final"}
			first := ts.do(put)
			second := ts.do(put)
			if second.Header.Get(HeaderIdempotentReplay) != "true" || second.Status != first.Status || !bytes.Equal(second.Body, first.Body) {
				t.Fatalf("retry of a final answer %d must replay it, got %d %s", first.Status, second.Status, second.Body)
			}
			if ts.ledger.count("submit") != 1 {
				t.Fatalf("%d submits, want 1", ts.ledger.count("submit"))
			}
		})
	}
}

func TestBadBodyDoesNotConsumeTheKey(t *testing.T) {
	ts := newTestServer(t)
	if a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":""}`, idemKey: "fix-me"}); a.Status != 400 {
		t.Fatalf("bad body: %d", a.Status)
	}
	a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"fixed"}`, idemKey: "fix-me"})
	if a.Status != http.StatusOK || a.Header.Get(HeaderIdempotentReplay) != "" || ts.ledger.count("submit") != 1 {
		t.Fatalf("corrected request with the same key: %d %s", a.Status, a.Body)
	}
}

func TestInterruptedRequestIsNotRunAgain(t *testing.T) {
	ts := newTestServer(t)
	// A pending record left by a previous process that died mid-request.
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "crash"}
	hr, _ := http.NewRequest(put.method, put.path, nil)
	rec := store.IdempotencyRecord{State: "pending", Fingerprint: fingerprint(hr, []byte(put.body)), Owner: "previous-boot", Created: time.Now().UTC()}
	if err := ts.store.Idempotency().Save("admin\x00crash", rec); err != nil {
		t.Fatal(err)
	}
	a := ts.do(put)
	if a.Status != http.StatusConflict || a.problem(t).Code != CodeIdempotencyUnknown {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if ts.ledger.count("submit") != 0 {
		t.Fatal("an interrupted request must not be submitted again")
	}
}

func TestPanickingHandlerLeavesTheKeyBlocked(t *testing.T) {
	ts := newTestServer(t)
	ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) { panic("bug after submit") }
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "boom"}
	if a := ts.do(put); a.Status != 500 || a.problem(t).Code != CodeInternal {
		t.Fatalf("panic: %d %s", a.Status, a.Body)
	}
	a := ts.do(put)
	if a.Status != http.StatusConflict || a.problem(t).Code != CodeIdempotencyUnknown || ts.ledger.count("submit") != 1 {
		t.Fatalf("retry after a panic: %d %s (submits %d)", a.Status, a.Body, ts.ledger.count("submit"))
	}
}

func TestInvalidKeyAndKeylessWrites(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "has space"})
	if p := a.problem(t); a.Status != 400 || p.Field != HeaderIdempotencyKey {
		t.Fatalf("%d %+v", a.Status, p)
	}
	for i := 0; i < 2; i++ {
		ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`})
	}
	if ts.ledger.count("submit") != 2 {
		t.Fatal("writes without a key run every time")
	}
}

func TestSweepDeletesExpiredRecords(t *testing.T) {
	ts := newTestServer(t)
	ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "old"})
	if n, err := ts.srv.SweepIdempotency(time.Now()); err != nil || n != 0 {
		t.Fatalf("fresh record swept: %d %v", n, err)
	}
	if n, err := ts.srv.SweepIdempotency(time.Now().Add(25 * time.Hour)); err != nil || n != 1 {
		t.Fatalf("expired record not swept: %d %v", n, err)
	}
	ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "old"})
	if ts.ledger.count("submit") != 2 {
		t.Fatal("after expiry the key is free again")
	}
}
