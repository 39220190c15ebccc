package settlement

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// propertyWorld is a tiny ledger for the property test: a few investors
// holding one tranche and cash, and several settlements between them, run
// the way the contract runs them: an event's effects are carried out on
// the accounts, and if one of them is refused the whole transaction is
// (a refused hold refuses the instruction; a refused settlement becomes a
// settle-failed event).
type propertyWorld struct {
	t        *testing.T
	parties  []string
	units    map[string]UnitHolding
	cash     map[string]CashBalance
	deals    []*propertyDeal
	clock    time.Time
	tx       int
	moved    map[string]int64        // units received minus delivered, per party
	paid     map[string]money.Amount // cash received minus paid, per party
	initialU map[string]int64
	initialC map[string]money.Amount
}

type propertyDeal struct {
	terms Terms
	rec   *Record // nil until the first instruction is accepted
}

func newPropertyWorld(t *testing.T, rng *rand.Rand) *propertyWorld {
	w := &propertyWorld{
		t: t, units: map[string]UnitHolding{}, cash: map[string]CashBalance{},
		moved: map[string]int64{}, paid: map[string]money.Amount{},
		initialU: map[string]int64{}, initialC: map[string]money.Amount{}, clock: day0,
	}
	for i, msp := range []string{"Org2MSP", "Org3MSP", "Org3MSP", "Org1MSP"} {
		key := fmt.Sprintf("%s/%064x", msp, i+1)
		w.parties = append(w.parties, key)
		w.units[key] = UnitHolding{Units: int64(rng.Intn(300))}
		w.cash[key] = CashBalance{Balance: money.Cents(int64(rng.Intn(500_000)))}
		w.initialU[key], w.initialC[key] = w.units[key].Units, w.cash[key].Balance
	}
	for i := range 2 + rng.Intn(5) {
		s := rng.Intn(len(w.parties))
		b := (s + 1 + rng.Intn(len(w.parties)-1)) % len(w.parties)
		terms := trade()
		terms.TradeRef = fmt.Sprintf("T%d", i)
		terms.Seller, terms.Buyer = w.parties[s], w.parties[b]
		terms.Units = 1 + int64(rng.Intn(150))
		terms.Cash = money.Cents(1 + int64(rng.Intn(250_000)))
		terms.Expiry = day0.Add(time.Duration(1+rng.Intn(40)) * time.Hour)
		if rng.Intn(3) == 0 {
			terms.Payment = PaymentRTGS
			terms.PaymentDeadline = terms.Expiry.Add(time.Duration(rng.Intn(20)) * time.Hour)
		}
		w.deals = append(w.deals, &propertyDeal{terms: terms})
	}
	return w
}

// randomEvent draws an event for deal d, sometimes nonsensical on purpose
// (the machine must refuse those without changing anything).
func (w *propertyWorld) randomEvent(rng *rand.Rand, d *propertyDeal) Event {
	w.clock = w.clock.Add(time.Duration(rng.Intn(90)) * time.Minute)
	w.tx++
	e := Event{At: w.clock, TxID: fmt.Sprintf("tx%d", w.tx)}
	switch k := rng.Intn(11); {
	case k == 10: // a side that instructed without a hold places one
		e.Type = EventHold
		e.Side = []Side{Deliver, Receive}[rng.Intn(2)]
	case k < 4:
		e.Type = EventInstruct
		e.Side = []Side{Deliver, Receive}[rng.Intn(2)]
		e.Hold = rng.Intn(2) == 0 && !(e.Side == Receive && d.terms.Payment == PaymentRTGS)
		e.Hash = hashOf(w.t, d.terms)
		if d.rec != nil && rng.Intn(8) == 0 { // the counterparty instructs other terms
			other := d.terms
			other.Cash++
			e.Hash = hashOf(w.t, other)
		}
	case k < 6:
		e.Type = EventSettle
	case k == 6:
		e.Type = EventConfirmPayment
	case k == 7:
		e.Type = EventCancel
		e.Side = []Side{Deliver, Receive}[rng.Intn(2)]
	default:
		e.Type = EventExpire
	}
	return e
}

// step applies e to d as a transaction would.
func (w *propertyWorld) step(d *propertyDeal, e Event) {
	var (
		next    Record
		effects []Effect
		err     error
	)
	if d.rec == nil {
		next, effects, err = Open(d.terms, e)
	} else {
		next, effects, err = Apply(*d.rec, e)
	}
	if err != nil {
		if errs.Is(err, errs.Internal) {
			w.t.Fatalf("%s on %s: %v", e.Type, d.terms.TradeRef, err)
		}
		return // refused: nothing changes
	}
	units, cash, moved, paid, err := w.execute(d.terms, effects)
	switch {
	case err == nil:
	case errs.Is(err, errs.InsufficientBalance) && e.Type == EventSettle:
		// The contract records the refusal instead.
		failed := Event{Type: EventSettleFailed, Code: errs.InsufficientBalance, At: e.At, TxID: e.TxID}
		next, effects, err = Apply(*d.rec, failed)
		if err != nil || len(effects) != 0 {
			w.t.Fatalf("settle-failed on %s: %v %v", d.terms.TradeRef, effects, err)
		}
		d.rec = &next
		return
	case errs.Is(err, errs.InsufficientBalance) && (e.Type == EventInstruct || e.Type == EventHold):
		return // the hold was refused, so was the instruction or the hold step
	default:
		w.t.Fatalf("%s on %s (%s): effects %v failed: %v", e.Type, d.terms.TradeRef, next.Status, effects, err)
	}
	w.units, w.cash, w.moved, w.paid = units, cash, moved, paid
	d.rec = &next
}

// execute carries out effects on copies of the accounts.
func (w *propertyWorld) execute(t Terms, effects []Effect) (map[string]UnitHolding, map[string]CashBalance, map[string]int64, map[string]money.Amount, error) {
	units, cash := clone(w.units), clone(w.cash)
	moved, paid := clone(w.moved), clone(w.paid)
	s, b := t.Seller, t.Buyer
	for _, ef := range effects {
		var err error
		switch ef {
		case HoldUnits:
			units[s], err = units[s].Hold(t.Units)
		case ReleaseUnits:
			units[s], err = units[s].Release(t.Units)
		case HoldCash:
			cash[b], err = cash[b].Hold(t.Cash)
		case ReleaseCash:
			cash[b], err = cash[b].Release(t.Cash)
		case DeliverUnits:
			if units[s], err = units[s].Debit(t.Units); err == nil {
				units[b], err = units[b].Credit(t.Units)
			}
			moved[s] -= t.Units
			moved[b] += t.Units
		case PayCash:
			if cash[b], err = cash[b].Debit(t.Cash); err == nil {
				cash[s], err = cash[s].Credit(t.Cash)
			}
			paid[b] -= t.Cash
			paid[s] += t.Cash
		default:
			err = fmt.Errorf("unknown effect %s", ef)
		}
		if err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return units, cash, moved, paid, nil
}

func clone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// check asserts the invariants: units and cash conserve; every account's
// holds are exactly the holds of the settlements still holding; a final
// settlement holds nothing; each account equals its initial value plus
// what settled.
func (w *propertyWorld) check(where string) {
	var units, units0 int64
	var cash, cash0 money.Amount
	for _, p := range w.parties {
		units += w.units[p].Units
		units0 += w.initialU[p]
		cash += w.cash[p].Balance
		cash0 += w.initialC[p]
		var heldU int64
		var heldC money.Amount
		for _, d := range w.deals {
			if d.rec == nil {
				continue
			}
			if d.terms.Seller == p && d.rec.Deliver != nil && d.rec.Deliver.Held {
				heldU += d.terms.Units
			}
			if d.terms.Buyer == p && d.rec.Receive != nil && d.rec.Receive.Held {
				heldC += d.terms.Cash
			}
		}
		if w.units[p].Held != heldU || w.cash[p].Held != heldC {
			w.t.Fatalf("%s: %s holds %d units and %s cash; open settlements hold %d and %s",
				where, p, w.units[p].Held, w.cash[p].Held, heldU, heldC)
		}
		if w.units[p].Units != w.initialU[p]+w.moved[p] || w.cash[p].Balance != w.initialC[p]+w.paid[p] {
			w.t.Fatalf("%s: %s has %d units and %s cash; started with %d and %s and settled %+d and %s",
				where, p, w.units[p].Units, w.cash[p].Balance, w.initialU[p], w.initialC[p], w.moved[p], w.paid[p])
		}
		if w.units[p].Units < 0 || w.cash[p].Balance < 0 || w.units[p].Held > w.units[p].Units || w.cash[p].Held > w.cash[p].Balance {
			w.t.Fatalf("%s: %s has %+v and %+v", where, p, w.units[p], w.cash[p])
		}
	}
	if units != units0 || cash != cash0 {
		w.t.Fatalf("%s: %d units and %s cash in total, started with %d and %s", where, units, cash, units0, cash0)
	}
	for _, d := range w.deals {
		if d.rec != nil && d.rec.Status.Final() && d.rec.Holds() {
			w.t.Fatalf("%s: %s is %s but still holds", where, d.terms.TradeRef, d.rec.Status)
		}
	}
}

func TestPropertyHoldsNeverDangleAndValueConserves(t *testing.T) {
	rng := rand.New(rand.NewSource(20250303))
	finals := map[Status]int{}
	for run := range 300 {
		w := newPropertyWorld(t, rng)
		for i := range 60 {
			d := w.deals[rng.Intn(len(w.deals))]
			w.step(d, w.randomEvent(rng, d))
			w.check(fmt.Sprintf("run %d step %d", run, i))
		}
		// Let every deadline pass and expire what is left: nothing may
		// stay held.
		w.clock = day0.Add(100 * time.Hour)
		for _, d := range w.deals {
			if d.rec != nil && !d.rec.Status.Final() {
				w.tx++
				w.step(d, Event{Type: EventExpire, At: w.clock, TxID: fmt.Sprintf("tx%d", w.tx)})
			}
		}
		w.check(fmt.Sprintf("run %d after expiry", run))
		for _, p := range w.parties {
			if w.units[p].Held != 0 || w.cash[p].Held != 0 {
				t.Fatalf("run %d: %s still holds %+v %+v", run, p, w.units[p], w.cash[p])
			}
		}
		for _, d := range w.deals {
			if d.rec != nil {
				finals[d.rec.Status]++
			}
		}
	}
	// The runs must have reached every final status, or the property says
	// little.
	for _, s := range []Status{Settled, Released, Returned, Cancelled, Expired} {
		if finals[s] == 0 {
			t.Errorf("no run ended %s; final statuses reached: %v", s, finals)
		}
	}
}

func FuzzDecodeTerms(f *testing.F) {
	for _, terms := range []Terms{trade(), rtgsTrade(), issuance()} {
		b, err := terms.Canonical()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"tradeRef":"T","kind":"trade","expiry":"9999-12-31T23:00:00-23:00"}`))
	f.Add([]byte(`{"units":1e3}`))
	f.Add([]byte(`{"cash":"1.005"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"tradeRef":"\u0000"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		terms, err := DecodeTerms(data)
		if err != nil {
			if !errs.Is(err, errs.BadInput) {
				t.Fatalf("DecodeTerms(%q) = %v, want BAD_INPUT", data, err)
			}
			return
		}
		canonical, err := terms.Canonical()
		if err != nil {
			t.Fatalf("decoded terms %+v do not canonicalise: %v", terms, err)
		}
		again, err := DecodeTerms(canonical)
		if err != nil {
			t.Fatalf("canonical form %s does not decode: %v", canonical, err)
		}
		twice, err := again.Canonical()
		if err != nil || string(twice) != string(canonical) {
			t.Fatalf("canonical form not stable:\n%s\n%s (%v)", canonical, twice, err)
		}
		h1, _ := terms.HashHex()
		h2, _ := again.HashHex()
		if h1 != h2 || len(h1) != 64 || strings.Trim(h1, "0123456789abcdef") != "" {
			t.Fatalf("hashes %s %s", h1, h2)
		}
	})
}
