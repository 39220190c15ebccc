package resources

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
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

// An instruction with a hold is two transactions: the instruction without
// a hold (this bank, the trustee and the majority), then Settlement:Hold
// on the trustee's peer. A retry after the first step sends only the
// second; a refused hold says the instruction is in without it.
func TestInstructWithHoldIsTwoStepsAndResumes(t *testing.T) {
	body := `{"hold":true,"terms":{"tradeRef":"T-1","kind":"trade","tranche":"D-1-A","seller":"` + holderB + `","buyer":"` + holderA +
		`","units":10,"cash":"10.00","settlementDate":"2026-02-01","expiry":"2026-03-01T00:00:00Z","payment":"ledger","nonce":"00112233445566778899aabbccddeeff"}}`
	var in InstructInput
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	hash, err := in.Terms.HashHex()
	if err != nil {
		t.Fatal(err)
	}
	step := func(status settlement.Status) schema.SettlementStep {
		return schema.SettlementStep{TradeRef: "T-1", Tranche: "D-1-A", SellerBank: "Org2MSP", BuyerBank: "Org3MSP", Side: settlement.Deliver, Status: status}
	}

	ts := newTestServer(t) // Settlement:Get is not scripted: NOT_FOUND, no record yet
	ts.ledger.answer("Settlement:InstructDeliver", step(settlement.PendingDeliver))
	ts.ledger.answer("Settlement:Hold", step(settlement.PendingDeliver))
	a := ts.do("POST", "/v1/settlements/T-1/deliver", roles.Investor, body)
	if a.Status != http.StatusOK || !strings.Contains(string(a.Body), `"status":"pending-deliver"`) {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	subs := ts.ledger.submitted("")
	if len(subs) != 2 || subs[0].Tx.Fn != "Settlement:InstructDeliver" || subs[1].Tx.Fn != "Settlement:Hold" {
		t.Fatalf("submitted %+v, want the instruction then the hold", subs)
	}
	if !slices.Equal(subs[0].Tx.Args, []string{"false"}) || !slices.Equal(subs[0].Tx.Endorsers, majority) {
		t.Fatalf("instruction %+v: without a hold, by the majority", subs[0].Tx)
	}
	if !slices.Equal(subs[1].Tx.Args, []string{"T-1", "deliver"}) || !slices.Equal(subs[1].Tx.Endorsers, trusteeBank) {
		t.Fatalf("hold %+v: by the trustee's peer", subs[1].Tx)
	}
	if string(subs[0].Tx.Transient["terms"]) != string(subs[1].Tx.Transient["terms"]) || len(subs[1].Tx.Transient["terms"]) == 0 {
		t.Fatal("the two steps carry different terms")
	}
	if a.Header.Get(api.HeaderTransactionID) != "tx0003" {
		t.Fatalf("answer names transaction %q, want the hold's", a.Header.Get(api.HeaderTransactionID))
	}

	// The instruction is in without a hold: only the hold is sent.
	ts = newTestServer(t)
	ts.ledger.answer("Settlement:Get", settlement.Record{TradeRef: "T-1", SellerBank: "Org2MSP", BuyerBank: "Org3MSP", Status: settlement.PendingDeliver,
		Deliver: &settlement.Leg{Hash: hash}})
	ts.ledger.refuse("Settlement:Hold", errs.InsufficientBalance, 0, "settlement T-1: units of tranche D-1-A: 5 units free to hold")
	a = ts.do("POST", "/v1/settlements/T-1/deliver", roles.Investor, body)
	if p := a.problem(t); p.Code != string(errs.InsufficientBalance) || !strings.Contains(p.Detail, "already without a hold") {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if subs := ts.ledger.submitted(""); len(subs) != 1 || subs[0].Tx.Fn != "Settlement:Hold" {
		t.Fatalf("submitted %+v, want the hold alone", subs)
	}

	// Other terms, or a leg that holds already: the chaincode refuses the
	// instruction as a repeat.
	for _, leg := range []settlement.Leg{{Hash: hash, Held: true}, {Hash: strings.Repeat("0", 64)}} {
		ts = newTestServer(t)
		ts.ledger.answer("Settlement:Get", settlement.Record{TradeRef: "T-1", SellerBank: "Org2MSP", BuyerBank: "Org3MSP", Status: settlement.PendingDeliver, Deliver: &leg})
		ts.ledger.refuse("Settlement:InstructDeliver", errs.AlreadyExists, 0, "settlement T-1: the deliver instruction is in already")
		a = ts.do("POST", "/v1/settlements/T-1/deliver", roles.Investor, body)
		if p := a.problem(t); p.Code != string(errs.AlreadyExists) {
			t.Fatalf("%+v: %d %s", leg, a.Status, a.Body)
		}
		if subs := ts.ledger.submitted(""); len(subs) != 1 {
			t.Fatalf("%+v: submitted %+v", leg, subs)
		}
	}

	// What no side can hold is refused before anything is sent.
	ts = newTestServer(t)
	a = ts.do("POST", "/v1/settlements/T-1/receive", roles.Investor, strings.Replace(body, `"payment":"ledger"`, `"payment":"rtgs","paymentDeadline":"2026-03-02T00:00:00Z"`, 1))
	if p := a.problem(t); a.Status != http.StatusBadRequest || p.Field != "hold" || len(ts.ledger.calls) != 0 {
		t.Fatalf("rtgs buyer's hold: %d %s, ledger calls %d", a.Status, a.Body, len(ts.ledger.calls))
	}

	// A fresh instruction whose hold is refused: the problem names the
	// instruction's transaction.
	ts = newTestServer(t)
	ts.ledger.answer("Settlement:InstructDeliver", step(settlement.PendingDeliver))
	ts.ledger.refuse("Settlement:Hold", errs.InsufficientBalance, 0, "5 units free to hold")
	a = ts.do("POST", "/v1/settlements/T-1/deliver", roles.Investor, body)
	if p := a.problem(t); p.Code != string(errs.InsufficientBalance) || !strings.Contains(p.Detail, "the instruction is in (transaction tx0002) without a hold") {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}
