package servicing_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/amendment"
	"github.com/tranchenet/tranchenet/chaincode/contracts/auction"
	core "github.com/tranchenet/tranchenet/chaincode/core/auction"
	"github.com/tranchenet/tranchenet/chaincode/core/consent"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func bidTransient(t *testing.T, price money.Amount, salt string) stubtest.InvokeOption {
	t.Helper()
	b, err := json.Marshal(auction.BidInput{Price: price, Salt: salt})
	if err != nil {
		t.Fatal(err)
	}
	return stubtest.Transient(map[string][]byte{auction.TransientBid: b})
}

// A defaulted deal's pool sold by sealed bids, on the stub: the trustee
// may open an auction only after an event of default and the Controlling
// Class's executed direction; bids are sealed in each bidder bank's
// implicit collection and only their commitments are public; a reveal
// that does not match its commitment is refused; after the close the best
// bid above the reserve wins, and the sale settles delivery-versus-
// payment: the buyer's cash into the deal's collection account and the
// pool's title to the buyer, cash conserved to the cent. The losing
// price never reaches public state.
func TestLiquidationAuctionSellsThePoolDeliveryVersusPayment(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	reserve := money.Amount(d.balance.Cents() / 2)
	winning, losing := reserve+money.FromMajor(250_000), reserve+money.FromMajor(100_000)
	in := auction.OpenInput{ID: "AUC-1", Direction: "AMD-LIQ", Opens: w.Now(), Closes: w.Now().Add(4 * time.Hour), Reserve: reserve}
	w.Refused(errs.WrongState, w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, in)))

	w.Must(w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "servicer insolvency")
	w.Refused(errs.BadInput, w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, in)))
	// alice (40% of A) and bob (30%): a majority of the Controlling Class.
	d.amend(t, amendment.ProposalInput{ID: "AMD-LIQ", Kind: consent.LiquidationDirection,
		Change: schema.AmendmentChange{Terms: "sell the pool by sealed bids; reserve set by the trustee"}}, "A", d.alice, d.bob)
	w.Refused(errs.Forbidden, w.Servicer, "Auction:Open", d.deal, string(contracttest.MustCanon(t, in)))
	in.Opens, in.Closes = w.Now(), w.Now().Add(4*time.Hour)
	w.Must(w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, in)))
	w.Refused(errs.WrongState, w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, auction.OpenInput{ID: "AUC-2", Direction: "AMD-LIQ",
		Opens: w.Now(), Closes: w.Now().Add(time.Hour), Reserve: reserve})))
	title := contracttest.Decode[schema.PoolOwnership](t, w.Must(w.Auditor, "Auction:Owner", d.pool))
	if title.Owner != schema.SPVOwner(d.deal) {
		t.Fatalf("title before the sale: %+v", title)
	}

	desk2, desk3 := w.AttestedInvestor(w.Net.Servicer, "desk2"), w.AttestedInvestor(w.Net.Investors, "desk3")
	for _, b := range []*stubtest.Identity{desk2, desk3} {
		w.Must(w.Settlement, "Cash:Pay", w.Key(b), (winning + money.FromMajor(1)).String())
	}
	w.Refused(errs.WrongState, desk3, "Auction:Bid", d.deal, "AUC-1")
	const salt2, salt3 = "salt-of-desk-two-0001", "salt-of-desk-three-002"
	w.MustWith(desk2, "Auction:Seal", []string{d.deal, "AUC-1"}, bidTransient(t, losing, salt2))
	w.MustWith(desk3, "Auction:Seal", []string{d.deal, "AUC-1"}, bidTransient(t, winning, salt3))
	if got := w.Endorsers(desk3, "Auction:Seal", d.deal, "AUC-1"); len(got) != 1 || got[0] != w.Net.Investors {
		t.Fatalf("a sealed bid is endorsed by %v, want the bidder's bank alone", got)
	}
	w.Must(desk2, "Auction:Bid", d.deal, "AUC-1")
	w.Advance(time.Minute)
	w.Must(desk3, "Auction:Bid", d.deal, "AUC-1")
	w.Refused(errs.AlreadyExists, desk3, "Auction:Bid", d.deal, "AUC-1")
	w.RefusedWith(errs.WrongState, desk3, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, winning, salt3))
	w.Refused(errs.WrongState, w.Trustee, "Auction:Award", d.deal, "AUC-1")

	w.Advance(4 * time.Hour)
	late := w.AttestedInvestor(w.Net.Investors, "late")
	w.RefusedWith(errs.WrongState, late, "Auction:Seal", []string{d.deal, "AUC-1"}, bidTransient(t, winning+1, "salt-of-a-late-bidder"))
	// A reveal at another price, or with another salt, is refused and
	// changes nothing.
	before := w.Public()
	w.RefusedWith(errs.BadInput, desk3, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, winning+1, salt3))
	w.RefusedWith(errs.BadInput, desk3, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, winning, salt2+"x"))
	if after := w.Public(); len(after) != len(before) {
		t.Fatal("a refused reveal changed public state")
	}
	w.RefusedWith(errs.Forbidden, late, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, winning, salt3))
	w.MustWith(desk2, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, losing, salt2))
	w.MustWith(desk3, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, winning, salt3))

	cashBefore := w.CashAccount(desk3)
	accBefore := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	award := contracttest.Decode[core.Award](t, w.Must(w.Trustee, "Auction:Award", d.deal, "AUC-1"))
	if award.Reason != core.Sold || award.Winner == nil || award.Winner.Bidder != w.Key(desk3) || award.Winner.Price != winning || award.Bids != 2 {
		t.Fatalf("award %+v", award)
	}
	if got := w.CashAccount(desk3); got.Balance != cashBefore.Balance-winning {
		t.Fatalf("the buyer paid %s, want %s", cashBefore.Balance-got.Balance, winning)
	}
	accAfter := contracttest.Decode[schema.Accounts](t, w.Must(w.Auditor, "Servicing:GetAccounts", d.deal))
	if accAfter.Collection != accBefore.Collection+winning {
		t.Fatalf("collection account %s → %s, want + %s", accBefore.Collection, accAfter.Collection, winning)
	}
	if err := w.CheckCash(); err != nil {
		t.Fatal(err)
	}
	title = contracttest.Decode[schema.PoolOwnership](t, w.Must(w.Auditor, "Auction:Owner", d.pool))
	if title.Owner != w.Key(desk3) || title.Price != winning || title.Auction != "AUC-1" {
		t.Fatalf("title after the sale: %+v", title)
	}
	a := contracttest.Decode[schema.Auction](t, w.Must(w.Auditor, "Auction:Get", d.deal, "AUC-1"))
	if a.Status != schema.AuctionSold || a.Bids != 2 || a.Revealed != 2 {
		t.Fatalf("auction %+v", a)
	}
	w.Refused(errs.WrongState, w.Trustee, "Auction:Award", d.deal, "AUC-1")

	// The losing price (and its salt) is in no public record, no event,
	// and no implicit collection but desk2's own and the trustee's.
	for _, needle := range []string{losing.String(), `"` + salt2 + `"`} {
		for k, v := range w.Public() {
			if strings.Contains(string(v), needle) {
				t.Errorf("public %q shows the losing bid's %s: %s", k, needle, v)
			}
		}
		for _, e := range w.Events() {
			if strings.Contains(string(e.Payload), needle) {
				t.Errorf("event %s shows the losing bid's %s", e.Name, needle)
			}
		}
		for k, v := range w.Private(stubtest.ImplicitCollection(w.Net.Investors)) {
			if strings.Contains(string(v), needle) {
				t.Errorf("the winner's bank holds the losing bid in %q", k)
			}
		}
	}
}

// Below the reserve nothing sells and nothing moves.
func TestLiquidationAuctionBelowTheReserveSellsNothing(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	w.Must(w.Trustee, "Servicing:DeclareEventOfDefault", d.deal, "covenant breach")
	d.amend(t, amendment.ProposalInput{ID: "AMD-LIQ", Kind: consent.LiquidationDirection,
		Change: schema.AmendmentChange{Terms: "sell the pool"}}, "A", d.alice, d.bob)
	reserve := money.Amount(d.balance.Cents() / 2)
	w.Must(w.Trustee, "Auction:Open", d.deal, string(contracttest.MustCanon(t, auction.OpenInput{ID: "AUC-1", Direction: "AMD-LIQ",
		Opens: w.Now(), Closes: w.Now().Add(time.Hour), Reserve: reserve})))
	desk := w.AttestedInvestor(w.Net.Investors, "desk3")
	w.Must(w.Settlement, "Cash:Pay", w.Key(desk), reserve.String())
	w.MustWith(desk, "Auction:Seal", []string{d.deal, "AUC-1"}, bidTransient(t, reserve-1, "a-salt-long-enough-1"))
	w.Must(desk, "Auction:Bid", d.deal, "AUC-1")
	w.Advance(2 * time.Hour)
	w.MustWith(desk, "Auction:Reveal", []string{d.deal, "AUC-1"}, bidTransient(t, reserve-1, "a-salt-long-enough-1"))
	award := contracttest.Decode[core.Award](t, w.Must(w.Trustee, "Auction:Award", d.deal, "AUC-1"))
	if award.Reason != core.BelowReserve || award.Winner != nil {
		t.Fatalf("award %+v", award)
	}
	if got := w.CashAccount(desk); got.Balance != reserve {
		t.Fatalf("the bidder's cash moved: %s", got.Balance)
	}
	if title := contracttest.Decode[schema.PoolOwnership](t, w.Must(w.Auditor, "Auction:Owner", d.pool)); title.Owner != schema.SPVOwner(d.deal) {
		t.Fatalf("title %+v", title)
	}
	if a := contracttest.Decode[schema.Auction](t, w.Must(w.Auditor, "Auction:Get", d.deal, "AUC-1")); a.Status != schema.AuctionUnsold {
		t.Fatalf("auction %+v", a)
	}
}
