package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// statusLedger is the fake ledger with a transaction index, as a peer's
// qscc answers it.
type statusLedger struct {
	*fakeLedger
	txs map[string]ledger.TxOutcome
}

func (l statusLedger) TxStatus(_ context.Context, _, txID string) (ledger.TxOutcome, error) {
	return l.txs[txID], nil
}

// interruptedServer is a test server whose store holds the pending record
// a killed gateway process left for the write put, having proposed txIDs.
func interruptedServer(t *testing.T, onLedger map[string]ledger.TxOutcome, txIDs ...string) (*testServer, req) {
	t.Helper()
	ts := newTestServer(t, func(_ *config.Config, d *Deps) {
		d.Ledger = statusLedger{fakeLedger: d.Ledger.(*fakeLedger), txs: onLedger}
	})
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "killed"}
	hr, _ := http.NewRequest(put.method, put.path, nil)
	rec := store.IdempotencyRecord{State: "pending", Fingerprint: fingerprint(hr, []byte(put.body)), Owner: "killed-process",
		Created: time.Now().Add(-time.Minute).UTC(), TxIDs: txIDs, LastTx: time.Now().Add(-time.Minute).UTC()}
	if err := ts.store.Idempotency().Save("admin\x00killed", rec); err != nil {
		t.Fatal(err)
	}
	return ts, put
}

func TestRetryAfterAGatewayCrashIsAnsweredFromTheLedger(t *testing.T) {
	t.Run("applied before the crash", func(t *testing.T) {
		ts, put := interruptedServer(t, map[string]ledger.TxOutcome{"tx-b": {Found: true, Valid: true, Block: 9}},
			"tx-a", "tx-b") // tx-a: a re-proposal that never committed
		a := ts.do(put)
		if a.Status != http.StatusConflict || a.problem(t).Code != CodeIdempotencyApplied || a.problem(t).TxID != "tx-b" {
			t.Fatalf("%d %s, want 409 %s naming tx-b", a.Status, a.Body, CodeIdempotencyApplied)
		}
		if again := ts.do(put); again.Header.Get(HeaderIdempotentReplay) != "true" || !bytes.Equal(again.Body, a.Body) || again.Header.Get(HeaderTransactionID) != "tx-b" {
			t.Fatalf("the answer is kept under the key: %d %s", again.Status, again.Body)
		}
		if n := ts.ledger.count("submit"); n != 0 {
			t.Fatalf("an applied request was submitted again %d time(s)", n)
		}
	})
	t.Run("never reached the ledger", func(t *testing.T) {
		ts, put := interruptedServer(t, map[string]ledger.TxOutcome{}, "tx-lost")
		ts.srv.idem.booted = time.Now().Add(-time.Minute) // this process started a while ago
		a := ts.do(put)
		if a.Status != http.StatusOK || ts.ledger.count("submit") != 1 {
			t.Fatalf("%d %s (submits %d), want the request run once now", a.Status, a.Body, ts.ledger.count("submit"))
		}
		if again := ts.do(put); again.Header.Get(HeaderIdempotentReplay) != "true" || ts.ledger.count("submit") != 1 {
			t.Fatalf("then replayed: %d %s", again.Status, again.Body)
		}
	})
	t.Run("too early to tell", func(t *testing.T) {
		ts, put := interruptedServer(t, map[string]ledger.TxOutcome{}, "tx-in-flight") // this process has just started
		a := ts.do(put)
		if a.Status != http.StatusServiceUnavailable || a.Header.Get("Retry-After") == "" || ts.ledger.count("submit") != 0 {
			t.Fatalf("%d %s, want 503 with Retry-After and nothing submitted", a.Status, a.Body)
		}
		if rec, found, _ := ts.store.Idempotency().Load("admin\x00killed"); !found || rec.State != "pending" || rec.Owner != "killed-process" {
			t.Fatalf("the record must stay until the ledger has spoken: %+v", rec)
		}
	})
}

func TestProposedTransactionsAreRecordedUnderTheKey(t *testing.T) {
	ts := newTestServer(t)
	ts.ledger.handler = func(_, _ string, tx ledger.Tx) (ledger.Result, error) {
		tx.OnTxID("tx-first") // a proposal the endorsers disagreed on
		tx.OnTxID("tx-second")
		return ledger.Result{TxID: "tx-second", Block: 4}, nil
	}
	put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "recorded"}
	if a := ts.do(put); a.Status != http.StatusOK {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	rec, found, err := ts.store.Idempotency().Load("admin\x00recorded")
	if err != nil || !found || len(rec.TxIDs) != 2 || rec.TxIDs[0] != "tx-first" || rec.TxIDs[1] != "tx-second" || rec.LastTx.IsZero() {
		t.Fatalf("record %+v", rec)
	}
}

// An interrupted resumable upload (a loan tape) whose first chunks are on
// the ledger runs again under its key, once what it sent has settled: its
// chunks are its progress, not its result. A non-resumable upload with a
// chunk on the ledger is answered IDEMPOTENCY_APPLIED as any write.
func TestAnInterruptedResumableUploadRunsAgain(t *testing.T) {
	for _, resumable := range []bool{true, false} {
		runs := 0
		ts := newTestServer(t, func(_ *config.Config, d *Deps) {
			d.Ledger = statusLedger{fakeLedger: d.Ledger.(*fakeLedger), txs: map[string]ledger.TxOutcome{"chunk-0": {Found: true, Valid: true, Block: 3}}}
			d.Resources = []func(*Server){func(s *Server) {
				Register(s, Endpoint[NoBody, map[string]int]{
					Method: "PUT", Path: "/v1/test/files", Tag: "test", Roles: []roles.Role{roles.Admin}, Summary: "Upload a file in chunks",
					Upload: &Upload{ContentTypes: []string{"text/csv"}, Resumable: resumable},
					Handle: func(*Call, *NoBody) (*map[string]int, error) { runs++; return &map[string]int{"resumedAt": 1}, nil },
				})
			}}
		})
		ts.srv.idem.booted = time.Now().Add(-time.Minute) // the killed process died a while ago
		const file = "loan,balance\nL1,100.00\n"
		sum := sha256.Sum256([]byte(file))
		hr, _ := http.NewRequest("PUT", "/v1/test/files", nil)
		rec := store.IdempotencyRecord{State: "pending", Fingerprint: fingerprint(hr, sum[:]), Owner: "killed-process",
			Created: time.Now().Add(-time.Minute).UTC(), TxIDs: []string{"chunk-0", "chunk-1"}, LastTx: time.Now().Add(-time.Minute).UTC()}
		if err := ts.store.Idempotency().Save("admin\x00tape", rec); err != nil {
			t.Fatal(err)
		}
		a := ts.do(req{method: "PUT", path: "/v1/test/files", token: adminToken, body: file, contentType: "text/csv", idemKey: "tape"})
		switch {
		case resumable && (a.Status != http.StatusOK || runs != 1):
			t.Fatalf("resumable: %d %s (runs %d), want the upload run again", a.Status, a.Body, runs)
		case !resumable && (a.Status != http.StatusConflict || a.problem(t).Code != CodeIdempotencyApplied || runs != 0):
			t.Fatalf("not resumable: %d %s (runs %d), want 409 %s", a.Status, a.Body, runs, CodeIdempotencyApplied)
		}
	}
}
