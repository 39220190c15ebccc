package store

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// applyEvents writes what a listener writes for two events: the event log,
// a holding (its snapshot and a history entry whose amounts are given),
// cash, a statement line and the checkpoint.
func applyEvents(t *testing.T, s *DB, historyUnits int64, lineUnits int64) {
	t.Helper()
	err := s.Update(func(w Writer) error {
		for i, name := range []string{"TokenTransferred", "CashMinted"} {
			if err := w.AppendEvent(EventRecord{Block: 7, TxSeq: uint32(i), TxID: "tx" + name, Name: name, Data: json.RawMessage(`{"n":1}`)}); err != nil {
				return err
			}
		}
		stamp := Stamp{Block: 7, TxID: "txTokenTransferred", Event: "TokenTransferred"}
		if err := w.PutHolding(Holding{Holder: "alice", Tranche: "A", Units: 40, AsOf: stamp},
			HoldingEntry{Stamp: stamp, Holder: "alice", Tranche: "A", Units: historyUnits, Change: historyUnits}, Position{Block: 7}); err != nil {
			return err
		}
		if err := w.PutStatementLine(StatementLine{Deal: "D", Period: 1, Holder: "alice", Tranche: "A", Units: lineUnits}); err != nil {
			return err
		}
		return w.SetCheckpoint(Checkpoint{Block: 7, TxID: "txCashMinted", Applied: []string{"txTokenTransferred", "txCashMinted"}, Events: 2})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func dumpOf(t *testing.T, s *DB) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.DumpReadModel(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A live read model and a rebuild applied the same events: their dumps are
// the same bytes although the history's amounts were read at different
// times, the rebuild has no idempotency records or loan book, and the
// statement lines (holdings as read at certification) differ.
// (The history entry's units differ: 40 live, 55 rebuilt.)
func TestDumpReadModelIsWhatARebuildReproduces(t *testing.T) {
	live, rebuilt := openStore(t), openStore(t)
	applyEvents(t, live, 40, 40)
	applyEvents(t, rebuilt, 55, 0)
	if err := live.Idempotency().Save("alice k1", IdempotencyRecord{}); err != nil {
		t.Fatal(err)
	}
	if err := live.Update(func(w Writer) error { return w.PutTapeLoans("POOL", nil) }); err != nil {
		t.Fatal(err)
	}
	a, b := dumpOf(t, live), dumpOf(t, rebuilt)
	if a != b {
		t.Fatalf("dumps differ:\nlive:\n%s\nrebuilt:\n%s", a, b)
	}
	for _, want := range []string{`"bucket":"events"`, `"bucket":"events.byName"`, `"bucket":"listener"`, `"bucket":"rm.positions"`} {
		if !strings.Contains(a, want) {
			t.Errorf("the dump has no %s:\n%s", want, a)
		}
	}
	for _, unwanted := range []string{"idempotency", "loanbook", "rm.statement", "rm.holdings.history"} {
		if strings.Contains(a, unwanted) {
			t.Errorf("the dump holds %s, which a rebuild cannot reproduce:\n%s", unwanted, a)
		}
	}
	// The lines are canonical JSON, bucket by bucket in name order.
	var prev string
	for _, line := range strings.Split(strings.TrimSpace(a), "\n") {
		var l DumpLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if l.Bucket < prev {
			t.Fatalf("bucket %s after %s", l.Bucket, prev)
		}
		prev = l.Bucket
	}
}

// A snapshot that differs shows in the dump.
func TestDumpReadModelShowsADifferentSnapshot(t *testing.T) {
	live, rebuilt := openStore(t), openStore(t)
	applyEvents(t, live, 40, 40)
	applyEvents(t, rebuilt, 40, 40)
	if err := rebuilt.Update(func(w Writer) error {
		return w.PutCash(CashHolding{Holder: "alice"}, CashEntry{Holder: "alice"}, Position{Block: 7, TxSeq: 1})
	}); err != nil {
		t.Fatal(err)
	}
	if dumpOf(t, live) == dumpOf(t, rebuilt) {
		t.Fatal("a cash snapshot only the rebuild holds must show in its dump")
	}
}
