package cash_test

import (
	"fmt"
	"maps"
	"math/rand"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestRandomOperationsConserveCash runs seeded random sequences of
// attestations, mints, burns, payments, transfers and returns, and of
// remittances and reserve fundings that move holders' cash into a deal's
// collection and reserve accounts (Servicing, through the cash ledger),
// many of them refused, and after every step requires: a refused call
// changed nothing; Σ registry accounts + float + Σ deal accounts =
// minted − burned; nothing is negative; the tokens outstanding after a
// mint are within the attested reserves; and the ledger, deal accounts
// included, matches a model that applies only the successful calls.
func TestRandomOperationsConserveCash(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 20260115} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { randomCash(t, seed, 400) })
	}
}

func randomCash(t *testing.T, seed int64, steps int) {
	rng := rand.New(rand.NewSource(seed))
	w := contracttest.New(t)
	f := dealWithAccounts(t, w)
	holders := []*stubtest.Identity{
		w.Investor(w.Net.Servicer, "alice"), w.Investor(w.Net.Investors, "bob"), w.Investor(w.Net.Trustee, "carl"),
	}
	// Staff who pay into the deal's accounts: the pool's servicer remits
	// collections, the arranger funds the reserve.
	payers := []*stubtest.Identity{w.Servicer, w.Arranger}
	collection, reserve := f.Deal+"/"+schema.AccountCollection, f.Deal+"/"+schema.ReserveAccount("reserve")
	var minted, burned, float, reserves money.Amount
	balances := map[string]money.Amount{}
	deal := map[string]money.Amount{collection: 0, reserve: 0, f.Deal + "/" + schema.FeeAccount("servicing"): 0, f.Deal + "/" + schema.AccountAdvances: 0}
	cents := func(hi int64) money.Amount { return money.Cents(rng.Int63n(hi) + 1) }
	succeeded := map[string]int{}
	refused := 0
	for step := 0; step < steps; step++ {
		from, to := holders[rng.Intn(len(holders))], holders[rng.Intn(len(holders))]
		payer := payers[rng.Intn(len(payers))]
		a := cents(2_000_000)
		var (
			id    *stubtest.Identity
			fn    string
			args  []string
			apply func()
		)
		switch op := rng.Intn(16); {
		case op < 1:
			a = minted - burned + cents(3_000_000) - 1_000_000 // sometimes below what is outstanding
			a = max(a, 0)
			id, fn, args = w.Settlement, "Cash:AttestReserves", []string{a.String(), fmt.Sprint("statement ", step)}
			apply = func() { reserves = a }
		case op < 3:
			id, fn, args = w.Settlement, "Cash:Mint", []string{a.String()}
			apply = func() { minted += a; float += a }
		case op < 4:
			id, fn, args = w.Settlement, "Cash:Burn", []string{a.String()}
			apply = func() { burned += a; float -= a }
		case op < 6:
			if rng.Intn(2) == 0 {
				to = payer
			}
			if float > 0 && rng.Intn(2) == 0 {
				a = money.Cents(rng.Int63n(float.Cents()) + 1)
			}
			id, fn, args = w.Settlement, "Cash:Pay", []string{w.Key(to), a.String()}
			apply = func() { float -= a; balances[w.Key(to)] += a }
		case op < 9:
			if b := balances[w.Key(payer)]; b > 0 && rng.Intn(4) > 0 {
				a = money.Cents(rng.Int63n(b.Cents()) + 1)
			}
			if payer == w.Servicer {
				id, fn, args = payer, "Servicing:RemitCollections", []string{f.Deal, a.String()}
				apply = func() { balances[w.Key(payer)] -= a; deal[collection] += a }
			} else {
				id, fn, args = payer, "Servicing:FundReserve", []string{f.Deal, "reserve", a.String()}
				apply = func() { balances[w.Key(payer)] -= a; deal[reserve] += a }
			}
		case op < 13:
			if b := balances[w.Key(from)]; b > 0 && rng.Intn(2) == 0 {
				a = money.Cents(rng.Int63n(b.Cents()) + 1)
			}
			id, fn, args = from, "Cash:Transfer", []string{w.Key(to), a.String()}
			apply = func() { balances[w.Key(from)] -= a; balances[w.Key(to)] += a }
		default:
			if b := balances[w.Key(from)]; b > 0 && rng.Intn(2) == 0 {
				a = money.Cents(rng.Int63n(b.Cents()) + 1)
			}
			id, fn, args = from, "Cash:Return", []string{a.String()}
			apply = func() { balances[w.Key(from)] -= a; float += a }
		}
		before := w.Snapshot()
		r := w.Call(id, fn, args...)
		if r.OK() {
			succeeded[fn]++
			apply()
			if fn == "Cash:Mint" && minted-burned > reserves {
				t.Fatalf("step %d: mint of %s brought the outstanding to %s above reserves %s", step, a, minted-burned, reserves)
			}
		} else {
			refused++
			if !errs.Known(r.ErrCode()) {
				t.Fatalf("step %d %s%q: %q", step, fn, args, r.Message)
			}
			if diff := w.Diff(before); len(diff) > 0 {
				t.Fatalf("step %d %s%q refused but changed %v", step, fn, args, diff)
			}
		}
		if err := w.CheckCash(); err != nil {
			t.Fatalf("step %d after %s%q: %v", step, fn, args, err)
		}
		c, err := w.ReadCash()
		if err != nil {
			t.Fatal(err)
		}
		if c.Supply.Minted != minted || c.Supply.Burned != burned || c.Book.Float != float || c.Supply.Reserves != reserves {
			t.Fatalf("step %d after %s%q: ledger %+v %+v, model minted %s burned %s float %s", step, fn, args, c.Supply, c.Book, minted, burned, float)
		}
		for k, b := range balances {
			if b < 0 || c.Accounts[k].Balance != b {
				t.Fatalf("step %d after %s%q: %s has %s, model %s", step, fn, args, k, c.Accounts[k].Balance, b)
			}
		}
		if !maps.Equal(c.DealAccounts, deal) {
			t.Fatalf("step %d after %s%q: deal accounts %v, model %v", step, fn, args, c.DealAccounts, deal)
		}
	}
	for _, fn := range []string{"Cash:AttestReserves", "Cash:Mint", "Cash:Burn", "Cash:Pay", "Cash:Transfer", "Cash:Return",
		"Servicing:RemitCollections", "Servicing:FundReserve"} {
		if succeeded[fn] == 0 {
			t.Errorf("no %s succeeded in %d steps", fn, steps)
		}
	}
	if refused == 0 {
		t.Error("nothing was refused: the sequence does not probe the limits")
	}
}
