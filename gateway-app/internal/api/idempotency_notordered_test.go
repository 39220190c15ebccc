package api

import (
	"net/http"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// A write that failed before ordering (the endorsers disagreed:
// "ProposalResponsePayloads do not match") committed nothing: its 502 must
// not be kept under the Idempotency-Key, or the key is blocked for good.
func TestFailureBeforeOrderingReleasesTheKey(t *testing.T) {
	ts := newTestServer(t)
	calls := 0
	ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
		calls++
		if calls == 1 {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindPeer, NotOrdered: true, TxID: "tx-never-ordered",
				Message: "failed to collect enough transaction endorsements: ProposalResponsePayloads do not match"}
		}
		return ledger.Result{TxID: "tx-2", Block: 9}, nil
	}
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "mismatch-once"}
	first := ts.do(put)
	if first.Status != http.StatusBadGateway || first.Header.Get("Retry-After") == "" {
		t.Fatalf("first: %d %s (Retry-After %q), want 502 with Retry-After", first.Status, first.Body, first.Header.Get("Retry-After"))
	}
	second := ts.do(put)
	if second.Status != http.StatusOK || second.Header.Get(HeaderIdempotentReplay) != "" || second.Header.Get(HeaderTransactionID) != "tx-2" {
		t.Fatalf("retry with the same key must run again: %d %s", second.Status, second.Body)
	}
	if third := ts.do(put); third.Header.Get(HeaderIdempotentReplay) != "true" || third.Header.Get(HeaderTransactionID) != "tx-2" {
		t.Fatalf("the success is then kept: %d %s", third.Status, third.Body)
	}
	if n := ts.ledger.count("submit"); n != 2 {
		t.Fatalf("%d submits, want 2", n)
	}
}

// A peer error after ordering began (no NotOrdered) stays stored: the
// transaction may have committed, so running it again could apply it twice.
func TestPeerErrorAfterOrderingIsKept(t *testing.T) {
	ts := newTestServer(t)
	ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
		return ledger.Result{}, &ledger.Error{Kind: ledger.KindPeer, TxID: "tx-maybe", Message: "stream broke"}
	}
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "kept"}
	ts.do(put)
	if again := ts.do(put); again.Header.Get(HeaderIdempotentReplay) != "true" {
		t.Fatalf("retry: %d %s, want the stored answer", again.Status, again.Body)
	}
	if n := ts.ledger.count("submit"); n != 1 {
		t.Fatalf("%d submits, want 1", n)
	}
}
