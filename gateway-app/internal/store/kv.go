package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"
)

// bucket returns the nested bucket at path (e.g. "events", "byName"). In a
// writable transaction missing buckets are created; in a read-only one a
// missing bucket is returned as nil, which every helper here treats as empty.
func bucket(tx *bbolt.Tx, path ...string) (*bbolt.Bucket, error) {
	if len(path) == 0 {
		return nil, fmt.Errorf("store: empty bucket path")
	}
	var b *bbolt.Bucket
	for i, name := range path {
		var next *bbolt.Bucket
		if i == 0 {
			next = tx.Bucket([]byte(name))
		} else {
			next = b.Bucket([]byte(name))
		}
		if next == nil {
			if !tx.Writable() {
				return nil, nil
			}
			var err error
			if i == 0 {
				next, err = tx.CreateBucket([]byte(name))
			} else {
				next, err = b.CreateBucket([]byte(name))
			}
			if err != nil {
				return nil, fmt.Errorf("store: create bucket %v: %w", path[:i+1], err)
			}
		}
		b = next
	}
	return b, nil
}

// putJSON stores v as JSON under key.
func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// getJSON decodes the value under key into v; found is false if there is
// none (or b is nil).
func getJSON(b *bbolt.Bucket, key []byte, v any) (found bool, err error) {
	if b == nil {
		return false, nil
	}
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// u64 encodes n big-endian, so keys sort in numeric order.
func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// joinKey concatenates key parts. Variable-length string parts must be followed
// by a separator byte that cannot occur in them (sep) for the keys to sort
// and split unambiguously.
func joinKey(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// sep separates a string part of a key from what follows.
var sep = []byte{0}

// keyRange bounds a scan: keys k with Lower <= k < Upper. A nil bound is open.
type keyRange struct {
	Lower, Upper []byte
}

// prefixRange is the range of keys starting with prefix.
func prefixRange(prefix []byte) keyRange {
	upper := bytes.Clone(prefix)
	for i := len(upper) - 1; i >= 0; i-- {
		if upper[i] < 0xff {
			upper[i]++
			return keyRange{Lower: prefix, Upper: upper[:i+1]}
		}
	}
	return keyRange{Lower: prefix} // all 0xff: no upper bound
}

// scan calls fn for the keys of b within r, ascending or descending,
// starting strictly after the key `after` (strictly before, descending) when
// after is not nil, until fn returns false. It is the building block of
// paginated queries: the last key returned is the next page's `after`.
func scan(b *bbolt.Bucket, r keyRange, after []byte, desc bool, fn func(k, v []byte) (more bool, err error)) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	inRange := func(k []byte) bool {
		return k != nil && (r.Lower == nil || bytes.Compare(k, r.Lower) >= 0) && (r.Upper == nil || bytes.Compare(k, r.Upper) < 0)
	}
	var k, v []byte
	if !desc {
		switch {
		case after != nil && (r.Lower == nil || bytes.Compare(after, r.Lower) >= 0):
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		case r.Lower != nil:
			k, v = c.Seek(r.Lower)
		default:
			k, v = c.First()
		}
		for ; inRange(k); k, v = c.Next() {
			if more, err := fn(k, v); err != nil || !more {
				return err
			}
		}
		return nil
	}
	bound := r.Upper
	if after != nil && (bound == nil || bytes.Compare(after, bound) < 0) {
		bound = after
	}
	if bound == nil {
		k, v = c.Last()
	} else if k, v = c.Seek(bound); k == nil {
		k, v = c.Last() // every key is below bound
	} else {
		k, v = c.Prev() // the last key below bound
	}
	for ; inRange(k); k, v = c.Prev() {
		if more, err := fn(k, v); err != nil || !more {
			return err
		}
	}
	return nil
}

// strKey joins string parts with sep, which none of them contains, so keys
// sort by their parts.
func strKey(parts ...string) []byte {
	var out []byte
	for i, p := range parts {
		if i > 0 {
			out = append(out, sep...)
		}
		out = append(out, p...)
	}
	return out
}

// scanPrefix calls fn for each value under prefix in a top-level bucket,
// in key order.
func scanPrefix(tx *bbolt.Tx, name string, prefix []byte, fn func(v []byte) error) error {
	return scan(tx.Bucket([]byte(name)), prefixRange(prefix), nil, false, func(_, v []byte) (bool, error) {
		return true, fn(v)
	})
}

// listPrefix decodes every JSON value under prefix in a top-level bucket,
// in key order.
func listPrefix[T any](tx *bbolt.Tx, name string, prefix []byte) ([]T, error) {
	out := []T{}
	err := scanPrefix(tx, name, prefix, func(v []byte) error {
		var e T
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}
