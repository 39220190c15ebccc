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
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// TestIntegrationMortgage runs a residential mortgage deal on the real
// network: a mortgage pool whose tape is Schedule AL rows (checked on chain
// by the mortgage rules, committed row by row in the Merkle tree), a
// senior/subordinate deal with shifting interest (the subordinates locked
// out of prepayments for two periods, then stepping down), four monthly
// reports certified by the trustee with the waterfall running in the
// transaction, and every period replayed by another bank's auditor, byte
// for byte; holders at two banks claim their distributions.
func TestIntegrationMortgage(t *testing.T) {
	cs := startDealNetwork(t)
	const poolID, dealID = "POOL-RMBS-1", "DEAL-RMBS-1"
	arranger, trustee, servicer, settlement := cs.get("arranger"), cs.get("trustee"), cs.get("servicer"), cs.get("settlement")
	alice, bob, auditor := cs.get("alice"), cs.get("bob"), cs.get("org3-auditor")

	sim, err := loansim.NewMortgage(loansim.PoolSpec{Seed: 2026, Loans: 600, Cutoff: loantape.Month{Year: 2025, Month: time.December}})
	if err != nil {
		t.Fatal(err)
	}
	tape := sim.Tape()
	var balance money.Amount
	for _, r := range tape {
		balance += r.EndingBalance
	}
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "RMBS pool",
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2025-12-31", AssetClass: "mortgage"})}, nil, "")
	for c := 0; c*300 < len(tape); c++ {
		cs.submit(servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(c)},
			map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, tape[c*300:min((c+1)*300, len(tape))]))}, servicer.msp)
	}
	cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)
	var view schema.PoolView
	cs.evaluate(auditor, "Pool:Get", []string{poolID}, &view)
	if view.Pool.AssetClass != "mortgage" || view.Pool.Balance != balance || view.Pool.LoanCount != len(tape) {
		t.Fatalf("sealed pool %+v", view.Pool)
	}

	cs.attestQualifiedUS(t, alice, bob)
	dollars := balance.Cents() / 100
	faces := map[string]money.Amount{"A": money.FromMajor(dollars * 925 / 1000)}
	faces["B"] = money.FromMajor(dollars-10) - faces["A"] // the certificate's ten units fit under the pool
	faces["R"] = money.FromMajor(10)
	classes := []string{"A", "B", "R"}
	coupons := map[string]string{"A": "0.050", "B": "0.055"}
	tr := func(class string, seniority int) deal.TrancheInput {
		in := deal.TrancheInput{ID: dealID + "-" + class, Class: class, Seniority: seniority, Kind: schema.KindNote,
			OriginalFace: faces[class], UnitFace: money.FromMajor(1), LegalFinalDate: daycount.NewDate(2056, time.January, 15),
			Rules: rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"}, ConsortiumMSPs: cs.cfg.Custodians()}}
		if c, ok := coupons[class]; ok {
			r := decimal.RequireFromString(c)
			in.Coupon = &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360}
		} else {
			in.Kind = schema.KindCertificate
		}
		return in
	}
	cs.submit(arranger, "Deal:Create", []string{canonJSON(t, deal.DealInput{ID: dealID, Name: "RMBS deal", Pool: poolID,
		RequiredCollateralization: decimal.RequireFromString("1"),
		Tranches:                  []deal.TrancheInput{tr("A", 1), tr("B", 2), tr("R", 3)}})}, nil, "")
	for _, c := range classes {
		units := faces[c].Cents() / 100
		cs.submit(arranger, "Deal:Issue", []string{dealID + "-" + c, fmt.Sprint(units)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{dealID + "-" + c, alice.key, fmt.Sprint(units * 6 / 10)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{dealID + "-" + c, bob.key, fmt.Sprint(units - units*6/10)}, nil, "")
	}
	tranches := map[string]string{}
	var trancheIDs []string
	for _, c := range classes {
		tranches[c] = dealID + "-" + c
		trancheIDs = append(trancheIDs, tranches[c])
	}
	terms := autodeal.RMBSWaterfall{Deal: dealID, PoolBalance: balance, Faces: faces, Coupons: coupons, Residual: "R",
		LockoutPeriods: 2, Tranches: tranches, ServicingPayee: servicer.key, GuaranteePayee: trustee.key}.Terms()
	cs.submit(arranger, "Servicing:SetWaterfall", []string{dealID, canonJSON(t, terms)}, nil, "")
	cs.submit(settlement, "Cash:AttestReserves", []string{"1000000000.00", "sha256:reserve-statement-rmbs"}, nil, "")
	cs.submit(settlement, "Cash:Mint", []string{"200000000.00"}, nil, "")
	cs.submit(settlement, "Cash:Pay", []string{servicer.key, "100000000.00"}, nil, "")

	claimed := money.Amount(0)
	var spp []string
	for period := 1; period <= 4; period++ {
		p, mrows := sim.Advance()
		rows := make([]loantape.PeriodRow, len(mrows))
		for i, r := range mrows {
			rows[i] = r.PeriodRow()
		}
		a, chunks := monthReport(t, p, rows, 300)
		cs.submit(servicer, "Servicing:SubmitReport", []string{dealID, canonJSON(t, schema.ReportHeader{Aggregates: a, Chunks: len(chunks)})}, nil, "")
		for _, c := range chunks {
			cs.submit(servicer, "Servicing:AddReportRows", []string{dealID, fmt.Sprint(period)},
				map[string][]byte{servicing.TransientChunk: []byte(canonJSON(t, c))}, servicer.msp)
		}
		collections := a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
		cs.submit(servicer, "Servicing:RemitCollections", []string{dealID, collections.String()}, nil, "")
		cs.submit(trustee, "Servicing:Certify", []string{dealID, fmt.Sprint(period)}, nil, "")

		var cert schema.Certification
		cs.evaluate(auditor, "Servicing:GetCertification", []string{dealID, fmt.Sprint(period)}, &cert)
		var res waterfall.Result
		if err := json.Unmarshal(cert.Result, &res); err != nil {
			t.Fatal(err)
		}
		if res.ShiftingInterest == nil {
			t.Fatalf("period %d: the certified result shows no shifting interest", period)
		}
		spp = append(spp, res.ShiftingInterest.SeniorPrepaymentPercentage.String())
		var v distribution.Verdict
		cs.evaluate(auditor, "Servicing:Replay", []string{dealID, fmt.Sprint(period)}, &v)
		if !v.Match || v.StoredHash != cert.ResultHash {
			t.Fatalf("period %d: Org3's replay %+v", period, v)
		}
		for _, h := range []*actor{alice, bob} {
			claimed += cs.claimAccrued(t, fmt.Sprintf("period %d", period), h, trancheIDs...)
		}
	}
	// Locked out for two periods (100% of prepayments to A), then the
	// step-down: the senior prepayment percentage falls below 1.
	if spp[0] != "1" || spp[1] != "1" || spp[2] == "1" {
		t.Errorf("senior prepayment percentages %v: want 1, 1, then below 1", spp)
	}
	// A disclosed mortgage row, with its LTV and DTI, proves against the pool's root.
	var proof schema.LoanProof
	cs.evaluate(trustee, "Pool:GetLoan", []string{poolID, tape[5].AssetNumber}, &proof)
	if proof.Mortgage == nil || !proof.Mortgage.OriginalDTI.Equal(tape[5].OriginalDTI) {
		t.Fatalf("GetLoan: %+v", proof)
	}
	var ver schema.Verification
	cs.evaluate(auditor, "Pool:VerifyLoan", []string{poolID, canonJSON(t, *proof.Mortgage), canonJSON(t, proof.Proof)}, &ver)
	if !ver.Valid {
		t.Fatalf("verification: %+v", ver)
	}
	t.Logf("4 periods certified and replayed by Org3; SPP %v; holders claimed %s", spp, claimed)
}
