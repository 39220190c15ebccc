package stubtest

import (
	"bytes"
	"errors"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
)

// rangeResult is a range scan of committed state, taken at query time.
// Keys are copied and entries are immutable, so later commits cannot change
// what an open iterator returns.
type rangeResult struct {
	keys    []string
	entries []*entry
	next    string // first key after the result when limit cut it short, else ""
}

// scanRange returns at most limit keys of ks in [start, end).
func scanRange(ks *keyspace, start, end string, limit int) rangeResult {
	found := ks.scan(start, end, limit+1)
	var r rangeResult
	if len(found) > limit {
		r.next = found[limit]
		found = found[:limit]
	}
	r.keys = append([]string(nil), found...)
	r.entries = make([]*entry, len(found))
	for i, k := range found {
		r.entries[i] = ks.entries[k]
	}
	return r
}

func (r rangeResult) iterator(namespace string) *iterator {
	return &iterator{namespace: namespace, keys: r.keys, entries: r.entries}
}

// rangeRead is a public range query in the read set. At commit the range is
// scanned again with the same limit; any difference in keys or versions is
// a phantom read, as Fabric's validator finds it.
type rangeRead struct {
	start, end string
	limit      int
	keys       []string
	entries    []*entry
}

// unchanged reports whether the range still returns the same keys at the
// same versions.
func (rr rangeRead) unchanged(ks *keyspace) bool {
	now := ks.scan(rr.start, rr.end, rr.limit)
	if len(now) != len(rr.keys) {
		return false
	}
	for i, k := range now {
		if k != rr.keys[i] || ks.entries[k].version != rr.entries[i].version {
			return false
		}
	}
	return true
}

// iterator implements shim.StateQueryIteratorInterface over a rangeResult.
type iterator struct {
	namespace string
	keys      []string
	entries   []*entry
	pos       int
}

func (it *iterator) HasNext() bool { return it.pos < len(it.keys) }

// Next returns the next key and a copy of its value; past the end it
// returns the shim's "no such key" error.
func (it *iterator) Next() (*queryresult.KV, error) {
	if !it.HasNext() {
		return nil, errors.New("no such key")
	}
	kv := &queryresult.KV{
		Namespace: it.namespace,
		Key:       it.keys[it.pos],
		Value:     bytes.Clone(it.entries[it.pos].value),
	}
	it.pos++
	return kv, nil
}

func (it *iterator) Close() error { return nil }
