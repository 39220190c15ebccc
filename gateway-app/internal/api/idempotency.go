package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// HeaderIdempotencyKey is the request header that makes a write safe to retry.
const HeaderIdempotencyKey = "Idempotency-Key"

// HeaderIdempotentReplay marks an answer replayed from the store.
const HeaderIdempotentReplay = "Idempotent-Replayed"

// idempotency makes writes safe to retry. The first answer to a write with
// an Idempotency-Key is stored per (user, key) with a hash of the request;
// a retry gets that answer back and runs nothing; the same key with another
// request is refused (422); a duplicate arriving while the first is still
// running waits for it.
//
// What is stored: every answer except those after which nothing was
// committed and a retry may succeed (ledger unavailable, MVCC conflict);
// for those the key is released so the retry runs. An answer whose outcome
// is unknown (504: submitted, commit status lost) is stored, so a retry can
// never submit twice.
//
// Crashes: a "pending" record is written before the request runs, and
// each transaction ID it proposes is added before the proposal leaves the
// app. A retry that finds a pending record of a process that has since
// stopped asks the ledger about those transactions (resolveInterrupted):
// applied → 409 IDEMPOTENCY_APPLIED naming it, kept; never reached the
// ledger → the request runs now. A pending record of this process (the
// handler panicked) gets 409 IDEMPOTENCY_OUTCOME_UNKNOWN rather than a
// second submission.
type idempotency struct {
	records   store.Idempotency
	retention time.Duration
	boot      string    // this process's ID, owner of its pending records
	booted    time.Time // when this process started: an earlier owner had died by then

	mu       sync.Mutex
	inflight map[string]chan struct{}

	replays, waits prometheus.Counter
}

// replayedHeaders are the response headers kept with a stored answer.
var replayedHeaders = []string{"Content-Type", "Location", "Retry-After", HeaderTransactionID, HeaderBlockNumber}

func newIdempotency(records store.Idempotency, retention time.Duration, reg *metrics.Registry) (*idempotency, error) {
	var b [8]byte
	rand.Read(b[:])
	return &idempotency{
		records: records, retention: retention, boot: hex.EncodeToString(b[:]), booted: time.Now(), inflight: map[string]chan struct{}{},
		replays: reg.NewCounter("tranchenet_gateway_idempotent_replays_total", "Writes answered from the idempotency store instead of running again."),
		waits:   reg.NewCounter("tranchenet_gateway_idempotent_waits_total", "Duplicate writes that waited for the first request with the same key to finish."),
	}, nil
}

// validKey accepts 1 to 255 visible ASCII characters (UUIDs, ULIDs, ...).
func validKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// serve runs a write through the idempotency layer.
func (id *idempotency) serve(s *Server, w http.ResponseWriter, r *http.Request, user *User, run func(http.ResponseWriter, *http.Request)) {
	key := r.Header.Get(HeaderIdempotencyKey)
	if key == "" {
		run(w, r)
		return
	}
	if !validKey(key) {
		s.writeProblem(w, r, BadInput(HeaderIdempotencyKey, "want 1 to 255 visible ASCII characters"))
		return
	}
	var body []byte
	if sp := spoolFrom(r.Context()); sp != nil {
		// An upload was spooled and hashed already: its digest stands for it.
		body = sp.SHA256[:]
	} else {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.writeProblem(w, r, NewProblem(CodePayloadTooLarge, "request body larger than %d bytes", s.cfg.MaxBodyBytes))
			return
		} else if err != nil {
			s.writeProblem(w, r, BadInput("", "reading the request body: %v", err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	scope := user.Name + "\x00" + key
	fp := fingerprint(r, body)

	release := id.claim(r, scope)
	if release == nil {
		return // the client gave up waiting
	}
	defer release()
	rec, found, err := id.load(scope)
	switch {
	case err != nil:
		s.writeProblem(w, r, problemFrom(err))
	case !found:
		pending := store.IdempotencyRecord{State: "pending", Fingerprint: fp, Owner: id.boot, Created: time.Now().UTC()}
		if err := id.store(scope, &pending); err != nil {
			s.writeProblem(w, r, problemFrom(err))
			return
		}
		id.runAndStore(s, w, r, scope, pending, run)
	case rec.Fingerprint != fp:
		s.writeProblem(w, r, NewProblem(CodeIdempotencyKeyReused, "Idempotency-Key %q was used at %s for a different request; use a new key for a new request", key, rec.Created.Format(time.RFC3339)))
	case rec.State == "done":
		id.replay(w, r, rec)
	default:
		id.resolveInterrupted(s, w, r, user, scope, key, rec, run)
	}
}

// claim makes the request the only one working on scope in this process,
// waiting while another request holds it (a concurrent duplicate waits for
// the first to finish, then finds its answer). It returns the release
// function, or nil if the client went away while waiting.
func (id *idempotency) claim(r *http.Request, scope string) (release func()) {
	for {
		id.mu.Lock()
		busy, held := id.inflight[scope]
		if !held {
			done := make(chan struct{})
			id.inflight[scope] = done
			id.mu.Unlock()
			return func() {
				id.mu.Lock()
				delete(id.inflight, scope)
				id.mu.Unlock()
				close(done)
			}
		}
		id.mu.Unlock()
		id.waits.Inc()
		select {
		case <-busy:
		case <-r.Context().Done():
			return nil
		}
	}
}

// runAndStore runs the request, then keeps its answer or releases the key.
func (id *idempotency) runAndStore(s *Server, w http.ResponseWriter, r *http.Request, scope string, rec store.IdempotencyRecord, run func(http.ResponseWriter, *http.Request)) {
	// If run panics, the outer layer answers 500 and the record stays
	// pending: a retry then gets IDEMPOTENCY_OUTCOME_UNKNOWN instead of
	// running a request that may have reached the ledger a second time.
	tee := &teeRecorder{ResponseWriter: w, status: http.StatusOK}
	info := infoFrom(r.Context())
	var mu sync.Mutex
	if info != nil {
		info.onTxID = func(txID string) {
			mu.Lock()
			defer mu.Unlock()
			rec.TxIDs, rec.LastTx = append(rec.TxIDs, txID), time.Now().UTC()
			if err := id.store(scope, &rec); err != nil {
				s.log.ErrorContext(r.Context(), "idempotency record: transaction ID not saved", "tx_id", txID, "error", err.Error())
			}
		}
	}
	run(tee, r)
	mu.Lock()
	defer mu.Unlock()
	var err error
	if info != nil && info.transient {
		err = id.delete(scope)
	} else {
		rec.State, rec.Status, rec.Body, rec.Header = "done", tee.status, tee.body.Bytes(), http.Header{}
		for _, h := range replayedHeaders {
			if v := w.Header().Values(h); len(v) > 0 {
				rec.Header[h] = v
			}
		}
		err = id.store(scope, &rec)
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "idempotency record not saved", "error", err.Error())
	}
}

func (id *idempotency) replay(w http.ResponseWriter, r *http.Request, rec store.IdempotencyRecord) {
	for h, v := range rec.Header {
		w.Header()[h] = v
	}
	if info := infoFrom(r.Context()); info != nil {
		info.txID = w.Header().Get(HeaderTransactionID)
		info.replayed = true
	}
	w.Header().Set(HeaderIdempotentReplay, "true")
	w.WriteHeader(rec.Status)
	w.Write(rec.Body)
	id.replays.Inc()
}

// fingerprint hashes what makes two requests "the same": method, path and
// query, and the exact body bytes (an upload's SHA-256).
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func (id *idempotency) load(scope string) (store.IdempotencyRecord, bool, error) {
	return id.records.Load(scope)
}

func (id *idempotency) store(scope string, rec *store.IdempotencyRecord) error {
	return id.records.Save(scope, *rec)
}

func (id *idempotency) delete(scope string) error { return id.records.Delete(scope) }

// sweep deletes records created before now - retention, except pending
// records of this process (their request is still running).
func (id *idempotency) sweep(now time.Time) (int, error) {
	cutoff := now.Add(-id.retention)
	return id.records.Sweep(func(rec store.IdempotencyRecord) bool {
		return rec.Created.Before(cutoff) && !(rec.State == "pending" && rec.Owner == id.boot)
	})
}

// teeRecorder passes the answer through and keeps a copy.
type teeRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (t *teeRecorder) WriteHeader(code int) {
	if !t.wroteHeader {
		t.status, t.wroteHeader = code, true
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeRecorder) Write(b []byte) (int, error) {
	t.wroteHeader = true
	t.body.Write(b)
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *teeRecorder) Unwrap() http.ResponseWriter { return t.ResponseWriter }
