package projections

import (
	"sync"

	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

// termsCacheSize bounds the settlement terms a projector remembers: well
// above the settlements a bank has open at once.
const termsCacheSize = 4096

// termsCache remembers the settlement terms this bank's listener has read,
// by trade and side. A side's terms never change once instructed (the
// public record keeps their hash; a second instruction of the same side
// is refused), yet every event of the settlement — instructed, matched,
// held, settled, released — needs the parties they name: without the
// cache each event cost one Settlement:Terms proposal per bank, not
// batched, on a peer busy endorsing (issue 17). Only answers are kept,
// never a refusal: a side not yet instructed may be later. The oldest
// entry goes first once the cache is full.
type termsCache struct {
	mu    sync.Mutex
	byKey map[string]settlement.Terms
	order []string // insertion order, for eviction
}

func newTermsCache() *termsCache { return &termsCache{byKey: map[string]settlement.Terms{}} }

func termsKey(tradeRef, side string) string { return tradeRef + "\x00" + side }

func (c *termsCache) get(tradeRef, side string) (settlement.Terms, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.byKey[termsKey(tradeRef, side)]
	return t, ok
}

func (c *termsCache) put(tradeRef, side string, t settlement.Terms) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := termsKey(tradeRef, side)
	if _, ok := c.byKey[k]; ok {
		return
	}
	if len(c.order) >= termsCacheSize {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.byKey[k] = t
	c.order = append(c.order, k)
}
