package api

import (
	"io/fs"
	"net/http"
	"syscall"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// failingRecords is an idempotency store whose writes fail while fail is
// set, as bbolt's do when the disk is full or the data directory read-only.
type failingRecords struct {
	store.Idempotency
	fail error
}

func (f *failingRecords) Save(scope string, rec store.IdempotencyRecord) error {
	if f.fail != nil {
		return f.fail
	}
	return f.Idempotency.Save(scope, rec)
}

func TestUnwritableStoreIs503AndWritesNothing(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EROFS, syscall.ENOSPC} {
		t.Run(errno.Error(), func(t *testing.T) {
			ts := newTestServer(t)
			records := &failingRecords{Idempotency: ts.srv.idem.records, fail: &fs.PathError{Op: "write", Path: "gateway.db", Err: errno}}
			ts.srv.idem.records = records
			put := req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`, idemKey: "disk-trouble"}
			a := ts.do(put)
			if a.Status != http.StatusServiceUnavailable || a.problem(t).Code != CodeStorageUnavailable || a.Header.Get("Retry-After") == "" {
				t.Fatalf("store unwritable: %d %s (Retry-After %q), want 503 %s", a.Status, a.Body, a.Header.Get("Retry-After"), CodeStorageUnavailable)
			}
			if n := ts.ledger.count("submit"); n != 0 {
				t.Fatalf("%d submits while the gateway could not record the key, want 0", n)
			}
			if _, found, _ := records.Load("admin\x00disk-trouble"); found {
				t.Fatal("a record was half-written")
			}
			records.fail = nil // the operator freed the disk
			b := ts.do(put)
			if b.Status != http.StatusOK || b.Header.Get(HeaderIdempotentReplay) != "" || ts.ledger.count("submit") != 1 {
				t.Fatalf("retry with the same key once the disk is back: %d %s", b.Status, b.Body)
			}
			if rec, found, _ := records.Load("admin\x00disk-trouble"); !found || rec.State != "done" {
				t.Fatalf("the answer is kept under the key once the disk is back: %+v %v", rec, found)
			}
		})
	}
}
