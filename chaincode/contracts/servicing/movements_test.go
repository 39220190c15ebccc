package servicing_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/contracts/model"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/contracts/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// Every change of a holder's units (Token:Transfer, ForcedTransfer,
// Redeem, Deal:Place, a DvP settlement) first pays the holder what its
// units accrued. These tests read the committed ledger and work out each
// payment themselves: units × (index − indexPaid), floored to the cent.

// positionOf reads a holder's committed position in a tranche.
func (w *world) positionOf(tranche string, id *stubtest.Identity) model.Position {
	w.tb.Helper()
	var p model.Position
	if b, ok := w.Private(roles.RegistryCollection(id.MSPID()))[compositeKey(model.TypePosition, tranche, w.key(id))]; ok {
		if err := canon.Unmarshal(b, &p); err != nil {
			w.tb.Fatal(err)
		}
	}
	return p
}

// cashOf reads a holder's committed cash balance.
func (w *world) cashOf(id *stubtest.Identity) money.Amount {
	w.tb.Helper()
	var a model.CashAccount
	if b, ok := w.Private(roles.RegistryCollection(id.MSPID()))[compositeKey(model.TypeCash, w.key(id))]; ok {
		if err := canon.Unmarshal(b, &a); err != nil {
			w.tb.Fatal(err)
		}
	}
	return a.Balance
}

// index is a tranche's committed distribution index.
func (w *world) index(tranche string) decimal.Decimal {
	w.tb.Helper()
	b, err := w.classBook(tranche)
	if err != nil {
		w.tb.Fatal(err)
	}
	return b.Index
}

// owed is what a holder's units have earned and not been paid, from the
// committed position and class book.
func (w *world) owed(tranche string, id *stubtest.Identity) money.Amount {
	w.tb.Helper()
	p := w.positionOf(tranche, id)
	paid := decimal.Zero
	if p.IndexPaid != "" {
		paid = decimal.RequireFromString(p.IndexPaid)
	}
	return floorCents(p.Units, w.index(tranche).Sub(paid))
}

// floorCents is units × perUnit, floored to the cent.
func floorCents(units int64, perUnit decimal.Decimal) money.Amount {
	return money.Cents(decimal.NewFromInt(units).Mul(perUnit).Shift(2).Floor().IntPart())
}

// conserved requires, after a step, the settlement asset to conserve to
// the cent wherever it is (contracttest's witness: registries, float,
// deal accounts, distribution accounts), the units of every tranche to
// conserve with a true holder count, and every class book to balance
// against its holders.
func (d *dealFixture) conserved(t testing.TB, step string) {
	t.Helper()
	w := d.w
	if err := w.checkCash(); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	for _, c := range d.classes {
		b, err := contracttest.ReadTrancheOf(w.World, w.net.Config, d.tranche[c])
		if err == nil {
			err = b.Check()
		}
		if err == nil {
			err = w.checkBook(d.tranche[c])
		}
		if err != nil {
			t.Fatalf("%s: class %s: %v", step, c, err)
		}
	}
}

// tradeTerms are the terms of a ledger-paid trade settling today.
func (w *world) tradeTerms(ref, tranche string, seller, buyer *stubtest.Identity, units int64, price money.Amount) core.Terms {
	sum := sha256.Sum256([]byte("nonce " + ref))
	return core.Terms{TradeRef: ref, Kind: core.KindTrade, Tranche: tranche, Seller: w.key(seller), Buyer: w.key(buyer),
		Units: units, Cash: price, SettlementDate: w.now.Format("2006-01-02"), Expiry: w.now.Add(48 * time.Hour),
		Payment: core.PaymentLedger, Nonce: hex.EncodeToString(sum[:16])}
}

// trade has both banks instruct terms (with hold, the seller holding its
// units and the buyer its cash until the settlement ends) and the trustee
// settle them; it returns the status the settlement ends in (settled, or
// failed when a rule or a balance refused).
func (w *world) trade(t testing.TB, terms core.Terms, seller, buyer *stubtest.Identity, hold bool) core.Status {
	t.Helper()
	opt := stubtest.Transient(map[string][]byte{settlement.TransientTerms: mustCanon(t, terms)})
	w.mustWith(seller, "Settlement:InstructDeliver", []string{fmt.Sprint(hold)}, opt)
	w.mustWith(buyer, "Settlement:InstructReceive", []string{fmt.Sprint(hold)}, opt)
	return decode[settlement.StatusEvent](t, w.mustWith(w.trustee, "Settlement:Settle", []string{terms.TradeRef}, opt)).Status
}

// TestMovementsPayAccruedDistributionsFirst runs a deal through three
// certified periods with claims in between and, after distributions,
// every kind of movement of units: transfers to a new holder and to an
// existing one, a placement, a forced transfer, a redemption and a DvP
// settlement. Each movement pays each holder whose units change exactly
// what those units earned while it held them, into its cash; a buyer
// gets nothing of the past and, after the next period, exactly its share
// of it. Units and cash conserve to the cent after every step.
func TestMovementsPayAccruedDistributionsFirst(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25, withUnissued("A", 2_000))
	a, b, c, r := d.tranche["A"], d.tranche["B"], d.tranche["C"], d.tranche["Certificates"]
	d.conserved(t, "closing")
	w.must(w.settlement, "Cash:Pay", w.key(d.bella), "2000000.00")
	d.conserved(t, "bella funded")

	_, cert1 := d.runPeriod(t)
	d.conserved(t, "period 1 certified")
	if w.index(c).IsZero() || w.index(a).IsZero() {
		t.Fatalf("period 1 paid nothing to A or C: %+v", cert1.Distributions)
	}

	// A claim pays what is owed, once.
	owed := w.owed(a, d.alice)
	cashBefore := w.cashOf(d.alice)
	if got := decode[servicing.ClaimResult](t, w.must(d.alice, "Servicing:Claim", a)).Amount; got != owed || owed <= 0 {
		t.Fatalf("alice claimed %s on A, owed %s", got, owed)
	}
	if w.cashOf(d.alice) != cashBefore+owed || w.owed(a, d.alice) != 0 {
		t.Fatalf("alice's cash %s after claiming %s from %s", w.cashOf(d.alice), owed, cashBefore)
	}
	d.conserved(t, "alice claimed A")

	// Transfer to a new holder: bella sells C to alice, who held none. Bella
	// is paid her whole period-1 share; alice starts at the index.
	const soldC = 12_345
	bellaC := w.positionOf(c, d.bella).Units
	bellaOwed, bellaCash, aliceCash := w.owed(c, d.bella), w.cashOf(d.bella), w.cashOf(d.alice)
	if w.positionOf(c, d.alice).Units != 0 || bellaOwed <= 0 {
		t.Fatalf("fixture: alice holds C, or bella is owed nothing (%s)", bellaOwed)
	}
	w.must(d.bella, "Token:Transfer", c, w.key(d.alice), fmt.Sprint(soldC))
	if w.cashOf(d.bella) != bellaCash+bellaOwed || w.cashOf(d.alice) != aliceCash {
		t.Fatalf("transfer after a distribution: bella's cash %s (had %s, owed %s), alice's %s (had %s)",
			w.cashOf(d.bella), bellaCash, bellaOwed, w.cashOf(d.alice), aliceCash)
	}
	if p := w.positionOf(c, d.alice); p.Units != soldC || !decimal.RequireFromString(p.IndexPaid).Equal(w.index(c)) || w.owed(c, d.alice) != 0 {
		t.Fatalf("alice's new position %+v, index %s: a buyer earns nothing of the past", p, w.index(c))
	}
	d.conserved(t, "bella sold C to alice")

	// Transfer between two holders: both are paid on their own units only.
	bobOwed, annaOwed := w.owed(a, d.bob), w.owed(a, d.anna)
	bobCash, annaCash := w.cashOf(d.bob), w.cashOf(d.anna)
	res := w.call(d.bob, "Token:Transfer", []string{a, w.key(d.anna), "1000"})
	if !res.ok() {
		t.Fatal(res.Message)
	}
	if w.cashOf(d.bob) != bobCash+bobOwed || w.cashOf(d.anna) != annaCash+annaOwed || bobOwed <= 0 || annaOwed <= 0 {
		t.Fatalf("bob paid %s of %s owed, anna %s of %s", w.cashOf(d.bob)-bobCash, bobOwed, w.cashOf(d.anna)-annaCash, annaOwed)
	}
	// Each payment is announced as a claim would be, so the banks' read
	// models refresh the holders' cash; no event carries an amount.
	if got := strings.Join(res.eventTypes(), ","); got != "TokenTransferred,DistributionClaimed,DistributionClaimed" {
		t.Fatalf("events %s", got)
	}
	for i, h := range []*stubtest.Identity{d.bob, d.anna} {
		data := string(res.events()[i+1].Data)
		if !strings.Contains(data, w.key(h)) || strings.Contains(data, bobOwed.String()) || strings.Contains(data, annaOwed.String()) {
			t.Fatalf("event %d: %s", i+1, data)
		}
	}
	d.conserved(t, "bob sold A to anna")

	// A placement pays the receiving holder first: bella already holds A.
	w.must(w.arranger, "Deal:Issue", a, "2000")
	bellaOwed, bellaCash = w.owed(a, d.bella), w.cashOf(d.bella)
	w.must(w.trustee, "Deal:Place", a, w.key(d.bella), "2000")
	if w.cashOf(d.bella) != bellaCash+bellaOwed || bellaOwed <= 0 || w.owed(a, d.bella) != 0 {
		t.Fatalf("placement: bella paid %s, owed %s", w.cashOf(d.bella)-bellaCash, bellaOwed)
	}
	d.conserved(t, "placed A with bella")

	// A forced transfer pays both sides; a redemption pays the holder.
	annaOwed, bobOwed = w.owed(r, d.anna), w.owed(r, d.bob)
	annaCash, bobCash = w.cashOf(d.anna), w.cashOf(d.bob)
	w.must(w.trustee, "Token:ForcedTransfer", r, w.key(d.anna), w.key(d.bob), "500", "court order 2026-17")
	if w.cashOf(d.anna) != annaCash+annaOwed || w.cashOf(d.bob) != bobCash+bobOwed {
		t.Fatalf("forced transfer: anna paid %s of %s, bob %s of %s", w.cashOf(d.anna)-annaCash, annaOwed, w.cashOf(d.bob)-bobCash, bobOwed)
	}
	d.conserved(t, "forced transfer of certificates")
	bobOwed, bobCash = w.owed(b, d.bob), w.cashOf(d.bob)
	unitsBefore := w.positionOf(b, d.bob).Units
	w.must(w.trustee, "Token:Redeem", b, w.key(d.bob), "100")
	if w.cashOf(d.bob) != bobCash+bobOwed || bobOwed <= 0 || w.positionOf(b, d.bob).Units != unitsBefore-100 {
		t.Fatalf("redemption: bob paid %s of %s", w.cashOf(d.bob)-bobCash, bobOwed)
	}
	d.conserved(t, "redeemed B of bob")

	// Period 2: the buyer of C earns its share from now on, the seller on
	// what it kept.
	_, cert2 := d.runPeriod(t)
	d.conserved(t, "period 2 certified")
	var deltaC decimal.Decimal
	for _, cd := range cert2.Distributions {
		if cd.Tranche == c {
			deltaC = cd.Delta
		}
	}
	aliceClaim := decode[servicing.ClaimResult](t, w.must(d.alice, "Servicing:Claim", c)).Amount
	bellaClaim := decode[servicing.ClaimResult](t, w.must(d.bella, "Servicing:Claim", c)).Amount
	if aliceClaim != floorCents(soldC, deltaC) || bellaClaim != floorCents(bellaC-soldC, deltaC) || aliceClaim <= 0 {
		t.Fatalf("period 2 on C: alice claimed %s, want %s; bella %s, want %s",
			aliceClaim, floorCents(soldC, deltaC), bellaClaim, floorCents(bellaC-soldC, deltaC))
	}
	d.conserved(t, "period 2 claims")

	// DvP after a distribution: the price and both sides' accruals move in
	// one transaction through one cash ledger, none lost.
	terms := w.tradeTerms("DVP-1", a, d.alice, d.bella, 5_000, money.FromMajor(5_050))
	aliceOwed, bellaOwed := w.owed(a, d.alice), w.owed(a, d.bella)
	aliceCash, bellaCash = w.cashOf(d.alice), w.cashOf(d.bella)
	aliceUnits, bellaUnits := w.positionOf(a, d.alice).Units, w.positionOf(a, d.bella).Units
	events := len(w.Events())
	if status := w.trade(t, terms, d.alice, d.bella, true); status != core.Settled {
		t.Fatalf("trade %s", status)
	}
	// A settlement's events name banks, never parties: the accruals it paid
	// are not announced (each bank knows its own client's side).
	for _, e := range w.Events()[events:] {
		if strings.Contains(string(e.Payload), w.key(d.alice)) || strings.Contains(string(e.Payload), w.key(d.bella)) {
			t.Fatalf("a settlement event names a party: %s", e.Payload)
		}
	}
	if got, want := w.cashOf(d.alice), aliceCash+aliceOwed+terms.Cash; got != want || aliceOwed <= 0 {
		t.Fatalf("DvP: the seller has %s, want %s (had %s, owed %s, price %s)", got, want, aliceCash, aliceOwed, terms.Cash)
	}
	if got, want := w.cashOf(d.bella), bellaCash+bellaOwed-terms.Cash; got != want || bellaOwed <= 0 {
		t.Fatalf("DvP: the buyer has %s, want %s (had %s, owed %s, price %s)", got, want, bellaCash, bellaOwed, terms.Cash)
	}
	if w.positionOf(a, d.alice).Units != aliceUnits-5_000 || w.positionOf(a, d.bella).Units != bellaUnits+5_000 ||
		w.owed(a, d.alice) != 0 || w.owed(a, d.bella) != 0 {
		t.Fatalf("DvP: units alice %d bella %d", w.positionOf(a, d.alice).Units, w.positionOf(a, d.bella).Units)
	}
	d.conserved(t, "DvP of A")

	// Period 3, then everyone claims everything and the fees are paid:
	// every distribution account holds only its residue line.
	d.runPeriod(t)
	d.conserved(t, "period 3 certified")
	for _, class := range d.classes {
		for _, h := range []*stubtest.Identity{d.alice, d.anna, d.bob, d.bella} {
			want := w.owed(d.tranche[class], h)
			if got := decode[servicing.ClaimResult](t, w.must(h, "Servicing:Claim", d.tranche[class])).Amount; got != want {
				t.Fatalf("final claim of %s on %s: %s, owed %s", h, class, got, want)
			}
		}
		book, err := w.classBook(d.tranche[class])
		if err != nil {
			t.Fatal(err)
		}
		if !book.Balance().Decimal().Equal(book.ResidueLine()) {
			t.Fatalf("class %s: %s left in the distribution account, residue line %s", class, book.Balance(), book.ResidueLine())
		}
	}
	w.must(w.servicer, "Servicing:ClaimFee", d.deal, "servicing")
	w.must(w.trustee, "Servicing:ClaimFee", d.deal, "trustee")
	d.conserved(t, "everything claimed")
}

// TestAMovementThatIsRefusedPaysNothing: a transfer a rule refuses after
// a distribution changes nothing, accruals included.
func TestAMovementThatIsRefusedPaysNothing(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	a := d.tranche["A"]
	d.runPeriod(t)
	units := w.positionOf(a, d.bob).Units
	w.refused(errs.RuleInsufficientUnits, d.bob, "Token:Transfer", a, w.key(d.alice), fmt.Sprint(units+1))
	w.must(w.trustee, "Token:Freeze", a, w.key(d.bob), "all")
	w.refused(errs.RuleFrozen, d.bob, "Token:Transfer", a, w.key(d.alice), "1")
	w.refused(errs.RuleFrozen, w.trustee, "Token:Redeem", a, w.key(d.bob), "1")
	if w.owed(a, d.bob) <= 0 {
		t.Fatal("bob's accrual was paid by a refused movement")
	}
	d.conserved(t, "after the refusals")
}

// TestEventOfDefaultTriggerKeepsTranchesPaused: a trigger with effect
// eventOfDefault that breaches at certification pauses every tranche,
// and the trustee cannot resume them; a forced transfer still moves units
// and pays both sides' accruals.
func TestEventOfDefaultTriggerKeepsTranchesPaused(t *testing.T) {
	w := newWorld(t)
	// An overcollateralisation test no pool can pass: pool ÷ notes ≥ 5.
	d := newDeal(t, w, 60, 25, withDefinition(func(def string) string {
		def = strings.Replace(def, `"triggers": [`, `"triggers": [{"name": "oc default", "test": "overcollateralization",
    "schedule": [{"fromPeriod": 1, "value": "5"}], "effect": "eventOfDefault"}, `, 1)
		return strings.Replace(def, `"triggers": ["delinquency turbo"]`, `"triggers": ["oc default", "delinquency turbo"]`, 1)
	}))
	a := d.tranche["A"]
	w.must(w.trustee, "Token:Pause", a)
	w.must(w.trustee, "Token:Resume", a) // no event of default yet
	_, cert := d.runPeriod(t)
	status := decode[model.DealServicing](t, w.must(w.auditor, "Servicing:GetStatus", d.deal))
	if !cert.Accelerated || !status.EventOfDefault || status.Declared != nil {
		t.Fatalf("the trigger did not cause an event of default: accelerated %v, status %+v", cert.Accelerated, status)
	}
	for _, class := range d.classes {
		msg := w.refused(errs.WrongState, w.trustee, "Token:Resume", d.tranche[class])
		if !strings.Contains(msg, "event of default") || !strings.Contains(msg, d.deal) {
			t.Fatalf("refusal %q does not say why", msg)
		}
		w.refused(errs.RulePaused, d.bob, "Token:Transfer", d.tranche[class], w.key(d.alice), "1")
	}
	bobOwed, aliceOwed := w.owed(a, d.bob), w.owed(a, d.alice)
	bobCash, aliceCash := w.cashOf(d.bob), w.cashOf(d.alice)
	w.must(w.trustee, "Token:ForcedTransfer", a, w.key(d.bob), w.key(d.alice), "10", "lost keys")
	if w.cashOf(d.bob) != bobCash+bobOwed || w.cashOf(d.alice) != aliceCash+aliceOwed || bobOwed <= 0 {
		t.Fatalf("forced transfer in default: bob paid %s of %s, alice %s of %s", w.cashOf(d.bob)-bobCash, bobOwed, w.cashOf(d.alice)-aliceCash, aliceOwed)
	}
	d.conserved(t, "forced transfer in default")
}
