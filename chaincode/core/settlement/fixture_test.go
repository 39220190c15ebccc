package settlement

import (
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

var (
	sellerKey   = "Org2MSP/" + strings.Repeat("a1", 32)
	buyerKey    = "Org3MSP/" + strings.Repeat("b2", 32)
	proceedsKey = "Org1MSP/" + strings.Repeat("e5", 32)
	day0        = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	nonce       = "00112233445566778899aabbccddeeff"
)

// trade returns valid ledger-payment terms: 100 units for 98,500.00,
// intended settlement on day0, expiring two days later.
func trade() Terms {
	return Terms{
		TradeRef:       "ORG2-T-0001",
		Kind:           KindTrade,
		Tranche:        "DEAL1-A",
		Seller:         sellerKey,
		Buyer:          buyerKey,
		Units:          100,
		Cash:           money.FromMajor(98_500),
		SettlementDate: "2025-03-03",
		Expiry:         day0.Add(48 * time.Hour),
		Payment:        PaymentLedger,
		Nonce:          nonce,
	}
}

func rtgsTrade() Terms {
	t := trade()
	t.Payment = PaymentRTGS
	t.PaymentDeadline = t.Expiry.Add(24 * time.Hour)
	return t
}

func issuance() Terms {
	t := trade()
	t.Kind = KindIssuance
	t.Seller = ""
	t.Issuer = "Org1MSP"
	t.Proceeds = proceedsKey
	return t
}

func hashOf(t *testing.T, terms Terms) string {
	t.Helper()
	h, err := terms.HashHex()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// wantCode fails unless err carries code (or is nil when code is "").
func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errs.Is(err, code) {
		t.Fatalf("error %v, want code %s", err, code)
	}
}
