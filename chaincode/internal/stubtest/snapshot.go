package stubtest

import (
	"bytes"
	"fmt"
	"sort"
)

// Snapshot is the committed content of a World at one moment: every value
// and validation parameter, public and private, and the number of
// committed events. Take one before an invocation and compare after it to
// prove that the invocation changed nothing, or only what it should.
type Snapshot struct {
	public  map[string]*entry
	private map[string]map[string]*entry
	events  int
}

// Snapshot captures the committed content. It is cheap: committed entries
// are immutable and shared.
func (w *World) Snapshot() Snapshot {
	w.mu.RLock()
	defer w.mu.RUnlock()
	s := Snapshot{
		public:  w.public.clone(),
		private: make(map[string]map[string]*entry, len(w.private)),
		events:  len(w.events),
	}
	for name, ks := range w.private {
		s.private[name] = ks.clone()
	}
	return s
}

// Diff describes what changed since the snapshot, one line per change,
// sorted: `world state "k": added`, `collection loanTape "k": value
// changed`, `events: 1 new`. Content is compared, not versions: rewriting a
// value with the same bytes is no change. An empty result means nothing
// changed.
func (w *World) Diff(since Snapshot) []string {
	now := w.Snapshot()
	var out []string
	out = append(out, diffKeyspace("world state", since.public, now.public)...)
	for _, name := range unionKeys(since.private, now.private) {
		out = append(out, diffKeyspace("collection "+name, since.private[name], now.private[name])...)
	}
	if n := now.events - since.events; n != 0 {
		out = append(out, fmt.Sprintf("events: %d new", n))
	}
	return out
}

// Equal reports whether the committed content is what the snapshot holds.
func (w *World) Equal(s Snapshot) bool { return len(w.Diff(s)) == 0 }

func diffKeyspace(label string, before, after map[string]*entry) []string {
	var out []string
	for _, k := range unionKeys(before, after) {
		b, a := before[k], after[k]
		switch {
		case b == nil:
			out = append(out, fmt.Sprintf("%s %q: added", label, k))
		case a == nil:
			out = append(out, fmt.Sprintf("%s %q: deleted", label, k))
		default:
			if !bytes.Equal(b.value, a.value) {
				out = append(out, fmt.Sprintf("%s %q: value changed", label, k))
			}
			if !bytes.Equal(b.validationParameter, a.validationParameter) {
				out = append(out, fmt.Sprintf("%s %q: validation parameter changed", label, k))
			}
		}
	}
	return out
}

// unionKeys returns the keys of both maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
