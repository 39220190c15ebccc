package main

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

// Settlements: both sides' banks instruct the same terms (each keeps
// them in its own implicit collection, the ledger sees their hashes);
// when the hashes match the settlement is matched, and one transaction
// then moves the units to the buyer and the buyer's cash to the seller —
// or nothing, recorded as failed with the rule that refused.

// settlementOutcome is a settlement step's answer.
type settlementOutcome struct {
	TxID     string `json:"txId"`
	Block    uint64 `json:"block"`
	TradeRef string `json:"tradeRef"`
	Status   string `json:"status"`
	Code     string `json:"code"`
	Rule     int    `json:"rule"`
}

// terms are what the two sides agreed, which each side's bank instructs
// as they are: the ledger compares their hashes. The nonce (128 random
// bits the sides agree off the ledger) keeps a hash of guessable terms
// from being inverted. Settlement is today, with an hour to settle.
func (d *demo) terms(ref string, kind settlement.Kind, class string, seller, buyer *actor, n int64, cash money.Amount) settlement.Terms {
	now := time.Now().UTC()
	t := settlement.Terms{TradeRef: ref, Kind: kind, Tranche: trancheID(d.dealID, class), Buyer: buyer.key, Units: n, Cash: cash,
		SettlementDate: now.Format(time.DateOnly), Expiry: now.Add(time.Hour).Truncate(time.Second), Payment: settlement.PaymentLedger,
		Nonce: randomHex(16)}
	if kind == settlement.KindIssuance {
		t.Issuer, t.Proceeds = d.trusteeBank.MSP, d.arranger.key
	} else {
		t.Seller = seller.key
	}
	return t
}

// instruct sends one side's instruction as a, holding the units (deliver)
// or the cash (receive) until the settlement ends if hold is set.
func (d *demo) instruct(a *actor, side string, t settlement.Terms, hold bool) (settlementOutcome, error) {
	var o settlementOutcome
	_, err := a.post(d.ctx, "/v1/settlements/"+t.TradeRef+"/"+side, map[string]any{"terms": t, "hold": hold}, &o)
	return o, err
}
