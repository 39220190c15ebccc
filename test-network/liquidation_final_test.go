package testnetwork

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// liquidationFinalPeriod runs a sold deal's last period on the network:
// the servicer's report declares the sale, the trustee certifies it (the
// price and the month's collections through the acceleration priority,
// the principal left unpaid written off), the deal is wound down, the
// holders claim the final distribution (each class paid out to under a
// cent a holder) and a transfer and a new report are refused.
func liquidationFinalPeriod(t *testing.T, cs *cast, sim *loansim.Simulator, dealID, auctionID string, price money.Amount, tranches map[string]string, holders []*actor) {
	t.Helper()
	servicer, trustee, settlement, auditor := cs.get("servicer"), cs.get("trustee"), cs.get("settlement"), cs.get("org3-auditor")
	var rows []loantape.PeriodRow
	p, err := sim.Advance(func(r loantape.PeriodRow) error { rows = append(rows, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	a, chunks := monthReport(t, p, rows, 2000)
	period := fmt.Sprint(p.Number)
	cs.submit(servicer, "Servicing:SubmitReport", []string{dealID, canonJSON(t, schema.ReportHeader{Aggregates: a, Chunks: len(chunks),
		PoolSale: &schema.PoolSale{Auction: auctionID, Proceeds: price}})}, nil, "")
	for _, c := range chunks {
		cs.submit(servicer, "Servicing:AddReportRows", []string{dealID, period}, map[string][]byte{servicing.TransientChunk: []byte(canonJSON(t, c))}, servicer.msp)
	}
	collections := a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
	cs.submit(settlement, "Cash:Pay", []string{servicer.key, collections.String()}, nil, "")
	cs.submit(servicer, "Servicing:RemitCollections", []string{dealID, collections.String()}, nil, "")
	cs.submit(trustee, "Servicing:Certify", []string{dealID, period}, nil, "")

	var cert schema.Certification
	cs.evaluate(auditor, "Servicing:GetCertification", []string{dealID, period}, &cert)
	var res waterfall.Result
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		t.Fatal(err)
	}
	if !res.PoolSale || res.AvailableFunds.PoolSaleProceeds != price || res.Pool.EndingBalance != 0 {
		t.Fatalf("final period: poolSale %v, proceeds %s, pool %s", res.PoolSale, res.AvailableFunds.PoolSaleProceeds, res.Pool.EndingBalance)
	}
	var paid money.Amount
	for _, c := range cert.Cash.Classes {
		paid += c.Total
	}
	for _, f := range cert.Cash.Fees {
		paid += f.Paid
	}
	if in := res.AvailableFunds.Total; paid+cert.Cash.Unallocated != in || in < price+collections {
		t.Fatalf("final period: available %s (price %s, collections %s), paid out %s + unallocated %s", in, price, collections, paid, cert.Cash.Unallocated)
	}
	var st schema.DealServicing
	cs.evaluate(auditor, "Servicing:GetStatus", []string{dealID}, &st)
	if st.Liquidated == nil || st.Liquidated.Period != p.Number || st.Liquidated.Proceeds != price {
		t.Fatalf("deal not wound down: %+v", st.Liquidated)
	}
	for i, c := range st.Liquidated.Classes {
		if r := res.Classes[i]; r.EndingBalance != 0 || c.Outstanding != r.BeginningBalance-r.PrincipalPaid {
			t.Fatalf("class %s: %+v, result %+v", c.Class, c, r)
		}
	}
	t.Logf("final period %d: price %s + collections %s paid out; written off %+v", p.Number, price, collections, st.Liquidated.Classes)

	// The holders claim what the final period gave them.
	for _, cd := range cert.Distributions {
		var claimed money.Amount
		for _, h := range holders {
			var acc schema.Accrual
			cs.evaluate(h, "Servicing:Accrued", []string{cd.Tranche, h.key}, &acc)
			if acc.Claimable == 0 {
				continue // a claim of nothing writes nothing, which the majority policy refuses (FAB-9473)
			}
			var r schema.ClaimResult
			b, _, err := h.c.Submit(t.Context(), tnetSubmit(cs, h, "Servicing:Claim", cd.Tranche))
			if err != nil {
				t.Fatalf("%s claims %s: %v", h.name, cd.Tranche, err)
			}
			if err := json.Unmarshal(b, &r); err != nil || r.Amount != acc.Claimable {
				t.Fatalf("%s claimed %s of %s on %s (%v)", h.name, r.Amount, acc.Claimable, cd.Tranche, err)
			}
			claimed += r.Amount
		}
		if claimed > cd.Payment || cd.Payment-claimed > money.Amount(len(holders)) {
			t.Fatalf("class %s: the holders claimed %s of the final %s", cd.Class, claimed, cd.Payment)
		}
	}
	cs.refused(holders[0], "Token:Transfer", []string{tranches["A"], holders[1].key, "1"}, nil, "", errs.WrongState)
	cs.refused(servicer, "Servicing:SubmitReport", []string{dealID, canonJSON(t, schema.ReportHeader{Aggregates: a, Chunks: 1})}, nil, "", errs.WrongState)
}
