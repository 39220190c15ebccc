package store

import (
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var errRollback = errors.New("projection failed")

// writeEvent is what the listener does for one event: projections, then
// the checkpoint, in one Update.
func writeEvent(w Writer, block uint64, fail bool) error {
	at := Position{Block: block}
	stamp := Stamp{Block: block, TxID: "tx", Event: "UnitsPlaced"}
	if err := w.PutHolding(Holding{Holder: "Org2MSP/alice", Tranche: "A", Units: int64(block), AsOf: stamp},
		HoldingEntry{Stamp: stamp, Holder: "Org2MSP/alice", Tranche: "A", Units: int64(block), Change: 1}, at); err != nil {
		return err
	}
	if err := w.PutCash(CashHolding{Holder: "Org2MSP/alice", Balance: money.FromMajor(int64(block)), AsOf: stamp},
		CashEntry{Stamp: stamp, Holder: "Org2MSP/alice", Balance: money.FromMajor(int64(block))}, at); err != nil {
		return err
	}
	if err := w.AppendEvent(EventRecord{Block: block, TxID: "tx", Name: "UnitsPlaced"}); err != nil {
		return err
	}
	if fail {
		return errRollback // after every projection wrote, before the checkpoint
	}
	return w.SetCheckpoint(Checkpoint{Block: block, TxID: "tx", Applied: []string{"tx"}, Events: block})
}

// snapshot is everything writeEvent touches.
type snapshot struct {
	cp      Checkpoint
	cpFound bool
	holding Holding
	history int
	cash    CashHolding
	cashLog int
	events  int
	holders []string
}

func read(t *testing.T, s *DB) snapshot {
	t.Helper()
	var out snapshot
	err := s.View(func(r Reader) error {
		var err error
		if out.cp, out.cpFound, err = r.Checkpoint(); err != nil {
			return err
		}
		out.holding, _, _ = r.Holding("Org2MSP/alice", "A")
		h, _ := r.HoldingHistory("Org2MSP/alice", "A")
		out.history = len(h)
		out.cash, _, _ = r.Cash("Org2MSP/alice")
		c, _ := r.CashHistory("Org2MSP/alice")
		out.cashLog = len(c)
		page, _ := r.Events(EventQuery{})
		out.events = len(page.Events)
		out.holders, err = r.HoldersOf("A")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAFailedUpdateLeavesNothingHalfWritten(t *testing.T) {
	s := openStore(t)
	if err := s.Update(func(w Writer) error { return writeEvent(w, 1, false) }); err != nil {
		t.Fatal(err)
	}
	before := read(t, s)
	if !before.cpFound || before.cp.Block != 1 || before.holding.Units != 1 || before.history != 1 || before.cashLog != 1 || before.events != 1 {
		t.Fatalf("after the first event: %+v", before)
	}
	// The second event's projections all write, then one fails: none of
	// its writes, and no checkpoint, may remain.
	if err := s.Update(func(w Writer) error { return writeEvent(w, 2, true) }); !errors.Is(err, errRollback) {
		t.Fatalf("err = %v", err)
	}
	after := read(t, s)
	if after.cp.Block != 1 || after.holding.Units != 1 || after.history != 1 || after.cash.Balance != money.FromMajor(1) ||
		after.cashLog != 1 || after.events != 1 || len(after.holders) != 1 {
		t.Fatalf("a failed update left writes behind: %+v", after)
	}
	// A panicking update rolls back too.
	func() {
		defer func() { recover() }()
		s.Update(func(w Writer) error {
			writeEvent(w, 3, false)
			panic("projection bug")
		})
	}()
	if got := read(t, s); got.cp.Block != 1 || got.events != 1 {
		t.Fatalf("a panicking update left writes behind: %+v", got)
	}
}

func TestCheckpointAndProjectionsCommitTogether(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for block := uint64(1); block <= 5; block++ {
		if err := s.Update(func(w Writer) error { return writeEvent(w, block, block == 4) }); err != nil && block != 4 {
			t.Fatal(err)
		}
	}
	s.Close()
	// Reopened (a restart): every event the checkpoint counts is in the
	// projections and no other.
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := read(t, s)
	if got.cp.Block != 5 || got.events != 4 || got.history != 4 || got.cashLog != 4 || got.holding.Units != 5 {
		t.Fatalf("after events 1, 2, 3, 5 (4 rolled back): %+v", got)
	}
}

func TestIdempotencyRecords(t *testing.T) {
	s := openStore(t)
	ids := s.Idempotency()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	done := IdempotencyRecord{State: "done", Fingerprint: "f1", Owner: "boot1", Created: t0, Status: 201,
		Header: http.Header{"Location": {"/v1/x"}}, Body: []byte(`{"ok":true}`)}
	pending := IdempotencyRecord{State: "pending", Fingerprint: "f2", Owner: "boot2", Created: t0.Add(time.Hour)}
	if err := ids.Save("alice\x00k1", done); err != nil {
		t.Fatal(err)
	}
	if err := ids.Save("bob\x00k2", pending); err != nil {
		t.Fatal(err)
	}
	got, found, err := ids.Load("alice\x00k1")
	if err != nil || !found || got.Status != 201 || got.Header.Get("Location") != "/v1/x" || string(got.Body) != `{"ok":true}` || !got.Created.Equal(t0) {
		t.Fatalf("load: %+v %v %v", got, found, err)
	}
	if _, found, _ := ids.Load("alice\x00other"); found {
		t.Fatal("found a key never saved")
	}
	n, err := ids.Sweep(func(r IdempotencyRecord) bool { return r.Created.Before(t0.Add(30 * time.Minute)) })
	if err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if _, found, _ := ids.Load("alice\x00k1"); found {
		t.Fatal("an expired record survived the sweep")
	}
	if err := ids.Delete("bob\x00k2"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ids.Load("bob\x00k2"); found {
		t.Fatal("a deleted record is still there")
	}
}

// TestADataDirectoryOfTheEarlierLayoutOpens writes records with bbolt the
// way the gateway wrote them before this package existed (bucket names
// and keys as they were) and reads them through the store.
func TestADataDirectoryOfTheEarlierLayoutOpens(t *testing.T) {
	dir := t.TempDir()
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	put := func(tx *bbolt.Tx, bucket string, key, value string) {
		b, err := tx.CreateBucketIfNotExists([]byte(bucket))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Put([]byte(key), []byte(value)); err != nil {
			t.Fatal(err)
		}
	}
	pos := "\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x01" // block 7, tx 0, event 1
	err = db.Update(func(tx *bbolt.Tx) error {
		put(tx, "listener", "chaincodeEvents", `{"block":7,"txId":"t7","applied":["t7"],"events":3}`)
		put(tx, "rm.positions", "Org2MSP/a\x00A", `{"holder":"Org2MSP/a","tranche":"A","units":40,"free":40,"asOf":{"block":7,"txId":"t7","event":"UnitsPlaced"}}`)
		put(tx, "rm.positions.tranche", "A\x00Org2MSP/a", "")
		put(tx, "rm.cash", "Org2MSP/a", `{"holder":"Org2MSP/a","balance":"12.50","held":"0.00","available":"12.50","asOf":{"block":7,"txId":"t7","event":"X"}}`)
		put(tx, "rm.reports", "D\x000001\x00"+pos, `{"block":7,"txId":"t7","event":"ReportSubmitted","deal":"D","period":1,"chunks":2}`)
		put(tx, "events", pos, `{"block":7,"txSeq":0,"index":1,"txId":"t7","name":"ReportSubmitted","chaincodeEvent":"tranchenet"}`)
		put(tx, "events.byName", "ReportSubmitted\x00"+pos, "")
		put(tx, "idempotency", "alice\x00k", `{"state":"done","fingerprint":"f","owner":"b","created":"2026-01-01T00:00:00Z","status":200}`)
		meta, _ := tx.CreateBucketIfNotExists([]byte("loanbook"))
		pool, _ := meta.CreateBucketIfNotExists([]byte("POOL-1"))
		m, _ := pool.CreateBucketIfNotExists([]byte("meta"))
		m.Put([]byte("tape"), []byte(`{"root":"ab","loans":2}`))
		loans, _ := pool.CreateBucketIfNotExists([]byte("loans"))
		return loans.Put([]byte("L1"), []byte(`{"p":0,"e":"100.00","b":"100.00"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(r Reader) error {
		cp, found, err := r.Checkpoint()
		if err != nil || !found || cp.Block != 7 || cp.TxID != "t7" || cp.Events != 3 {
			t.Errorf("checkpoint %+v %v %v", cp, found, err)
		}
		if h, _ := r.Holdings("Org2MSP/a", ""); len(h) != 1 || h[0].Units != 40 {
			t.Errorf("holdings %+v", h)
		}
		if hs, _ := r.HoldersOf("A"); len(hs) != 1 || hs[0] != "Org2MSP/a" {
			t.Errorf("holders %v", hs)
		}
		if c, found, _ := r.Cash("Org2MSP/a"); !found || c.Balance != money.Amount(1250) {
			t.Errorf("cash %+v", c)
		}
		if rep, _ := r.ReportHistory("D"); len(rep) != 1 || rep[0].Chunks != 2 {
			t.Errorf("reports %+v", rep)
		}
		if page, _ := r.Events(EventQuery{Name: "ReportSubmitted"}); len(page.Events) != 1 || page.Events[0].Index != 1 {
			t.Errorf("events by name %+v", page)
		}
		if tape, found, _ := r.Tape("POOL-1"); !found || tape.Root != "ab" {
			t.Errorf("tape %+v", tape)
		}
		if prior, found, _ := r.Prior("POOL-1", 1, "L1"); !found || prior.EndBalance != money.FromMajor(100) {
			t.Errorf("prior %+v", prior)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec, found, err := s.Idempotency().Load("alice\x00k"); err != nil || !found || rec.Status != 200 {
		t.Errorf("idempotency %+v %v %v", rec, found, err)
	}
	// Written again through the store, the loan book keeps its layout.
	if err := s.Update(func(w Writer) error {
		return w.PutReportRows("POOL-1", 1, []loantape.PeriodRow{{AssetNumber: "L1", ReportingPeriodActualEndBalanceAmount: money.FromMajor(90)}})
	}); err != nil {
		t.Fatal(err)
	}
	s.View(func(r Reader) error {
		if prior, _, _ := r.Prior("POOL-1", 2, "L1"); prior.EndBalance != money.FromMajor(90) {
			t.Errorf("after period 1 rows: %+v", prior)
		}
		return nil
	})
}
