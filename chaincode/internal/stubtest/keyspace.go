package stubtest

import "sort"

// entry is one committed key. Entries are never modified after commit: a
// later write replaces the *entry, so snapshots and iterators may share them.
type entry struct {
	value []byte
	// hash is SHA-256 of value, kept for private data only: it is what
	// non-member peers hold and what GetPrivateDataHash returns.
	hash []byte
	// validationParameter is the key-level endorsement policy set with
	// Set(Private)DataValidationParameter; stored, never evaluated.
	validationParameter []byte
	// version is the block that last wrote the key, as in Fabric's
	// version.Height with one transaction per block. Zero means "absent".
	version uint64
}

// keyspace is one namespace of committed state (the world state, or one
// collection) with its keys kept sorted, because LevelDB range scans return
// keys in byte order and so must we.
type keyspace struct {
	entries map[string]*entry
	sorted  []string
}

func newKeyspace() *keyspace {
	return &keyspace{entries: map[string]*entry{}}
}

// get returns the committed entry for key, or nil.
func (ks *keyspace) get(key string) *entry {
	if ks == nil {
		return nil
	}
	return ks.entries[key]
}

// version returns the committed version of key, zero when absent.
func (ks *keyspace) version(key string) uint64 {
	if e := ks.get(key); e != nil {
		return e.version
	}
	return 0
}

func (ks *keyspace) put(key string, e *entry) {
	if _, ok := ks.entries[key]; !ok {
		i := sort.SearchStrings(ks.sorted, key)
		ks.sorted = append(ks.sorted, "")
		copy(ks.sorted[i+1:], ks.sorted[i:])
		ks.sorted[i] = key
	}
	ks.entries[key] = e
}

func (ks *keyspace) remove(key string) {
	if _, ok := ks.entries[key]; !ok {
		return
	}
	delete(ks.entries, key)
	i := sort.SearchStrings(ks.sorted, key)
	ks.sorted = append(ks.sorted[:i], ks.sorted[i+1:]...)
}

// scan returns, in byte order, at most limit keys k with start <= k < end;
// an empty end means no upper bound, as in Fabric range queries.
func (ks *keyspace) scan(start, end string, limit int) []string {
	if ks == nil || limit <= 0 {
		return nil
	}
	lo := sort.SearchStrings(ks.sorted, start)
	hi := len(ks.sorted)
	if end != "" {
		hi = sort.SearchStrings(ks.sorted, end)
	}
	if hi <= lo {
		return nil
	}
	if hi-lo > limit {
		hi = lo + limit
	}
	return ks.sorted[lo:hi:hi]
}

// apply commits one key's pending write at the given block, with the rules
// of Fabric's validator (validation/tx_ops.go): a delete or purge drops the
// value and its metadata; an upsert keeps the committed validation parameter
// unless the transaction set a new one; a validation-parameter-only write to
// a key that does not exist is a no-op.
func (ks *keyspace) apply(key string, w *pendingWrite, block uint64, private bool) {
	old := ks.get(key)
	switch w.op {
	case opDelete, opPurge:
		ks.remove(key)
		return
	case opPut:
		e := &entry{value: w.value, version: block}
		if private {
			e.hash = sha256Sum(w.value)
		}
		if w.setsValidationParameter {
			e.validationParameter = w.validationParameter
		} else if old != nil {
			e.validationParameter = old.validationParameter
		}
		ks.put(key, e)
		return
	}
	if !w.setsValidationParameter || old == nil {
		return
	}
	e := *old
	e.validationParameter = w.validationParameter
	e.version = block
	ks.put(key, &e)
}

// clone returns a shallow copy that shares the immutable entries.
func (ks *keyspace) clone() map[string]*entry {
	out := make(map[string]*entry, len(ks.entries))
	for k, e := range ks.entries {
		out[k] = e
	}
	return out
}
