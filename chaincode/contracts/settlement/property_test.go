package settlement_test

import (
	"fmt"
	"math/rand"
	"strconv"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// TestPropertyRandomSettlementsConserveAndNeverLeaveHolds drives random
// instructions, settlements, confirmations, cancellations and expiries of
// trades among four investors, sometimes two at once (endorsed together,
// committed one after the other, as concurrent clients do), and checks
// after every step that units and cash are conserved, that every holder's
// held units and cash are exactly what its open settlements hold, that a
// hold record exists exactly for each held leg, and that no final
// settlement holds anything.
func TestPropertyRandomSettlementsConserveAndNeverLeaveHolds(t *testing.T) {
	reached := map[core.Status]int{}
	for seed := int64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			w := newWorld(t)
			f := w.standard()
			w.Must(w.Trustee, "Deal:Place", trancheID, w.Key(f.bella), "2000")
			w.Must(w.Settlement, "Cash:Pay", w.Key(f.alice), "50000.00")
			w.Must(w.Settlement, "Cash:Pay", w.Key(f.anna), "50000.00")
			p := &propertyRun{t: t, w: w, rng: rng, parties: []*stubtest.Identity{f.alice, f.anna, f.bob, f.bella}}
			p.units0, p.cash0 = w.totals(p.parties...)
			for i := range 8 {
				p.newTrade(fmt.Sprintf("P%d-T%02d", seed, i))
			}
			for step := range 120 {
				p.step()
				p.check(fmt.Sprintf("step %d", step))
			}
			w.Advance(100 * time.Hour)
			for _, tr := range p.trades {
				if tr.instructed && !w.SettlementRecord(tr.terms.TradeRef).Status.Final() {
					w.Must(w.Auditor, "Settlement:Expire", tr.terms.TradeRef)
				}
			}
			p.check("after expiring everything")
			for _, id := range p.parties {
				if w.Position(trancheID, id).HeldUnits != 0 || w.CashAccount(id).Held != 0 {
					t.Fatalf("%s still holds after every settlement ended", id)
				}
			}
			for s, n := range p.statuses() {
				reached[s] += n
			}
		})
	}
	// The runs must reach every final status, or they prove little.
	for _, s := range []core.Status{core.Settled, core.Released, core.Returned, core.Cancelled, core.Expired} {
		if reached[s] == 0 {
			t.Errorf("no run ended %s: %v", s, reached)
		}
	}
}

type propertyRun struct {
	t       *testing.T
	w       *world
	rng     *rand.Rand
	parties []*stubtest.Identity
	trades  []*propertyTrade
	units0  int64
	cash0   money.Amount
}

type propertyTrade struct {
	terms         core.Terms
	seller, buyer *stubtest.Identity
	instructed    bool
}

func (p *propertyRun) newTrade(ref string) {
	s := p.rng.Intn(len(p.parties))
	b := (s + 1 + p.rng.Intn(len(p.parties)-1)) % len(p.parties)
	terms := p.w.tradeTerms(ref, p.parties[s], p.parties[b], 1+int64(p.rng.Intn(1200)), money.Cents(1+int64(p.rng.Intn(2_000_000))))
	terms.Expiry = p.w.Now().Add(time.Duration(4+p.rng.Intn(20)) * time.Hour)
	if p.rng.Intn(4) == 0 {
		terms = rtgs(terms)
	}
	p.trades = append(p.trades, &propertyTrade{terms: terms, seller: p.parties[s], buyer: p.parties[b]})
}

// op returns a random call on trade tr: the identity, function, args and
// transient terms.
func (p *propertyRun) op(tr *propertyTrade) (*stubtest.Identity, string, []string, stubtest.InvokeOption) {
	ref := tr.terms.TradeRef
	terms := contracttest.TermsTransient(p.t, tr.terms)
	hold := strconv.FormatBool(p.rng.Intn(2) == 0)
	switch p.rng.Intn(9) {
	case 0, 1:
		return tr.seller, "Settlement:InstructDeliver", []string{hold}, terms
	case 2, 3:
		if tr.terms.Payment == core.PaymentRTGS {
			hold = "false"
		}
		return tr.buyer, "Settlement:InstructReceive", []string{hold}, terms
	case 4, 5:
		return []*stubtest.Identity{tr.seller, tr.buyer, p.w.Trustee}[p.rng.Intn(3)], "Settlement:Settle", []string{ref}, terms
	case 6:
		return tr.seller, "Settlement:ConfirmPayment", []string{ref}, terms
	case 7:
		if p.rng.Intn(2) == 0 {
			return tr.seller, "Settlement:Cancel", []string{ref, "deliver"}, terms
		}
		return tr.buyer, "Settlement:Cancel", []string{ref, "receive"}, terms
	}
	return p.w.Auditor, "Settlement:Expire", []string{ref}, nil
}

func (p *propertyRun) step() {
	p.w.Advance(time.Duration(p.rng.Intn(15)) * time.Minute)
	a := p.trades[p.rng.Intn(len(p.trades))]
	if p.rng.Intn(5) > 0 {
		p.run(a)
		return
	}
	// Two at once: endorse both against the same state, commit both.
	b := p.trades[p.rng.Intn(len(p.trades))]
	var txs []*stubtest.Tx
	for _, tr := range []*propertyTrade{a, b} {
		id, fn, args, opt := p.op(tr)
		tx, r := p.w.Propose(id, fn, args, options(opt)...)
		if r.Status < 400 {
			txs = append(txs, tx)
			tr.instructed = tr.instructed || r.Function == "Settlement:InstructDeliver" || r.Function == "Settlement:InstructReceive"
		}
	}
	for _, tx := range txs {
		if c := p.w.Commit(tx); c.Code != peer.TxValidationCode_VALID && c.Code != peer.TxValidationCode_MVCC_READ_CONFLICT &&
			c.Code != peer.TxValidationCode_PHANTOM_READ_CONFLICT {
			p.t.Fatalf("commit: %s", c.Code)
		}
	}
	p.markInstructed()
}

func (p *propertyRun) run(tr *propertyTrade) {
	id, fn, args, opt := p.op(tr)
	before := p.w.Snapshot()
	r := p.w.CallWith(id, fn, args, options(opt)...)
	if !r.OK() {
		if diff := p.w.Diff(before); len(diff) > 0 {
			p.t.Fatalf("%s refused (%s) but changed %v", fn, r.Message, diff)
		}
	}
	p.markInstructed()
}

// markInstructed notes which trades have a record now.
func (p *propertyRun) markInstructed() {
	public := p.w.Public()
	for _, tr := range p.trades {
		_, tr.instructed = public[contracttest.CompositeKey("settlement", tr.terms.TradeRef)]
	}
}

func options(opt stubtest.InvokeOption) []stubtest.InvokeOption {
	if opt == nil {
		return nil
	}
	return []stubtest.InvokeOption{opt}
}

func (p *propertyRun) check(where string) {
	p.t.Helper()
	w := p.w
	if units, cash := w.totals(p.parties...); units != p.units0 || cash != p.cash0 {
		p.t.Fatalf("%s: %d units and %s cash; started with %d and %s", where, units, cash, p.units0, p.cash0)
	}
	heldUnits := map[*stubtest.Identity]int64{}
	heldCash := map[*stubtest.Identity]money.Amount{}
	for _, tr := range p.trades {
		if !tr.instructed {
			continue
		}
		rec := w.SettlementRecord(tr.terms.TradeRef)
		if rec.Status.Final() && rec.Holds() {
			p.t.Fatalf("%s: %s is %s and still holds", where, rec.TradeRef, rec.Status)
		}
		deliverHeld := rec.Deliver != nil && rec.Deliver.Held
		receiveHeld := rec.Receive != nil && rec.Receive.Held
		if deliverHeld {
			heldUnits[tr.seller] += tr.terms.Units
		}
		if receiveHeld {
			heldCash[tr.buyer] += tr.terms.Cash
		}
		if w.holdRecord(rec.SellerBank, rec.TradeRef, core.Deliver) != deliverHeld ||
			w.holdRecord(rec.BuyerBank, rec.TradeRef, core.Receive) != receiveHeld {
			p.t.Fatalf("%s: hold records of %s disagree with its record %+v %+v", where, rec.TradeRef, rec.Deliver, rec.Receive)
		}
	}
	for _, id := range p.parties {
		pos, acct := w.Position(trancheID, id), w.CashAccount(id)
		if pos.HeldUnits != heldUnits[id] || acct.Held != heldCash[id] {
			p.t.Fatalf("%s: %s holds %d units and %s cash; its open settlements hold %d and %s",
				where, id, pos.HeldUnits, acct.Held, heldUnits[id], heldCash[id])
		}
		if pos.Units < 0 || acct.Balance < 0 || pos.HeldUnits > pos.Units || acct.Held > acct.Balance {
			p.t.Fatalf("%s: %s has %+v and %+v", where, id, pos, acct)
		}
	}
}

func (p *propertyRun) statuses() map[core.Status]int {
	out := map[core.Status]int{}
	for _, tr := range p.trades {
		if tr.instructed {
			out[p.w.SettlementRecord(tr.terms.TradeRef).Status]++
		}
	}
	return out
}
