package testnetwork

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/test-network/autodeal"

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
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// TestIntegrationServicing runs twelve monthly servicer reports of a
// 1,000-loan pool (prepayments, delinquencies with a stress month,
// charge-offs and recoveries) through the real network: each report in
// chunks, collections remitted in the cash token, certified by the trustee
// with the waterfall running in the transaction, distributions claimed by
// holders at two banks. After every period the cash conserves to the cent
// and anyone's replay of the period matches byte for byte.
func TestIntegrationServicing(t *testing.T) {
	cs := startDealNetwork(t)
	const poolID, dealID = "POOL-SVC-1", "DEAL-SVC-1"
	arranger, trustee, servicer, settlement := cs.get("arranger"), cs.get("trustee"), cs.get("servicer"), cs.get("settlement")
	alice, bob, auditor := cs.get("alice"), cs.get("bob"), cs.get("org3-auditor")

	assumptions := loansim.DefaultAssumptions()
	assumptions.Shocks = []loansim.Shock{{Period: 7, DelinquencyMultiplier: decimal.NewFromInt(12),
		PrepaymentMultiplier: decimal.NewFromInt(1), ChargeOffRate: decimal.RequireFromString("0.01")}}
	sim, err := loansim.New(loansim.PoolSpec{Seed: 77, Loans: 1000, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, assumptions)
	if err != nil {
		t.Fatal(err)
	}
	loans := slices.Collect(sim.Tape())
	balance := autodeal.Balance(loans)
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "Servicing pool",
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2025-12-31"})}, nil, "")
	for c := 0; c*500 < len(loans); c++ {
		cs.submit(servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(c)},
			map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, loans[c*500:(c+1)*500]))}, servicer.msp)
	}
	cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)

	// Holders at two banks.
	cs.attestQualifiedUS(t, alice, bob)
	whole := func(permille int64) money.Amount { return money.FromMajor(balance.Cents() * permille / 1000 / 100) }
	faces := map[string]money.Amount{"A": whole(800), "B": whole(70), "C": whole(50), "R": whole(5)}
	classes := []string{"A", "B", "C", "R"}
	tr := func(class string, seniority int, coupon string) deal.TrancheInput {
		in := deal.TrancheInput{ID: dealID + "-" + class, Class: class, Seniority: seniority, Kind: schema.KindNote,
			OriginalFace: faces[class], UnitFace: money.FromMajor(1), LegalFinalDate: daycount.NewDate(2032, time.June, 15),
			Rules: rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"}, ConsortiumMSPs: cs.cfg.Custodians()}}
		if coupon == "" {
			in.Kind = schema.KindCertificate
		} else {
			r := decimal.RequireFromString(coupon)
			in.Coupon = &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360}
		}
		return in
	}
	cs.submit(arranger, "Deal:Create", []string{canonJSON(t, deal.DealInput{ID: dealID, Name: "Servicing deal", Pool: poolID,
		RequiredCollateralization: decimal.RequireFromString("0.93"),
		Tranches:                  []deal.TrancheInput{tr("A", 1, "0.045"), tr("B", 2, "0.055"), tr("C", 3, "0.065"), tr("R", 4, "")}})}, nil, "")
	for _, c := range classes {
		units := faces[c].Cents() / 100
		cs.submit(arranger, "Deal:Issue", []string{dealID + "-" + c, fmt.Sprint(units)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{dealID + "-" + c, alice.key, fmt.Sprint(units * 6 / 10)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{dealID + "-" + c, bob.key, fmt.Sprint(units - units*6/10)}, nil, "")
	}
	reserve := money.Amount(balance.Cents() / 200)
	// Fees, sequential A-B-C with a reserve and an OC target, a delinquency
	// trigger at 2% that turbos principal (the stress month breaches it),
	// and the certificate R taking the residual.
	tranches := map[string]string{}
	var trancheIDs []string
	for _, c := range classes {
		tranches[c] = dealID + "-" + c
		trancheIDs = append(trancheIDs, tranches[c])
	}
	terms := autodeal.AutoWaterfall{Deal: dealID, PoolBalance: balance, Faces: faces, Reserve: reserve, Residual: "R",
		Delinquency: "0.02", Tranches: tranches, ServicingPayee: servicer.key, TrusteePayee: trustee.key}.Terms()
	cs.submit(arranger, "Servicing:SetWaterfall", []string{dealID, canonJSON(t, terms)}, nil, "")

	// The settlement agent issues cash against attested reserves: the
	// arranger funds the reserve account, the servicer remits collections.
	cs.submit(settlement, "Cash:AttestReserves", []string{"1000000000.00", "sha256:reserve-statement-2026-01"}, nil, "")
	cs.submit(settlement, "Cash:Mint", []string{"200000000.00"}, nil, "")
	cs.submit(settlement, "Cash:Pay", []string{arranger.key, reserve.String()}, nil, "")
	cs.submit(settlement, "Cash:Pay", []string{servicer.key, "100000000.00"}, nil, "")
	cs.submit(arranger, "Servicing:FundReserve", []string{dealID, "reserve", reserve.String()}, nil, "")

	holders := []*actor{arranger, servicer, trustee, alice, bob}
	checkCash := func(when string) {
		t.Helper()
		var supply struct {
			Outstanding money.Amount `json:"outstanding"`
			Float       money.Amount `json:"float"`
		}
		cs.evaluate(auditor, "Cash:Supply", nil, &supply)
		var acc schema.Accounts
		cs.evaluate(auditor, "Servicing:GetAccounts", []string{dealID}, &acc)
		total := supply.Float + acc.Total
		for _, h := range holders {
			var b struct {
				Balance money.Amount `json:"balance"`
			}
			cs.evaluate(trustee, "Cash:Balance", []string{h.key}, &b)
			total += b.Balance
		}
		if total != supply.Outstanding {
			t.Fatalf("%s: cash accounts %s + float %s + deal accounts %s = %s, but %s is outstanding",
				when, total-supply.Float-acc.Total, supply.Float, acc.Total, total, supply.Outstanding)
		}
	}
	checkCash("before the first period")

	claimed := map[string]money.Amount{}
	breached := false
	advanceReimbursed := money.FromMajor(250)
	for period := 1; period <= 12; period++ {
		var rows []loantape.PeriodRow
		p, err := sim.Advance(func(r loantape.PeriodRow) error { rows = append(rows, r); return nil })
		if err != nil {
			t.Fatal(err)
		}
		a, chunks := monthReport(t, p, rows, 500)
		if period == 1 && (a.Prepayments == 0) {
			t.Fatalf("period 1 has no prepayments: %+v", a)
		}
		header := schema.ReportHeader{Aggregates: a, Chunks: len(chunks)}
		if period == 2 {
			// The servicer declares a reimbursement of its earlier
			// advances: it remits gross and is repaid on the ledger.
			header.Certificate = &distribution.CertificateInputs{AdvanceReimbursements: advanceReimbursed}
		}
		cs.submit(servicer, "Servicing:SubmitReport", []string{dealID, canonJSON(t, header)}, nil, "")
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
		for _, tg := range res.Triggers {
			breached = breached || tg.Breached
		}
		var v distribution.Verdict
		cs.evaluate(auditor, "Servicing:Replay", []string{dealID, fmt.Sprint(period)}, &v)
		if !v.Match || v.StoredHash != cert.ResultHash {
			t.Fatalf("period %d: replay %+v", period, v)
		}
		var por struct {
			Covered bool `json:"covered"`
		}
		cs.evaluate(auditor, "Servicing:ProofOfReserve", []string{dealID, fmt.Sprint(period)}, &por)
		checkCash(fmt.Sprintf("period %d certified", period))
		if period == 2 {
			claimAdvances(t, cs, servicer, dealID, advanceReimbursed)
			checkCash("the servicer's advances claimed")
		}
		// Alice claims every quarter, Bob every month: claims accrue on the index meanwhile.
		for _, h := range []*actor{alice, bob} {
			if h == alice && period%3 != 0 {
				continue
			}
			claimed[h.name] += cs.claimAccrued(t, fmt.Sprintf("period %d", period), h, trancheIDs...)
		}
		checkCash(fmt.Sprintf("period %d claims", period))
	}
	if !breached {
		t.Error("the stress month breached no trigger")
	}
	if claimed["alice"] <= 0 || claimed["bob"] <= 0 {
		t.Fatalf("claims: %v", claimed)
	}
	t.Logf("12 periods certified; alice claimed %s, bob %s", claimed["alice"], claimed["bob"])
}

// claimAdvances checks a certified period left the servicer's advance
// reimbursement in the deal's advances account, that the trustee cannot
// take it, and that the servicer's claim pays it into its cash account.
func claimAdvances(t *testing.T, cs *cast, servicer *actor, dealID string, want money.Amount) {
	t.Helper()
	var acc schema.Accounts
	cs.evaluate(servicer, "Servicing:GetAccounts", []string{dealID}, &acc)
	if acc.Advances != want {
		t.Fatalf("advances account %s after certification, want the reimbursement %s", acc.Advances, want)
	}
	if _, err := cs.trySubmit(cs.get("trustee"), "Servicing:ClaimAdvances", []string{dealID}, nil, ""); err == nil {
		t.Fatal("the trustee claimed the servicer's advance reimbursement")
	}
	var before, after schema.CashAccount
	cs.evaluate(cs.get("trustee"), "Cash:Balance", []string{servicer.key}, &before)
	cs.submit(servicer, "Servicing:ClaimAdvances", []string{dealID}, nil, "")
	cs.evaluate(cs.get("trustee"), "Cash:Balance", []string{servicer.key}, &after)
	if after.Balance != before.Balance+want {
		t.Fatalf("servicer cash %s → %s after claiming its advances, want +%s", before.Balance, after.Balance, want)
	}
}
