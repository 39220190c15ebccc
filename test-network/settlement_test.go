package testnetwork

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationSettlement settles trades delivery-versus-payment between
// banks on the real network: a matched trade moves units and cash in one
// transaction; the trustee's bank cannot read the trade terms and the
// buyer's bank cannot read the seller's holdings; two settlements spending
// the same units submitted at once settle exactly one; a settlement racing
// a freeze loses nothing.
func TestIntegrationSettlement(t *testing.T) {
	cs := startDealNetwork(t)
	alice, anna, bob, carol := cs.get("alice"), cs.get("anna"), cs.get("bob"), cs.get("carol")
	tranche, held := tradingDeal(t, cs, "POOL-DVP-1", "DEAL-DVP-1", 200, []string{"alice", "anna"}, []string{"bob", "carol"},
		money.FromMajor(50_000_000))

	trade := func(ref string, seller, buyer *actor, units int64, price money.Amount) core.Terms {
		nonce := make([]byte, 16)
		if _, err := rand.Read(nonce); err != nil {
			t.Fatal(err)
		}
		return core.Terms{TradeRef: ref, Kind: core.KindTrade, Tranche: tranche, Seller: seller.key, Buyer: buyer.key,
			Units: units, Cash: price, SettlementDate: time.Now().UTC().Format("2006-01-02"),
			Expiry: time.Now().UTC().Add(time.Hour).Truncate(time.Second), Payment: core.PaymentLedger, Nonce: hex.EncodeToString(nonce)}
	}
	transient := func(terms core.Terms) map[string][]byte {
		return map[string][]byte{settlement.TransientTerms: []byte(canonJSON(t, terms))}
	}
	instruct := func(terms core.Terms, seller, buyer *actor, hold bool) {
		h := "false"
		if hold {
			h = "true"
		}
		cs.submit(seller, "Settlement:InstructDeliver", []string{h}, transient(terms), "")
		cs.submit(buyer, "Settlement:InstructReceive", []string{"false"}, transient(terms), "")
	}
	status := func(ref string) string {
		var rec struct {
			Status string `json:"status"`
		}
		cs.evaluate(cs.get("org3-auditor"), "Settlement:Get", []string{ref}, &rec)
		return rec.Status
	}

	t.Run("a matched trade settles units and cash in one transaction", func(t *testing.T) {
		terms := trade("T-2026-0001", alice, bob, 10_000, money.FromMajor(9_950))
		aliceUnits, bobCash, aliceCash := cs.units(alice, tranche), cs.cash(bob), cs.cash(alice)
		instruct(terms, alice, bob, true)
		if s := status(terms.TradeRef); s != string(core.Matched) {
			t.Fatalf("status %s, want matched", s)
		}
		// Terms that differ by one unit do not match the instructed hashes.
		bad := terms
		bad.Units++
		cs.refused(bob, "Settlement:Settle", []string{terms.TradeRef}, transient(bad), "", errs.Conflict)
		cs.submit(bob, "Settlement:Settle", []string{terms.TradeRef}, transient(terms), "")
		if s := status(terms.TradeRef); s != string(core.Settled) {
			t.Fatalf("status %s, want settled", s)
		}
		if got := cs.units(alice, tranche); got != aliceUnits-10_000 {
			t.Errorf("alice units %d, want %d", got, aliceUnits-10_000)
		}
		if got := cs.cash(alice); got != aliceCash+money.FromMajor(9_950) {
			t.Errorf("alice cash %s", got)
		}
		if got := cs.cash(bob); got != bobCash-money.FromMajor(9_950) {
			t.Errorf("bob cash %s", got)
		}
		// Settling twice changes nothing.
		_, err := cs.trySubmit(bob, "Settlement:Settle", []string{terms.TradeRef}, transient(terms), "")
		if err == nil {
			t.Fatal("a second settlement of the same trade was accepted")
		}
	})

	t.Run("the trustee's bank cannot read trade terms; the buyer's bank cannot read the seller's holdings", func(t *testing.T) {
		for _, side := range []string{"deliver", "receive"} {
			if out, err := cs.tryEvaluate(cs.get("org1-compliance"), "Settlement:Terms", []string{"T-2026-0001", side}); err == nil {
				t.Errorf("Org1 read the %s terms: %s", side, out)
			}
		}
		if out, err := cs.tryEvaluate(cs.get("org3-compliance"), "Token:Position", []string{tranche, alice.key}); err == nil {
			t.Errorf("the buyer's bank read the seller's position: %s", out)
		}
		// Each side reads its own.
		var own core.Terms
		cs.evaluate(alice, "Settlement:Terms", []string{"T-2026-0001", "deliver"}, &own)
		if own.Units != 10_000 || own.Buyer != bob.key {
			t.Errorf("the seller reads its terms: %+v", own)
		}
	})

	t.Run("two settlements spending the same units at once: exactly one settles", func(t *testing.T) {
		left := cs.units(alice, tranche)
		t1 := trade("T-2026-0002", alice, bob, left, money.FromMajor(1_000))
		t2 := trade("T-2026-0003", alice, carol, left, money.FromMajor(1_000))
		instruct(t1, alice, bob, false)
		instruct(t2, alice, carol, false)
		before := cs.units(alice, tranche) + cs.units(bob, tranche) + cs.units(carol, tranche)
		var wg sync.WaitGroup
		errors := make([]error, 2)
		for i, p := range []struct {
			buyer *actor
			terms core.Terms
		}{{bob, t1}, {carol, t2}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errors[i] = p.buyer.c.Submit(t.Context(), tnet.Tx{Fn: "Settlement:Settle", Args: []string{p.terms.TradeRef},
					Transient: transient(p.terms), Endorsers: cs.endorsers(p.buyer, "Settlement:Settle", "")})
			}()
		}
		wg.Wait()
		s1, s2 := status(t1.TradeRef), status(t2.TradeRef)
		settled := 0
		for _, s := range []string{s1, s2} {
			if s == string(core.Settled) {
				settled++
			}
		}
		if settled != 1 {
			t.Fatalf("statuses %s and %s (errors %v / %v): want exactly one settled", s1, s2, tnet.ErrorText(errors[0]), tnet.ErrorText(errors[1]))
		}
		for i, err := range errors {
			if err != nil && !strings.Contains(tnet.ErrorText(err), "MVCC_READ_CONFLICT") && !strings.Contains(tnet.ErrorText(err), "RULE_") {
				t.Errorf("settlement %d failed uncleanly: %s", i+1, tnet.ErrorText(err))
			}
		}
		after := cs.units(alice, tranche) + cs.units(bob, tranche) + cs.units(carol, tranche)
		if after != before || cs.units(alice, tranche) != 0 {
			t.Fatalf("units %d before, %d after; alice keeps %d", before, after, cs.units(alice, tranche))
		}
	})

	t.Run("a settlement racing a freeze loses nothing", func(t *testing.T) {
		terms := trade("T-2026-0004", anna, carol, held, money.FromMajor(2_000))
		instruct(terms, anna, carol, false)
		before := cs.units(anna, tranche) + cs.units(carol, tranche)
		var wg sync.WaitGroup
		var settleErr, freezeErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, settleErr = cs.trySubmit(carol, "Settlement:Settle", []string{terms.TradeRef}, transient(terms), "")
		}()
		go func() {
			defer wg.Done()
			_, freezeErr = cs.trySubmit(cs.get("trustee"), "Token:Freeze", []string{tranche, anna.key, "all"}, nil, "")
		}()
		wg.Wait()
		after := cs.units(anna, tranche) + cs.units(carol, tranche)
		if after != before {
			t.Fatalf("units %d before, %d after", before, after)
		}
		switch status(terms.TradeRef) {
		case string(core.Settled):
			if cs.units(anna, tranche) != 0 {
				t.Fatalf("settled but anna kept %d", cs.units(anna, tranche))
			}
		default:
			if cs.units(anna, tranche) != held {
				t.Fatalf("not settled but anna has %d of %d", cs.units(anna, tranche), held)
			}
		}
		t.Logf("settle error: %v; freeze error: %v; status %s", tnet.ErrorText(settleErr), tnet.ErrorText(freezeErr), status(terms.TradeRef))
	})
}
