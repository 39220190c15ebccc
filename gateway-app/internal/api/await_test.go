package api

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// climbingLedger is a ledger whose peer's height rises by one every time
// it is asked; it answers nothing else.
type climbingLedger struct {
	ledger.Ledger
	height uint64
	asked  int
}

func (l *climbingLedger) Height(context.Context, string) (uint64, error) {
	l.asked++
	l.height++
	return l.height, nil
}

func TestAwaitBlock(t *testing.T) {
	l := &climbingLedger{height: 3}
	s := &Server{ledger: l}
	await := func(header string) *Problem {
		r := httptest.NewRequest("GET", "/v1/whoami", nil)
		if header != "" {
			r.Header.Set(HeaderAwaitBlock, header)
		}
		return s.awaitBlock(r, "investor")
	}
	if p := await(""); p != nil || l.asked != 0 {
		t.Fatalf("no header: %v after %d questions, want nil without asking the peer", p, l.asked)
	}
	if p := await("6"); p != nil {
		t.Fatalf("block 6 from height 3: %v", p)
	}
	if l.height != 7 {
		t.Fatalf("answered at height %d, want the first height above block 6 (7)", l.height)
	}
	for _, bad := range []string{"-1", "x", "1.5", "18446744073709551616"} {
		if p := await(bad); p == nil || p.Code != CodeBadInput || p.Field != HeaderAwaitBlock {
			t.Errorf("header %q: %v, want BAD_INPUT naming %s", bad, p, HeaderAwaitBlock)
		}
	}
	s.ledger = struct{ ledger.Ledger }{}
	if p := await("1"); p == nil || p.Code != CodeLedgerUnavailable {
		t.Errorf("a ledger without heights: %v, want LEDGER_UNAVAILABLE", p)
	}
}

// The app hands the API an instrumented ledger: X-Await-Block must reach
// the gateway's height through it.
func TestAwaitBlockThroughInstrumentedLedger(t *testing.T) {
	inner := &climbingLedger{height: 1}
	s := &Server{ledger: ledger.Instrument(inner, slog.New(slog.DiscardHandler), nil)}
	r := httptest.NewRequest("GET", "/v1/whoami", nil)
	r.Header.Set(HeaderAwaitBlock, "2")
	if p := s.awaitBlock(r, "investor"); p != nil || inner.asked == 0 {
		t.Fatalf("through Instrument: %v after %d questions", p, inner.asked)
	}
}
