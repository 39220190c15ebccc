package stubtest

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"
)

// liveStub returns a stub for calling methods directly, as chaincode would
// in the middle of a transaction.
func liveStub(w *World, id *Identity) *stub {
	return &stub{w: w, txID: "test-tx", creator: id, peerMSP: id.mspID}
}

func TestCompositeKeyEncoding(t *testing.T) {
	w := newProbeWorld(t)
	s := liveStub(w, w.Identity(org1, "x"))
	tests := []struct {
		objectType string
		attrs      []string
		want       string
		wantErr    string
	}{
		{"holding", []string{"A", "alice"}, "\x00holding\x00A\x00alice\x00", ""},
		{"holding", nil, "\x00holding\x00", ""},
		{"", nil, "\x00\x00", ""},
		{"deal", []string{"", "x"}, "\x00deal\x00\x00x\x00", ""},
		{"holding", []string{"a\x00b"}, "", "U+0000"},
		{"holding", []string{"a\U0010FFFFb"}, "", "U+10FFFF"},
		{"hold\x00ing", nil, "", "U+0000"},
		{"holding", []string{"\xff"}, "", "not a valid utf8 string"},
	}
	for _, tc := range tests {
		got, err := s.CreateCompositeKey(tc.objectType, tc.attrs)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("CreateCompositeKey(%q, %q): err %v, want %q", tc.objectType, tc.attrs, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CreateCompositeKey(%q, %q) = %q, %v; want %q", tc.objectType, tc.attrs, got, err, tc.want)
			continue
		}
		typ, attrs, err := s.SplitCompositeKey(got)
		if err != nil || typ != tc.objectType || !slices.Equal(attrs, append([]string{}, tc.attrs...)) {
			t.Errorf("SplitCompositeKey(%q) = %q, %q, %v", got, typ, attrs, err)
		}
	}
	for _, simple := range []string{"", "\x00", "plain", "a\x00b\x00"} {
		if _, _, err := s.SplitCompositeKey(simple); err == nil {
			t.Errorf("SplitCompositeKey(%q) accepted a non-composite key", simple)
		}
	}
}

func TestPartialCompositeKeyQueriesAreSorted(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	rows := [][]string{{"B", "carol"}, {"A", "bob"}, {"AB", "zed"}, {"A", "alice"}, {"B", "alice"}}
	for i, r := range rows {
		attrs, _ := json.Marshal(r)
		mustOK(t, w.Invoke(trustee, "Probe:PutIndexed", []string{"holding", string(attrs), fmt.Sprint(i)}))
	}
	mustOK(t, w.Invoke(trustee, "Probe:PutIndexed", []string{"holder", `["A","x"]`, "other type"}))
	mustOK(t, w.Invoke(trustee, "Probe:Put", []string{"plain", "simple key"}))

	tests := []struct {
		attrs string
		want  []string
	}{
		{`[]`, []string{"holding/A/alice=3", "holding/A/bob=1", "holding/AB/zed=2", "holding/B/alice=4", "holding/B/carol=0"}},
		{`["A"]`, []string{"holding/A/alice=3", "holding/A/bob=1"}}, // not AB
		{`["B","alice"]`, []string{"holding/B/alice=4"}},
		{`["C"]`, []string{}},
	}
	for _, tc := range tests {
		var got []string
		if err := json.Unmarshal(mustOK(t, w.Invoke(trustee, "Probe:ListIndexed", []string{"holding", tc.attrs})).Payload, &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ListIndexed(holding, %s) = %q, want %q", tc.attrs, got, tc.want)
		}
	}
	mustFail(t, w.Invoke(trustee, "Probe:ListIndexed", []string{"holding", `["a\u0000b"]`}), "U+0000")
}

func TestRangeQueries(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	for _, k := range []string{"b", "a", "c2", "c1", "d"} {
		mustOK(t, w.Invoke(trustee, "Probe:Put", []string{k, "v"}))
	}
	mustOK(t, w.Invoke(trustee, "Probe:PutIndexed", []string{"idx", `["a"]`, "v"}))

	tests := []struct {
		start, end string
		want       []string
		wantErr    string
	}{
		{"", "", []string{"a", "b", "c1", "c2", "d"}, ""}, // composite keys excluded
		{"b", "d", []string{"b", "c1", "c2"}, ""},         // end exclusive
		{"c", "", []string{"c1", "c2", "d"}, ""},
		{"x", "", []string{}, ""},
		{"d", "b", []string{}, ""},
		{"\x00idx", "", nil, "first character of the key [\x00idx] contains a null character which is not allowed"},
	}
	for _, tc := range tests {
		r := w.Invoke(trustee, "Probe:Range", []string{tc.start, tc.end})
		if tc.wantErr != "" {
			mustFail(t, r, tc.wantErr)
			continue
		}
		var got []string
		if err := json.Unmarshal(mustOK(t, r).Payload, &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Range(%q, %q) = %q, want %q", tc.start, tc.end, got, tc.want)
		}
	}
}

func TestRangeQueriesSeeCommittedStateOnly(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	mustOK(t, w.Invoke(trustee, "Probe:Put", []string{"a1", "v"}))
	// Tally counts a range and writes into that same range.
	r := mustOK(t, w.Invoke(trustee, "Probe:Tally", []string{"a", "b", "a2"}))
	if string(r.Payload) != "1" {
		t.Fatalf("Tally saw %s keys, want 1 (its own write to a2 is invisible)", r.Payload)
	}
	if r := mustOK(t, w.Invoke(trustee, "Probe:Tally", []string{"a", "b", "a2"})); string(r.Payload) != "2" {
		t.Fatalf("second Tally saw %s keys, want 2", r.Payload)
	}
}

func TestPagination(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	for i := 7; i >= 1; i-- {
		mustOK(t, w.Invoke(trustee, "Probe:Put", []string{fmt.Sprintf("k%02d", i), "v"}))
	}
	tests := []struct {
		pageSize int32
		bookmark string
		want     page
	}{
		{3, "", page{Keys: []string{"k01", "k02", "k03"}, Bookmark: "k04", Count: 3}},
		{3, "k04", page{Keys: []string{"k04", "k05", "k06"}, Bookmark: "k07", Count: 3}},
		{3, "k07", page{Keys: []string{"k07"}, Bookmark: "", Count: 1}},
		{0, "k06", page{Keys: []string{"k06", "k07"}, Bookmark: "", Count: 2}},
		// No page size and no bookmark is an ordinary range query, whose
		// metadata is empty.
		{0, "", page{Keys: []string{"k01", "k02", "k03", "k04", "k05", "k06", "k07"}}},
	}
	for _, tc := range tests {
		r := mustOK(t, w.Invoke(trustee, "Probe:Page", []string{"", "", fmt.Sprint(tc.pageSize), tc.bookmark}))
		var got page
		if err := json.Unmarshal(r.Payload, &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Keys, tc.want.Keys) || got.Bookmark != tc.want.Bookmark || got.Count != tc.want.Count {
			t.Errorf("Page(size %d, bookmark %q) = %+v, want %+v", tc.pageSize, tc.bookmark, got, tc.want)
		}
	}
}

func TestPaginatedQueriesOnlyInReadOnlyTransactions(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	before := w.Snapshot()
	mustFail(t, w.Invoke(trustee, "Probe:PageThenWrite", []string{"k"}),
		"unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed")
	mustFail(t, w.Invoke(trustee, "Probe:WriteThenPage", []string{"k"}),
		"GET_STATE_BY_RANGE failed: transaction ID: ")
	mustFail(t, w.Invoke(trustee, "Probe:WriteThenPage", []string{"k"}),
		"unsuppored transaction. Paginated queries are supported only in a read-only transaction")
	if d := w.Diff(before); len(d) != 0 {
		t.Fatalf("changed: %v", d)
	}
}

func TestCompositeKeyPagination(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	for _, a := range []string{"c", "a", "b"} {
		w.Seed("\x00acct\x00"+a+"\x00", []byte(a))
	}
	w.Seed("\x00zzz\x00q\x00", []byte("q"))
	w.Seed("simple", []byte("s"))

	s := liveStub(w, trustee)
	it, meta, err := s.GetStateByPartialCompositeKeyWithPagination("acct", nil, 2, "")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := drain(it)
	if !slices.Equal(keys, []string{"\x00acct\x00a\x00", "\x00acct\x00b\x00"}) || meta.Bookmark != "\x00acct\x00c\x00" || meta.FetchedRecordsCount != 2 {
		t.Fatalf("page 1: %q, %v", keys, meta)
	}
	it, meta, err = s.GetAllStatesCompositeKeyWithPagination(10, "\x00acct\x00c\x00")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ = drain(it)
	if !slices.Equal(keys, []string{"\x00acct\x00c\x00", "\x00zzz\x00q\x00"}) || meta.Bookmark != "" {
		t.Fatalf("all composite keys from c: %q, %v", keys, meta)
	}
	if err := s.PutState("x", []byte("1")); err == nil || !strings.Contains(err.Error(), "paginated query") {
		t.Fatalf("PutState after a paginated query: %v", err)
	}
}

func TestIteratorContract(t *testing.T) {
	w := newProbeWorld(t)
	w.Seed("a", []byte("1"))
	s := liveStub(w, w.Identity(org1, "x"))
	it, err := s.GetStateByRange("", "")
	if err != nil {
		t.Fatal(err)
	}
	w.Seed("a", []byte("changed after the query"))
	w.Seed("b", []byte("added after the query"))
	kv, err := it.Next()
	if err != nil || kv.Key != "a" || string(kv.Value) != "1" || kv.Namespace != DefaultChaincodeName {
		t.Fatalf("Next = %v, %v; want the state at query time", kv, err)
	}
	kv.Value[0] = 'X' // must not reach the ledger
	if it.HasNext() {
		t.Fatal("iterator sees a key committed after the query")
	}
	if _, err := it.Next(); err == nil || err.Error() != "no such key" {
		t.Fatalf("Next past the end: %v", err)
	}
	if got := string(w.Public()["a"]); got != "changed after the query" {
		t.Fatalf("ledger value %q", got)
	}
}

func TestGetMultipleStates(t *testing.T) {
	w := newProbeWorld(t)
	w.Seed("a", []byte("1"))
	w.Seed("c", []byte("3"))
	s := liveStub(w, w.Identity(org1, "x"))
	got, err := s.GetMultipleStates("c", "b", "a")
	if err != nil || len(got) != 3 || string(got[0]) != "3" || got[1] != nil || string(got[2]) != "1" {
		t.Fatalf("GetMultipleStates = %q, %v", got, err)
	}
	if got, err := s.GetMultipleStates(); got != nil || err != nil {
		t.Fatalf("no keys: %v, %v", got, err)
	}
}

// TestKeyspaceMatchesModel drives the sorted keyspace with random puts and
// removes and compares every scan with a brute-force model.
func TestKeyspaceMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewSource(20250101))
	alphabet := []string{"", "\x00", "\x01", "a", "b", "ab", "b\x00", "é", "\U0010FFFF"}
	randKey := func() string {
		n := rng.Intn(3) + 1
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	ks := newKeyspace()
	model := map[string]bool{}
	for step := 0; step < 3000; step++ {
		k := randKey()
		if rng.Intn(3) == 0 {
			ks.remove(k)
			delete(model, k)
		} else {
			ks.put(k, &entry{value: []byte(k), version: uint64(step + 1)})
			model[k] = true
		}
		start, end, limit := randKey(), randKey(), rng.Intn(6)+1
		if rng.Intn(4) == 0 {
			end = ""
		}
		var want []string
		for m := range model {
			if m >= start && (end == "" || m < end) {
				want = append(want, m)
			}
		}
		sort.Strings(want)
		if len(want) > limit {
			want = want[:limit]
		}
		if got := ks.scan(start, end, limit); !slices.Equal(got, want) {
			t.Fatalf("step %d: scan(%q, %q, %d) = %q, want %q", step, start, end, limit, got, want)
		}
		if len(ks.sorted) != len(model) || !sort.StringsAreSorted(ks.sorted) {
			t.Fatalf("step %d: sorted index broken: %q", step, ks.sorted)
		}
	}
}
