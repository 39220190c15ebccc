package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// fakeSource replays a fixed chain of chaincode events the way the Fabric
// Gateway does from a checkpoint, with the faults a real stream has.
type fakeSource struct {
	chain []RawEvent // in ledger order

	mu sync.Mutex
	// closeAfter closes each stream after that many events (0: never).
	closeAfter int
	// resendBlock starts streams at the beginning of the checkpoint's
	// block, ignoring its transaction: an at-least-once source.
	resendBlock bool
	// failOpens makes the first opens fail.
	failOpens int
	opens     []store.Checkpoint
}

func (f *fakeSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan RawEvent, error) {
	f.mu.Lock()
	f.opens = append(f.opens, cp)
	if f.failOpens > 0 {
		f.failOpens--
		f.mu.Unlock()
		return nil, errors.New("peer unavailable")
	}
	closeAfter, resend := f.closeAfter, f.resendBlock
	f.mu.Unlock()

	// resume is where Fabric resumes: after cp.TxID in cp.Block.
	resume := len(f.chain)
	for i, ev := range f.chain {
		if ev.Block > cp.Block || ev.Block == cp.Block && cp.TxID == "" {
			resume = i
			break
		}
		if ev.Block == cp.Block && ev.TxID == cp.TxID {
			resume = i + 1
			break
		}
	}
	start := resume
	if resend {
		for start > 0 && f.chain[start-1].Block == cp.Block {
			start--
		}
	}
	out := make(chan RawEvent)
	go func() {
		defer close(out)
		sent := 0 // new events sent; repeats do not count
		for i := start; i < len(f.chain); i++ {
			if closeAfter > 0 && sent == closeAfter {
				return
			}
			select {
			case out <- f.chain[i]:
				if i >= resume {
					sent++
				}
			case <-ctx.Done():
				return
			}
		}
		<-ctx.Done() // a live stream stays open, waiting for new blocks
	}()
	return out, nil
}

// countingProjection records each application of an event, in the
// listener's transaction: it appends to the store's event log at the next
// free position an entry named after the event, so the log lists every
// application in order, repeats included.
func countingProjection(w store.Writer, ev Event) error {
	last, err := w.Events(store.EventQuery{Desc: true, Limit: 1})
	if err != nil {
		return err
	}
	next := uint64(0)
	if len(last.Events) > 0 {
		next = last.Events[0].Block + 1
	}
	return w.AppendEvent(store.EventRecord{Block: next, TxID: ev.TxID, Name: fmt.Sprintf("%s/%d", ev.TxID, ev.Index), ChaincodeEvent: "test"})
}

// expectedKeys lists the projection keys of a chain, in order.
func expectedKeys(t *testing.T, chain []RawEvent) []string {
	var out []string
	for _, raw := range chain {
		evs, err := Unpack(raw, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			out = append(out, fmt.Sprintf("%s/%d", ev.TxID, ev.Index))
		}
	}
	return out
}

// checkExactlyOnce asserts every event of chain was applied once, in order,
// and the checkpoint names the last one.
func checkExactlyOnce(t *testing.T, db *store.DB, chain []RawEvent) {
	t.Helper()
	want := expectedKeys(t, chain)
	err := db.View(func(r store.Reader) error {
		var got []string
		q := store.EventQuery{Limit: store.MaxPageSize}
		for {
			page, err := r.Events(q)
			if err != nil {
				return err
			}
			for _, e := range page.Events {
				got = append(got, e.Name)
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
		// Applied once each, in order: the log of applications is the
		// list of events.
		if strings.Join(got, " ") != strings.Join(want, " ") {
			return fmt.Errorf("applied in order\n%v\nwant\n%v", got, want)
		}
		cp, found, err := r.Checkpoint()
		if err != nil {
			return err
		}
		last := chain[len(chain)-1]
		if !found || cp.Block != last.Block || cp.TxID != last.TxID || cp.Events != uint64(len(chain)) {
			return fmt.Errorf("checkpoint %+v, want block %d tx %s after %d events", cp, last.Block, last.TxID, len(chain))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// openDB opens the store in dir (one database per directory).
func openDB(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func testOptions() Options {
	return Options{MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}
}

// runUntil runs a listener until cond holds, then stops it.
func runUntil(t *testing.T, l *Listener, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("listener did not get there within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
}

func appliedEvents(l *Listener) uint64 {
	cp, _ := l.Checkpoint()
	return cp.Events
}

// envelopeEvent builds a tranchenet envelope event with n entries.
func envelopeEvent(block uint64, txID string, n int) RawEvent {
	entries := make([]map[string]any, n)
	for i := range entries {
		entries[i] = map[string]any{"type": fmt.Sprintf("Type%d", i%3), "data": map[string]any{"i": i}}
	}
	payload, _ := json.Marshal(map[string]any{"schema": EnvelopeSchema, "txId": txID, "time": "2025-03-01T10:00:00Z", "events": entries})
	return RawEvent{Block: block, TxID: txID, Chaincode: "tranchenet", Name: "tranchenet", Payload: payload}
}

func testChain() []RawEvent {
	return []RawEvent{
		envelopeEvent(3, "a1", 2), envelopeEvent(3, "a2", 1),
		{Block: 4, TxID: "b1", Chaincode: "tranchenet", Name: "legacy", Payload: []byte("not json")},
		envelopeEvent(6, "c1", 3), envelopeEvent(6, "c2", 0), envelopeEvent(6, "c3", 1),
		envelopeEvent(9, "d1", 1),
	}
}

func TestStreamClosingReconnectsFromTheCheckpoint(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	chain := testChain()
	src := &fakeSource{chain: chain, closeAfter: 2, failOpens: 2}
	l := New(db, src, testOptions())
	l.RegisterAll(countingProjection)
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	checkExactlyOnce(t, db, chain)

	// Two failed opens, then streams of two events each: every reopen starts
	// at the checkpoint of the last applied event.
	want := []string{"0/", "0/", "0/", "3/a2", "6/c1", "6/c3"}
	var got []string
	for _, cp := range src.opens[:len(want)] {
		got = append(got, fmt.Sprintf("%d/%s", cp.Block, cp.TxID))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("streams opened at %v, want %v", got, want)
	}
}

func TestRepeatedEventsAreSkipped(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	chain := testChain()
	src := &fakeSource{chain: chain, closeAfter: 1, resendBlock: true}
	l := New(db, src, testOptions())
	l.RegisterAll(countingProjection)
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	checkExactlyOnce(t, db, chain)
}

var errCrash = errors.New("simulated crash")

// TestKillAtAnyPointResumesExactlyOnce kills the listener in the middle of
// applying each event in turn (its transaction is rolled back, as when the
// process dies before the commit), restarts it on the reopened database and
// checks that every event ends up applied exactly once.
func TestKillAtAnyPointResumesExactlyOnce(t *testing.T) {
	chain := testChain()
	total := len(expectedKeys(t, chain))
	for crashAt := 0; crashAt < total; crashAt++ {
		t.Run(fmt.Sprint(crashAt), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "db")
			db := openDB(t, path)
			ctx, kill := context.WithCancel(context.Background())
			seen := 0
			l := New(db, &fakeSource{chain: chain}, testOptions())
			l.RegisterAll(countingProjection)
			l.RegisterAll(func(w store.Writer, ev Event) error {
				if seen == crashAt {
					kill()
					return errCrash
				}
				seen++
				return nil
			})
			l.Run(ctx)
			db.Close()

			db = openDB(t, path)
			defer db.Close()
			l = New(db, &fakeSource{chain: chain}, testOptions())
			l.RegisterAll(countingProjection)
			runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
			checkExactlyOnce(t, db, chain)
		})
	}
}

// TestRandomFaultsNeverLoseOrRepeatEvents is a seeded property test: random
// chains, crashes at random points, streams that close early or repeat the
// checkpoint block, opens that fail, over several process lifetimes.
func TestRandomFaultsNeverLoseOrRepeatEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250301, 7))
	for iter := 0; iter < 25; iter++ {
		var chain []RawEvent
		block := uint64(rng.IntN(3))
		for len(chain) < 5+rng.IntN(25) {
			block += uint64(1 + rng.IntN(3))
			for tx := 0; tx < 1+rng.IntN(4); tx++ {
				id := fmt.Sprintf("t%d-%d", block, tx)
				if rng.IntN(5) == 0 {
					chain = append(chain, RawEvent{Block: block, TxID: id, Name: "plain", Payload: []byte(id)})
				} else {
					chain = append(chain, envelopeEvent(block, id, rng.IntN(4)))
				}
			}
		}
		path := filepath.Join(t.TempDir(), fmt.Sprint(iter))
		lifetimes := 0
		for {
			db := openDB(t, path)
			src := &fakeSource{chain: chain, closeAfter: rng.IntN(4), resendBlock: rng.IntN(2) == 0, failOpens: rng.IntN(2)}
			l := New(db, src, testOptions())
			l.RegisterAll(countingProjection)
			ctx, kill := context.WithCancel(context.Background())
			crashAfter := rng.IntN(8) // applications before this lifetime's crash
			applied := 0
			l.RegisterAll(func(w store.Writer, ev Event) error {
				if applied == crashAfter {
					kill()
					return errCrash
				}
				applied++
				return nil
			})
			done := make(chan struct{})
			go func() { l.Run(ctx); close(done) }()
			deadline := time.Now().Add(10 * time.Second)
			for ctx.Err() == nil && appliedEvents(l) < uint64(len(chain)) {
				if time.Now().After(deadline) {
					t.Fatalf("iteration %d: stuck", iter)
				}
				time.Sleep(time.Millisecond)
			}
			kill()
			<-done
			finished := appliedEvents(l) == uint64(len(chain))
			if finished {
				checkExactlyOnce(t, db, chain)
			}
			db.Close()
			lifetimes++
			if finished {
				break
			}
			if lifetimes > 200 {
				t.Fatalf("iteration %d: no progress after %d lifetimes", iter, lifetimes)
			}
		}
	}
}

func TestUnknownSchemaStopsWithoutAdvancing(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	future := RawEvent{Block: 7, TxID: "f1", Name: "tranchenet",
		Payload: []byte(`{"schema":"tranchenet.events/v2","txId":"f1","events":[{"type":"X","data":{}}]}`)}
	chain := []RawEvent{envelopeEvent(5, "ok1", 1), future, envelopeEvent(8, "after", 1)}
	l := New(db, &fakeSource{chain: chain}, testOptions())
	l.RegisterAll(countingProjection)
	runUntil(t, l, func() bool { return strings.Contains(l.Status().LastError, `"tranchenet.events/v2" is not supported`) })
	cp, _ := l.Checkpoint()
	if cp.Block != 5 || cp.TxID != "ok1" || cp.Events != 1 {
		t.Fatalf("checkpoint %+v: it must stay before the event it cannot read", cp)
	}
}

func TestProjectionsByEventName(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	chain := testChain()
	var mu sync.Mutex
	seen := map[string][]string{}
	l := New(db, &fakeSource{chain: chain}, testOptions())
	for _, name := range []string{"Type1", "legacy"} {
		l.Register(name, func(w store.Writer, ev Event) error {
			mu.Lock()
			defer mu.Unlock()
			seen[name] = append(seen[name], fmt.Sprintf("%d/%d/%s/%d", ev.Block, ev.TxSeq, ev.TxID, ev.Index))
			return nil
		})
	}
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	if got := strings.Join(seen["Type1"], " "); got != "3/0/a1/1 6/0/c1/1" {
		t.Errorf("Type1 saw %s", got)
	}
	if got := strings.Join(seen["legacy"], " "); got != "4/0/b1/0" {
		t.Errorf("legacy saw %s", got)
	}
}

// TestFailedFetchLeavesTheEventUnappliedAndIsRetried: an enricher that
// fails (the ledger does not answer) keeps the checkpoint before the
// event; the retry fetches again and the projection sees the facts.
func TestFailedFetchLeavesTheEventUnappliedAndIsRetried(t *testing.T) {
	db := openDB(t, t.TempDir())
	defer db.Close()
	chain := testChain()
	var mu sync.Mutex
	failures := map[string]int{"c1/1": 2} // the second entry of c1 fails twice
	fetches := map[string]int{}
	l := New(db, &fakeSource{chain: chain}, testOptions())
	l.SetEnricher(func(ctx context.Context, ev Event) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		key := fmt.Sprintf("%s/%d", ev.TxID, ev.Index)
		fetches[key]++
		if failures[key] > 0 {
			failures[key]--
			return nil, errors.New("peer unavailable")
		}
		return "facts of " + key, nil
	})
	l.RegisterAll(countingProjection)
	var stuckAt store.Checkpoint
	l.RegisterAll(func(w store.Writer, ev Event) error {
		if want := fmt.Sprintf("facts of %s/%d", ev.TxID, ev.Index); ev.Facts != want {
			return fmt.Errorf("facts %v, want %q", ev.Facts, want)
		}
		if ev.TxID == "c1" {
			// c1 is applied only after its fetches succeeded; the
			// checkpoint was still before it meanwhile.
			cp, _, err := w.Checkpoint()
			stuckAt = cp
			return err
		}
		return nil
	})
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	checkExactlyOnce(t, db, chain)
	if stuckAt.Block != 4 || stuckAt.TxID != "b1" {
		t.Fatalf("checkpoint while c1 was retried: %+v, want block 4 tx b1", stuckAt)
	}
	mu.Lock()
	defer mu.Unlock()
	// c1's entries are all fetched again on each attempt: 3 attempts.
	if fetches["c1/0"] != 3 || fetches["c1/1"] != 3 || fetches["c1/2"] != 1 {
		t.Fatalf("fetches %v", fetches)
	}
	if !strings.Contains(l.Status().LastError, "fetch its facts: peer unavailable") {
		t.Fatalf("last error %q", l.Status().LastError)
	}
}
