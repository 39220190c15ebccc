package api

import (
	"context"
	"net/http"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// interruptedSettle is how long after the previous process died (bounded
// by this one's start) or after the interrupted request's last proposal a
// transaction it sent is given to reach the ledger before it is taken as
// never ordered: the orderers commit what they accepted within a few
// batch timeouts, and re-elect a leader within seconds.
const interruptedSettle = 30 * time.Second

// txStatusReader is the part of the ledger that looks a transaction up by
// ID (ledger.Gateway and ledger.Instrumented have it).
type txStatusReader interface {
	TxStatus(ctx context.Context, identity, txID string) (ledger.TxOutcome, error)
}

// resolveInterrupted answers a retry whose key holds a pending record no
// running request owns: the gateway process that ran it stopped (killed,
// crashed) before answering, or the handler panicked. The record lists the
// transactions the request proposed, so the ledger tells what happened:
//
//   - one of them is VALID on the ledger: the request was applied; 409
//     IDEMPOTENCY_APPLIED names the transaction and block, and is kept
//     under the key (never applied twice);
//   - none reached the ledger (or none was proposed) and the previous
//     process has been gone long enough for anything it sent to have
//     committed: the request runs now, as if first received;
//   - otherwise (too early, or the ledger cannot be asked): 503, retry.
//
// A resumable upload (Upload.Resumable: a loan tape) is the exception to
// the first rule: its chunks already on the ledger are not the request's
// result but its progress, and running it again resumes after them (the
// chaincode takes each chunk once, in order). So once whatever it sent has
// settled, an interrupted resumable upload runs again: same file, same
// key, and the answer is the completed upload's.
//
// A record of this very process (a panic) stays 409 IDEMPOTENCY_OUTCOME_UNKNOWN.
func (id *idempotency) resolveInterrupted(s *Server, w http.ResponseWriter, r *http.Request, user *User, scope, key string,
	rec store.IdempotencyRecord, run func(http.ResponseWriter, *http.Request)) {
	lookup, ok := s.ledger.(txStatusReader)
	if rec.Owner == id.boot || !ok {
		s.writeProblem(w, r, NewProblem(CodeIdempotencyUnknown, "the request with Idempotency-Key %q started at %s was interrupted (gateway restart or internal error) and may have reached the ledger; check the resource, then retry with a new key", key, rec.Created.Format(time.RFC3339)))
		return
	}
	sp := spoolFrom(r.Context())
	resumable := sp != nil && sp.Resumable
	for _, txID := range rec.TxIDs {
		out, err := lookup.TxStatus(r.Context(), user.Identity, txID)
		if err != nil {
			p := NewProblem(CodeLedgerUnavailable, "the request with Idempotency-Key %q was interrupted by a gateway restart; the ledger could not be asked whether its transaction %s committed: %v", key, txID, err)
			p.RetryAfter, p.transient = retryAfterUnavailable, true
			s.writeProblem(w, r, p) // the record stays until the ledger has spoken
			return
		}
		if out.Valid && !resumable {
			p := NewProblem(CodeIdempotencyApplied, "the request with Idempotency-Key %q was applied (transaction %s, block %d) by a gateway process that stopped before answering; read the resource for its result, and do not send it again", key, txID, out.Block)
			p.TxID = txID
			id.storeAnswer(s, w, r, scope, rec, p)
			return
		}
	}
	settled := rec.LastTx
	if id.booted.After(settled) {
		settled = id.booted
	}
	if wait := time.Until(settled.Add(interruptedSettle)); len(rec.TxIDs) > 0 && wait > 0 {
		p := NewProblem(CodeLedgerUnavailable, "the request with Idempotency-Key %q was interrupted by a gateway restart and its transaction is not on the ledger yet; retry in %d s", key, int(wait.Seconds())+1)
		p.RetryAfter, p.transient = int(wait.Seconds())+1, true
		s.writeProblem(w, r, p) // the record stays until the ledger has spoken
		return
	}
	// Nothing of it is or will be on the ledger (an upload: whatever it
	// sent has settled): run it now, under a record of this process.
	pending := store.IdempotencyRecord{State: "pending", Fingerprint: rec.Fingerprint, Owner: id.boot, Created: time.Now().UTC()}
	if err := id.store(scope, &pending); err != nil {
		s.writeProblem(w, r, problemFrom(err))
		return
	}
	if resumable {
		s.log.InfoContext(r.Context(), "interrupted upload runs again: it resumes after its chunks on the ledger", "key", key, "proposed", len(rec.TxIDs))
	} else {
		s.log.InfoContext(r.Context(), "interrupted request runs again: none of its transactions reached the ledger", "key", key, "proposed", len(rec.TxIDs))
	}
	id.runAndStore(s, w, r, scope, pending, run)
}

// storeAnswer answers p and keeps it under the key as the request's answer.
func (id *idempotency) storeAnswer(s *Server, w http.ResponseWriter, r *http.Request, scope string, rec store.IdempotencyRecord, p *Problem) {
	tee := &teeRecorder{ResponseWriter: w, status: http.StatusOK}
	s.writeProblem(tee, r, p)
	rec.State, rec.Status, rec.Body, rec.Header = "done", tee.status, tee.body.Bytes(), http.Header{}
	for _, h := range replayedHeaders {
		if v := w.Header().Values(h); len(v) > 0 {
			rec.Header[h] = v
		}
	}
	if err := id.store(scope, &rec); err != nil {
		s.log.ErrorContext(r.Context(), "idempotency record not saved", "error", err.Error())
	}
}
