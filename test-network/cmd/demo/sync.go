package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// causality keeps the banks' peers in step with the demo's own writes.
//
// A bank's gateway answers a write once its own peer has committed the
// block; the other banks' peers commit it a moment later. A request that
// depends on that write and runs on another bank's peer (a buyer's bank
// instructing the receive side of a settlement the arranger just
// instructed, a transaction endorsed by the trustee's peer right after
// the servicer's) would otherwise simulate on stale state: the endorsers
// disagree ("ProposalResponsePayloads do not match") or the read is of
// the previous block. So the demo notes the block of every write
// (X-Block-Number) and, before a request, waits until the peers it will
// touch report that block (/readyz's chain height): every peer before a
// write, which any bank's peers may endorse, and the bank's own peer
// before a read. A bank's system talking to several gateways needs the
// same care; it is what reading the chaincode events gives it.
type causality struct {
	mu      sync.Mutex
	tip     uint64 // height every peer must reach: the last committed block + 1
	heights map[*gateway]uint64
	banks   []*gateway
}

func newCausality() *causality { return &causality{heights: map[*gateway]uint64{}} }

// committed records that g's write committed in block.
func (c *causality) committed(g *gateway, block uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tip = max(c.tip, block+1)
	c.heights[g] = max(c.heights[g], block+1)
}

// lastBlock is the last block a write of the demo committed in.
func (c *causality) lastBlock() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(c.tip, 1) - 1
}

// await waits until every peer of banks has the last committed block.
func (c *causality) await(ctx context.Context, banks []*gateway) error {
	c.mu.Lock()
	tip := c.tip
	var behind []*gateway
	for _, g := range banks {
		if c.heights[g] < tip {
			behind = append(behind, g)
		}
	}
	c.mu.Unlock()
	for _, g := range behind {
		h, err := g.waitHeight(ctx, tip)
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.heights[g] = max(c.heights[g], h)
		c.mu.Unlock()
	}
	return nil
}

// waitHeight polls the bank's /readyz until its peer's chain reaches
// height, and returns the height it saw.
func (g *gateway) waitHeight(ctx context.Context, height uint64) (uint64, error) {
	deadline := time.Now().Add(30 * time.Second)
	var seen uint64
	for {
		var ready struct {
			Height uint64 `json:"height"`
		}
		r, err := g.once(ctx, request{method: http.MethodGet, path: "/readyz"}, "", "", nil, "")
		if err == nil && decode(r, &ready) == nil {
			seen = ready.Height
			if seen >= height {
				return seen, nil
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("the peer of %s is at height %d, not %d, 30 s after another bank committed the block (log: %s)", g.MSP, seen, height, relative(g.Log))
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitEvents waits until the bank's event listener has applied every
// block up to block (its checkpoint, as /readyz reports it).
func (g *gateway) waitEvents(ctx context.Context, block uint64) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ready struct {
			Events struct {
				Checkpoint struct {
					Block uint64 `json:"block"`
				} `json:"checkpoint"`
			} `json:"events"`
		}
		r, err := g.once(ctx, request{method: http.MethodGet, path: "/readyz"}, "", "", nil, "")
		if err == nil && decode(r, &ready) == nil && ready.Events.Checkpoint.Block >= block {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the event listener of %s has not reached block %d after 30 s (log: %s)", g.MSP, block, relative(g.Log))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// blockOf is the block a write's answer names, if any.
func blockOf(r reply) (uint64, bool) {
	b, err := strconv.ParseUint(r.header.Get("X-Block-Number"), 10, 64)
	return b, err == nil
}
