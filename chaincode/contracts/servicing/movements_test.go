package servicing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Every change of a holder's units (Token:Transfer, ForcedTransfer,
// Redeem, Deal:Place, a DvP settlement) first pays the holder what its
// units accrued. These tests read the committed ledger and work out each
// payment themselves: units × (index − indexPaid), floored to the cent.

// index is a tranche's committed distribution index.
func (w *world) index(tranche string) decimal.Decimal {
	w.TB.Helper()
	b, err := w.classBook(tranche)
	if err != nil {
		w.TB.Fatal(err)
	}
	return b.Index
}

// owed is what a holder's units have earned and not been paid, from the
// committed position and class book.
func (w *world) owed(tranche string, id *stubtest.Identity) money.Amount {
	w.TB.Helper()
	p := w.Position(tranche, id)
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
	if err := w.CheckCash(); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	for _, c := range d.classes {
		err := w.CheckTranche(d.tranche[c])
		if err == nil {
			err = w.checkBook(d.tranche[c])
		}
		if err != nil {
			t.Fatalf("%s: class %s: %v", step, c, err)
		}
	}
}

// trade has both banks instruct terms (with hold, the seller holding its
// units and the buyer its cash until the settlement ends) and the trustee
// settle them; it returns the status the settlement ends in (settled, or
// failed when a rule or a balance refused).
func (w *world) trade(terms core.Terms, seller, buyer *stubtest.Identity, hold bool) core.Status {
	w.TB.Helper()
	w.Matched(seller, buyer, terms, hold, hold)
	return w.MustSettle(w.Trustee, terms).Status
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
	w.Must(w.Settlement, "Cash:Pay", w.Key(d.bella), "2000000.00")
	d.conserved(t, "bella funded")

	_, cert1 := d.runPeriod(t)
	d.conserved(t, "period 1 certified")
	if w.index(c).IsZero() || w.index(a).IsZero() {
		t.Fatalf("period 1 paid nothing to A or C: %+v", cert1.Distributions)
	}

	// A claim pays what is owed, once.
	owed := w.owed(a, d.alice)
	cashBefore := w.CashAccount(d.alice).Balance
	if got := contracttest.Decode[schema.ClaimResult](t, w.Must(d.alice, "Servicing:Claim", a)).Amount; got != owed || owed <= 0 {
		t.Fatalf("alice claimed %s on A, owed %s", got, owed)
	}
	if w.CashAccount(d.alice).Balance != cashBefore+owed || w.owed(a, d.alice) != 0 {
		t.Fatalf("alice's cash %s after claiming %s from %s", w.CashAccount(d.alice).Balance, owed, cashBefore)
	}
	d.conserved(t, "alice claimed A")

	// Transfer to a new holder: bella sells C to alice, who held none. Bella
	// is paid her whole period-1 share; alice starts at the index.
	const soldC = 12_345
	bellaC := w.Position(c, d.bella).Units
	bellaOwed, bellaCash, aliceCash := w.owed(c, d.bella), w.CashAccount(d.bella).Balance, w.CashAccount(d.alice).Balance
	if w.Position(c, d.alice).Units != 0 || bellaOwed <= 0 {
		t.Fatalf("fixture: alice holds C, or bella is owed nothing (%s)", bellaOwed)
	}
	w.Must(d.bella, "Token:Transfer", c, w.Key(d.alice), fmt.Sprint(soldC))
	if w.CashAccount(d.bella).Balance != bellaCash+bellaOwed || w.CashAccount(d.alice).Balance != aliceCash {
		t.Fatalf("transfer after a distribution: bella's cash %s (had %s, owed %s), alice's %s (had %s)",
			w.CashAccount(d.bella).Balance, bellaCash, bellaOwed, w.CashAccount(d.alice).Balance, aliceCash)
	}
	if p := w.Position(c, d.alice); p.Units != soldC || !decimal.RequireFromString(p.IndexPaid).Equal(w.index(c)) || w.owed(c, d.alice) != 0 {
		t.Fatalf("alice's new position %+v, index %s: a buyer earns nothing of the past", p, w.index(c))
	}
	d.conserved(t, "bella sold C to alice")

	// Transfer between two holders: both are paid on their own units only.
	bobOwed, annaOwed := w.owed(a, d.bob), w.owed(a, d.anna)
	bobCash, annaCash := w.CashAccount(d.bob).Balance, w.CashAccount(d.anna).Balance
	res := w.CallWith(d.bob, "Token:Transfer", []string{a, w.Key(d.anna), "1000"})
	if !res.OK() {
		t.Fatal(res.Message)
	}
	if w.CashAccount(d.bob).Balance != bobCash+bobOwed || w.CashAccount(d.anna).Balance != annaCash+annaOwed || bobOwed <= 0 || annaOwed <= 0 {
		t.Fatalf("bob paid %s of %s owed, anna %s of %s", w.CashAccount(d.bob).Balance-bobCash, bobOwed, w.CashAccount(d.anna).Balance-annaCash, annaOwed)
	}
	// Each payment is announced as a claim would be, so the banks' read
	// models refresh the holders' cash; no event carries an amount.
	if got := strings.Join(res.EventTypes(), ","); got != "TokenTransferred,DistributionClaimed,DistributionClaimed" {
		t.Fatalf("events %s", got)
	}
	for i, h := range []*stubtest.Identity{d.bob, d.anna} {
		data := string(res.Events()[i+1].Data)
		if !strings.Contains(data, w.Key(h)) || strings.Contains(data, bobOwed.String()) || strings.Contains(data, annaOwed.String()) {
			t.Fatalf("event %d: %s", i+1, data)
		}
	}
	d.conserved(t, "bob sold A to anna")

	// A placement pays the receiving holder first: bella already holds A.
	w.Must(w.Arranger, "Deal:Issue", a, "2000")
	bellaOwed, bellaCash = w.owed(a, d.bella), w.CashAccount(d.bella).Balance
	w.Must(w.Trustee, "Deal:Place", a, w.Key(d.bella), "2000")
	if w.CashAccount(d.bella).Balance != bellaCash+bellaOwed || bellaOwed <= 0 || w.owed(a, d.bella) != 0 {
		t.Fatalf("placement: bella paid %s, owed %s", w.CashAccount(d.bella).Balance-bellaCash, bellaOwed)
	}
	d.conserved(t, "placed A with bella")

	// A forced transfer pays both sides; a redemption pays the holder.
	annaOwed, bobOwed = w.owed(r, d.anna), w.owed(r, d.bob)
	annaCash, bobCash = w.CashAccount(d.anna).Balance, w.CashAccount(d.bob).Balance
	w.Must(w.Trustee, "Token:ForcedTransfer", r, w.Key(d.anna), w.Key(d.bob), "500", "court order 2026-17")
	if w.CashAccount(d.anna).Balance != annaCash+annaOwed || w.CashAccount(d.bob).Balance != bobCash+bobOwed {
		t.Fatalf("forced transfer: anna paid %s of %s, bob %s of %s", w.CashAccount(d.anna).Balance-annaCash, annaOwed, w.CashAccount(d.bob).Balance-bobCash, bobOwed)
	}
	d.conserved(t, "forced transfer of certificates")
	bobOwed, bobCash = w.owed(b, d.bob), w.CashAccount(d.bob).Balance
	unitsBefore := w.Position(b, d.bob).Units
	w.Must(w.Trustee, "Token:Redeem", b, w.Key(d.bob), "100")
	if w.CashAccount(d.bob).Balance != bobCash+bobOwed || bobOwed <= 0 || w.Position(b, d.bob).Units != unitsBefore-100 {
		t.Fatalf("redemption: bob paid %s of %s", w.CashAccount(d.bob).Balance-bobCash, bobOwed)
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
	aliceClaim := contracttest.Decode[schema.ClaimResult](t, w.Must(d.alice, "Servicing:Claim", c)).Amount
	bellaClaim := contracttest.Decode[schema.ClaimResult](t, w.Must(d.bella, "Servicing:Claim", c)).Amount
	if aliceClaim != floorCents(soldC, deltaC) || bellaClaim != floorCents(bellaC-soldC, deltaC) || aliceClaim <= 0 {
		t.Fatalf("period 2 on C: alice claimed %s, want %s; bella %s, want %s",
			aliceClaim, floorCents(soldC, deltaC), bellaClaim, floorCents(bellaC-soldC, deltaC))
	}
	d.conserved(t, "period 2 claims")

	// DvP after a distribution: the price and both sides' accruals move in
	// one transaction through one cash ledger, none lost.
	terms := w.TradeTerms("DVP-1", a, d.alice, d.bella, 5_000, money.FromMajor(5_050))
	aliceOwed, bellaOwed := w.owed(a, d.alice), w.owed(a, d.bella)
	aliceCash, bellaCash = w.CashAccount(d.alice).Balance, w.CashAccount(d.bella).Balance
	aliceUnits, bellaUnits := w.Position(a, d.alice).Units, w.Position(a, d.bella).Units
	events := len(w.Events())
	if status := w.trade(terms, d.alice, d.bella, true); status != core.Settled {
		t.Fatalf("trade %s", status)
	}
	// A settlement's events name banks, never parties: the accruals it paid
	// are not announced (each bank knows its own client's side).
	for _, e := range w.Events()[events:] {
		if strings.Contains(string(e.Payload), w.Key(d.alice)) || strings.Contains(string(e.Payload), w.Key(d.bella)) {
			t.Fatalf("a settlement event names a party: %s", e.Payload)
		}
	}
	if got, want := w.CashAccount(d.alice).Balance, aliceCash+aliceOwed+terms.Cash; got != want || aliceOwed <= 0 {
		t.Fatalf("DvP: the seller has %s, want %s (had %s, owed %s, price %s)", got, want, aliceCash, aliceOwed, terms.Cash)
	}
	if got, want := w.CashAccount(d.bella).Balance, bellaCash+bellaOwed-terms.Cash; got != want || bellaOwed <= 0 {
		t.Fatalf("DvP: the buyer has %s, want %s (had %s, owed %s, price %s)", got, want, bellaCash, bellaOwed, terms.Cash)
	}
	if w.Position(a, d.alice).Units != aliceUnits-5_000 || w.Position(a, d.bella).Units != bellaUnits+5_000 ||
		w.owed(a, d.alice) != 0 || w.owed(a, d.bella) != 0 {
		t.Fatalf("DvP: units alice %d bella %d", w.Position(a, d.alice).Units, w.Position(a, d.bella).Units)
	}
	d.conserved(t, "DvP of A")

	// Period 3, then everyone claims everything and the fees are paid:
	// every distribution account holds only its residue line.
	d.runPeriod(t)
	d.conserved(t, "period 3 certified")
	for _, class := range d.classes {
		for _, h := range []*stubtest.Identity{d.alice, d.anna, d.bob, d.bella} {
			want := w.owed(d.tranche[class], h)
			if got := contracttest.Decode[schema.ClaimResult](t, w.Must(h, "Servicing:Claim", d.tranche[class])).Amount; got != want {
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
	w.Must(w.Servicer, "Servicing:ClaimFee", d.deal, "servicing")
	w.Must(w.Trustee, "Servicing:ClaimFee", d.deal, "trustee")
	d.conserved(t, "everything claimed")
}

// TestAMovementThatIsRefusedPaysNothing: a transfer a rule refuses after
// a distribution changes nothing, accruals included.
func TestAMovementThatIsRefusedPaysNothing(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	a := d.tranche["A"]
	d.runPeriod(t)
	units := w.Position(a, d.bob).Units
	w.Refused(errs.RuleInsufficientUnits, d.bob, "Token:Transfer", a, w.Key(d.alice), fmt.Sprint(units+1))
	w.Must(w.Trustee, "Token:Freeze", a, w.Key(d.bob), "all")
	w.Refused(errs.RuleFrozen, d.bob, "Token:Transfer", a, w.Key(d.alice), "1")
	w.Refused(errs.RuleFrozen, w.Trustee, "Token:Redeem", a, w.Key(d.bob), "1")
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
	w.Must(w.Trustee, "Token:Pause", a)
	w.Must(w.Trustee, "Token:Resume", a) // no event of default yet
	_, cert := d.runPeriod(t)
	status := contracttest.Decode[schema.DealServicing](t, w.Must(w.Auditor, "Servicing:GetStatus", d.deal))
	if !cert.Accelerated || !status.EventOfDefault || status.Declared != nil {
		t.Fatalf("the trigger did not cause an event of default: accelerated %v, status %+v", cert.Accelerated, status)
	}
	for _, class := range d.classes {
		msg := w.Refused(errs.WrongState, w.Trustee, "Token:Resume", d.tranche[class]).Message
		if !strings.Contains(msg, "event of default") || !strings.Contains(msg, d.deal) {
			t.Fatalf("refusal %q does not say why", msg)
		}
		w.Refused(errs.RulePaused, d.bob, "Token:Transfer", d.tranche[class], w.Key(d.alice), "1")
	}
	bobOwed, aliceOwed := w.owed(a, d.bob), w.owed(a, d.alice)
	bobCash, aliceCash := w.CashAccount(d.bob).Balance, w.CashAccount(d.alice).Balance
	w.Must(w.Trustee, "Token:ForcedTransfer", a, w.Key(d.bob), w.Key(d.alice), "10", "lost keys")
	if w.CashAccount(d.bob).Balance != bobCash+bobOwed || w.CashAccount(d.alice).Balance != aliceCash+aliceOwed || bobOwed <= 0 {
		t.Fatalf("forced transfer in default: bob paid %s of %s, alice %s of %s", w.CashAccount(d.bob).Balance-bobCash, bobOwed, w.CashAccount(d.alice).Balance-aliceCash, aliceOwed)
	}
	d.conserved(t, "forced transfer in default")
}
