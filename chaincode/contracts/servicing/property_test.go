package servicing_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	core "github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestPropertyAccrualsFollowTheUnits runs seeded random sequences over four
// certified periods: transfers, forced transfers, redemptions, claims by
// holders and by the trustee, fee claims and DvP trades (some refused, by
// a rule or for want of cash), between investors at two banks in all four
// classes. A model that knows only the certified indices and the
// successful movements predicts every holder's units, index paid and
// cash: each movement pays each side units × (index − indexPaid),
// floored to the cent, before its units change. After every step the
// ledger must match the model exactly, a refused step must change
// nothing, units and cash must conserve to the cent (deal and
// distribution accounts included) and every class book must balance
// against its holders.
func TestPropertyAccrualsFollowTheUnits(t *testing.T) {
	done, refused := map[string]int{}, 0
	for _, seed := range []int64{1, 2, 3, 4, 20260115} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			p := randomMovements(t, seed)
			for k, n := range p.done {
				done[k] += n
			}
			refused += p.refused
		})
	}
	// The runs must have done every kind of step, or they prove little.
	for _, kind := range []string{"transfer", "forced", "redeem", "claim", "trade", "failed trade", "fee"} {
		if done[kind] == 0 {
			t.Errorf("no %s in any run: %v", kind, done)
		}
	}
	if refused == 0 {
		t.Error("nothing was refused: the runs do not probe the limits")
	}
}

// holding names one holder's position in one tranche.
type holding struct {
	tranche string
	holder  *stubtest.Identity
}

// accrualModel is what the ledger must hold, worked out apart from it.
type accrualModel struct {
	units map[holding]int64
	paid  map[holding]decimal.Decimal
	index map[string]decimal.Decimal // by tranche: the certified index
	cash  map[*stubtest.Identity]money.Amount
}

// settle pays a holding what it has earned since its index paid, and
// returns the amount.
func (m *accrualModel) settle(h holding) money.Amount {
	amount := floorCents(m.units[h], m.index[h.tranche].Sub(m.paid[h]))
	m.cash[h.holder] += amount
	m.paid[h] = m.index[h.tranche]
	return amount
}

type movementRun struct {
	t         *testing.T
	w         *world
	d         *dealFixture
	rng       *rand.Rand
	m         *accrualModel
	investors []*stubtest.Identity
	tranches  []string
	trades    int
	done      map[string]int // successful steps by kind
	refused   int
}

func randomMovements(t *testing.T, seed int64) *movementRun {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	p := &movementRun{t: t, w: w, d: d, rng: rand.New(rand.NewSource(seed)), done: map[string]int{},
		investors: []*stubtest.Identity{d.alice, d.anna, d.bob, d.bella},
		m: &accrualModel{units: map[holding]int64{}, paid: map[holding]decimal.Decimal{},
			index: map[string]decimal.Decimal{}, cash: map[*stubtest.Identity]money.Amount{}}}
	for _, c := range d.classes {
		p.tranches = append(p.tranches, d.tranche[c])
		for h, u := range d.holders[d.tranche[c]] {
			p.m.units[holding{d.tranche[c], h}] = u
		}
	}
	for _, h := range p.investors {
		w.Must(w.Settlement, "Cash:Pay", w.Key(h), "250000.00")
		p.m.cash[h] = money.FromMajor(250_000)
	}
	p.check("start")
	for period := 1; period <= 4; period++ {
		for i := range 15 {
			p.step()
			p.check(fmt.Sprintf("period %d step %d", period, i))
		}
		_, cert := d.runPeriod(t)
		for _, cd := range cert.Distributions {
			p.m.index[cd.Tranche] = cd.IndexAfter
		}
		p.check(fmt.Sprintf("period %d certified", period))
	}
	return p
}

// pick returns a random investor's holding of a random tranche (perhaps
// none: the steps then probe refusals).
func (p *movementRun) pick() holding {
	tr := p.tranches[p.rng.Intn(len(p.tranches))]
	return holding{tr, p.investors[p.rng.Intn(len(p.investors))]}
}

// other returns an investor other than h.
func (p *movementRun) other(h *stubtest.Identity) *stubtest.Identity {
	for {
		if o := p.investors[p.rng.Intn(len(p.investors))]; o != h {
			return o
		}
	}
}

// some returns a number of units to move out of held: mostly a part of
// it, sometimes all, sometimes more than there is.
func (p *movementRun) some(held int64) int64 {
	switch n := p.rng.Intn(10); {
	case n == 0 || held == 0:
		return held + 1 + p.rng.Int63n(100)
	case n == 1:
		return held
	default:
		return 1 + p.rng.Int63n(max(held/3, 1))
	}
}

// move records a successful movement of units in the model: both sides
// settled first.
func (p *movementRun) move(tranche string, from, to *stubtest.Identity, units int64) {
	f := holding{tranche, from}
	p.m.settle(f)
	p.m.units[f] -= units
	if to != nil {
		t := holding{tranche, to}
		p.m.settle(t)
		p.m.units[t] += units
	}
}

func (p *movementRun) step() {
	w, d, m := p.w, p.d, p.m
	h := p.pick()
	held := m.units[h]
	switch op := p.rng.Intn(9); {
	case op < 3: // transfer by the holder
		to, n := p.other(h.holder), p.some(held)
		args := []string{h.tranche, w.Key(to), fmt.Sprint(n)}
		if n > held {
			w.Refused(errs.RuleInsufficientUnits, h.holder, "Token:Transfer", args...)
			p.refused++
			return
		}
		w.Must(h.holder, "Token:Transfer", args...)
		p.move(h.tranche, h.holder, to, n)
		p.done["transfer"]++
	case op < 4: // forced transfer by the trustee
		to, n := p.other(h.holder), p.some(held)
		args := []string{h.tranche, w.Key(h.holder), w.Key(to), fmt.Sprint(n), "court order"}
		if n > held {
			w.Refused(errs.RuleInsufficientUnits, w.Trustee, "Token:ForcedTransfer", args...)
			p.refused++
			return
		}
		w.Must(w.Trustee, "Token:ForcedTransfer", args...)
		p.move(h.tranche, h.holder, to, n)
		p.done["forced"]++
	case op < 5: // redemption of a little
		if held < 100 {
			return
		}
		n := 1 + p.rng.Int63n(held/100)
		w.Must(w.Trustee, "Token:Redeem", h.tranche, w.Key(h.holder), fmt.Sprint(n))
		p.move(h.tranche, h.holder, nil, n)
		p.done["redeem"]++
	case op < 7: // claim, by the holder or by the trustee for it
		var res schema.ClaimResult
		if op == 5 {
			res = contracttest.Decode[schema.ClaimResult](p.t, w.Must(h.holder, "Servicing:Claim", h.tranche))
		} else {
			res = contracttest.Decode[schema.ClaimResult](p.t, w.Must(w.Trustee, "Servicing:ClaimFor", h.tranche, w.Key(h.holder)))
		}
		want := money.Amount(0)
		if m.units[h] > 0 { // a claim without units writes nothing, not even the index
			want = m.settle(h)
		}
		if res.Amount != want {
			p.t.Fatalf("claim of %s on %s paid %s, the model says %s", h.holder, h.tranche, res.Amount, want)
		}
		p.done["claim"]++
	case op < 8: // a DvP trade, sometimes beyond the buyer's cash
		if held == 0 {
			return
		}
		buyer := p.other(h.holder)
		n := 1 + p.rng.Int63n(held)
		price := money.Cents(1 + p.rng.Int63n(int64(m.cash[buyer])/2+1))
		if p.rng.Intn(4) == 0 {
			price = m.cash[buyer] + money.Cents(1+p.rng.Int63n(100_000))
		}
		p.trades++
		terms := w.TradeTerms(fmt.Sprintf("T-%02d", p.trades), h.tranche, h.holder, buyer, n, price)
		status := w.trade(terms, h.holder, buyer, false)
		switch {
		case price > m.cash[buyer]:
			if status != core.Failed {
				p.t.Fatalf("trade %s beyond the buyer's cash: %s", terms.TradeRef, status)
			}
			p.done["failed trade"]++
		case status != core.Settled:
			p.t.Fatalf("trade %s: %s", terms.TradeRef, status)
		default:
			p.move(h.tranche, h.holder, buyer, n)
			m.cash[buyer] -= price
			m.cash[h.holder] += price
			p.done["trade"]++
		}
	default:
		w.Must(w.Servicer, "Servicing:ClaimFee", d.deal, "servicing")
		p.done["fee"]++
	}
}

// check compares the ledger with the model and runs the conservation
// checks.
func (p *movementRun) check(when string) {
	p.t.Helper()
	w, m := p.w, p.m
	p.d.conserved(p.t, when)
	for _, h := range p.investors {
		if got := w.CashAccount(h).Balance; got != m.cash[h] {
			p.t.Fatalf("%s: %s has %s of cash, the model %s", when, h, got, m.cash[h])
		}
		for _, tr := range p.tranches {
			k := holding{tr, h}
			pos := w.Position(tr, h)
			paid := decimal.Zero
			if pos.IndexPaid != "" {
				paid = decimal.RequireFromString(pos.IndexPaid)
			}
			if pos.Units != m.units[k] || !paid.Equal(m.paid[k]) {
				p.t.Fatalf("%s: %s in %s holds %d units paid to %s, the model %d paid to %s",
					when, h, tr, pos.Units, paid, m.units[k], m.paid[k])
			}
		}
	}
}
