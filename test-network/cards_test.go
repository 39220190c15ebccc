package testnetwork

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
)

// TestIntegrationCards runs a credit-card master trust on the real
// network: the trust with two series (core/cardtrust/testdata), a deal for
// series 2026-2 on a cards pool sealed as that series, and six monthly
// pool-level reports, each checked and allocated on chain by
// CardTrust:SubmitReport, made the deal's report, certified by the trustee
// and replayed by Org3's auditor (the trust's month with cardtrust.Replay,
// the deal's period with Servicing:Replay). Month 4 trips the series'
// early amortization (three-month average excess spread below zero), so
// months 5 and 6 pay principal to class A; holders at two banks claim.
func TestIntegrationCards(t *testing.T) {
	cs := startDealNetwork(t)
	const trustID, poolID, dealID = "CARDS-MT", "POOL-CARDS-2026-2", "DEAL-CARDS-2026-2"
	arranger, trustee, servicer, settlement := cs.get("arranger"), cs.get("trustee"), cs.get("servicer"), cs.get("settlement")
	alice, bob, auditor := cs.get("alice"), cs.get("bob"), cs.get("org3-auditor")

	trustJSON, err := os.ReadFile("../chaincode/core/cardtrust/testdata/trust_2026.json")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := cardtrust.ParseTrust(trustJSON)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../chaincode/core/cardtrust/testdata/reports_2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	reports, bad, err := cardtrust.ReadAll(f)
	f.Close()
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	cs.submit(arranger, "CardTrust:CreateTrust", []string{canonJSON(t, tr), servicer.msp}, nil, "")
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "Card series 2026-2 collateral",
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2025-12-31", AssetClass: "cards"})}, nil, "")
	cs.submit(arranger, "Pool:SealCardSeries", []string{poolID, trustID, "2026-2"}, nil, "")

	cs.attestQualifiedUS(t, alice, bob)
	// The notes and the transferor certificate together are the series'
	// invested amount, 200,000,000.00.
	faces := map[string]money.Amount{"A": money.FromMajor(180_000_000), "B": money.FromMajor(19_999_000), "T": money.FromMajor(1000)}
	classes := []string{"A", "B", "T"}
	coupons := map[string]string{"A": "0.0575", "B": "0.0825"}
	tranche := func(class string, seniority int) deal.TrancheInput {
		in := deal.TrancheInput{ID: dealID + "-" + class, Class: class, Seniority: seniority, Kind: schema.KindNote,
			OriginalFace: faces[class], UnitFace: money.FromMajor(1), LegalFinalDate: daycount.NewDate(2029, time.June, 15),
			Rules: rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"}, ConsortiumMSPs: cs.cfg.Custodians()}}
		if c, ok := coupons[class]; ok {
			r := decimal.RequireFromString(c)
			in.Coupon = &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360}
		} else {
			in.Kind = schema.KindCertificate
		}
		return in
	}
	cs.submit(arranger, "Deal:Create", []string{canonJSON(t, deal.DealInput{ID: dealID, Name: "Card Series 2026-2", Pool: poolID,
		RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{tranche("A", 1), tranche("B", 2), tranche("T", 3)}})}, nil, "")
	tranches := map[string]string{}
	for _, c := range classes {
		tranches[c] = dealID + "-" + c
		units := faces[c].Cents() / 100
		cs.submit(arranger, "Deal:Issue", []string{tranches[c], fmt.Sprint(units)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{tranches[c], alice.key, fmt.Sprint(units * 6 / 10)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{tranches[c], bob.key, fmt.Sprint(units - units*6/10)}, nil, "")
	}
	terms := autodeal.CardSeriesWaterfall{Deal: dealID, ClosingDate: "2026-01-15", InvestedAmount: money.FromMajor(200_000_000),
		Faces: faces, Coupons: coupons, ServicingRate: "0.02", Residual: "T", Tranches: tranches, ServicingPayee: servicer.key}.Terms()
	cs.submit(arranger, "Servicing:SetWaterfall", []string{dealID, canonJSON(t, terms)}, nil, "")
	cs.submit(settlement, "Cash:AttestReserves", []string{"1000000000.00", "sha256:reserve-statement-cards"}, nil, "")
	cs.submit(settlement, "Cash:Mint", []string{"200000000.00"}, nil, "")
	cs.submit(settlement, "Cash:Pay", []string{servicer.key, "150000000.00"}, nil, "")

	// A report whose receivables do not roll forward is refused, naming the field and the rule.
	broken := reports[0]
	broken.EndingPrincipalReceivables++
	cs.refused(servicer, "CardTrust:SubmitReport", []string{trustID, canonJSON(t, broken)}, nil, "", errs.BadInput)

	// Hand-worked in core/cardtrust (testdata/allocation_2026.md and the
	// series waterfall) with B at 19,999,000: no principal while the
	// series revolves; A is paid the collateral's fall in early
	// amortization (periods 5 and 6).
	wantA := map[int]string{1: "0.00", 2: "0.00", 3: "0.00", 4: "0.00", 5: "36999000.00", 6: "40815000.00"}
	claimed := money.Amount(0)
	var events []string
	for _, r := range reports {
		period := fmt.Sprint(r.Period)
		cs.submit(servicer, "CardTrust:SubmitReport", []string{trustID, canonJSON(t, r)}, nil, "")
		var month schema.CardMonth
		cs.evaluate(auditor, "CardTrust:GetMonth", []string{trustID, period}, &month)
		if _, err := cardtrust.Replay(month.Allocated); err != nil {
			t.Fatalf("period %d: Org3's replay of the trust's month: %v", r.Period, err)
		}
		events = append(events, month.Allocated.Result.PayOutEvents...)
		a := month.Allocated.Result.Series[1]
		cs.submit(servicer, "Servicing:SubmitCardReport", []string{dealID}, nil, "")
		cs.submit(servicer, "Servicing:RemitCollections", []string{dealID, (a.FinanceCharges + a.Recoveries + a.PrincipalPaid).String()}, nil, "")
		cs.submit(trustee, "Servicing:Certify", []string{dealID, period}, nil, "")

		var cert schema.Certification
		cs.evaluate(auditor, "Servicing:GetCertification", []string{dealID, period}, &cert)
		var res waterfall.Result
		if err := json.Unmarshal(cert.Result, &res); err != nil {
			t.Fatal(err)
		}
		var principalA money.Amount
		for _, p := range res.Payments {
			if p.Kind == waterfall.KindPrincipal && p.Class == "A" {
				principalA += p.Paid
			}
		}
		if principalA.String() != wantA[r.Period] {
			t.Errorf("period %d: class A principal %s, want %s", r.Period, principalA, wantA[r.Period])
		}
		var v distribution.Verdict
		cs.evaluate(auditor, "Servicing:Replay", []string{dealID, period}, &v)
		if !v.Match || v.StoredHash != cert.ResultHash {
			t.Fatalf("period %d: Org3's replay %+v", r.Period, v)
		}
		for _, h := range []*actor{alice, bob} {
			for _, c := range classes {
				var acc schema.Accrual
				cs.evaluate(h, "Servicing:Accrued", []string{tranches[c], h.key}, &acc)
				if acc.Claimable == 0 {
					continue
				}
				var cr schema.ClaimResult
				b, _, err := h.c.Submit(t.Context(), tnetSubmit(cs, h, "Servicing:Claim", tranches[c]))
				if err != nil {
					t.Fatalf("period %d: %s claims %s: %v", r.Period, h.name, c, err)
				}
				if err := json.Unmarshal(b, &cr); err != nil || cr.Amount != acc.Claimable {
					t.Fatalf("period %d: %s claimed %s of %s (%v)", r.Period, h.name, cr.Amount, acc.Claimable, err)
				}
				claimed += cr.Amount
			}
		}
	}
	if len(events) != 1 || events[0] != "2026-2:excess-spread" {
		t.Errorf("pay-out events %v, want 2026-2:excess-spread in period 4", events)
	}
	t.Logf("6 months allocated and certified, replayed by Org3; pay-out events %v; holders claimed %s", events, claimed)
}
