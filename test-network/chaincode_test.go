package testnetwork

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/loansim"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationChaincode proves the chaincode of pools, deals and tranche
// tokens on the real network: a 1,000-loan pool sealed and one loan proved,
// a deal with classes A, B, C and a certificate issued and placed,
// investors at two banks attested, a transfer that passes and transfers
// refused by five different rules, and Org3 unable to read Org2's
// holdings, dossiers or loan tape.
func TestIntegrationChaincode(t *testing.T) {
	cs := startDealNetwork(t)
	const poolID, dealID = "POOL-AUTO-1", "DEAL-AUTO-1"
	arranger, trustee, servicer := cs.get("arranger"), cs.get("trustee"), cs.get("servicer")
	alice, bob, carol, dave := cs.get("alice"), cs.get("bob"), cs.get("carol"), cs.get("dave")

	var loans []loantape.Loan
	t.Run("a 1,000-loan pool is added in chunks and sealed", func(t *testing.T) {
		sim, err := loansim.New(loansim.PoolSpec{Seed: 2026, Loans: 1000, Cutoff: loantape.Month{Year: 2026, Month: time.October}},
			loansim.DefaultAssumptions())
		if err != nil {
			t.Fatal(err)
		}
		for l := range sim.Tape() {
			loans = append(loans, l)
		}
		cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "Auto pool 2026-1",
			Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2026-10-31"})}, nil, "")
		for chunk := 0; chunk*250 < len(loans); chunk++ {
			part := loans[chunk*250 : (chunk+1)*250]
			cs.submit(servicer, "Pool:AddLoans", []string{poolID, fmt.Sprint(chunk)},
				map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, part))}, servicer.msp)
		}
		// A retried chunk is refused, not added twice.
		cs.refused(servicer, "Pool:AddLoans", []string{poolID, "3"},
			map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, loans[750:]))}, servicer.msp, errs.AlreadyExists)
		cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)
		var view schema.PoolView
		cs.evaluate(bob, "Pool:Get", []string{poolID}, &view)
		p := view.Pool
		var want money.Amount
		leaves := make([][32]byte, len(loans))
		for i, l := range loans {
			want += l.ReportingPeriodActualEndBalanceAmount
			leaves[i] = merkle.LeafHash(l.Canonical())
		}
		if p.Status != schema.PoolSealed || p.LoanCount != 1000 || p.Balance != want {
			t.Fatalf("pool = %+v, want sealed, 1000 loans, balance %s", p, want)
		}
		if root := merkle.Root(leaves); p.MerkleRoot != merkle.Hex(root) {
			t.Fatalf("published root %s, computed %s", p.MerkleRoot, merkle.Hex(root))
		}
	})

	t.Run("a member gets a loan and a proof anyone verifies", func(t *testing.T) {
		asset := loans[617].AssetNumber
		var lp schema.LoanProof
		cs.evaluate(servicer, "Pool:GetLoan", []string{poolID, asset}, &lp)
		if lp.Loan.AssetNumber != asset || lp.Proof.Index != 617 || lp.Proof.Size != 1000 {
			t.Fatalf("got loan %s at %d of %d", lp.Loan.AssetNumber, lp.Proof.Index, lp.Proof.Size)
		}
		var verdict struct {
			Valid  bool   `json:"valid"`
			Reason string `json:"reason"`
		}
		cs.evaluate(cs.get("org3-auditor"), "Pool:VerifyLoan", []string{poolID, canonJSON(t, lp.Loan), canonJSON(t, lp.Proof)}, &verdict)
		if !verdict.Valid {
			t.Fatalf("proof refused: %s", verdict.Reason)
		}
		// Off the ledger too: the proof checks against the public root alone.
		root, err := hex.DecodeString(lp.Root)
		if err != nil {
			t.Fatal(err)
		}
		if err := merkle.Verify([32]byte(root), merkle.LeafHash(lp.Loan.Canonical()), lp.Proof); err != nil {
			t.Fatalf("local verification: %v", err)
		}
		tampered := lp.Loan
		tampered.ReportingPeriodActualEndBalanceAmount++
		cs.evaluate(cs.get("org3-auditor"), "Pool:VerifyLoan", []string{poolID, canonJSON(t, tampered), canonJSON(t, lp.Proof)}, &verdict)
		if verdict.Valid {
			t.Fatal("a loan changed by one cent still verifies")
		}
	})

	t.Run("investors at two banks are attested by their own bank", func(t *testing.T) {
		now := time.Now().UTC()
		attest := func(officer, investor *actor, jurisdiction string, kyc time.Time) {
			claims := identity.ClaimsInput{InvestorType: "qib", Jurisdiction: jurisdiction, KYCExpiry: kyc, AccreditationExpiry: now.AddDate(2, 0, 0)}
			cs.submit(officer, "Identity:Attest", []string{investor.key, canonJSON(t, claims)},
				map[string][]byte{identity.TransientDossier: []byte(fmt.Sprintf(`{"name":%q,"lei":"5493001KJTIIGC8Y1R12","salt":"%d"}`, investor.name, now.UnixNano()))}, "")
		}
		attest(cs.get("org2-compliance"), alice, "US-NY", now.AddDate(1, 0, 0))
		attest(cs.get("org2-compliance"), cs.get("anna"), "GB", now.AddDate(1, 0, 0))
		attest(cs.get("org3-compliance"), bob, "US-CA", now.AddDate(1, 0, 0))
		attest(cs.get("org3-compliance"), carol, "US-TX", now.AddDate(1, 0, 0))  // blocked below
		attest(cs.get("org3-compliance"), dave, "US-NJ", now.AddDate(0, 0, -10)) // KYC lapsed
		// A bank's officer may not attest another bank's investor.
		claims := identity.ClaimsInput{InvestorType: "qib", Jurisdiction: "US", KYCExpiry: now.AddDate(1, 0, 0)}
		cs.refused(cs.get("org3-compliance"), "Identity:Attest", []string{alice.key, canonJSON(t, claims)},
			map[string][]byte{identity.TransientDossier: []byte(`{"forged":true}`)}, "", errs.Forbidden)
	})

	var balance money.Amount
	t.Run("a deal with classes A, B, C and a certificate is issued within the mint gate", func(t *testing.T) {
		var view schema.PoolView
		cs.evaluate(arranger, "Pool:Get", []string{poolID}, &view)
		balance = view.Pool.Balance
		whole := func(pct int64) money.Amount { return money.FromMajor(balance.Cents() * pct / 100 / 100 / 1000 * 1000) }
		base := rules.TrancheRules{
			EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US", "GB"},
			BlockedJurisdictions: []string{"US-TX"}, RequireAccreditation: true,
			MinDenomination: 1000, DenominationIncrement: 1000, ConsortiumMSPs: cs.cfg.Custodians(),
		}
		locked := base
		locked.LockupUntil = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		coupon := func(rate string) *schema.Coupon {
			r := decimal.RequireFromString(rate)
			return &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360}
		}
		tranche := func(id, class string, seniority int, face money.Amount, c *schema.Coupon, r rules.TrancheRules) deal.TrancheInput {
			kind := schema.KindNote
			if c == nil {
				kind = schema.KindCertificate
			}
			return deal.TrancheInput{ID: id, Class: class, Seniority: seniority, Kind: kind, OriginalFace: face,
				UnitFace: money.FromMajor(1), Coupon: c, LegalFinalDate: daycount.NewDate(2032, time.December, 15), Rules: r}
		}
		in := deal.DealInput{ID: dealID, Name: "Tranchenet Auto Receivables Trust 2026-1", Pool: poolID,
			RequiredCollateralization: decimal.RequireFromString("1"),
			Tranches: []deal.TrancheInput{
				tranche(dealID+"-A", "A", 1, whole(80), coupon("0.0450"), base),
				tranche(dealID+"-B", "B", 2, whole(10), coupon("0.0575"), base),
				tranche(dealID+"-C", "C", 3, whole(6), coupon("0.0700"), locked),
				tranche(dealID+"-R", "R", 4, whole(3), nil, base),
			}}
		cs.submit(arranger, "Deal:Create", []string{canonJSON(t, in)}, nil, "")
		cs.submit(arranger, "Deal:AddDocument", []string{dealID, "prospectus", "https://docs.example.com/tart-2026-1.pdf",
			strings.Repeat("ab", 32)}, nil, "")
		for _, tr := range in.Tranches {
			cs.submit(arranger, "Deal:Issue", []string{tr.ID, fmt.Sprint(tr.OriginalFace.Cents() / 100)}, nil, "")
		}
		// 99 % of the pool is issued; another 2 % would exceed pool x 1.00.
		cs.refused(arranger, "Deal:Issue", []string{dealID + "-R", fmt.Sprint(whole(2).Cents() / 100)}, nil, "", errs.LimitExceeded)
		cs.submit(trustee, "Deal:Place", []string{dealID + "-A", alice.key, "200000"}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{dealID + "-A", bob.key, "100000"}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{dealID + "-C", alice.key, "50000"}, nil, "")
	})

	position := func(holder *actor, tranche string) int64 {
		var pv struct {
			Units int64 `json:"units"`
		}
		cs.evaluate(holder, "Token:Position", []string{tranche, holder.key}, &pv)
		return pv.Units
	}

	t.Run("a compliant cross-bank transfer is endorsed by the trustee alone", func(t *testing.T) {
		cs.submit(alice, "Token:Transfer", []string{dealID + "-A", bob.key, "25000"}, nil, "")
		if a, b := position(alice, dealID+"-A"), position(bob, dealID+"-A"); a != 175000 || b != 125000 {
			t.Fatalf("alice %d, bob %d", a, b)
		}
		var supply struct {
			Issued      int64 `json:"issued"`
			Outstanding int64 `json:"outstanding"`
			Holders     int   `json:"holders"`
		}
		cs.evaluate(cs.get("org3-auditor"), "Token:Supply", []string{dealID + "-A"}, &supply)
		if supply.Holders != 2 || supply.Outstanding != supply.Issued {
			t.Fatalf("supply %+v", supply)
		}
	})

	t.Run("transfers refused by five different rules change nothing", func(t *testing.T) {
		before := position(alice, dealID+"-A")
		var v rules.Verdict
		cs.evaluate(alice, "Token:CanTransfer", []string{dealID + "-A", alice.key, carol.key, "1000"}, &v)
		if v.Allowed || v.Code != errs.RuleJurisdictionBlocked || v.Rule != 4 {
			t.Fatalf("CanTransfer to carol: %+v", v)
		}
		cs.refused(alice, "Token:Transfer", []string{dealID + "-A", carol.key, "1000"}, nil, "", errs.RuleJurisdictionBlocked)
		cs.refused(alice, "Token:Transfer", []string{dealID + "-A", dave.key, "1000"}, nil, "", errs.RuleKYCExpired)
		cs.refused(alice, "Token:Transfer", []string{dealID + "-A", bob.key, "1500"}, nil, "", errs.RuleDenomination)
		cs.refused(alice, "Token:Transfer", []string{dealID + "-C", bob.key, "1000"}, nil, "", errs.RuleLockup)
		cs.submit(trustee, "Token:Freeze", []string{dealID + "-A", alice.key, "all"}, nil, "")
		cs.refused(alice, "Token:Transfer", []string{dealID + "-A", bob.key, "1000"}, nil, "", errs.RuleFrozen)
		cs.submit(trustee, "Token:Unfreeze", []string{dealID + "-A", alice.key}, nil, "")
		if after := position(alice, dealID+"-A"); after != before {
			t.Fatalf("refused transfers moved units: %d -> %d", before, after)
		}
		// A bank alone cannot move its clients' units: an investor bank's
		// own endorsement does not satisfy the registries' policy.
		_, _, err := alice.c.Submit(t.Context(), tnet.Tx{Fn: "Token:Transfer", Args: []string{dealID + "-A", bob.key, "1000"},
			Endorsers: []string{alice.msp}})
		if err == nil {
			t.Fatal("a transfer endorsed by the investor's bank alone was committed")
		}
	})

	t.Run("Org3 cannot read Org2's holdings, dossiers or loan tape", func(t *testing.T) {
		officer := cs.get("org3-compliance")
		for _, call := range [][]string{
			{"Token:Position", dealID + "-A", alice.key},
			{"Identity:GetDossier", alice.key},
			{"Pool:GetLoan", poolID, loans[0].AssetNumber},
		} {
			out, err := cs.tryEvaluate(officer, call[0], call[1:])
			if err == nil {
				t.Errorf("%s answered Org3: %s", call[0], out)
				continue
			}
			if text := tnet.ErrorText(err); strings.Contains(text, alice.name) || strings.Contains(text, loans[0].ObligorGeographicLocation+`"`) {
				t.Errorf("%s refusal leaks data: %s", call[0], text)
			}
		}
		// Alice's own bank reads her dossier; its hash is public.
		var dossier struct {
			Dossier string `json:"dossier"`
		}
		cs.evaluate(cs.get("org2-compliance"), "Identity:GetDossier", []string{alice.key}, &dossier)
		if raw, err := base64.StdEncoding.DecodeString(dossier.Dossier); err != nil || !strings.Contains(string(raw), `"name":"alice"`) {
			t.Fatalf("own bank reads dossier %q (%v)", raw, err)
		}
	})
}
