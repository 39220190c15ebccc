package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

func openStore(t *testing.T) *DB {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenRefusesASharedDataDirectory(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(dir); err == nil {
		t.Fatal("a second gateway on the same data directory must be refused")
	}
}

func TestBucketInReadOnlyTransactions(t *testing.T) {
	s := openStore(t)
	s.db.View(func(tx *bbolt.Tx) error {
		if b, err := bucket(tx, "a", "b"); b != nil || err != nil {
			t.Errorf("missing bucket in a read: %v %v", b, err)
		}
		return nil
	})
	s.db.Update(func(tx *bbolt.Tx) error {
		b, err := bucket(tx, "a", "b")
		if err != nil {
			t.Fatal(err)
		}
		return putJSON(b, []byte("k"), map[string]int{"n": 1})
	})
	s.db.View(func(tx *bbolt.Tx) error {
		b, _ := bucket(tx, "a", "b")
		var v map[string]int
		if found, err := getJSON(b, []byte("k"), &v); !found || err != nil || v["n"] != 1 {
			t.Errorf("getJSON: %v %v %v", found, err, v)
		}
		if found, _ := getJSON(b, []byte("none"), &v); found {
			t.Error("found a missing key")
		}
		return nil
	})
}

// TestScanMatchesASortedSlice compares Scan with a brute-force filter over
// random keys, ranges, cursors and directions.
func TestScanMatchesASortedSlice(t *testing.T) {
	s := openStore(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var keys [][]byte
	s.db.Update(func(tx *bbolt.Tx) error {
		b, _ := bucket(tx, "scan")
		for i := 0; i < 300; i++ {
			k := []byte{byte(rng.IntN(6)), byte(rng.IntN(256)), byte(rng.IntN(256))}
			if b.Get(k) == nil {
				keys = append(keys, k)
			}
			b.Put(k, []byte{1})
		}
		return nil
	})
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i], keys[j]) < 0 })
	randKey := func() []byte {
		if rng.IntN(4) == 0 {
			return nil
		}
		if rng.IntN(2) == 0 && len(keys) > 0 {
			return keys[rng.IntN(len(keys))]
		}
		return []byte{byte(rng.IntN(7)), byte(rng.IntN(256))}
	}
	for iter := 0; iter < 500; iter++ {
		var r keyRange
		if rng.IntN(3) == 0 {
			r = prefixRange([]byte{byte(rng.IntN(6))})
		} else {
			r = keyRange{Lower: randKey(), Upper: randKey()}
		}
		after, desc := randKey(), rng.IntN(2) == 0
		var want [][]byte
		for _, k := range keys {
			if (r.Lower == nil || bytes.Compare(k, r.Lower) >= 0) && (r.Upper == nil || bytes.Compare(k, r.Upper) < 0) &&
				(after == nil || !desc && bytes.Compare(k, after) > 0 || desc && bytes.Compare(k, after) < 0) {
				want = append(want, k)
			}
		}
		if desc {
			slices.Reverse(want)
		}
		var got [][]byte
		s.db.View(func(tx *bbolt.Tx) error {
			b, _ := bucket(tx, "scan")
			return scan(b, r, after, desc, func(k, _ []byte) (bool, error) {
				got = append(got, bytes.Clone(k))
				return true, nil
			})
		})
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("range %v after %v desc %v:\ngot  %v\nwant %v", r, after, desc, got, want)
		}
	}
}

func TestPrefixRange(t *testing.T) {
	for _, tc := range []struct{ prefix, upper []byte }{
		{[]byte("ab\x00"), []byte("ab\x01")},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff, 0xff}, nil},
	} {
		if r := prefixRange(tc.prefix); !bytes.Equal(r.Upper, tc.upper) || !bytes.Equal(r.Lower, tc.prefix) {
			t.Errorf("prefixRange(%v) = %v", tc.prefix, r)
		}
	}
}

// TestEventLogQueriesMatchBruteForce pages through random queries over a
// random event log and compares the concatenated pages with a filter over
// every event in ledger order.
func TestEventLogQueriesMatchBruteForce(t *testing.T) {
	s := openStore(t)
	rng := rand.New(rand.NewPCG(7, 11))
	names := []string{"TokenTransferred", "ReportCertified", "DealCreated"}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []EventRecord
	s.Update(func(w Writer) error {
		block := uint64(0)
		for len(all) < 400 {
			block += uint64(1 + rng.IntN(3))
			for txSeq := 0; txSeq < 1+rng.IntN(3); txSeq++ {
				txID := fmt.Sprintf("%x", rng.Uint64())
				var at time.Time
				if rng.IntN(6) > 0 {
					at = base.Add(time.Duration(block) * time.Minute)
				}
				for i := 0; i < 1+rng.IntN(3); i++ {
					rec := EventRecord{Block: block, TxSeq: uint32(txSeq), Index: uint32(i), TxID: txID, Name: names[rng.IntN(len(names))],
						ChaincodeEvent: "tranchenet", Data: json.RawMessage(fmt.Sprintf(`{"i":%d}`, len(all)))}
					if !at.IsZero() {
						rec.Time = &at
					}
					if err := w.AppendEvent(rec); err != nil {
						t.Fatal(err)
					}
					all = append(all, rec)
				}
			}
		}
		return nil
	})
	id := func(r EventRecord) string { return fmt.Sprintf("%d/%d/%d", r.Block, r.TxSeq, r.Index) }
	for iter := 0; iter < 200; iter++ {
		q := EventQuery{Limit: 1 + rng.IntN(40), Desc: rng.IntN(2) == 0}
		switch rng.IntN(5) {
		case 0:
			q.Name = names[rng.IntN(len(names))]
		case 1:
			q.TxID = all[rng.IntN(len(all))].TxID
		case 2:
			q.From = base.Add(time.Duration(rng.IntN(600)) * time.Minute)
			if rng.IntN(2) == 0 {
				q.To = q.From.Add(time.Duration(1+rng.IntN(300)) * time.Minute)
			}
		case 3:
			q.Name = names[rng.IntN(len(names))]
			q.To = base.Add(time.Duration(rng.IntN(600)) * time.Minute)
		}
		var want []string
		for _, r := range all {
			if q.matches(r) {
				want = append(want, id(r))
			}
		}
		if q.Desc {
			slices.Reverse(want)
		}
		var got []string
		for pages := 0; ; pages++ {
			var page EventPage
			if err := s.View(func(r Reader) (err error) { page, err = r.Events(q); return err }); err != nil {
				t.Fatal(err)
			}
			if len(page.Events) > q.Limit || page.Next != "" && len(page.Events) != q.Limit {
				t.Fatalf("page of %d with limit %d and next %q", len(page.Events), q.Limit, page.Next)
			}
			for _, r := range page.Events {
				got = append(got, id(r))
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("query %+v:\ngot  %v\nwant %v", q, got, want)
		}
	}
}

func TestEventLogRefusesACursorItDidNotIssue(t *testing.T) {
	s := openStore(t)
	err := s.View(func(r Reader) error { _, err := r.Events(EventQuery{After: "!!"}); return err })
	if err != ErrBadCursor {
		t.Fatalf("bad cursor: %v", err)
	}
}
