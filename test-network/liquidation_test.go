package testnetwork

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/contracts/auction"
	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	core "github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// TestIntegrationLiquidation sells a defaulted deal's pool on the real
// network: the trustee declares an event of default, the Controlling
// Class (alice, 60% of A) directs the sale, banks Org2 (anna) and Org3
// (carol) seal bids each on its own peers only, publish commitments,
// reveal after the close to the trustee's peer, and the award settles
// delivery-versus-payment: the winner's cash into the deal's collection
// account and the pool's title to the winner, cash conserved to the
// cent; the losing price is in no public answer. The servicer's last
// report then declares the sale, its certification pays the price out to
// the holders, who claim it, and the deal is wound down.
func TestIntegrationLiquidation(t *testing.T) {
	cs := startDealNetwork(t)
	const poolID, dealID = "POOL-LIQ-1", "DEAL-LIQ-1"
	arranger, trustee, servicer, settlement := cs.get("arranger"), cs.get("trustee"), cs.get("servicer"), cs.get("settlement")
	alice, bob, anna, carol, auditor := cs.get("alice"), cs.get("bob"), cs.get("anna"), cs.get("carol"), cs.get("org3-auditor")

	sim, err := loansim.New(loansim.PoolSpec{Seed: 91, Loans: 100, Cutoff: loantape.Month{Year: 2025, Month: time.December}}, loansim.DefaultAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	loans := slices.Collect(sim.Tape())
	balance := autodeal.Balance(loans)
	cs.submit(arranger, "Pool:Create", []string{canonJSON(t, pool.CreateInput{ID: poolID, Name: "Liquidation pool",
		Originator: servicer.msp, Servicer: servicer.msp, CutoffDate: "2025-12-31"})}, nil, "")
	cs.submit(servicer, "Pool:AddLoans", []string{poolID, "0"}, map[string][]byte{pool.TransientLoans: []byte(canonJSON(t, loans))}, servicer.msp)
	cs.submit(servicer, "Pool:Seal", []string{poolID}, nil, servicer.msp)
	cs.attestQualifiedUS(t, alice, bob)
	whole := func(permille int64) money.Amount { return money.FromMajor(balance.Cents() * permille / 1000 / 100) }
	faces := map[string]money.Amount{"A": whole(800), "B": whole(70), "C": whole(50), "R": whole(5)}
	tranches := map[string]string{}
	var inputs []deal.TrancheInput
	for i, c := range []string{"A", "B", "C", "R"} {
		tranches[c] = dealID + "-" + c
		in := deal.TrancheInput{ID: tranches[c], Class: c, Seniority: i + 1, Kind: schema.KindCertificate, OriginalFace: faces[c], UnitFace: money.FromMajor(1),
			LegalFinalDate: daycount.NewDate(2032, time.June, 15),
			Rules:          rules.TrancheRules{EligibleInvestorTypes: []string{"qib"}, AllowedJurisdictions: []string{"US"}, ConsortiumMSPs: cs.cfg.Custodians()}}
		if c != "R" {
			r := decimal.RequireFromString([]string{"0.045", "0.055", "0.065"}[i])
			in.Kind, in.Coupon = schema.KindNote, &schema.Coupon{Fixed: &r, DayCount: daycount.Thirty360}
		}
		inputs = append(inputs, in)
	}
	cs.submit(arranger, "Deal:Create", []string{canonJSON(t, deal.DealInput{ID: dealID, Name: "Liquidation deal", Pool: poolID,
		RequiredCollateralization: decimal.RequireFromString("0.93"), Tranches: inputs})}, nil, "")
	for _, c := range []string{"A", "B", "C", "R"} {
		units := faces[c].Cents() / 100
		cs.submit(arranger, "Deal:Issue", []string{tranches[c], fmt.Sprint(units)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{tranches[c], alice.key, fmt.Sprint(units * 6 / 10)}, nil, "")
		cs.submit(trustee, "Deal:Place", []string{tranches[c], bob.key, fmt.Sprint(units - units*6/10)}, nil, "")
	}
	terms := autodeal.AutoWaterfall{Deal: dealID, PoolBalance: balance, Faces: faces, Reserve: money.Amount(balance.Cents() / 200), Residual: "R",
		Delinquency: "0.02", Tranches: tranches, ServicingPayee: servicer.key, TrusteePayee: trustee.key}.Terms()
	cs.submit(arranger, "Servicing:SetWaterfall", []string{dealID, canonJSON(t, terms)}, nil, "")
	cs.submit(settlement, "Cash:AttestReserves", []string{"1000000000.00", "sha256:reserve-statement-liq"}, nil, "")
	cs.submit(settlement, "Cash:Mint", []string{"100000000.00"}, nil, "")
	cashReserve := money.Amount(balance.Cents() / 200)
	cs.submit(settlement, "Cash:Pay", []string{arranger.key, cashReserve.String()}, nil, "")
	cs.submit(arranger, "Servicing:FundReserve", []string{dealID, "reserve", cashReserve.String()}, nil, "")

	// The default, then the Controlling Class's direction.
	cs.submit(trustee, "Servicing:DeclareEventOfDefault", []string{dealID, "servicer insolvency"}, nil, "")
	now := time.Now().UTC()
	cs.submit(arranger, "Amendment:Propose", []string{dealID, canonJSON(t, amendment.ProposalInput{ID: "AMD-LIQ", Kind: consent.LiquidationDirection,
		Change: schema.AmendmentChange{Terms: "sell the pool by sealed bids"}, Reason: "noteholders' direction after the event of default",
		RecordDate: now.Add(-time.Minute), Expiry: now.Add(24 * time.Hour)})}, nil, "")
	holders, _ := json.Marshal(map[string][]string{tranches["A"]: {alice.key, bob.key}})
	cs.submit(trustee, "Amendment:Record", []string{dealID, "AMD-LIQ"}, map[string][]byte{amendment.TransientHolders: holders}, "")
	ballot, _ := json.Marshal(amendment.Ballot{Tranche: tranches["A"], InFavour: true})
	cs.submit(alice, "Amendment:Vote", []string{dealID, "AMD-LIQ"}, map[string][]byte{amendment.TransientVote: ballot}, "")
	cs.submit(trustee, "Amendment:Execute", []string{dealID, "AMD-LIQ"}, nil, "")

	reserve := money.Amount(balance.Cents() / 2)
	winning, losing := reserve+money.FromMajor(50_000), reserve+money.FromMajor(20_000)
	closes := time.Now().UTC().Add(90 * time.Second)
	cs.submit(trustee, "Auction:Open", []string{dealID, canonJSON(t, auction.OpenInput{ID: "AUC-1", Direction: "AMD-LIQ",
		Opens: time.Now().UTC().Add(-time.Minute), Closes: closes, Reserve: reserve})}, nil, "")
	for _, b := range []*actor{anna, carol} {
		cs.submit(settlement, "Cash:Pay", []string{b.key, winning.String()}, nil, "")
	}
	cashOf := func(a *actor) money.Amount {
		var b struct {
			Balance money.Amount `json:"balance"`
		}
		cs.evaluate(trustee, "Cash:Balance", []string{a.key}, &b)
		return b.Balance
	}
	total := func() money.Amount {
		var acc schema.Accounts
		cs.evaluate(auditor, "Servicing:GetAccounts", []string{dealID}, &acc)
		return acc.Total + cashOf(anna) + cashOf(carol)
	}
	before := total()

	bid := func(a *actor, price money.Amount, salt string) map[string][]byte {
		b, _ := json.Marshal(auction.BidInput{Price: price, Salt: salt})
		return map[string][]byte{auction.TransientBid: b}
	}
	const saltAnna, saltCarol = "anna-salt-0123456789", "carol-salt-0123456789"
	if got := cs.endorsers(anna, "Auction:Seal", ""); !slices.Equal(got, []string{anna.msp}) {
		t.Fatalf("a sealed bid is endorsed by %v, want %s alone", got, anna.msp)
	}
	cs.submit(anna, "Auction:Seal", []string{dealID, "AUC-1"}, bid(anna, losing, saltAnna), "")
	cs.submit(carol, "Auction:Seal", []string{dealID, "AUC-1"}, bid(carol, winning, saltCarol), "")
	cs.submit(anna, "Auction:Bid", []string{dealID, "AUC-1"}, nil, "")
	cs.submit(carol, "Auction:Bid", []string{dealID, "AUC-1"}, nil, "")
	if _, err := cs.tryEvaluate(carol, "Auction:MyBid", []string{dealID, "AUC-1"}); err != nil {
		t.Fatalf("carol cannot read her own sealed bid: %v", err)
	}
	cs.refused(carol, "Auction:Reveal", []string{dealID, "AUC-1"}, bid(carol, winning, saltCarol), "", errs.WrongState)

	time.Sleep(time.Until(closes) + 3*time.Second)
	cs.refused(carol, "Auction:Reveal", []string{dealID, "AUC-1"}, bid(carol, winning+1, saltCarol), "", errs.BadInput)
	cs.submit(anna, "Auction:Reveal", []string{dealID, "AUC-1"}, bid(anna, losing, saltAnna), "")
	cs.submit(carol, "Auction:Reveal", []string{dealID, "AUC-1"}, bid(carol, winning, saltCarol), "")
	cs.submit(trustee, "Auction:Award", []string{dealID, "AUC-1"}, nil, "")

	var a schema.Auction
	cs.evaluate(auditor, "Auction:Get", []string{dealID, "AUC-1"}, &a)
	if a.Status != schema.AuctionSold || a.Award == nil || a.Award.Reason != core.Sold || a.Award.Winner.Bidder != carol.key || a.Award.Winner.Price != winning {
		t.Fatalf("auction %+v", a)
	}
	var title schema.PoolOwnership
	cs.evaluate(auditor, "Auction:Owner", []string{poolID}, &title)
	if title.Owner != carol.key || title.Price != winning {
		t.Fatalf("title %+v", title)
	}
	if got := cashOf(carol); got != 0 {
		t.Fatalf("carol has %s left, want 0 after paying %s", got, winning)
	}
	if got := total(); got != before {
		t.Fatalf("cash %s before the sale, %s after", before, got)
	}
	var acc schema.Accounts
	cs.evaluate(auditor, "Servicing:GetAccounts", []string{dealID}, &acc)
	if acc.Collection != winning {
		t.Fatalf("collection account %s, want the price %s", acc.Collection, winning)
	}
	// The losing price is in no public answer.
	for _, q := range [][]string{{"Auction:Get", dealID, "AUC-1"}, {"Auction:Bids", dealID, "AUC-1"}, {"Auction:Owner", poolID}} {
		out, err := cs.tryEvaluate(auditor, q[0], q[1:])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), losing.String()) || strings.Contains(string(out), saltAnna) {
			t.Fatalf("%s shows the losing bid: %s", q[0], out)
		}
	}

	// The deal's last period pays the price to the holders and winds it down.
	liquidationFinalPeriod(t, cs, sim, dealID, "AUC-1", winning, tranches, []*actor{alice, bob})
}
