package testnetwork

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// tradingDeal sets up what trading needs: a sealed pool of n loans, a deal
// with one note tranche "<dealID>-A" (denominations of 1,000 units) issued
// in full and held by the given sellers in equal parts, the named investors
// attested in the US, and cash paid to the buyers.
func tradingDeal(t *testing.T, cs *cast, poolID, dealID string, n int, sellers, buyers []string, cashEach money.Amount) (tranche string, perSeller int64) {
	t.Helper()
	trustee, settlementAgent := cs.get("trustee"), cs.get("settlement")
	balance := sealedPool(t, cs, poolID, "Trading pool", 5, n)

	for _, name := range append(append([]string{}, sellers...), buyers...) {
		cs.attestQualifiedUS(t, cs.get(name))
	}
	tranche, units := issueNoteDeal(t, cs, poolID, dealID, "Trading deal", balance)
	perSeller = units / int64(len(sellers)) / 1000 * 1000
	for _, s := range sellers {
		cs.submit(trustee, "Deal:Place", []string{tranche, cs.get(s).key, fmt.Sprint(perSeller)}, nil, "")
	}
	total := money.Amount(int64(cashEach) * int64(len(buyers)))
	cs.submit(settlementAgent, "Cash:AttestReserves", []string{(total * 2).String(), "sha256:reserves"}, nil, "")
	cs.submit(settlementAgent, "Cash:Mint", []string{total.String()}, nil, "")
	for _, b := range buyers {
		cs.submit(settlementAgent, "Cash:Pay", []string{cs.get(b).key, cashEach.String()}, nil, "")
	}
	return tranche, perSeller
}

// complianceOf is the compliance officer of a bank in the cast.
func (cs *cast) complianceOf(msp string) *actor {
	cs.t.Helper()
	for name, a := range cs.by {
		if a.msp == msp && strings.HasSuffix(name, "-compliance") {
			return a
		}
	}
	cs.t.Fatalf("no compliance officer of %s in the cast", msp)
	return nil
}

// sealedPool has the arranger create a pool of n simulated loans (seed)
// and the servicer add them in one chunk and seal it; it returns the
// pool's balance.
func sealedPool(t *testing.T, cs *cast, poolID, name string, seed uint64, n int) money.Amount {
	t.Helper()
	arranger, servicer := cs.get("arranger"), cs.get("servicer")
	loans := simulatedTape(t, seed, n)
	var balance money.Amount
	for _, l := range loans {
		balance += l.ReportingPeriodActualEndBalanceAmount
	}
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: name,
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2026-09-30"})}, nil, "")
	// In order, in chunks of at most the chaincode's 1,024 loans (a size
	// that is no power of two keeps the tape on the in-order layout, which
	// Seal takes without a CheckTape).
	const chunk = 1000
	for i := 0; i < len(loans); i += chunk {
		part := loans[i:min(i+chunk, len(loans))]
		cs.submit(servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(i / chunk)}, map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, part))}, servicer.msp)
	}
	cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)
	return balance
}

// simulatedTape is the tape of a simulated pool of n loans cut off at the
// end of September 2026.
func simulatedTape(t *testing.T, seed uint64, n int) []loantape.Loan {
	t.Helper()
	sim, err := loansim.New(loansim.PoolSpec{Seed: seed, Loans: n, Cutoff: loantape.Month{Year: 2026, Month: time.September}}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	var out []loantape.Loan
	for l := range sim.Tape() {
		out = append(out, l)
	}
	return out
}

// issueNoteDeal creates a deal on a sealed pool with one note tranche
// "<dealID>-A" of 90 % of the pool balance in units of 1.00, US qualified
// buyers only, denominations of 1,000 units, and issues it in full.
func issueNoteDeal(t *testing.T, cs *cast, poolID, dealID, name string, balance money.Amount) (tranche string, units int64) {
	t.Helper()
	arranger := cs.get("arranger")
	tranche = dealID + "-A"
	units = balance.Cents() / 100 / 1000 * 1000 * 9 / 10 / 1000 * 1000
	r := decimal.RequireFromString("0.05")
	cs.submit(arranger, "Deal:Create", []string{canonJSON(t, deal.DealInput{ID: dealID, Name: name, Pool: poolID,
		RequiredCollateralization: decimal.NewFromInt(1),
		Tranches: []deal.TrancheInput{{ID: tranche, Class: "A", Seniority: 1, Kind: schema.KindNote,
			OriginalFace: money.FromMajor(units), UnitFace: money.FromMajor(1),
			Coupon:         &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360},
			LegalFinalDate: daycount.NewDate(2032, time.June, 15),
			Rules: rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"},
				MinDenomination: 1000, DenominationIncrement: 1000, ConsortiumMSPs: cs.cfg.Custodians()}}}})}, nil, "")
	cs.submit(arranger, "Deal:Issue", []string{tranche, fmt.Sprint(units)}, nil, "")
	return tranche, units
}

// units is a holder's position in a tranche, read by the trustee.
func (cs *cast) units(holder *actor, tranche string) int64 {
	cs.t.Helper()
	var pv struct {
		Units int64 `json:"units"`
	}
	cs.evaluate(cs.get("trustee"), "Token:Position", []string{tranche, holder.key}, &pv)
	return pv.Units
}

// cash is a holder's cash balance, read by the trustee.
func (cs *cast) cash(holder *actor) money.Amount {
	cs.t.Helper()
	var b struct {
		Balance money.Amount `json:"balance"`
	}
	cs.evaluate(cs.get("trustee"), "Cash:Balance", []string{holder.key}, &b)
	return b.Balance
}
