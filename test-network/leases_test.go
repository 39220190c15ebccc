package testnetwork

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// TestIntegrationLeases runs an equipment-lease deal on the real network:
// a lease pool created with the deal's discount rate, whose tape is lease
// rows (checked on chain: terms and each lease's discounted balance at the
// pool's rate; committed row by row in the Merkle tree), so the pool's
// balance is the discounted pool balance; a sequential deal whose principal
// is the decline in that balance plus the OC top-up; three monthly reports
// (rent, delinquencies, defaults, buyouts, maturities with residual gains
// and losses) certified by the trustee and replayed by another bank's
// auditor, byte for byte; holders at two banks claim their distributions.
func TestIntegrationLeases(t *testing.T) {
	cs := startDealNetwork(t)
	const poolID, dealID = "POOL-LEASE-1", "DEAL-LEASE-1"
	arranger, trustee, servicer, settlement := cs.get("arranger"), cs.get("trustee"), cs.get("servicer"), cs.get("settlement")
	alice, bob, auditor := cs.get("alice"), cs.get("bob"), cs.get("org3-auditor")

	rate := decimal.RequireFromString("0.065")
	sim, err := loansim.NewLeases(loansim.PoolSpec{Seed: 2026, Loans: 300, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, rate)
	if err != nil {
		t.Fatal(err)
	}
	tape := sim.Tape()
	var balance money.Amount
	for _, r := range tape {
		balance += r.DiscountedBalance
	}
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "Equipment lease pool",
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2025-12-31", AssetClass: "leases", DiscountRate: "0.065"})}, nil, "")
	for c := 0; c*300 < len(tape); c++ {
		cs.submit(servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(c)},
			map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, tape[c*300:min((c+1)*300, len(tape))]))}, servicer.msp)
	}
	cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)
	var view schema.PoolView
	cs.evaluate(auditor, "Pool:Get", []string{poolID}, &view)
	if view.Pool.AssetClass != "leases" || view.Pool.DiscountRate != "0.065" || view.Pool.Balance != balance || view.Pool.LoanCount != len(tape) {
		t.Fatalf("sealed pool %+v, want the discounted pool balance %s", view.Pool, balance)
	}

	cs.attestQualifiedUS(t, alice, bob)
	dollars := balance.Cents() / 100
	faces := map[string]money.Amount{"A": money.FromMajor(dollars * 85 / 100), "B": money.FromMajor(dollars * 7 / 100), "C": money.FromMajor(10)}
	classes := []string{"A", "B", "C"}
	coupons := map[string]string{"A": "0.048", "B": "0.060"}
	tranches := leaseDeal(t, cs, dealID, poolID, classes, faces, coupons, alice, bob)
	terms := autodeal.LeaseWaterfall{Deal: dealID, PoolBalance: balance, Faces: faces, Coupons: coupons, Residual: "C",
		Tranches: tranches, ServicingPayee: servicer.key}.Terms()
	cs.submit(arranger, "Servicing:SetWaterfall", []string{dealID, canonJSON(t, terms)}, nil, "")
	cs.submit(settlement, "Cash:AttestReserves", []string{"1000000000.00", "sha256:reserve-statement-leases"}, nil, "")
	cs.submit(settlement, "Cash:Mint", []string{"200000000.00"}, nil, "")
	cs.submit(settlement, "Cash:Pay", []string{servicer.key, "100000000.00"}, nil, "")

	claimed := money.Amount(0)
	var residuals lease.ResidualSummary
	for period := 1; period <= 3; period++ {
		p, lrows := sim.Advance()
		rows := make([]loantape.PeriodRow, len(lrows))
		for i, r := range lrows {
			rows[i] = r.PeriodRow()
			residuals.Add(r)
		}
		a := leaseReport(t, cs, servicer, dealID, period, p, rows)
		cs.submit(trustee, "Servicing:Certify", []string{dealID, fmt.Sprint(period)}, nil, "")

		var cert schema.Certification
		cs.evaluate(auditor, "Servicing:GetCertification", []string{dealID, fmt.Sprint(period)}, &cert)
		var res waterfall.Result
		if err := json.Unmarshal(cert.Result, &res); err != nil {
			t.Fatal(err)
		}
		// The first allocation of principal is the decline in the
		// discounted pool balance the report declared.
		decline := a.BeginningBalance - a.EndingBalance
		if len(res.Payments) < 4 || res.Payments[3].Kind != waterfall.KindPrincipal || res.Payments[3].Due != max(0, decline) {
			t.Fatalf("period %d: first allocation %+v, want the decline %s", period, res.Payments[3], decline)
		}
		var v distribution.Verdict
		cs.evaluate(auditor, "Servicing:Replay", []string{dealID, fmt.Sprint(period)}, &v)
		if !v.Match || v.StoredHash != cert.ResultHash {
			t.Fatalf("period %d: Org3's replay %+v", period, v)
		}
		claimed += leaseClaims(t, cs, dealID, classes, period, alice, bob)
	}
	if claimed == 0 {
		t.Error("no holder claimed anything")
	}
	// A disclosed lease, with its booked residual, proves against the root.
	var proof schema.LoanProof
	cs.evaluate(trustee, "Pool:GetLoan", []string{poolID, tape[5].AssetNumber}, &proof)
	if proof.Lease == nil || proof.Lease.BookedResidualValue != tape[5].BookedResidualValue {
		t.Fatalf("GetLoan: %+v", proof)
	}
	var ver schema.Verification
	cs.evaluate(auditor, "Pool:VerifyLoan", []string{poolID, canonJSON(t, *proof.Lease), canonJSON(t, proof.Proof)}, &ver)
	if !ver.Valid {
		t.Fatalf("verification: %+v", ver)
	}
	t.Logf("3 periods certified and replayed by Org3; discounted pool %s at cut-off; residuals %+v; holders claimed %s", balance, residuals, claimed)
}

// leaseDeal creates the deal, issues every class and places 60% with
// alice, the rest with bob; it returns the tranche of each class.
func leaseDeal(t *testing.T, cs *cast, dealID, poolID string, classes []string, faces map[string]money.Amount,
	coupons map[string]string, alice, bob *actor) map[string]string {
	arranger, trustee := cs.get("arranger"), cs.get("trustee")
	var ins []deal.TrancheInput
	tranches := map[string]string{}
	for i, class := range classes {
		in := deal.TrancheInput{ID: dealID + "-" + class, Class: class, Seniority: i + 1, Kind: schema.KindNote,
			OriginalFace: faces[class], UnitFace: money.FromMajor(1), LegalFinalDate: daycount.NewDate(2033, time.January, 15),
			Rules: rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"}, ConsortiumMSPs: cs.cfg.Custodians()}}
		if c, ok := coupons[class]; ok {
			r := decimal.RequireFromString(c)
			in.Coupon = &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360}
		} else {
			in.Kind = schema.KindCertificate
		}
		ins = append(ins, in)
		tranches[class] = in.ID
	}
	cs.submit(arranger, "Deal:Create", []string{canonJSON(t, deal.DealInput{ID: dealID, Name: "Equipment lease deal", Pool: poolID,
		RequiredCollateralization: decimal.RequireFromString("1"), Tranches: ins})}, nil, "")
	for _, c := range classes {
		units := faces[c].Cents() / 100
		cs.submit(arranger, "Deal:Issue", []string{tranches[c], fmt.Sprint(units)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{tranches[c], alice.key, fmt.Sprint(units * 6 / 10)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{tranches[c], bob.key, fmt.Sprint(units - units*6/10)}, nil, "")
	}
	return tranches
}

// leaseReport submits one period's projected rows in chunks with their
// aggregates and remits the collections; it returns the aggregates.
func leaseReport(t *testing.T, cs *cast, servicer *actor, dealID string, period int, p loantape.Period, rows []loantape.PeriodRow) loantape.ReportAggregates {
	agg := loantape.NewReportAggregator(p)
	for _, r := range rows {
		if err := agg.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	a := agg.Aggregates()
	var chunks []loantape.ReportChunk
	for c, err := range loantape.ReportChunks(loantape.NewSliceSource(rows, 2), 300, p) {
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, c)
	}
	cs.submit(servicer, "Servicing:SubmitReport", []string{dealID, canonJSON(t, schema.ReportHeader{Aggregates: a, Chunks: len(chunks)})}, nil, "")
	for _, c := range chunks {
		cs.submit(servicer, "Servicing:AddReportRows", []string{dealID, fmt.Sprint(period)},
			map[string][]byte{servicing.TransientChunk: []byte(canonJSON(t, c))}, servicer.msp)
	}
	collections := a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
	cs.submit(servicer, "Servicing:RemitCollections", []string{dealID, collections.String()}, nil, "")
	return a
}

// leaseClaims has each holder claim what each class owes them; it returns
// the total claimed.
func leaseClaims(t *testing.T, cs *cast, dealID string, classes []string, period int, holders ...*actor) money.Amount {
	var claimed money.Amount
	for _, h := range holders {
		for _, c := range classes {
			var acc schema.Accrual
			cs.evaluate(h, "Servicing:Accrued", []string{dealID + "-" + c, h.key}, &acc)
			if acc.Claimable == 0 {
				continue
			}
			var r schema.ClaimResult
			b, _, err := h.c.Submit(t.Context(), tnetSubmit(cs, h, "Servicing:Claim", dealID+"-"+c))
			if err != nil {
				t.Fatalf("period %d: %s claims %s: %v", period, h.name, c, err)
			}
			if err := json.Unmarshal(b, &r); err != nil || r.Amount != acc.Claimable {
				t.Fatalf("period %d: %s claimed %s of %s (%v)", period, h.name, r.Amount, acc.Claimable, err)
			}
			claimed += r.Amount
		}
	}
	return claimed
}
