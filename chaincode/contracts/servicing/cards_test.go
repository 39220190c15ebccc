package servicing_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/contracts/pool"
	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
)

// TestCardSeriesDeal runs series 2026-2 of the golden card trust
// (core/cardtrust/testdata) as a deal on chain: the trust's months are
// allocated by CardTrust:SubmitReport, each becomes the deal's report with
// Servicing:SubmitCardReport, and Certify pays the classes what the
// hand-worked series waterfall says (core/cardtrust waterfall_test.go):
// interest only while the series revolves, then principal to A in early
// amortization. Another bank replays every period, and a holder claims.
func TestCardSeriesDeal(t *testing.T) {
	w := contracttest.New(t)
	b, err := os.ReadFile("../../core/cardtrust/testdata/trust_2026.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../core/cardtrust/testdata/reports_2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reports, bad, err := cardtrust.ReadAll(f)
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	svc := w.Net.Servicer
	w.Must(w.Arranger, "CardTrust:CreateTrust", string(b), svc)

	// A cards pool has no loan tape: it is sealed as the series' collateral.
	in := pool.CreateInput{ID: "CARDS-2026-2", Name: "Card series 2026-2", Originator: svc, Servicer: svc, CutoffDate: "2025-11-30", AssetClass: "cards"}
	w.Must(w.Arranger, "Pool:Create", string(contracttest.MustCanon(t, in)))
	w.Refused(errs.Conflict, w.Arranger, "Pool:SealCardSeries", "CARDS-2026-2", "CARDS-MT", "2026-2") // cut-off not the month before
	in.ID, in.CutoffDate = "CARDS-2026-2B", "2025-12-31"
	w.Must(w.Arranger, "Pool:Create", string(contracttest.MustCanon(t, in)))
	w.Refused(errs.BadInput, w.Arranger, "Pool:SealCardSeries", "CARDS-2026-2B", "CARDS-MT", "2026-9")
	w.Must(w.Arranger, "Pool:SealCardSeries", "CARDS-2026-2B", "CARDS-MT", "2026-2")
	p := contracttest.Decode[struct {
		Pool         schema.Pool  `json:"pool"`
		BalanceSoFar money.Amount `json:"balanceSoFar"`
		LoansAdded   int          `json:"loansAdded"`
		NextChunk    int          `json:"nextChunk"`
	}](t, w.Must(w.Auditor, "Pool:Get", "CARDS-2026-2B")).Pool
	if p.Balance.String() != "200000000.00" || p.CardSeries == nil || p.CardSeries.Series != "2026-2" {
		t.Fatalf("sealed series pool: %+v", p)
	}

	// The notes and the transferor certificate together are the series'
	// invested amount (issuance is capped at the sealed pool balance).
	faces := map[string]money.Amount{"A": money.FromMajor(180_000_000), "B": money.FromMajor(19_999_000)}
	tranches := map[string]string{"A": "C22-A", "B": "C22-B", "Transferor": "C22-T"}
	coupons := map[string]string{"A": "0.0575", "B": "0.0825"}
	trancheIn := func(class string, seniority int) deal.TrancheInput {
		ti := w.Tranche(tranches[class], class, seniority, faces[class])
		*ti.Coupon.Fixed = decimal.RequireFromString(coupons[class])
		return ti
	}
	cert := w.Tranche(tranches["Transferor"], "Transferor", 3, money.FromMajor(1000))
	cert.Kind, cert.Coupon = schema.KindCertificate, nil
	w.CreateDeal(deal.DealInput{ID: "CARDS-2026-2", Name: "Card Series 2026-2", Pool: "CARDS-2026-2B",
		RequiredCollateralization: decimal.NewFromInt(1), Tranches: []deal.TrancheInput{trancheIn("A", 1), trancheIn("B", 2), cert}})
	alice, bob := w.AttestedInvestor(w.Net.Servicer, "alice"), w.AttestedInvestor(w.Net.Investors, "bob")
	w.IssueAndPlace("C22-A", []*stubtest.Identity{alice, bob}, []int64{100_000_000, 80_000_000})
	w.IssueAndPlace("C22-B", []*stubtest.Identity{bob}, []int64{19_999_000})
	w.IssueAndPlace("C22-T", []*stubtest.Identity{alice}, []int64{1000})
	terms := autodeal.CardSeriesWaterfall{Deal: "CARDS-2026-2", ClosingDate: "2026-01-15", InvestedAmount: money.FromMajor(200_000_000),
		Faces: faces, Coupons: coupons, ServicingRate: "0.02", Residual: "Transferor", Tranches: tranches,
		ServicingPayee: w.Key(w.Servicer)}.Terms()
	w.Must(w.Arranger, "Servicing:SetWaterfall", "CARDS-2026-2", string(contracttest.MustCanon(t, terms)))
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000000.00", "statement 2026-01")
	w.Must(w.Settlement, "Cash:Mint", "500000000.00")
	w.Must(w.Settlement, "Cash:Pay", w.Key(w.Servicer), "200000000.00")

	// Before the trust's month is allocated there is nothing to report.
	w.Refused(errs.WrongState, w.Servicer, "Servicing:SubmitCardReport", "CARDS-2026-2")

	// The hand-worked series waterfall (core/cardtrust waterfall_test.go)
	// with B at 19,999,000: B's interest is 19,999,000 × 8.25% / 12 =
	// 137,493.13 and principal pays the notes (199,999,000) down to the
	// collateral. Period 1: 3,200,000 − 333,333.33 − 862,500 − 137,493.13
	// = 1,866,673.54 to the transferor; period 4: 2,100,000 − 1,333,326.46
	// = 766,673.54; period 5: A 199,999,000 − 163,000,000 = 36,999,000,
	// transferor 39,000,000.01 − 1,333,326.46 − 36,999,000 = 667,673.55;
	// period 6: fee 271,666.67, A 143,001,000 × 5.75% / 12 = 685,213.13,
	// A principal 163,000,000 − 122,185,000 = 40,815,000, transferor
	// 42,445,000 − 271,666.67 − 685,213.13 − 137,493.13 − 40,815,000 =
	// 535,627.07.
	wantA := map[int]string{1: "0.00", 4: "0.00", 5: "36999000.00", 6: "40815000.00"}
	wantResidual := map[int]string{1: "1866673.54", 4: "766673.54", 5: "667673.55", 6: "535627.07"}
	for _, r := range reports {
		out := w.Must(w.Servicer, "CardTrust:SubmitReport", "CARDS-MT", string(contracttest.MustCanon(t, r)))
		res := contracttest.Decode[cardtrust.MonthResult](t, out)
		a := res.Series[1]
		w.Must(w.Servicer, "Servicing:SubmitCardReport", "CARDS-2026-2")
		period := fmt.Sprint(r.Period)
		w.Must(w.Servicer, "Servicing:RemitCollections", "CARDS-2026-2", (a.FinanceCharges + a.Recoveries + a.PrincipalPaid).String())
		w.Must(w.Trustee, "Servicing:Certify", "CARDS-2026-2", period)
		c := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", "CARDS-2026-2", period))
		// Another bank (the auditor's, the investor bank) replays the period.
		if rp := w.Must(w.Auditor, "Servicing:Replay", "CARDS-2026-2", period); !strings.Contains(rp, c.ResultHash) {
			t.Fatalf("period %d replay: %s", r.Period, rp)
		}
		got := contracttest.Decode[waterfall.Result](t, string(c.Result))
		var principalA money.Amount
		for _, pay := range got.Payments {
			if pay.Kind == waterfall.KindPrincipal && pay.Class == "A" {
				principalA += pay.Paid
			}
		}
		if w, ok := wantA[r.Period]; ok && principalA.String() != w {
			t.Errorf("period %d: class A principal %s, want %s", r.Period, principalA, w)
		}
		if w, ok := wantResidual[r.Period]; ok && got.ResidualPaid.String() != w {
			t.Errorf("period %d: transferor %s, want %s", r.Period, got.ResidualPaid, w)
		}
	}
	// A holder claims what its units earned over the six periods.
	claimed := w.Must(bob, "Servicing:Claim", "C22-B")
	// Bob holds every B unit: he claims the six periods' B interest,
	// 6 × 137,493.13 = 824,958.78, through the per-unit index: each
	// period's 137,493.13 / 19,999,000 units truncates to 0.0068750002
	// (ten places), six of them are 0.0412500015, and 19,999,000 units ×
	// 0.0412500015 = 824,958.7799 floors to 824,958.77; the cent stays in
	// the distribution account (CheckCash below keeps it counted).
	if !strings.Contains(claimed, `"amount":"824958.77"`) {
		t.Fatalf("bob's B claim: %s", claimed)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}
