package scheduler

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// A holder of several tranches is paid by several claims that all write
// its cash account: the scheduler runs them one after another (so none
// fails MVCC and waits for the next pass), while different holders' claims
// run side by side up to the concurrency.
func TestClaimsOfOnePayeeRunOneAfterAnother(t *testing.T) {
	db, book := openBook(t, t.TempDir())
	defer db.Close()
	s := New(trusteeConfig(8), &fakeLedger{}, book, &testClock{now: day("2026-05-15")}, quiet(), nil)
	p := &pass{s: s, d: s.cfg.Deals[0], now: day("2026-05-15"), v: &Schedule{}}

	var mu sync.Mutex
	inFlight, most := map[string]int{}, map[string]int{}
	total, mostTotal := 0, 0
	var todo []claim
	for h := range 6 {
		payee := fmt.Sprintf("holder-%d", h)
		for tranche := range 4 {
			todo = append(todo, claim{key: StepKey("AUTO-1", 1, "claim", fmt.Sprint(tranche), payee), payee: payee,
				run: func(context.Context) (money.Amount, string, error) {
					mu.Lock()
					inFlight[payee]++
					total++
					most[payee] = max(most[payee], inFlight[payee])
					mostTotal = max(mostTotal, total)
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
					mu.Lock()
					inFlight[payee]--
					total--
					mu.Unlock()
					return 100, "tx", nil
				}})
		}
	}
	if problems := p.runClaims(context.Background(), 1, "pay-holders", todo); len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	for payee, n := range most {
		if n != 1 {
			t.Errorf("%s had %d claims in flight at once, want 1", payee, n)
		}
	}
	if mostTotal < 2 {
		t.Errorf("at most %d claims in flight: different payees should run side by side", mostTotal)
	}
	if len(p.v.Ran) != 1 || p.v.Ran[0].Count != 24 || p.v.Ran[0].Amount != 2400 {
		t.Errorf("ran %+v, want 24 claims of 1.00", p.v.Ran)
	}
}
