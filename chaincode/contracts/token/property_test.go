package token_test

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
)

// unitModel mirrors what the contracts report they did: it is updated only
// from successful calls, with the effect each function documents, and the
// ledger must agree with it after every step.
type unitModel struct {
	issued, redeemed, issuer int64
	units                    map[string]int64 // by holder key
}

func (m *unitModel) holders() int {
	n := 0
	for _, u := range m.units {
		if u > 0 {
			n++
		}
	}
	return n
}

// TestRandomOperationsConserveUnits runs seeded random sequences of
// issuance, placement, transfers, redemptions, freezes of units and of
// investors, forced transfers and pauses, many of them refused, and after
// every step requires: a refused call changed nothing; Σ positions +
// issuance account = issued − redeemed; no position is negative; the
// holder count is exact; and the ledger matches a model that applies
// only the successful calls.
func TestRandomOperationsConserveUnits(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 20260115} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { randomUnits(t, seed, 500) })
	}
}

func randomUnits(t *testing.T, seed int64, steps int) {
	rng := rand.New(rand.NewSource(seed))
	w := contracttest.New(t)
	w.SealedPool("POOL-P", uint64(seed), 20, 10)
	tr := w.Tranche("P-A", "A", 1, money.FromMajor(200_000))
	tr.Rules.MinHolding = 100
	tr.Rules.DenominationIncrement = 10
	tr.Rules.MaxBalancePerHolder = 60_000
	tr.Rules.MaxHolders = 4
	w.CreateDeal(deal.DealInput{ID: "P", Name: "property deal", Pool: "POOL-P",
		RequiredCollateralization: decimal.RequireFromString("0.9"), Tranches: []deal.TrancheInput{tr}})
	investors := []*stubtest.Identity{
		w.AttestedInvestor(w.Net.Servicer, "alice"), w.AttestedInvestor(w.Net.Servicer, "anna"),
		w.AttestedInvestor(w.Net.Investors, "bob"), w.AttestedInvestor(w.Net.Investors, "bella"),
		w.AttestedInvestor(w.Net.Trustee, "carl"),
		w.Investor(w.Net.Investors, "unattested"),
	}
	m := unitModel{units: map[string]int64{}}
	pick := func() *stubtest.Identity { return investors[rng.Intn(len(investors))] }
	// Freezes are undone from these lists, so frozen holders do not pile up.
	var frozenPositions, frozenInvestors []*stubtest.Identity
	pickFrom := func(list []*stubtest.Identity) *stubtest.Identity {
		if len(list) == 0 {
			return pick()
		}
		return list[rng.Intn(len(list))]
	}
	without := func(list []*stubtest.Identity, id *stubtest.Identity) []*stubtest.Identity {
		var out []*stubtest.Identity
		for _, x := range list {
			if x != id {
				out = append(out, x)
			}
		}
		return out
	}
	amount := func(hi int64) int64 {
		switch rng.Intn(4) {
		case 0:
			return rng.Int63n(hi) + 1 // often not a multiple of 10
		case 1:
			return math.MaxInt64 - rng.Int63n(3)
		default:
			return (rng.Int63n(hi/10) + 1) * 10
		}
	}
	succeeded := map[string]int{}
	refusals := map[errs.Code]int{}
	for step := 0; step < steps; step++ {
		var (
			id    *stubtest.Identity
			fn    string
			args  []string
			apply func()
		)
		from, to := pick(), pick()
		u := amount(30_000)
		if held := m.units[w.Key(from)]; held > 0 && rng.Intn(3) > 0 {
			u = []int64{held, held / 20 * 10, held/10*10 + 10}[rng.Intn(3)] // often within the holding
		}
		switch op := rng.Intn(44); {
		case op < 3:
			u = amount(40_000)
			id, fn, args = w.Arranger, "Deal:Issue", []string{tr.ID, fmt.Sprint(u)}
			apply = func() { m.issued += u; m.issuer += u }
		case op < 10:
			u = min(u, max(m.issuer/10*10, 10))
			id, fn, args = w.Trustee, "Deal:Place", []string{tr.ID, w.Key(to), fmt.Sprint(u)}
			apply = func() { m.issuer -= u; m.units[w.Key(to)] += u }
		case op < 25:
			id, fn, args = from, "Token:Transfer", []string{tr.ID, w.Key(to), fmt.Sprint(u)}
			apply = func() { m.units[w.Key(from)] -= u; m.units[w.Key(to)] += u }
		case op < 30:
			id, fn, args = w.Trustee, "Token:Redeem", []string{tr.ID, w.Key(from), fmt.Sprint(u)}
			apply = func() { m.units[w.Key(from)] -= u; m.redeemed += u }
		case op < 33:
			id, fn, args = w.Trustee, "Token:ForcedTransfer", []string{tr.ID, w.Key(from), w.Key(to), fmt.Sprint(u), "court order"}
			apply = func() { m.units[w.Key(from)] -= u; m.units[w.Key(to)] += u }
		case op < 34:
			n := []string{"all", fmt.Sprint(rng.Int63n(20_000) + 1)}[rng.Intn(2)]
			id, fn, args = w.Trustee, "Token:Freeze", []string{tr.ID, w.Key(from), n}
			apply = func() { frozenPositions = append(without(frozenPositions, from), from) }
		case op < 36:
			from = pickFrom(frozenPositions)
			id, fn, args = w.Trustee, "Token:Unfreeze", []string{tr.ID, w.Key(from)}
			apply = func() { frozenPositions = without(frozenPositions, from) }
		case op < 37:
			id, fn, args = w.Trustee, "Identity:Freeze", []string{w.Key(from), "review"}
			apply = func() { frozenInvestors = append(without(frozenInvestors, from), from) }
		case op < 39:
			from = pickFrom(frozenInvestors)
			id, fn, args = w.Trustee, "Identity:Unfreeze", []string{w.Key(from)}
			apply = func() { frozenInvestors = without(frozenInvestors, from) }
		case op < 40:
			id, fn, args = w.Trustee, "Token:Pause", []string{tr.ID}
		default:
			id, fn, args = w.Trustee, "Token:Resume", []string{tr.ID}
		}
		before := w.Snapshot()
		r := w.Call(id, fn, args...)
		if r.OK() {
			succeeded[fn]++
			if apply != nil {
				apply()
			}
		} else {
			refusals[r.ErrCode()]++
			if !errs.Known(r.ErrCode()) {
				t.Fatalf("step %d %s%q: error without a known code: %q", step, fn, args, r.Message)
			}
			if diff := w.Diff(before); len(diff) > 0 {
				t.Fatalf("step %d %s%q refused (%s) but changed %v", step, fn, args, r.Message, diff)
			}
		}
		if err := w.CheckTranche(tr.ID); err != nil {
			t.Fatalf("step %d after %s%q (%s): %v", step, fn, args, r.Message, err)
		}
		b, err := w.ReadTranche(tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Tranche.Issued != m.issued || b.Book.Redeemed != m.redeemed || b.Book.IssuerUnits != m.issuer || b.Holders() != m.holders() {
			t.Fatalf("step %d after %s%q: ledger %+v issued %d, model %+v", step, fn, args, b.Book, b.Tranche.Issued, m)
		}
		for k, u := range m.units {
			if u < 0 || b.Positions[k].Units != u {
				t.Fatalf("step %d after %s%q: %s holds %d, model %d", step, fn, args, k, b.Positions[k].Units, u)
			}
		}
	}
	// The sequence must have exercised the operations and the refusals,
	// or it proves little.
	for _, fn := range []string{"Deal:Issue", "Deal:Place", "Token:Transfer", "Token:Redeem", "Token:ForcedTransfer"} {
		if succeeded[fn] == 0 {
			t.Errorf("no %s succeeded in %d steps", fn, steps)
		}
	}
	t.Logf("successes %v, refusals %v", succeeded, refusals)
	if len(refusals) < 5 {
		t.Errorf("only %d kinds of refusal: %v", len(refusals), refusals)
	}
}
