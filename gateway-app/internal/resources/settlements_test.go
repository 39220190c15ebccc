package resources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// A side's bank settles without sending the terms again: the gateway
// reads its own side's terms from its implicit collection and passes them
// on as transient data, byte for byte.
func TestSettleReadsTheBanksOwnTermsWhenNoneAreSent(t *testing.T) {
	ts := newTestServer(t)
	stored := `{"buyer":"` + holderA + `","cash":"10.00","expiry":"2026-03-01T00:00:00Z","kind":"trade","nonce":"00112233445566778899aabbccddeeff","payment":"ledger","seller":"` + holderB + `","settlementDate":"2026-02-01","tradeRef":"T-1","tranche":"D-1-A","units":10}`
	ts.ledger.answer("Settlement:Get", settlement.Record{TradeRef: "T-1", Tranche: "D-1-A", SellerBank: "Org2MSP", BuyerBank: "Org3MSP", Status: settlement.Matched})
	ts.ledger.script("Settlement:Terms", func(ledger.Tx) (ledger.Result, error) { return ledger.Result{Payload: []byte(stored)}, nil })
	ts.ledger.answer("Settlement:Settle", schema.SettlementStep{TradeRef: "T-1", Tranche: "D-1-A", SellerBank: "Org2MSP", BuyerBank: "Org3MSP", Status: settlement.Settled})
	a := ts.do("POST", "/v1/settlements/T-1/settle", roles.Investor, `{}`)
	if a.Status != http.StatusOK || !strings.Contains(string(a.Body), `"status":"settled"`) || !strings.Contains(string(a.Body), `"txId"`) {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	terms := ts.ledger.last(t, "Settlement:Terms")
	if terms.Tx.Args[0] != "T-1" || terms.Tx.Args[1] != "deliver" || terms.Tx.Endorsers[0] != "Org2MSP" {
		t.Fatalf("terms read %+v: this bank is the seller's, its peer holds the deliver terms", terms)
	}
	settle := ts.ledger.last(t, "Settlement:Settle")
	if string(settle.Tx.Transient["terms"]) != stored || settle.Tx.Args[0] != "T-1" {
		t.Fatalf("settle %+v", settle)
	}
	// A bank that is neither side must send the terms.
	ts.ledger.answer("Settlement:Get", settlement.Record{TradeRef: "T-1", SellerBank: "Org1MSP", BuyerBank: "Org3MSP"})
	a = ts.do("POST", "/v1/settlements/T-1/settle", roles.Trustee, `{}`)
	if p := a.problem(t); a.Status != http.StatusBadRequest || p.Field != "terms" {
		t.Fatalf("no terms, no side: %d %s", a.Status, a.Body)
	}
}
