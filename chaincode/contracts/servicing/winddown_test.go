package servicing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/contracts/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// sellPool defaults the deal (declared by the trustee), has the
// Controlling Class direct the sale and sells the pool to one bidder at
// price in auction AUC-1.
func (d *dealFixture) sellPool(t *testing.T, price money.Amount) {
	t.Helper()
	w := d.w
	w.Must(w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "servicer insolvency")
	d.amend(t, amendment.ProposalInput{ID: "AMD-LIQ", Kind: consent.LiquidationDirection,
		Change: schema.AmendmentChange{Terms: "sell the pool by sealed bids"}}, "A", d.alice, d.bob)
	w.Must(w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, auction.OpenInput{ID: "AUC-1", Direction: "AMD-LIQ",
		Opens: w.Now(), Closes: w.Now().Add(time.Hour), Reserve: price / 2})))
	desk := w.AttestedInvestor(w.Net.Investors, "desk3")
	w.Must(w.Settlement, "Cash:Pay", w.Key(desk), price.String())
	const salt = "salt-of-the-winning-desk"
	w.MustWith(desk, "Auction:Seal", []string{d.deal, "AUC-1"}, bidTransient(t, price, salt))
	w.Must(desk, "Auction:Bid", d.deal, "AUC-1")
	w.Advance(2 * time.Hour)
	w.MustWith(desk, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, price, salt))
	w.Must(w.Trustee, "Auction:Award", d.deal, "AUC-1")
}

// The deal's end after a liquidation, on the stub: the servicer's last
// report declares the sale (its proceeds must be the auction's price),
// certification pays the proceeds, the period's collections and the
// released reserve through the acceleration priority to the cent, writes
// off the principal left unpaid (the loss is on the record), and winds
// the deal down: reports, transfers (forced too), placements, issuance,
// auctions and declarations are refused with WRONG_STATE, while every
// holder still claims the final distribution, to the cent of its class.
func TestLiquidationFinalPeriodPaysTheProceedsAndWindsTheDealDown(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25, withUnissued("A", 1000))
	a := d.tranche["A"]
	d.runPeriod(t)
	// The price covers about half the pool: class A is paid in part, the
	// classes below it nothing, and their principal is a loss.
	price := money.Amount(d.balance.Cents()/2) + 37
	d.sellPool(t, price)

	m := d.nextMonth(t)
	header := func(sale *schema.PoolSale) string {
		return string(contracttest.MustCanon(t, schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks), PoolSale: sale}))
	}
	w.Refused(errs.BadInput, w.Servicer, "Servicing:SubmitReport", d.deal, header(&schema.PoolSale{Auction: "AUC-1", Proceeds: price + 1}))
	w.Refused(errs.BadInput, w.Servicer, "Servicing:SubmitReport", d.deal, header(&schema.PoolSale{Auction: "AUC-9", Proceeds: price}))
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, header(&schema.PoolSale{Auction: "AUC-1", Proceeds: price}))
	for _, c := range m.chunks {
		w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, fmt.Sprint(m.period.Number)}, chunkTransient(t, c))
	}
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	d.claimAll(t) // the earlier periods', so that what is claimed below is the final period's
	before := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	if before.Collection < price+m.collections() {
		t.Fatalf("collection account %s before the final period, want at least the price %s + collections %s", before.Collection, price, m.collections())
	}
	w.Must(w.Trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number))
	cert := contracttest.Decode[schema.Certification](t, w.Must(w.Auditor, "Servicing:GetCertification", d.deal, fmt.Sprint(m.period.Number)))
	res := contracttest.Decode[waterfall.Result](t, string(cert.Result))
	if !res.PoolSale || !res.Accelerated || res.AvailableFunds.PoolSaleProceeds != price || res.Pool.EndingBalance != 0 || !res.NewState.PoolSold {
		t.Fatalf("final period: poolSale %v, accelerated %v, proceeds %s, pool %s", res.PoolSale, res.Accelerated, res.AvailableFunds.PoolSaleProceeds, res.Pool.EndingBalance)
	}

	// Cash: what came in (collections, the price, the released reserve)
	// went out to the classes and fees, to the cent.
	var reserve money.Amount
	for _, r := range before.Reserves {
		reserve += r.Balance
	}
	var out money.Amount
	for _, c := range cert.Cash.Classes {
		out += c.Total
	}
	for _, f := range cert.Cash.Fees {
		out += f.Paid
	}
	if in := m.collections() + price + reserve; out+cert.Cash.Unallocated != in || res.AvailableFunds.Total != in {
		t.Fatalf("final period: in %s (collections %s + price %s + reserve %s), paid out %s + unallocated %s, available %s",
			in, m.collections(), price, reserve, out, cert.Cash.Unallocated, res.AvailableFunds.Total)
	}
	after := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	if after.Collection != before.Collection-price-m.collections() || after.Total != before.Total {
		t.Fatalf("accounts after: collection %s (before %s), total %s (before %s)", after.Collection, before.Collection, after.Total, before.Total)
	}

	// The deal's record: wound down, every class at zero, the loss written off.
	status := contracttest.Decode[schema.DealServicing](t, w.Must(w.Auditor, "Servicing:GetStatus", d.deal))
	l := status.Liquidated
	if l == nil || l.Period != m.period.Number || l.Auction != "AUC-1" || l.Proceeds != price || len(l.Classes) != len(d.classes) {
		t.Fatalf("liquidation record %+v", l)
	}
	var lost money.Amount
	for i, c := range l.Classes {
		cr := res.Classes[i]
		if cr.EndingBalance != 0 || c.Outstanding != cr.BeginningBalance-cr.PrincipalPaid || c.WrittenOff != cr.WrittenDown || c.PrincipalPaid != cr.PrincipalPaid {
			t.Fatalf("class %s: begins %s, paid %s, ends %s; record %+v", c.Class, cr.BeginningBalance, cr.PrincipalPaid, cr.EndingBalance, c)
		}
		lost += c.Outstanding
	}
	if l.Classes[0].PrincipalPaid <= 0 || l.Classes[0].Outstanding <= 0 || l.Classes[1].PrincipalPaid != 0 || l.Classes[1].Outstanding != d.faces["B"] || lost <= 0 {
		t.Fatalf("want A paid in part and B written off whole: %+v", l.Classes)
	}

	// Nothing moves any more but claims.
	for _, r := range []contracttest.Result{
		w.Refused(errs.WrongState, w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, d.nextMonth(t))),
		w.Refused(errs.WrongState, w.Trustee, "Servicing:Certify", d.deal, fmt.Sprint(m.period.Number+1)),
		w.Refused(errs.WrongState, w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "again"),
		w.Refused(errs.WrongState, d.alice, "Token:Transfer", a, w.Key(d.bob), "1"),
		w.Refused(errs.WrongState, w.Trustee, "Token:ForcedTransfer", a, w.Key(d.bob), w.Key(d.alice), "1", "court order 7"),
		w.Refused(errs.WrongState, w.Trustee, "Deal:Place", a, w.Key(d.alice), "1"),
		w.Refused(errs.WrongState, w.Arranger, "Deal:Issue", a, "1"),
		w.Refused(errs.WrongState, w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, auction.OpenInput{ID: "AUC-2", Direction: "AMD-LIQ",
			Opens: w.Now(), Closes: w.Now().Add(time.Hour), Reserve: 1}))),
	} {
		if !strings.Contains(r.Message, "wound down") {
			t.Errorf("refused for another reason than the wind-down: %s", r.Message)
		}
	}
	claimed := d.claimAll(t)
	for _, cd := range cert.Distributions {
		// Each holder is paid its units × the final period's index rise,
		// floored to the cent: under a cent a holder stays unclaimed.
		want := money.Amount(cd.Delta.Mul(decimal.NewFromInt(cd.Units * 100)).IntPart())
		if got := claimed[cd.Tranche]; got > want || want-got > money.Amount(len(d.holders[cd.Tranche])) {
			t.Fatalf("class %s: holders claimed %s of the final %s, want %s less under a cent a holder", cd.Class, got, cd.Payment, want)
		}
		if err := w.checkBook(cd.Tranche); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
}

// claimAll has every holder claim every tranche of the deal and returns
// what each tranche paid them.
func (d *dealFixture) claimAll(t *testing.T) map[string]money.Amount {
	t.Helper()
	out := map[string]money.Amount{}
	for _, c := range d.classes {
		id := d.tranche[c]
		for h := range d.holders[id] {
			out[id] += contracttest.Decode[schema.ClaimResult](t, d.w.Must(h, "Servicing:Claim", id)).Amount
		}
	}
	return out
}
