package txn

import "sync"

// Cached keeps, for the life of the chaincode process, the last value
// decoded at each key of one record type together with the exact bytes it
// was decoded from. Get still reads the key from the peer (the read set,
// and so MVCC, are unchanged) but decodes only bytes it has not seen: a
// large record that every transaction reads and few change — a tranche's
// terms and rules, with their money amounts and decimal rates — then costs
// a byte comparison instead of a strict canonical decode, the largest share
// of a transfer's chaincode time (issue 17).
//
// Decoding is a pure function of the bytes, so every peer still computes
// the same. Values are handed out through clone, which must copy every
// slice, map and pointer of T that a caller could change in place: the
// cached value is shared by every transaction.
type Cached[T any] struct {
	clone func(T) T

	mu      sync.Mutex
	entries map[string]cachedEntry[T] // by key
}

type cachedEntry[T any] struct {
	raw   string
	value T
}

// cachedKeys bounds a cache; past it, the cache starts over.
const cachedKeys = 1024

// NewCached returns an empty cache handing out values through clone.
func NewCached[T any](clone func(T) T) *Cached[T] {
	return &Cached[T]{clone: clone, entries: map[string]cachedEntry[T]{}}
}

// Get reads key as Context.Get does into v; found is false if it is absent.
func (c *Cached[T]) Get(ctx *Context, key string, v *T) (found bool, err error) {
	b, err := ctx.GetStub().GetState(key)
	if err != nil {
		return false, errInternalRead(key, err)
	}
	if b == nil {
		return false, nil
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.raw == string(b) {
		*v = c.clone(e.value)
		return true, nil
	}
	var fresh T
	if _, err := decode(key, b, &fresh); err != nil {
		return true, err
	}
	c.mu.Lock()
	if len(c.entries) >= cachedKeys {
		c.entries = map[string]cachedEntry[T]{}
	}
	c.entries[key] = cachedEntry[T]{raw: string(b), value: c.clone(fresh)}
	c.mu.Unlock()
	*v = fresh
	return true, nil
}
