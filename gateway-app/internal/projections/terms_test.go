package projections

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Every event of one settlement names the same parties: the bank's side
// of the terms is read once, not once per event (or per batch of
// events), while the positions and cash they moved are still read.
func TestASettlementsTermsAreReadOncePerSide(t *testing.T) {
	h := newHarness(t)
	h.state.set(func() {
		h.state.terms["T-1|deliver"] = settlement.Terms{TradeRef: "T-1", Kind: settlement.KindTrade, Tranche: "A", Seller: alice, Buyer: bob, Units: 5, Cash: money.FromMajor(5)}
		h.state.positions["A|"+alice] = Position{Units: 95, Free: 95}
		h.state.balances[alice] = Balance{Balance: money.FromMajor(105)}
	})
	ev := func(status string) map[string]string {
		return map[string]string{"tradeRef": "T-1", "tranche": "A", "sellerBank": "Org2MSP", "buyerBank": "Org3MSP", "status": status}
	}
	h.apply(chain{
		envelope(3, "SettlementInstructed", ev("pendingReceive")),
		envelope(4, "SettlementInstructed", ev("matched")),
		envelope(5, "SettlementSettled", ev("settled")),
	})
	var terms, positions int
	for _, q := range h.state.asked {
		switch {
		case strings.HasPrefix(q, "Settlement:Terms "):
			terms++
		case strings.HasPrefix(q, "Token:Position"):
			positions++
		}
	}
	if terms != 1 {
		t.Errorf("the terms of T-1 were asked %d times, want once: %q", terms, h.state.asked)
	}
	if positions == 0 {
		t.Errorf("the seller's position was never read: %q", h.state.asked)
	}
	h.view(func(rm store.Reader) error {
		hist, _ := rm.HoldingHistory(alice, "A")
		if len(hist) == 0 || hist[len(hist)-1].Units != 95 {
			t.Errorf("holding history %+v", hist)
		}
		return nil
	})
}
