package api

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// HeaderAwaitBlock asks the app to answer only once its bank's peer has
// committed the given block. A write answered by one bank's gateway commits
// first on the peers that endorsed it; a client that then reads, or writes,
// through another bank's gateway passes the X-Block-Number it was given
// here, so that bank's peer is not asked before it has the block (which
// would answer stale state, or endorse against it and fail with
// "ProposalResponsePayloads do not match").
const HeaderAwaitBlock = "X-Await-Block"

// Bounds of the wait: peers normally commit a block within milliseconds of
// each other; a peer still behind after awaitBlockTimeout is reported.
const (
	awaitBlockPoll    = 25 * time.Millisecond
	awaitBlockTimeout = 10 * time.Second
)

// heightReader is the part of the ledger that reports the bank's peer's
// block height (ledger.Gateway has it).
type heightReader interface {
	Height(ctx context.Context, identity string) (uint64, error)
}

// awaitBlock honours HeaderAwaitBlock: it returns nil at once without the
// header, nil once the peer's height is above the block, and a problem for
// a malformed header or a peer still behind at the deadline.
func (s *Server) awaitBlock(r *http.Request, identity string) *Problem {
	raw := r.Header.Get(HeaderAwaitBlock)
	if raw == "" {
		return nil
	}
	block, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return BadInput(HeaderAwaitBlock, "%q is not a block number (a non-negative integer, as X-Block-Number gives it)", clipHeader(raw))
	}
	hr, ok := s.ledger.(heightReader)
	if !ok {
		return NewProblem(CodeLedgerUnavailable, "header %s: this app's ledger cannot report its height", HeaderAwaitBlock)
	}
	behind := func(format string, args ...any) *Problem {
		p := NewProblem(CodeLedgerUnavailable, format, args...)
		p.transient, p.RetryAfter = true, 1
		return p
	}
	ctx, cancel := context.WithTimeout(r.Context(), awaitBlockTimeout)
	defer cancel()
	var height uint64
	for {
		if height, err = hr.Height(ctx, identity); err == nil && height > block {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return behind("header %s: the bank's peer did not report its height: %v", HeaderAwaitBlock, err)
			}
			return behind("header %s: the bank's peer is at height %d and has not committed block %d after %s; retry later", HeaderAwaitBlock, height, block, awaitBlockTimeout)
		case <-time.After(awaitBlockPoll):
		}
	}
}

// clipHeader shortens a hostile header value before it is echoed.
func clipHeader(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
