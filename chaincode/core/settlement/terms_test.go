package settlement

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

func TestValidTermsPass(t *testing.T) {
	for name, terms := range map[string]Terms{"trade": trade(), "rtgs trade": rtgsTrade(), "issuance": issuance()} {
		if err := terms.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestTermsValidationNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Terms)
		field  string
		reason string
	}{
		{"empty trade ref", func(x *Terms) { x.TradeRef = "" }, "tradeRef", "1 to 64"},
		{"long trade ref", func(x *Terms) { x.TradeRef = strings.Repeat("x", 65) }, "tradeRef", "1 to 64"},
		{"trade ref with a slash", func(x *Terms) { x.TradeRef = "T/1" }, "tradeRef", "'/' not allowed"},
		{"trade ref starting with a dot", func(x *Terms) { x.TradeRef = ".T1" }, "tradeRef", "not allowed"},
		{"trade ref with NUL", func(x *Terms) { x.TradeRef = "T\x001" }, "tradeRef", "not allowed"},
		{"trade ref not UTF-8", func(x *Terms) { x.TradeRef = "T\xff" }, "tradeRef", "UTF-8"},
		{"empty tranche", func(x *Terms) { x.Tranche = "" }, "tranche", "1 to 64"},
		{"unknown kind", func(x *Terms) { x.Kind = "repo" }, "kind", `unknown kind "repo"`},
		{"trade with issuer", func(x *Terms) { x.Issuer = "Org1MSP" }, "issuer", "only an issuance"},
		{"trade without seller", func(x *Terms) { x.Seller = "" }, "seller", "not MSP/id"},
		{"seller id not hex", func(x *Terms) { x.Seller = "Org2MSP/xyz" }, "seller", "64 lower-case hex"},
		{"trade with proceeds account", func(x *Terms) { x.Proceeds = proceedsKey }, "proceeds", "a trade pays its seller"},
		{"issuance with seller", func(x *Terms) { x.Kind = KindIssuance; x.Issuer = "Org1MSP" }, "seller", "issuance account"},
		{"issuance without issuer", func(x *Terms) { *x = issuance(); x.Issuer = "" }, "issuer", "MSP ID"},
		{"issuance without proceeds", func(x *Terms) { *x = issuance(); x.Proceeds = "" }, "proceeds", "receives the purchase price"},
		{"issuance paying the buyer", func(x *Terms) { *x = issuance(); x.Proceeds = x.Buyer }, "buyer", "would pay itself"},
		{"buyer missing", func(x *Terms) { x.Buyer = "" }, "buyer", "not MSP/id"},
		{"buyer is seller", func(x *Terms) { x.Buyer = x.Seller }, "buyer", "would pay itself"},
		{"zero units", func(x *Terms) { x.Units = 0 }, "units", "must be positive, got 0"},
		{"negative units", func(x *Terms) { x.Units = -5 }, "units", "got -5"},
		{"zero cash", func(x *Terms) { x.Cash = 0 }, "cash", "must be positive"},
		{"negative cash", func(x *Terms) { x.Cash = -1 }, "cash", "got -0.01"},
		{"cash beyond the maximum", func(x *Terms) { x.Cash = money.MaxAmount + 1 }, "cash", "at most"},
		{"date not a date", func(x *Terms) { x.SettlementDate = "2025-02-30" }, "settlementDate", "not a date"},
		{"date with time", func(x *Terms) { x.SettlementDate = "2025-03-03T00:00:00Z" }, "settlementDate", "YYYY-MM-DD"},
		{"no expiry", func(x *Terms) { x.Expiry = time.Time{} }, "expiry", "required"},
		{"expiry before the settlement date", func(x *Terms) { x.Expiry = day0.Add(-10 * time.Hour) }, "expiry", "not after the start of the intended settlement date"},
		{"expiry beyond year 9999", func(x *Terms) { x.Expiry = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "expiry", "out of range"},
		{"unknown payment", func(x *Terms) { x.Payment = "cheque" }, "payment", `unknown payment mode "cheque"`},
		{"ledger with deadline", func(x *Terms) { x.PaymentDeadline = x.Expiry }, "paymentDeadline", "only an rtgs"},
		{"rtgs without deadline", func(x *Terms) { x.Payment = PaymentRTGS }, "paymentDeadline", "required"},
		{"rtgs deadline before expiry", func(x *Terms) { x.Payment = PaymentRTGS; x.PaymentDeadline = x.Expiry.Add(-time.Second) }, "paymentDeadline", "before expiry"},
		{"rtgs issuance", func(x *Terms) {
			*x = issuance()
			x.Payment, x.PaymentDeadline = PaymentRTGS, x.Expiry
		}, "payment", "primary issuance settles against the cash token"},
		{"short nonce", func(x *Terms) { x.Nonce = "abcd" }, "nonce", "at least 128 random bits"},
		{"upper-case nonce", func(x *Terms) { x.Nonce = strings.ToUpper(nonce) }, "nonce", "lower-case hex"},
		{"long nonce", func(x *Terms) { x.Nonce = strings.Repeat("0", 129) }, "nonce", "got 129 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			terms := trade()
			tc.edit(&terms)
			err := terms.Validate()
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.BadInput || e.Field != tc.field {
				t.Fatalf("Validate() = %v, want BAD_INPUT on field %s", err, tc.field)
			}
			if !strings.HasPrefix(e.Msg, tc.field+": ") || !strings.Contains(e.Msg, tc.reason) {
				t.Fatalf("message %q: want field prefix %q and %q", e.Msg, tc.field, tc.reason)
			}
			if _, err := terms.Canonical(); !errs.Is(err, errs.BadInput) {
				t.Fatalf("Canonical of invalid terms: %v", err)
			}
		})
	}
}

func TestCanonicalIsIndependentOfSpelling(t *testing.T) {
	want, err := trade().Canonical()
	if err != nil {
		t.Fatal(err)
	}
	// The same terms as the other bank's system might write them: other
	// member order, whitespace, a time zone and a cash amount without
	// trailing zero.
	spelled := `{
	  "nonce": "00112233445566778899aabbccddeeff",
	  "payment": "ledger",
	  "expiry": "2025-03-05T10:00:00+01:00",
	  "settlementDate": "2025-03-03",
	  "cash": "98500.0",
	  "units": 100,
	  "buyer": "` + buyerKey + `",
	  "seller": "` + sellerKey + `",
	  "tranche": "DEAL1-A",
	  "kind": "trade",
	  "tradeRef": "ORG2-T-0001"
	}`
	decoded, err := DecodeTerms([]byte(spelled))
	if err != nil {
		t.Fatal(err)
	}
	got, err := decoded.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("canonical bytes differ:\n got %s\nwant %s", got, want)
	}
	wantText := `{"buyer":"` + buyerKey + `","cash":"98500.00","expiry":"2025-03-05T09:00:00Z","kind":"trade","nonce":"` + nonce +
		`","payment":"ledger","seller":"` + sellerKey + `","settlementDate":"2025-03-03","tradeRef":"ORG2-T-0001","tranche":"DEAL1-A","units":100}`
	if string(want) != wantText {
		t.Fatalf("canonical form\n got %s\nwant %s", want, wantText)
	}
	h, _ := decoded.Hash()
	sum := sha256.Sum256(want)
	if hex.EncodeToString(h) != hex.EncodeToString(sum[:]) || hashOf(t, decoded) != hex.EncodeToString(sum[:]) {
		t.Fatalf("Hash is not SHA-256 of the canonical bytes")
	}
}

func TestEveryFieldChangesTheHash(t *testing.T) {
	base := hashOf(t, trade())
	edits := map[string]func(*Terms){
		"tradeRef":       func(x *Terms) { x.TradeRef = "ORG2-T-0002" },
		"tranche":        func(x *Terms) { x.Tranche = "DEAL1-B" },
		"seller":         func(x *Terms) { x.Seller = "Org2MSP/" + strings.Repeat("c3", 32) },
		"buyer":          func(x *Terms) { x.Buyer = "Org3MSP/" + strings.Repeat("d4", 32) },
		"units":          func(x *Terms) { x.Units = 101 },
		"cash":           func(x *Terms) { x.Cash++ },
		"settlementDate": func(x *Terms) { x.SettlementDate = "2025-03-04" },
		"expiry":         func(x *Terms) { x.Expiry = x.Expiry.Add(time.Nanosecond) },
		"payment":        func(x *Terms) { x.Payment, x.PaymentDeadline = PaymentRTGS, x.Expiry },
		"nonce":          func(x *Terms) { x.Nonce = "f" + nonce[1:] },
		"kind":           func(x *Terms) { *x = issuance() },
	}
	for field, edit := range edits {
		terms := trade()
		edit(&terms)
		if h := hashOf(t, terms); h == base {
			t.Errorf("changing %s leaves the hash %s", field, h)
		}
	}
}

func TestDecodeTermsIsStrict(t *testing.T) {
	valid, err := trade().Canonical()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, input, field string
	}{
		{"unknown field", strings.Replace(string(valid), `"units":100`, `"units":100,"side":"deliver"`, 1), "side"},
		{"case-insensitive match", strings.Replace(string(valid), `"units"`, `"Units"`, 1), "Units"},
		{"duplicate key", strings.Replace(string(valid), `"units":100`, `"units":100,"units":100`, 1), "units"},
		{"float units", strings.Replace(string(valid), `"units":100`, `"units":100.0`, 1), "units"},
		{"units as string", strings.Replace(string(valid), `"units":100`, `"units":"100"`, 1), "units"},
		{"cash with three decimals", strings.Replace(string(valid), `"98500.00"`, `"98500.001"`, 1), "cash"},
		{"bad time", strings.Replace(string(valid), `"2025-03-05T09:00:00Z"`, `"5 March 2025"`, 1), "expiry"},
		{"trailing data", string(valid) + `{}`, ""},
		{"not an object", `[1,2]`, ""},
		{"valid JSON, invalid terms", strings.Replace(string(valid), `"units":100`, `"units":0`, 1), "units"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeTerms([]byte(tc.input))
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.BadInput {
				t.Fatalf("DecodeTerms = %v, want BAD_INPUT", err)
			}
			if !strings.Contains(e.Msg, tc.field) {
				t.Fatalf("message %q does not name %q", e.Msg, tc.field)
			}
		})
	}
}

func TestBanksOfTheTerms(t *testing.T) {
	tests := []struct {
		terms         Terms
		seller, buyer string
	}{
		{trade(), "Org2MSP", "Org3MSP"},
		{issuance(), "Org1MSP", "Org3MSP"},
	}
	if p := trade().Payee(); p != sellerKey {
		t.Errorf("trade pays %s, want the seller", p)
	}
	if p := issuance().Payee(); p != proceedsKey {
		t.Errorf("issuance pays %s, want the proceeds account", p)
	}
	for _, tc := range tests {
		if got := tc.terms.SellerBank(); got != tc.seller {
			t.Errorf("%s SellerBank = %s, want %s", tc.terms.Kind, got, tc.seller)
		}
		if got := tc.terms.BuyerBank(); got != tc.buyer {
			t.Errorf("%s BuyerBank = %s, want %s", tc.terms.Kind, got, tc.buyer)
		}
	}
}

func TestSettleableOnlyFromTheIntendedDate(t *testing.T) {
	terms := trade()
	tests := []struct {
		at   time.Time
		code errs.Code
	}{
		{time.Date(2025, 3, 2, 23, 59, 59, 0, time.UTC), errs.WrongState},
		{time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), ""},
		// Dates compare in UTC: 23:30 on the 2nd in New York is 04:30 on
		// the 3rd in UTC, 00:30 on the 3rd in Frankfurt is still the 2nd.
		{time.Date(2025, 3, 2, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)), ""},
		{time.Date(2025, 3, 3, 0, 30, 0, 0, time.FixedZone("CET", 3600)), errs.WrongState},
		{day0.Add(24 * time.Hour), ""},
	}
	for _, tc := range tests {
		err := terms.SettleableAt(tc.at)
		wantCode(t, err, tc.code)
		if tc.code != "" && !strings.Contains(err.Error(), "intended settlement date 2025-03-03 not reached") {
			t.Errorf("message %q", err)
		}
	}
}
