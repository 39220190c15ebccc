package stubtest

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

func TestConcurrentReadModifyWriteConflicts(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	first := w.Endorse(alice, "Probe:Increment", []string{"c"})
	second := w.Endorse(alice, "Probe:Increment", []string{"c"})
	if e := second.Endorsement(); string(e.Payload) != "1" || e.Code != peer.TxValidationCode_NOT_VALIDATED {
		t.Fatalf("endorsement %+v: both simulations see the same committed state", e)
	}

	if r := w.Commit(first); r.Code != peer.TxValidationCode_VALID || !r.OK() {
		t.Fatalf("first commit: %s", r.Code)
	}
	r := w.Commit(second)
	if r.Code != peer.TxValidationCode_MVCC_READ_CONFLICT || r.OK() {
		t.Fatalf("second commit: %s, want MVCC_READ_CONFLICT", r.Code)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "MVCC_READ_CONFLICT") {
		t.Fatalf("Err() = %v", err)
	}
	if got := string(w.Public()["c"]); got != "1" {
		t.Fatalf("counter %q after one valid increment", got)
	}
	if r := w.Commit(first); r.Code != peer.TxValidationCode_DUPLICATE_TXID {
		t.Fatalf("recommit: %s, want DUPLICATE_TXID", r.Code)
	}
	if got := string(w.Public()["c"]); got != "1" {
		t.Fatalf("counter %q after a duplicate", got)
	}
}

func TestBlindWritesDoNotConflict(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	a := w.Endorse(alice, "Probe:Put", []string{"k", "a"})
	b := w.Endorse(alice, "Probe:Put", []string{"k", "b"})
	mustOK(t, w.Commit(b))
	mustOK(t, w.Commit(a))
	if got := string(w.Public()["k"]); got != "a" {
		t.Fatalf("k = %q, want the last committed write", got)
	}
}

func TestPhantomReads(t *testing.T) {
	tests := []struct {
		name        string
		interleaved []string // Probe:Put args committed between endorsement and commit
		want        peer.TxValidationCode
	}{
		{"key added inside the range", []string{"a3", "v"}, peer.TxValidationCode_PHANTOM_READ_CONFLICT},
		{"key in the range rewritten", []string{"a1", "v2"}, peer.TxValidationCode_PHANTOM_READ_CONFLICT},
		{"key added outside the range", []string{"b1", "v"}, peer.TxValidationCode_VALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newProbeWorld(t)
			trustee := w.Identity(org1, "trustee")
			mustOK(t, w.Invoke(trustee, "Probe:Put", []string{"a1", "v"}))
			mustOK(t, w.Invoke(trustee, "Probe:Put", []string{"a2", "v"}))
			tally := w.Endorse(trustee, "Probe:Tally", []string{"a", "b", "count"})
			mustOK(t, w.Invoke(trustee, "Probe:Put", tc.interleaved))
			if r := w.Commit(tally); r.Code != tc.want {
				t.Fatalf("Tally committed as %s, want %s", r.Code, tc.want)
			}
			_, counted := w.Public()["count"]
			if counted != (tc.want == peer.TxValidationCode_VALID) {
				t.Fatalf("count written = %v for a %s transaction", counted, tc.want)
			}
		})
	}
}

func TestPrivateReadConflicts(t *testing.T) {
	w := privateWorld(t)
	trustee := w.Identity(org1, "trustee")
	stale := w.Endorse(trustee, "Probe:PutPrivateThenGet", []string{"loanTape", "L1"}, value("balance=80"))
	mustOK(t, w.Invoke(trustee, "Probe:PutPrivate", []string{"loanTape", "L1"}, value("balance=90")))
	if r := w.Commit(stale); r.Code != peer.TxValidationCode_MVCC_READ_CONFLICT {
		t.Fatalf("stale private read committed as %s", r.Code)
	}
	if got := string(w.Private("loanTape")["L1"]); got != "balance=90" {
		t.Fatalf("L1 = %q", got)
	}
	// A hash read is a read too.
	hashRead := w.Endorse(w.Identity(org3, "investor"), "Probe:PrivateHash", []string{"loanTape", "L1"})
	mustOK(t, w.Invoke(trustee, "Probe:DeletePrivate", []string{"loanTape", "L1"}))
	if r := w.Commit(hashRead); r.Code != peer.TxValidationCode_MVCC_READ_CONFLICT {
		t.Fatalf("stale hash read committed as %s", r.Code)
	}
}

func TestInvalidTransactionKeepsNoEvent(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	tx := w.Endorse(alice, "Probe:IncrementAndEmit", []string{"c"})
	if e := tx.Endorsement(); e.Event == nil || e.Event.Name != "Incremented" {
		t.Fatalf("endorsement event %+v", e.Event)
	}
	mustOK(t, w.Invoke(alice, "Probe:Increment", []string{"c"}))
	r := w.Commit(tx)
	if r.Code != peer.TxValidationCode_MVCC_READ_CONFLICT || r.Event != nil {
		t.Fatalf("commit: %s with event %+v; want MVCC_READ_CONFLICT and no event", r.Code, r.Event)
	}
	if ev := w.Events(); len(ev) != 0 {
		t.Fatalf("event log holds an invalid transaction's event: %+v", ev)
	}
}

func TestFailedEndorsementIsNeverCommitted(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	w.Seed("c", []byte("corrupt"))
	before := w.Snapshot()
	tx := w.Endorse(alice, "Probe:Increment", []string{"c"})
	for i := 0; i < 2; i++ {
		r := w.Commit(tx)
		if r.Status != 500 || r.Code != peer.TxValidationCode_NOT_VALIDATED || r.OK() {
			t.Fatalf("commit %d: status %d code %s", i, r.Status, r.Code)
		}
		if err := r.Err(); err == nil || !strings.Contains(err.Error(), "CORRUPT") {
			t.Fatalf("Err() = %v", err)
		}
	}
	if d := w.Diff(before); len(d) != 0 {
		t.Fatalf("changed: %v", d)
	}
}

// TestNoLostUpdatesUnderConcurrency runs increments of one counter from
// many goroutines: some conflict, but the counter always equals the number
// of valid increments, the property behind "no double spend".
func TestNoLostUpdatesUnderConcurrency(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	const workers, each = 4, 25
	var mu sync.Mutex
	valid, conflicts := 0, 0
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := w.Invoke(alice, "Probe:Increment", []string{"c"})
				mu.Lock()
				switch r.Code {
				case peer.TxValidationCode_VALID:
					valid++
				case peer.TxValidationCode_MVCC_READ_CONFLICT:
					conflicts++
				default:
					t.Errorf("unexpected result %s: %s", r.Code, r.Message)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if valid+conflicts != workers*each {
		t.Fatalf("%d valid + %d conflicts != %d", valid, conflicts, workers*each)
	}
	if got := string(w.Public()["c"]); got != strconv.Itoa(valid) {
		t.Fatalf("counter %s, valid increments %d", got, valid)
	}
	if len(w.Events()) != 0 {
		t.Fatal("events from increments")
	}
}

func BenchmarkInvokePut(b *testing.B) {
	w := newProbeWorld(b)
	alice := w.Identity(org2, "alice")
	args := []string{"k", "v"}
	b.ReportAllocs()
	for b.Loop() {
		if r := w.Invoke(alice, "Probe:Put", args); !r.OK() {
			b.Fatal(r.Err())
		}
	}
}

func BenchmarkInvokePutParallel(b *testing.B) {
	w := newProbeWorld(b)
	alice := w.Identity(org2, "alice")
	var n sync.Mutex
	worker := 0
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n.Lock()
		key := fmt.Sprintf("k%d", worker)
		worker++
		n.Unlock()
		for pb.Next() {
			if r := w.Invoke(alice, "Probe:Put", []string{key, "v"}); !r.OK() {
				b.Error(r.Err())
				return
			}
		}
	})
}
